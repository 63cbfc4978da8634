//! Playback signing keys: the public halves of the key pairs integrators sign playback tokens
//! with (`delivery::playback`). The private half is shown once when the key is made and never
//! stored. Deleting a row revokes the key: tokens naming it stop working at once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlaybackKeys {
    Table,
    Id,
    Name,
    Algorithm,
    PublicKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlaybackKeys::Table)
                    .col(
                        ColumnDef::new(PlaybackKeys::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PlaybackKeys::Name)
                            .string_len(100)
                            .not_null(),
                    )
                    // `eddsa` or `rs256`: the only algorithm a token signed with it may name.
                    .col(
                        ColumnDef::new(PlaybackKeys::Algorithm)
                            .string_len(16)
                            .not_null(),
                    )
                    // SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
                    .col(ColumnDef::new(PlaybackKeys::PublicKey).text().not_null())
                    .col(
                        ColumnDef::new(PlaybackKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlaybackKeys::Table).to_owned())
            .await
    }
}
