//! The viewer side of the community: registration settings and invitations, likes of videos and
//! episodes, subscriptions to channels and watch positions.
//!
//! Every row that belongs to a user or to an item goes with it (`ON DELETE CASCADE`); the
//! counters (`like_count`, `subscriber_count`) are added to in batches by the API, never
//! counted on a read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    LikeCount,
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    Id,
    LikeCount,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
    SubscriberCount,
}

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
}

#[derive(DeriveIden)]
enum VideoLikes {
    Table,
    VideoId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EpisodeLikes {
    Table,
    EpisodeId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChannelSubscriptions {
    Table,
    UserId,
    ChannelId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WatchPositions {
    Table,
    UserId,
    ItemId,
    VideoId,
    EpisodeId,
    PositionSecs,
    UpdatedAt,
}

fn counter(table: impl IntoIden + 'static, column: impl IntoIden + 'static) -> TableAlterStatement {
    Table::alter()
        .table(table)
        .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
        .to_owned()
}

fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(counter(Videos::Table, Videos::LikeCount))
            .await?;
        manager
            .alter_table(counter(Episodes::Table, Episodes::LikeCount))
            .await?;
        manager
            .alter_table(counter(Channels::Table, Channels::SubscriberCount))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SiteSettings::Table)
                    .col(
                        ColumnDef::new(SiteSettings::Key)
                            .string_len(100)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SiteSettings::Value).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(
                        ColumnDef::new(Invitations::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Invitations::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Invitations::CreatedBy).uuid().not_null())
                    .col(
                        ColumnDef::new(Invitations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Invitations::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Invitations::UsedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Invitations::UsedBy).uuid())
                    .foreign_key(&mut cascade(
                        (Invitations::Table, Invitations::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::UsedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VideoLikes::Table)
                    .col(ColumnDef::new(VideoLikes::VideoId).uuid().not_null())
                    .col(ColumnDef::new(VideoLikes::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(VideoLikes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(VideoLikes::VideoId)
                            .col(VideoLikes::UserId),
                    )
                    .foreign_key(&mut cascade(
                        (VideoLikes::Table, VideoLikes::VideoId),
                        (Videos::Table, Videos::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (VideoLikes::Table, VideoLikes::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_video_likes_user")
                    .table(VideoLikes::Table)
                    .col(VideoLikes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EpisodeLikes::Table)
                    .col(ColumnDef::new(EpisodeLikes::EpisodeId).uuid().not_null())
                    .col(ColumnDef::new(EpisodeLikes::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(EpisodeLikes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(EpisodeLikes::EpisodeId)
                            .col(EpisodeLikes::UserId),
                    )
                    .foreign_key(&mut cascade(
                        (EpisodeLikes::Table, EpisodeLikes::EpisodeId),
                        (Episodes::Table, Episodes::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (EpisodeLikes::Table, EpisodeLikes::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_episode_likes_user")
                    .table(EpisodeLikes::Table)
                    .col(EpisodeLikes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChannelSubscriptions::Table)
                    .col(
                        ColumnDef::new(ChannelSubscriptions::UserId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChannelSubscriptions::ChannelId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChannelSubscriptions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ChannelSubscriptions::UserId)
                            .col(ChannelSubscriptions::ChannelId),
                    )
                    .foreign_key(&mut cascade(
                        (ChannelSubscriptions::Table, ChannelSubscriptions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (ChannelSubscriptions::Table, ChannelSubscriptions::ChannelId),
                        (Channels::Table, Channels::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_channel_subscriptions_channel")
                    .table(ChannelSubscriptions::Table)
                    .col(ChannelSubscriptions::ChannelId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WatchPositions::Table)
                    .col(ColumnDef::new(WatchPositions::UserId).uuid().not_null())
                    .col(ColumnDef::new(WatchPositions::ItemId).uuid().not_null())
                    .col(ColumnDef::new(WatchPositions::VideoId).uuid())
                    .col(ColumnDef::new(WatchPositions::EpisodeId).uuid())
                    .col(
                        ColumnDef::new(WatchPositions::PositionSecs)
                            .double()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WatchPositions::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(WatchPositions::UserId)
                            .col(WatchPositions::ItemId),
                    )
                    .foreign_key(&mut cascade(
                        (WatchPositions::Table, WatchPositions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (WatchPositions::Table, WatchPositions::VideoId),
                        (Videos::Table, Videos::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (WatchPositions::Table, WatchPositions::EpisodeId),
                        (Episodes::Table, Episodes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The history page: one user's positions, most recent first.
        manager
            .create_index(
                Index::create()
                    .name("ix_watch_positions_user_updated")
                    .table(WatchPositions::Table)
                    .col(WatchPositions::UserId)
                    .col(WatchPositions::UpdatedAt)
                    .col(WatchPositions::ItemId)
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_watch_positions_video", WatchPositions::VideoId),
            ("ix_watch_positions_episode", WatchPositions::EpisodeId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(WatchPositions::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "watch_positions",
            "channel_subscriptions",
            "episode_likes",
            "video_likes",
            "invitations",
            "site_settings",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        for (table, column) in [
            ("channels", "subscriber_count"),
            ("episodes", "like_count"),
            ("videos", "like_count"),
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
