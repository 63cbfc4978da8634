//! The catalogue: channels and their members, videos, playlists, podcasts and episodes,
//! categories and tags, and the full-text search index.
//!
//! Keyset pagination walks `(sort key, id)` pairs, so every list order has an index ending in
//! `id`. Ids are UUIDv7, so `id` alone orders by creation time (NEWEST/OLDEST).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
    Name,
    Slug,
    Description,
    AvatarAssetId,
    BannerAssetId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChannelMembers {
    Table,
    ChannelId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
    Slug,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    ChannelId,
    Title,
    Slug,
    Description,
    Status,
    Visibility,
    PublishAt,
    UnpublishAt,
    DurationSecs,
    Language,
    License,
    CategoryId,
    ViewCount,
    Chapters,
    SourceAssetId,
    PosterAssetId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VideoTags {
    Table,
    VideoId,
    TagId,
}

#[derive(DeriveIden)]
enum Playlists {
    Table,
    Id,
    ChannelId,
    Title,
    Slug,
    Description,
    Visibility,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlaylistItems {
    Table,
    Id,
    PlaylistId,
    VideoId,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Podcasts {
    Table,
    Id,
    ChannelId,
    Title,
    Slug,
    Description,
    Author,
    OwnerName,
    OwnerEmail,
    ArtworkAssetId,
    Language,
    ItunesCategories,
    Explicit,
    PodcastType,
    Visibility,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    Id,
    PodcastId,
    Title,
    Slug,
    Description,
    Guid,
    MediaAssetId,
    DurationSecs,
    Season,
    Number,
    EpisodeType,
    Status,
    Visibility,
    PublishAt,
    UnpublishAt,
    FirstPublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EpisodeTags {
    Table,
    EpisodeId,
    TagId,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().to_owned()
}

fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().to_owned()
}

fn string(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn string_null(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
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

fn index(name: &str, table: impl IntoIden + 'static, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    stmt.to_owned()
}

fn fk(
    name: &str,
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

macro_rules! cols {
    ($($c:expr),* $(,)?) => { vec![$($c.into_iden()),*] };
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        manager
            .create_table(
                Table::create()
                    .table(Channels::Table)
                    .col(id(Channels::Id))
                    .col(string(Channels::Name, 200))
                    .col(string(Channels::Slug, 100))
                    .col(text(Channels::Description))
                    .col(uuid_null(Channels::AvatarAssetId))
                    .col(uuid_null(Channels::BannerAssetId))
                    .col(time(Channels::CreatedAt))
                    .col(time(Channels::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_channels_slug", Channels::Table, cols![Channels::Slug])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_channels_name",
                Channels::Table,
                cols![Channels::Name, Channels::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChannelMembers::Table)
                    .col(uuid(ChannelMembers::ChannelId))
                    .col(uuid(ChannelMembers::UserId))
                    .col(string(ChannelMembers::Role, 16))
                    .col(time(ChannelMembers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ChannelMembers::ChannelId)
                            .col(ChannelMembers::UserId),
                    )
                    .foreign_key(&mut fk(
                        "fk_channel_members_channel",
                        (ChannelMembers::Table, ChannelMembers::ChannelId),
                        (Channels::Table, Channels::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_channel_members_user",
                        (ChannelMembers::Table, ChannelMembers::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Visibility checks ask "which channels is this user a member of?" on every read.
        manager
            .create_index(index(
                "ix_channel_members_user",
                ChannelMembers::Table,
                cols![ChannelMembers::UserId, ChannelMembers::ChannelId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(id(Categories::Id))
                    .col(uuid_null(Categories::ParentId))
                    .col(string(Categories::Name, 200))
                    .col(string(Categories::Slug, 100))
                    .col(time(Categories::CreatedAt))
                    .col(time(Categories::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_categories_parent",
                        (Categories::Table, Categories::ParentId),
                        (Categories::Table, Categories::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_categories_slug",
                    Categories::Table,
                    cols![Categories::Slug],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_categories_parent",
                Categories::Table,
                cols![Categories::ParentId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(id(Tags::Id))
                    .col(string(Tags::Name, 100))
                    .col(string(Tags::Slug, 100))
                    .col(time(Tags::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_tags_slug", Tags::Table, cols![Tags::Slug])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Videos::Table)
                    .col(id(Videos::Id))
                    .col(uuid(Videos::ChannelId))
                    .col(string(Videos::Title, 200))
                    .col(string(Videos::Slug, 100))
                    .col(text(Videos::Description))
                    .col(string(Videos::Status, 16))
                    .col(string(Videos::Visibility, 16))
                    .col(time_null(Videos::PublishAt))
                    .col(time_null(Videos::UnpublishAt))
                    .col(ColumnDef::new(Videos::DurationSecs).double().null())
                    .col(string_null(Videos::Language, 35))
                    .col(string_null(Videos::License, 100))
                    .col(uuid_null(Videos::CategoryId))
                    .col(
                        ColumnDef::new(Videos::ViewCount)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(text(Videos::Chapters))
                    .col(uuid_null(Videos::SourceAssetId))
                    .col(uuid_null(Videos::PosterAssetId))
                    .col(time(Videos::CreatedAt))
                    .col(time(Videos::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_videos_channel",
                        (Videos::Table, Videos::ChannelId),
                        (Channels::Table, Channels::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_videos_category",
                        (Videos::Table, Videos::CategoryId),
                        (Categories::Table, Categories::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_videos_channel_slug",
                    Videos::Table,
                    cols![Videos::ChannelId, Videos::Slug],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_videos_channel_id", cols![Videos::ChannelId, Videos::Id]),
            ("ix_videos_views_id", cols![Videos::ViewCount, Videos::Id]),
            ("ix_videos_title_id", cols![Videos::Title, Videos::Id]),
            ("ix_videos_publish_id", cols![Videos::PublishAt, Videos::Id]),
            ("ix_videos_category", cols![Videos::CategoryId, Videos::Id]),
        ] {
            manager
                .create_index(index(name, Videos::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(VideoTags::Table)
                    .col(uuid(VideoTags::VideoId))
                    .col(uuid(VideoTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(VideoTags::VideoId)
                            .col(VideoTags::TagId),
                    )
                    .foreign_key(&mut fk(
                        "fk_video_tags_video",
                        (VideoTags::Table, VideoTags::VideoId),
                        (Videos::Table, Videos::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_video_tags_tag",
                        (VideoTags::Table, VideoTags::TagId),
                        (Tags::Table, Tags::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_video_tags_tag",
                VideoTags::Table,
                cols![VideoTags::TagId, VideoTags::VideoId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Playlists::Table)
                    .col(id(Playlists::Id))
                    .col(uuid(Playlists::ChannelId))
                    .col(string(Playlists::Title, 200))
                    .col(string(Playlists::Slug, 100))
                    .col(text(Playlists::Description))
                    .col(string(Playlists::Visibility, 16))
                    .col(time(Playlists::CreatedAt))
                    .col(time(Playlists::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_playlists_channel",
                        (Playlists::Table, Playlists::ChannelId),
                        (Channels::Table, Channels::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_playlists_channel_slug",
                    Playlists::Table,
                    cols![Playlists::ChannelId, Playlists::Slug],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_playlists_channel_id",
                Playlists::Table,
                cols![Playlists::ChannelId, Playlists::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_playlists_title_id",
                Playlists::Table,
                cols![Playlists::Title, Playlists::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlaylistItems::Table)
                    .col(id(PlaylistItems::Id))
                    .col(uuid(PlaylistItems::PlaylistId))
                    .col(uuid(PlaylistItems::VideoId))
                    .col(ColumnDef::new(PlaylistItems::Position).integer().not_null())
                    .col(time(PlaylistItems::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_playlist_items_playlist",
                        (PlaylistItems::Table, PlaylistItems::PlaylistId),
                        (Playlists::Table, Playlists::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_playlist_items_video",
                        (PlaylistItems::Table, PlaylistItems::VideoId),
                        (Videos::Table, Videos::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Not unique: a reorder shifts many positions in one statement, and SQLite checks
        // uniqueness row by row. Density is kept by the service inside one transaction.
        manager
            .create_index(index(
                "ix_playlist_items_position",
                PlaylistItems::Table,
                cols![PlaylistItems::PlaylistId, PlaylistItems::Position],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_playlist_items_video",
                PlaylistItems::Table,
                cols![PlaylistItems::VideoId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Podcasts::Table)
                    .col(id(Podcasts::Id))
                    .col(uuid(Podcasts::ChannelId))
                    .col(string(Podcasts::Title, 200))
                    .col(string(Podcasts::Slug, 100))
                    .col(text(Podcasts::Description))
                    .col(string(Podcasts::Author, 200))
                    .col(string(Podcasts::OwnerName, 200))
                    .col(string(Podcasts::OwnerEmail, 320))
                    .col(uuid_null(Podcasts::ArtworkAssetId))
                    .col(string(Podcasts::Language, 35))
                    .col(text(Podcasts::ItunesCategories))
                    .col(ColumnDef::new(Podcasts::Explicit).boolean().not_null())
                    .col(string(Podcasts::PodcastType, 16))
                    .col(string(Podcasts::Visibility, 16))
                    .col(time(Podcasts::CreatedAt))
                    .col(time(Podcasts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_podcasts_channel",
                        (Podcasts::Table, Podcasts::ChannelId),
                        (Channels::Table, Channels::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_podcasts_channel_slug",
                    Podcasts::Table,
                    cols![Podcasts::ChannelId, Podcasts::Slug],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_podcasts_channel_id",
                Podcasts::Table,
                cols![Podcasts::ChannelId, Podcasts::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_podcasts_title_id",
                Podcasts::Table,
                cols![Podcasts::Title, Podcasts::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Episodes::Table)
                    .col(id(Episodes::Id))
                    .col(uuid(Episodes::PodcastId))
                    .col(string(Episodes::Title, 200))
                    .col(string(Episodes::Slug, 100))
                    .col(text(Episodes::Description))
                    .col(string(Episodes::Guid, 200))
                    .col(uuid_null(Episodes::MediaAssetId))
                    .col(ColumnDef::new(Episodes::DurationSecs).double().null())
                    .col(ColumnDef::new(Episodes::Season).integer().null())
                    .col(ColumnDef::new(Episodes::Number).integer().null())
                    .col(string(Episodes::EpisodeType, 16))
                    .col(string(Episodes::Status, 16))
                    .col(string(Episodes::Visibility, 16))
                    .col(time_null(Episodes::PublishAt))
                    .col(time_null(Episodes::UnpublishAt))
                    .col(time_null(Episodes::FirstPublishedAt))
                    .col(time(Episodes::CreatedAt))
                    .col(time(Episodes::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_episodes_podcast",
                        (Episodes::Table, Episodes::PodcastId),
                        (Podcasts::Table, Podcasts::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_episodes_podcast_slug",
                    Episodes::Table,
                    cols![Episodes::PodcastId, Episodes::Slug],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_episodes_guid", Episodes::Table, cols![Episodes::Guid])
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_episodes_podcast_id",
                cols![Episodes::PodcastId, Episodes::Id],
            ),
            (
                "ix_episodes_publish_id",
                cols![Episodes::PublishAt, Episodes::Id],
            ),
            ("ix_episodes_title_id", cols![Episodes::Title, Episodes::Id]),
        ] {
            manager
                .create_index(index(name, Episodes::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(EpisodeTags::Table)
                    .col(uuid(EpisodeTags::EpisodeId))
                    .col(uuid(EpisodeTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(EpisodeTags::EpisodeId)
                            .col(EpisodeTags::TagId),
                    )
                    .foreign_key(&mut fk(
                        "fk_episode_tags_episode",
                        (EpisodeTags::Table, EpisodeTags::EpisodeId),
                        (Episodes::Table, Episodes::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_episode_tags_tag",
                        (EpisodeTags::Table, EpisodeTags::TagId),
                        (Tags::Table, Tags::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_episode_tags_tag",
                EpisodeTags::Table,
                cols![EpisodeTags::TagId, EpisodeTags::EpisodeId],
            ))
            .await?;

        create_search_index(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS search_documents")
            .await?;
        for table in [
            EpisodeTags::Table.into_iden(),
            Episodes::Table.into_iden(),
            Podcasts::Table.into_iden(),
            PlaylistItems::Table.into_iden(),
            Playlists::Table.into_iden(),
            VideoTags::Table.into_iden(),
            Videos::Table.into_iden(),
            Tags::Table.into_iden(),
            Categories::Table.into_iden(),
            ChannelMembers::Table.into_iden(),
            Channels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// One search document per searchable item, `(kind, item_id, title, body)`. The two backends
/// index it natively: an FTS5 table on SQLite, a generated `tsvector` with a GIN index on
/// PostgreSQL. The application writes the same rows either way (see `api/src/search`).
async fn create_search_index(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE search_documents USING fts5(\
                 kind UNINDEXED, item_id UNINDEXED, title, body, \
                 tokenize = 'unicode61 remove_diacritics 2')",
            )
            .await?;
        }
        _ => {
            // `simple` keeps every word (no stemming, no stop words) because titles come in
            // many languages; weights rank title hits above body hits.
            db.execute_unprepared(
                "CREATE TABLE search_documents (\
                 kind VARCHAR(16) NOT NULL, \
                 item_id UUID NOT NULL, \
                 title TEXT NOT NULL, \
                 body TEXT NOT NULL, \
                 tsv TSVECTOR GENERATED ALWAYS AS (\
                   setweight(to_tsvector('simple', title), 'A') || \
                   setweight(to_tsvector('simple', body), 'B')) STORED, \
                 PRIMARY KEY (kind, item_id))",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
            )
            .await?;
        }
    }
    Ok(())
}
