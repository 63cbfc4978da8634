//! Video queries and mutations.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

use super::{
    BulkAddVideosToPlaylistInput, BulkMoveVideosInput, BulkSetVideoVisibilityInput,
    BulkVideosInput, BulkVideosPayload, CreateVideoInput, DeleteVideoInput, MoveVideoInput,
    PublishVideoInput, UpdateVideoInput, Video, VideoFilter, VideoPayload,
};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::content;
use crate::content::CommonChanges;
use crate::error::AppResult;
use crate::graphql::bulk;
use crate::graphql::items;
use crate::graphql::pagination::{Cursor, ListCount, OrderBy, PageRequest};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::DeletePayload;
use crate::graphql::{app, loaders, viewer};
use crate::videos::entity::video;
use crate::videos::service::{self, NewVideo, VideoChanges};

/// The fields of `Video` that [`service::CARD_COLUMNS`] serve: a list asking only for these
/// reads only those columns.
const CARD_FIELDS: [&str; 13] = [
    "__typename",
    "id",
    "uuid",
    "title",
    "slug",
    "duration",
    "viewCount",
    "publishAt",
    "createdAt",
    "updatedAt",
    "channel",
    "category",
    "tags",
];

/// The video list behind `videos` and `Channel.videos`.
pub async fn list(
    ctx: &Context<'_>,
    filter: Option<VideoFilter>,
    request: PageRequest,
) -> AppResult<Connection<Cursor, Video, ListCount>> {
    let mut query = filter.unwrap_or_default().into_query(&viewer(ctx))?;
    let nodes = crate::graphql::loaders::nodes_of(ctx.look_ahead());
    query.without_texts = !nodes.iter().any(|n| {
        ["description", "descriptionHtml", "chapters"]
            .iter()
            .any(|f| n.field(f).exists())
    });
    query.card_only = nodes.iter().all(|n| {
        n.selection_fields().iter().all(|node| {
            node.selection_set()
                .all(|f| CARD_FIELDS.contains(&f.name()))
        })
    });
    let page = service::list(&app(ctx)?.reads, &viewer(ctx), query, &request).await?;
    let rows: Vec<&video::Model> = page.rows.iter().map(|(_, m)| m).collect();
    loaders(ctx)?
        .prefetch_videos(&nodes, &rows, crate::graphql::principal(ctx).user_id())
        .await?;
    Ok(request.connection(page, Video))
}

/// Video queries.
#[derive(Default, Debug)]
pub struct VideosQuery;

#[Object]
impl VideosQuery {
    /// A video by ID (a global ID, or its UUID as in `/watch/{uuid}` URLs), or by its
    /// channel's slug and its own slug. Unlisted videos are found too.
    async fn video(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        channel_slug: Option<String>,
        slug: Option<String>,
    ) -> AppResult<Option<Video>> {
        // `/watch/{uuid}` URLs carry the bare UUID.
        let id = id.map(|id| match uuid::Uuid::try_parse(&id) {
            Ok(uuid) => to_global("Video", uuid),
            Err(_) => id,
        });
        let found = items::find::<video::Entity>(ctx, id, channel_slug, slug).await?;
        // Its channel, category and tags now, in one statement each, instead of after the
        // DataLoaders' batch window (a watch page waited it out once per nesting level).
        if let Some(video) = &found {
            loaders(ctx)?
                .prefetch_videos(
                    &[ctx.look_ahead()],
                    &[video],
                    crate::graphql::principal(ctx).user_id(),
                )
                .await?;
        }
        Ok(found.map(Video))
    }

    /// Videos the caller may see (never unlisted ones unless they manage them). `first`
    /// defaults to 24 and is capped at 100.
    async fn videos(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<VideoFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Video, ListCount>> {
        list(ctx, filter, PageRequest::new(first, after, order_by)).await
    }
}

/// Video mutations.
#[derive(Default, Debug)]
pub struct VideosMutation;

#[Object]
impl VideosMutation {
    /// Creates a video in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_video(
        &self,
        ctx: &Context<'_>,
        input: CreateVideoInput,
    ) -> AppResult<VideoPayload> {
        let new = NewVideo::try_from(input)?;
        let video = service::create(&app(ctx)?.db, &viewer(ctx), new).await?;
        // A new video has no media yet, so nobody but its editors can see it.
        crate::graphql::gate::changed_nothing_public(ctx);
        Ok(VideoPayload::from(video))
    }

    /// Changes a video in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_video(
        &self,
        ctx: &Context<'_>,
        input: UpdateVideoInput,
    ) -> AppResult<VideoPayload> {
        let (id, changes) = input.into_changes()?;
        let downloads = changes.downloads_enabled.is_some();
        let app = app(ctx)?;
        let video = service::update(&app.db, &viewer(ctx), id, changes).await?;
        let max = app.config.transcode.max_attempts;
        if downloads && crate::transcode::downloads::ensure(&app.db, &video, max).await? {
            app.jobs.waiting.notify_waiters();
        }
        Ok(VideoPayload::from(video))
    }

    /// Publishes a video now or at a later time (it stays hidden until then). A video with no
    /// media, or whose only media failed, is refused (`VALIDATION`); one whose media is still
    /// processing goes out as soon as it is ready.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn publish_video(
        &self,
        ctx: &Context<'_>,
        input: PublishVideoInput,
    ) -> AppResult<VideoPayload> {
        items::publish::<video::Entity, _>(ctx, &input.id, input.at).await
    }

    /// Unpublishes a video now or at a later time.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn unpublish_video(
        &self,
        ctx: &Context<'_>,
        input: PublishVideoInput,
    ) -> AppResult<VideoPayload> {
        items::unpublish::<video::Entity, _>(ctx, &input.id, input.at).await
    }

    /// Deletes a video.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_video(
        &self,
        ctx: &Context<'_>,
        input: DeleteVideoInput,
    ) -> AppResult<DeletePayload> {
        items::delete_with_media::<video::Entity>(ctx, input.id).await
    }

    /// Moves a video to another channel. The caller must manage both channels. The slug stays
    /// when it is free in the target channel, else a free `<slug>-<n>` is chosen. Playlists of
    /// the old channel that hold the video keep it.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn move_video(
        &self,
        ctx: &Context<'_>,
        input: MoveVideoInput,
    ) -> AppResult<VideoPayload> {
        let id = from_global(&input.id, "Video")?;
        let channel_id = from_global(&input.channel_id, "Channel")?;
        let video = service::move_to_channel(&app(ctx)?.db, &viewer(ctx), id, channel_id).await?;
        Ok(VideoPayload::from(video))
    }

    /// Publishes videos now, each like `publishVideo`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_publish_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        bulk::publish::<video::Entity, _>(ctx, input.ids).await
    }

    /// Unpublishes videos now, each like `unpublishVideo`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_unpublish_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        bulk::unpublish::<video::Entity, _>(ctx, input.ids).await
    }

    /// Sets the visibility of videos: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_set_video_visibility(
        &self,
        ctx: &Context<'_>,
        input: BulkSetVideoVisibilityInput,
    ) -> AppResult<BulkVideosPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        let visibility = input.visibility;
        bulk::each::<video::Entity, _, _>(input.ids, move |id| async move {
            let changes = VideoChanges {
                common: CommonChanges::visibility(visibility),
                ..VideoChanges::default()
            };
            service::update(db, viewer, id, changes).await.map(Some)
        })
        .await
    }

    /// Adds videos to the end of a playlist in the given order, each like `addPlaylistItem`:
    /// one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_add_videos_to_playlist(
        &self,
        ctx: &Context<'_>,
        input: BulkAddVideosToPlaylistInput,
    ) -> AppResult<BulkVideosPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        let playlist_id = from_global(&input.playlist_id, "Playlist")?;
        bulk::each::<video::Entity, _, _>(input.ids, move |id| async move {
            crate::playlists::service::add_item(db, viewer, playlist_id, id, None).await?;
            content::find::<video::Entity>(db, viewer, id).await
        })
        .await
    }

    /// Moves videos to another channel, each like `moveVideo`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_move_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkMoveVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        let channel_id = from_global(&input.channel_id, "Channel")?;
        bulk::each::<video::Entity, _, _>(input.ids, move |id| async move {
            service::move_to_channel(db, viewer, id, channel_id)
                .await
                .map(Some)
        })
        .await
    }

    /// Deletes videos and their files, each like `deleteVideo`: one result per ID in input
    /// order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_delete_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        bulk::delete::<video::Entity, _>(ctx, input.ids).await
    }
}
