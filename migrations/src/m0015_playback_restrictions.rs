//! Playback restrictions: which sites may embed or play a channel's videos, by the `Referer`
//! they send. One nullable text column on channels (null: no restriction) and on videos (null:
//! the channel's), holding the rule as JSON (`{"allowedDomains": [...], "allowNoReferrer":
//! true}`), written and read only by `api/src/delivery/referrer.rs`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Channels {
    Table,
    PlaybackRestriction,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    PlaybackRestriction,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Channels::Table)
                    .add_column(ColumnDef::new(Channels::PlaybackRestriction).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .add_column(ColumnDef::new(Videos::PlaybackRestriction).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .drop_column(Videos::PlaybackRestriction)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Channels::Table)
                    .drop_column(Channels::PlaybackRestriction)
                    .to_owned(),
            )
            .await
    }
}
