//! Chapters for podcast episodes, stored like a video's: a JSON array of `{title, startSecs}`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Episodes {
    Table,
    Chapters,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Episodes::Table)
                    .add_column(
                        ColumnDef::new(Episodes::Chapters)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Episodes::Table)
                    .drop_column(Episodes::Chapters)
                    .to_owned(),
            )
            .await
    }
}
