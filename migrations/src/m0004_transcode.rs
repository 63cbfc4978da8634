//! The durable job queue, the outputs a transcode produces, and the processing error shown on
//! a video or episode.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    AssetId,
    SubjectKind,
    SubjectId,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LockedUntil,
    Progress,
    Stage,
    EtaSecs,
    LastError,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum MediaOutputs {
    Table,
    Id,
    AssetId,
    Kind,
    Name,
    StorageKey,
    ContentType,
    Bytes,
    Bitrate,
    Width,
    Height,
    DurationSecs,
    Extra,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    MediaError,
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    MediaError,
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn time_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(ColumnDef::new(Jobs::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Jobs::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Jobs::AssetId).uuid().not_null())
                    .col(ColumnDef::new(Jobs::SubjectKind).string_len(16).not_null())
                    .col(ColumnDef::new(Jobs::SubjectId).uuid().not_null())
                    .col(ColumnDef::new(Jobs::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Jobs::Attempts).integer().not_null())
                    .col(ColumnDef::new(Jobs::MaxAttempts).integer().not_null())
                    .col(time(Jobs::RunAt))
                    .col(ColumnDef::new(Jobs::LockedBy).string_len(128).null())
                    .col(time_null(Jobs::LockedUntil))
                    .col(ColumnDef::new(Jobs::Progress).double().not_null())
                    .col(ColumnDef::new(Jobs::Stage).string_len(32).null())
                    .col(ColumnDef::new(Jobs::EtaSecs).double().null())
                    .col(ColumnDef::new(Jobs::LastError).text().null())
                    .col(time(Jobs::CreatedAt))
                    .col(time(Jobs::UpdatedAt))
                    .col(time_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_status_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::Status)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_subject")
                    .table(Jobs::Table)
                    .col(Jobs::SubjectId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MediaOutputs::Table)
                    .col(
                        ColumnDef::new(MediaOutputs::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MediaOutputs::AssetId).uuid().not_null())
                    .col(ColumnDef::new(MediaOutputs::Kind).string_len(24).not_null())
                    .col(ColumnDef::new(MediaOutputs::Name).string_len(64).not_null())
                    .col(
                        ColumnDef::new(MediaOutputs::StorageKey)
                            .string_len(512)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MediaOutputs::ContentType)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MediaOutputs::Bytes).big_integer().not_null())
                    .col(ColumnDef::new(MediaOutputs::Bitrate).big_integer().null())
                    .col(ColumnDef::new(MediaOutputs::Width).integer().null())
                    .col(ColumnDef::new(MediaOutputs::Height).integer().null())
                    .col(ColumnDef::new(MediaOutputs::DurationSecs).double().null())
                    .col(ColumnDef::new(MediaOutputs::Extra).text().null())
                    .col(time(MediaOutputs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_media_outputs_key")
                    .table(MediaOutputs::Table)
                    .col(MediaOutputs::StorageKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_media_outputs_asset_kind_name")
                    .table(MediaOutputs::Table)
                    .col(MediaOutputs::AssetId)
                    .col(MediaOutputs::Kind)
                    .col(MediaOutputs::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .add_column(ColumnDef::new(Videos::MediaError).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Episodes::Table)
                    .add_column(ColumnDef::new(Episodes::MediaError).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Episodes::Table)
                    .drop_column(Episodes::MediaError)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .drop_column(Videos::MediaError)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MediaOutputs::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
