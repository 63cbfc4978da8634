//! Direct uploads (issue 18): a one-time tus creation URL an integrator hands to a browser on its
//! own site. The row holds the URL's secret, the one origin allowed to use it, its size limit and
//! expiry, the settings of the draft video made when the file is in, and what became of it (the
//! upload, then the video). It goes with its channel and with the user who made it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DirectUploads {
    Table,
    Id,
    Secret,
    OwnerId,
    ChannelId,
    CorsOrigin,
    MaxSize,
    Settings,
    Status,
    Error,
    UploadId,
    VideoId,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn table() -> TableCreateStatement {
    use DirectUploads as D;
    Table::create()
        .table(D::Table)
        .col(ColumnDef::new(D::Id).uuid().not_null().primary_key())
        .col(
            ColumnDef::new(D::Secret)
                .string_len(64)
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new(D::OwnerId).uuid().not_null())
        .col(ColumnDef::new(D::ChannelId).uuid().not_null())
        .col(ColumnDef::new(D::CorsOrigin).string_len(255).not_null())
        .col(ColumnDef::new(D::MaxSize).big_integer().not_null())
        .col(ColumnDef::new(D::Settings).text().not_null())
        .col(ColumnDef::new(D::Status).string_len(16).not_null())
        .col(ColumnDef::new(D::Error).text().null())
        .col(ColumnDef::new(D::UploadId).uuid().null())
        .col(ColumnDef::new(D::VideoId).uuid().null())
        .col(time(D::ExpiresAt))
        .col(time(D::CreatedAt))
        .col(time(D::UpdatedAt))
        .foreign_key(
            ForeignKey::create()
                .from(D::Table, D::ChannelId)
                .to(Channels::Table, Channels::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(D::Table, D::OwnerId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(table()).await?;
        // The sweep looks for waiting ones past their expiry; completion by upload.
        manager
            .create_index(
                Index::create()
                    .name("direct_uploads_status_expires")
                    .table(DirectUploads::Table)
                    .col(DirectUploads::Status)
                    .col(DirectUploads::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("direct_uploads_upload")
                    .table(DirectUploads::Table)
                    .col(DirectUploads::UploadId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DirectUploads::Table).to_owned())
            .await
    }
}
