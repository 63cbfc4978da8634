//! Media assets and resumable (tus) uploads.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MediaAssets {
    Table,
    Id,
    OwnerId,
    Kind,
    StorageKey,
    Size,
    Sha256,
    ContentType,
    OriginalName,
    Probe,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    OwnerId,
    Length,
    Offset,
    Metadata,
    Filename,
    TargetKind,
    TargetId,
    Status,
    Error,
    AssetId,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MediaAssets::Table)
                    .col(
                        ColumnDef::new(MediaAssets::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MediaAssets::OwnerId).uuid().not_null())
                    .col(ColumnDef::new(MediaAssets::Kind).string_len(16).not_null())
                    .col(
                        ColumnDef::new(MediaAssets::StorageKey)
                            .string_len(512)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MediaAssets::Size).big_integer().not_null())
                    .col(
                        ColumnDef::new(MediaAssets::Sha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MediaAssets::ContentType)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MediaAssets::OriginalName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MediaAssets::Probe).text().null())
                    .col(
                        ColumnDef::new(MediaAssets::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_media_assets_owner")
                            .from(MediaAssets::Table, MediaAssets::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_media_assets_key")
                    .table(MediaAssets::Table)
                    .col(MediaAssets::StorageKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_media_assets_owner")
                    .table(MediaAssets::Table)
                    .col(MediaAssets::OwnerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(ColumnDef::new(Uploads::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Uploads::OwnerId).uuid().not_null())
                    .col(ColumnDef::new(Uploads::Length).big_integer().not_null())
                    .col(ColumnDef::new(Uploads::Offset).big_integer().not_null())
                    .col(ColumnDef::new(Uploads::Metadata).text().not_null())
                    .col(ColumnDef::new(Uploads::Filename).string_len(255).not_null())
                    .col(ColumnDef::new(Uploads::TargetKind).string_len(16).null())
                    .col(ColumnDef::new(Uploads::TargetId).uuid().null())
                    .col(ColumnDef::new(Uploads::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Uploads::Error).text().null())
                    .col(ColumnDef::new(Uploads::AssetId).uuid().null())
                    .col(
                        ColumnDef::new(Uploads::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Uploads::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Uploads::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_uploads_owner")
                            .from(Uploads::Table, Uploads::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_uploads_owner_status")
                    .table(Uploads::Table)
                    .col(Uploads::OwnerId)
                    .col(Uploads::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MediaAssets::Table).to_owned())
            .await
    }
}
