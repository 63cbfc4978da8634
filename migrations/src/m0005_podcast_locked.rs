//! `podcast:locked`: whether a podcast's owner forbids other platforms to import its feed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Podcasts {
    Table,
    Locked,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Podcasts::Table)
                    .add_column(
                        ColumnDef::new(Podcasts::Locked)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Podcasts::Table)
                    .drop_column(Podcasts::Locked)
                    .to_owned(),
            )
            .await
    }
}
