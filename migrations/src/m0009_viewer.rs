//! What the viewer site orders and counts by:
//!
//! - `NEWEST`/`OLDEST` follow the publish time (`COALESCE(publish_at, created_at)`), with
//!   expression indexes on it (alone and per channel) so keyset pages cost the same at any depth;
//! - daily view counts per video and per episode (`video_daily_views`, `episode_daily_views`),
//!   added to by the batched view flush, feeding editors' statistics and the trending score;
//! - `videos.trending_score` (views of recent days, halved every two days), indexed for
//!   `orderBy: TRENDING`;
//! - `channels.view_count` (the views of their videos) for channels' `MOST_VIEWED`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    TrendingScore,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    ViewCount,
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum VideoDailyViews {
    Table,
    VideoId,
    Day,
    Views,
}

#[derive(DeriveIden)]
enum EpisodeDailyViews {
    Table,
    EpisodeId,
    Day,
    Views,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Expression indexes: sea-query's index builder takes columns only. Both databases
        // accept this spelling, and both use the index for an ORDER BY of the same expression.
        for sql in [
            "CREATE INDEX ix_videos_published_id ON videos ((COALESCE(publish_at, created_at)), id)",
            "CREATE INDEX ix_videos_channel_published_id \
             ON videos (channel_id, (COALESCE(publish_at, created_at)), id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .add_column(
                        ColumnDef::new(Videos::TrendingScore)
                            .double()
                            .not_null()
                            .default(0.0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_videos_trending_id")
                    .table(Videos::Table)
                    .col(Videos::TrendingScore)
                    .col(Videos::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Channels::Table)
                    .add_column(
                        ColumnDef::new(Channels::ViewCount)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "UPDATE channels SET view_count = \
             COALESCE((SELECT SUM(v.view_count) FROM videos v WHERE v.channel_id = channels.id), 0)",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_channels_views_id")
                    .table(Channels::Table)
                    .col(Channels::ViewCount)
                    .col(Alias::new("id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VideoDailyViews::Table)
                    .col(ColumnDef::new(VideoDailyViews::VideoId).uuid().not_null())
                    .col(ColumnDef::new(VideoDailyViews::Day).date().not_null())
                    .col(
                        ColumnDef::new(VideoDailyViews::Views)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(VideoDailyViews::VideoId)
                            .col(VideoDailyViews::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(VideoDailyViews::Table, VideoDailyViews::VideoId)
                            .to(Videos::Table, Videos::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_video_daily_views_day")
                    .table(VideoDailyViews::Table)
                    .col(VideoDailyViews::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EpisodeDailyViews::Table)
                    .col(
                        ColumnDef::new(EpisodeDailyViews::EpisodeId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(EpisodeDailyViews::Day).date().not_null())
                    .col(
                        ColumnDef::new(EpisodeDailyViews::Views)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(EpisodeDailyViews::EpisodeId)
                            .col(EpisodeDailyViews::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EpisodeDailyViews::Table, EpisodeDailyViews::EpisodeId)
                            .to(Episodes::Table, Episodes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["episode_daily_views", "video_daily_views"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        for (index, table) in [
            ("ix_channels_views_id", "channels"),
            ("ix_videos_trending_id", "videos"),
            ("ix_videos_channel_published_id", "videos"),
            ("ix_videos_published_id", "videos"),
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(Alias::new(table))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Channels::Table)
                    .drop_column(Channels::ViewCount)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .drop_column(Videos::TrendingScore)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
