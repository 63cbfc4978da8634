//! Comments on videos and episodes, with moderation: the comments (one level of replies), the
//! reports on them, the channels' moderation mode, "comments off" per video and episode, and
//! the users banned from commenting on a channel.
//!
//! A comment goes with its video or episode and with its parent (`ON DELETE CASCADE`); when its
//! author's account is deleted it stays, anonymised (`author_id` set to NULL). The counts
//! (`comment_count` on items, `reply_count` and `report_count` on comments) are kept by the
//! API in the transaction that changes a comment, never counted on a read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    DisabledAt,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    CommentCount,
    CommentsEnabled,
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    Id,
    CommentCount,
    CommentsEnabled,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
    CommentModeration,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    VideoId,
    EpisodeId,
    AuthorId,
    ParentId,
    Body,
    BodyHtml,
    Status,
    ReplyCount,
    ReportCount,
    CreatedAt,
    EditedAt,
}

#[derive(DeriveIden)]
enum CommentReports {
    Table,
    CommentId,
    UserId,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommentBans {
    Table,
    ChannelId,
    UserId,
    CreatedBy,
    CreatedAt,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
    action: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(action)
        .to_owned()
}

fn add(table: impl IntoIden + 'static, column: &mut ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(column).to_owned()
}

fn index(name: &str, table: impl IntoIden + 'static, cols: Vec<Comments>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

fn comments_table() -> TableCreateStatement {
    use ForeignKeyAction::{Cascade, SetNull};
    Table::create()
        .table(Comments::Table)
        .col(ColumnDef::new(Comments::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Comments::VideoId).uuid())
        .col(ColumnDef::new(Comments::EpisodeId).uuid())
        .col(ColumnDef::new(Comments::AuthorId).uuid())
        .col(ColumnDef::new(Comments::ParentId).uuid())
        .col(ColumnDef::new(Comments::Body).text().not_null())
        .col(ColumnDef::new(Comments::BodyHtml).text().not_null())
        .col(ColumnDef::new(Comments::Status).string_len(16).not_null())
        .col(
            ColumnDef::new(Comments::ReplyCount)
                .big_integer()
                .not_null()
                .default(0),
        )
        .col(
            ColumnDef::new(Comments::ReportCount)
                .big_integer()
                .not_null()
                .default(0),
        )
        .col(
            ColumnDef::new(Comments::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .col(ColumnDef::new(Comments::EditedAt).timestamp_with_time_zone())
        .foreign_key(&mut fk(
            (Comments::Table, Comments::VideoId),
            (Videos::Table, Videos::Id),
            Cascade,
        ))
        .foreign_key(&mut fk(
            (Comments::Table, Comments::EpisodeId),
            (Episodes::Table, Episodes::Id),
            Cascade,
        ))
        .foreign_key(&mut fk(
            (Comments::Table, Comments::AuthorId),
            (Users::Table, Users::Id),
            SetNull,
        ))
        .foreign_key(&mut fk(
            (Comments::Table, Comments::ParentId),
            (Comments::Table, Comments::Id),
            Cascade,
        ))
        .to_owned()
}

fn reports_table() -> TableCreateStatement {
    Table::create()
        .table(CommentReports::Table)
        .col(ColumnDef::new(CommentReports::CommentId).uuid().not_null())
        .col(ColumnDef::new(CommentReports::UserId).uuid().not_null())
        .col(ColumnDef::new(CommentReports::Reason).text())
        .col(
            ColumnDef::new(CommentReports::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .primary_key(
            Index::create()
                .col(CommentReports::CommentId)
                .col(CommentReports::UserId),
        )
        .foreign_key(&mut fk(
            (CommentReports::Table, CommentReports::CommentId),
            (Comments::Table, Comments::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            (CommentReports::Table, CommentReports::UserId),
            (Users::Table, Users::Id),
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn bans_table() -> TableCreateStatement {
    Table::create()
        .table(CommentBans::Table)
        .col(ColumnDef::new(CommentBans::ChannelId).uuid().not_null())
        .col(ColumnDef::new(CommentBans::UserId).uuid().not_null())
        .col(ColumnDef::new(CommentBans::CreatedBy).uuid())
        .col(
            ColumnDef::new(CommentBans::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .primary_key(
            Index::create()
                .col(CommentBans::ChannelId)
                .col(CommentBans::UserId),
        )
        .foreign_key(&mut fk(
            (CommentBans::Table, CommentBans::ChannelId),
            (Channels::Table, Channels::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            (CommentBans::Table, CommentBans::UserId),
            (Users::Table, Users::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            (CommentBans::Table, CommentBans::CreatedBy),
            (Users::Table, Users::Id),
            ForeignKeyAction::SetNull,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(add(
                Videos::Table,
                ColumnDef::new(Videos::CommentCount)
                    .big_integer()
                    .not_null()
                    .default(0),
            ))
            .await?;
        manager
            .alter_table(add(
                Videos::Table,
                ColumnDef::new(Videos::CommentsEnabled)
                    .boolean()
                    .not_null()
                    .default(true),
            ))
            .await?;
        manager
            .alter_table(add(
                Episodes::Table,
                ColumnDef::new(Episodes::CommentCount)
                    .big_integer()
                    .not_null()
                    .default(0),
            ))
            .await?;
        manager
            .alter_table(add(
                Episodes::Table,
                ColumnDef::new(Episodes::CommentsEnabled)
                    .boolean()
                    .not_null()
                    .default(true),
            ))
            .await?;
        manager
            .alter_table(add(
                Channels::Table,
                ColumnDef::new(Channels::CommentModeration)
                    .string_len(16)
                    .not_null()
                    .default("publish"),
            ))
            .await?;
        manager.create_table(comments_table()).await?;
        // A thread page: one item's comments newest first (ids are UUIDv7, so by id), the
        // status a filter on the rows read in that order; replies by parent; the rate limit
        // by author and time; the moderation queue by status.
        for (name, cols) in [
            (
                "ix_comments_video_thread",
                vec![Comments::VideoId, Comments::Id],
            ),
            (
                "ix_comments_episode_thread",
                vec![Comments::EpisodeId, Comments::Id],
            ),
            ("ix_comments_parent", vec![Comments::ParentId, Comments::Id]),
            (
                "ix_comments_author",
                vec![Comments::AuthorId, Comments::CreatedAt],
            ),
            (
                "ix_comments_queue",
                vec![Comments::Status, Comments::ReportCount, Comments::Id],
            ),
        ] {
            manager
                .create_index(index(name, Comments::Table, cols))
                .await?;
        }
        // Threads leave out the comments of disabled accounts: find those without a scan.
        manager
            .create_index(
                Index::create()
                    .name("ix_users_disabled_at")
                    .table(Users::Table)
                    .col(Users::DisabledAt)
                    .to_owned(),
            )
            .await?;
        manager.create_table(reports_table()).await?;
        manager.create_table(bans_table()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_users_disabled_at")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        for table in ["comment_bans", "comment_reports", "comments"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        for (table, column) in [
            ("channels", "comment_moderation"),
            ("episodes", "comments_enabled"),
            ("episodes", "comment_count"),
            ("videos", "comments_enabled"),
            ("videos", "comment_count"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
