//! GraphQL types and resolvers of videos.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::entity::video;
use super::service::{self, Chapter, NewVideo, VideoChanges, VideoQuery};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::channels::graphql::Channel;
use crate::content::{self, delete_with_media};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{ListCount, OrderBy};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::{DeletePayload, Lookup, id_input, ids, maybe, opt_id};
use crate::graphql::{app, loaders, viewer};
use crate::taxonomy::graphql::{Category, Tag};
use crate::visibility::{Status, Visibility};

/// A video.
#[derive(Debug, Clone)]
pub struct Video(pub video::Model);

/// A titled start time in a video.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Chapter")]
pub struct ChapterObject {
    /// Chapter title.
    pub title: String,
    /// Start, in seconds from the beginning.
    pub start_secs: f64,
}

/// A chapter to store.
#[derive(InputObject, Debug, Clone)]
pub struct ChapterInput {
    /// Chapter title (1 to 200 characters).
    pub title: String,
    /// Start, in seconds; chapters must be in increasing order.
    pub start_secs: f64,
}

impl From<ChapterInput> for Chapter {
    fn from(c: ChapterInput) -> Self {
        Self {
            title: c.title,
            start_secs: c.start_secs,
        }
    }
}

#[Object]
impl Video {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Video", self.0.id)
    }
    /// The video's UUID: the form in its watch, embed and oEmbed URLs (`/watch/{uuid}`).
    async fn uuid(&self) -> uuid::Uuid {
        self.0.id
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Address part, unique within the channel.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Description as written (Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Description rendered to sanitized HTML.
    async fn description_html(&self) -> String {
        content::render_markdown(&self.0.description)
    }
    /// Where its media is (set by the media pipeline only); only READY videos are public.
    async fn status(&self) -> AppResult<Status> {
        Status::parse(&self.0.status)
    }
    /// Why the media could not be used (an upload rejected, a transcode failed), for editors.
    async fn media_error(&self) -> Option<&str> {
        self.0.media_error.as_deref()
    }
    /// The latest processing of its media: state, progress, last error.
    async fn processing(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::transcode::graphql::Processing>> {
        crate::transcode::graphql::processing_of(ctx, self.0.id).await
    }
    /// Who may see it.
    async fn visibility(&self) -> AppResult<Visibility> {
        Visibility::parse(&self.0.visibility)
    }
    /// Start of the publish window (null: not published).
    async fn publish_at(&self) -> Option<DateTime<Utc>> {
        self.0.publish_at
    }
    /// End of the publish window (null: open).
    async fn unpublish_at(&self) -> Option<DateTime<Utc>> {
        self.0.unpublish_at
    }
    /// Length in seconds, as measured from its media.
    async fn duration(&self) -> Option<f64> {
        self.0.duration_secs
    }
    /// BCP 47 language tag.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// License name or URL.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }
    /// How often it was watched.
    async fn view_count(&self) -> i64 {
        self.0.view_count
    }
    /// Views per UTC day over the last `days` days (1 to 90), oldest first, days without views
    /// as 0. Null unless the caller manages its channel (its editors, admins).
    async fn views_per_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> AppResult<Option<Vec<crate::delivery::daily_views::DayViewsObject>>> {
        let channel = async { Ok(self.0.channel_id) };
        crate::delivery::daily_views::resolve(
            ctx,
            crate::delivery::daily_views::Item::Video,
            self.0.id,
            channel,
            days,
        )
        .await
    }
    /// Chapters in order.
    async fn chapters(&self) -> Vec<ChapterObject> {
        service::chapters_of(&self.0)
            .into_iter()
            .map(|c| ChapterObject {
                title: c.title,
                start_secs: c.start_secs,
            })
            .collect()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The channel that published it.
    async fn channel(&self, ctx: &Context<'_>) -> AppResult<Channel> {
        loaders(ctx)?
            .channel
            .load_one(self.0.channel_id)
            .await?
            .map(Channel)
            .ok_or(AppError::NotFound("channel"))
    }
    /// Its category.
    async fn category(&self, ctx: &Context<'_>) -> AppResult<Option<Category>> {
        let Some(id) = self.0.category_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.category.load_one(id).await?.map(Category))
    }
    /// Its tags, by name.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(loaders(ctx)?
            .video_tags
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Tag)
            .collect())
    }
    /// Public videos related to this one, best first: shared tags weigh most, then the same
    /// category, then the same channel, and recency orders equals. Never itself, never a video
    /// the public cannot list. `first`: 0 to 24 (default 12).
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 12)] first: i32,
    ) -> AppResult<Vec<Video>> {
        let found = super::related::related(&app(ctx)?.db, &self.0, first).await?;
        Ok(found.into_iter().map(Video).collect())
    }
    /// What a player needs: stream, poster, thumbnails, captions (URLs signed when private).
    async fn media(&self, ctx: &Context<'_>) -> AppResult<crate::delivery::graphql::VideoMedia> {
        crate::delivery::graphql::video_media(ctx, &self.0).await
    }
}

/// Filters of video lists; all given filters must match.
#[derive(InputObject, Debug, Default, Clone)]
pub struct VideoFilter {
    /// Only this channel's videos.
    pub channel: Option<ID>,
    /// Only videos with this tag.
    pub tag: Option<ID>,
    /// Only videos in this category.
    pub category: Option<ID>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Only this language.
    pub language: Option<String>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
    /// Only videos of the channels the caller may manage (drafts and private ones included, as
    /// for any list a manager reads); nothing for callers who manage no channel.
    pub managed_by_me: Option<bool>,
}

/// The video list behind `videos` and `Channel.videos`.
pub async fn list(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<VideoFilter>,
    order_by: Option<OrderBy>,
) -> AppResult<Connection<String, Video, ListCount>> {
    let f = filter.unwrap_or_default();
    let query = VideoQuery {
        channel_id: opt_id(f.channel.as_ref(), "Channel")?,
        tag_id: opt_id(f.tag.as_ref(), "Tag")?,
        category_id: opt_id(f.category.as_ref(), "Category")?,
        status: f.status,
        visibility: f.visibility,
        language: f.language,
        created_after: f.created_after,
        created_before: f.created_before,
        text: f.text,
        managed_by: f.managed_by_me.unwrap_or(false).then(|| viewer(ctx)),
    };
    let page = service::list(
        &app(ctx)?.db,
        &viewer(ctx),
        query,
        order_by.unwrap_or_default(),
        first,
        after.as_deref(),
    )
    .await?;
    let rows: Vec<&video::Model> = page.rows.iter().map(|(_, m)| m).collect();
    loaders(ctx)?
        .prefetch_videos(ctx.look_ahead().field("edges").field("node"), &rows)
        .await?;
    Ok(page.connection(after.is_some(), Video))
}

/// A new video.
#[derive(InputObject, Debug)]
pub struct CreateVideoInput {
    /// The channel to publish it in.
    pub channel_id: ID,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Slug, unique within the channel; made from the title when absent.
    pub slug: Option<String>,
    /// Markdown; stored as written, rendered safe.
    pub description: Option<String>,
    /// Defaults to PUBLIC (it stays hidden until its media is ready and it is published).
    pub visibility: Option<Visibility>,
    /// Start of the publish window: the video goes out then, once its media is ready. Absent:
    /// unpublished until `publishVideo`.
    pub publish_at: Option<DateTime<Utc>>,
    /// End of the publish window.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// License name or URL.
    pub license: Option<String>,
    /// Category.
    pub category_id: Option<ID>,
    /// Tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Chapters in increasing order of start time.
    pub chapters: Option<Vec<ChapterInput>>,
}

/// Changes to a video; absent fields stay, null clears a nullable field.
#[derive(InputObject, Debug)]
pub struct UpdateVideoInput {
    /// The video.
    pub id: ID,
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description (Markdown).
    pub description: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New window start (null: unpublished).
    pub publish_at: MaybeUndefined<DateTime<Utc>>,
    /// New window end (null: open-ended).
    pub unpublish_at: MaybeUndefined<DateTime<Utc>>,
    /// New language.
    pub language: MaybeUndefined<String>,
    /// New license.
    pub license: MaybeUndefined<String>,
    /// New category.
    pub category_id: MaybeUndefined<ID>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<ChapterInput>>,
}

/// Which video, and optionally when.
#[derive(InputObject, Debug)]
pub struct PublishVideoInput {
    /// The video.
    pub id: ID,
    /// When (default: now). A future time schedules it.
    pub at: Option<DateTime<Utc>>,
}

id_input!(DeleteVideoInput, "Which video to delete.", "The video.");

/// Result of a change to a video.
#[derive(SimpleObject, Debug)]
pub struct VideoPayload {
    /// The video after the change.
    pub video: Video,
}

/// Which video to move, and where.
#[derive(InputObject, Debug)]
pub struct MoveVideoInput {
    /// The video.
    pub id: ID,
    /// The channel to move it to; the caller must manage both channels.
    pub channel_id: ID,
}

/// Most video IDs one bulk mutation takes; more is refused whole (`VALIDATION`).
pub const MAX_BULK_ITEMS: usize = 100;

/// The videos a bulk mutation acts on.
#[derive(InputObject, Debug)]
pub struct BulkVideosInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
}

/// The videos whose visibility to set, and to what.
#[derive(InputObject, Debug)]
pub struct BulkSetVideoVisibilityInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The new visibility.
    pub visibility: Visibility,
}

/// The videos to add to the end of a playlist, in this order.
#[derive(InputObject, Debug)]
pub struct BulkAddVideosToPlaylistInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The playlist; it holds videos of its own channel only.
    pub playlist_id: ID,
}

/// The videos to move, and where.
#[derive(InputObject, Debug)]
pub struct BulkMoveVideosInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The channel to move them to.
    pub channel_id: ID,
}

/// What a bulk mutation did with one video.
#[derive(SimpleObject, Debug)]
pub struct BulkVideoResult {
    /// The video ID as given.
    pub id: ID,
    /// Whether this item was done. A failed item changed nothing.
    pub ok: bool,
    /// Why not: the error code (`NOT_FOUND`, `FORBIDDEN`, `VALIDATION`, ...); null when ok.
    pub code: Option<String>,
    /// Why not, in words; null when ok.
    pub message: Option<String>,
    /// The video after the change, when ok (null after a delete).
    pub video: Option<Video>,
}

/// The outcome of a bulk mutation: one result per given ID, in input order. Every item is
/// checked and done in its own transaction, so a refused item changes nothing and never stops
/// the others.
#[derive(SimpleObject, Debug)]
pub struct BulkVideosPayload {
    /// One result per ID, in input order.
    pub results: Vec<BulkVideoResult>,
    /// How many items were done.
    pub ok_count: i32,
    /// How many items were refused.
    pub failed_count: i32,
}

/// Refuses a bulk call with too many IDs or with an ID given twice, before anything changes.
fn check_bulk_ids(ids: &[ID]) -> AppResult<()> {
    if ids.len() > MAX_BULK_ITEMS {
        return Err(AppError::validation(format!(
            "ids: at most {MAX_BULK_ITEMS} videos at once, {} given",
            ids.len()
        )));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    for id in ids {
        if !seen.insert(id.as_str()) {
            return Err(AppError::validation(format!(
                "ids: {} is given more than once",
                id.as_str()
            )));
        }
    }
    Ok(())
}

/// Runs `each` over the videos one by one (each call is one of the single-item services, so one
/// transaction per item) and reports every outcome in input order.
async fn bulk<F, Fut>(ids: Vec<ID>, mut each: F) -> AppResult<BulkVideosPayload>
where
    F: FnMut(uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = AppResult<Option<video::Model>>>,
{
    check_bulk_ids(&ids)?;
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let outcome = match from_global(&id, "Video") {
            Ok(uuid) => each(uuid).await,
            Err(e) => Err(e),
        };
        results.push(match outcome {
            Ok(video) => BulkVideoResult {
                id,
                ok: true,
                code: None,
                message: None,
                video: video.map(Video),
            },
            Err(e) => {
                // Internal errors say only "internal error" to the client; the detail is logged.
                e.log();
                BulkVideoResult {
                    id,
                    ok: false,
                    code: Some(e.code().to_string()),
                    message: Some(e.to_string()),
                    video: None,
                }
            }
        });
    }
    let ok_count = results.iter().filter(|r| r.ok).count() as i32;
    let failed_count = results.len() as i32 - ok_count;
    Ok(BulkVideosPayload {
        results,
        ok_count,
        failed_count,
    })
}

/// Deletes one video and then its stored files (shared by `deleteVideo` and `bulkDeleteVideos`).
async fn delete_one(
    app: &crate::state::Ctx,
    viewer: &crate::visibility::Viewer,
    id: uuid::Uuid,
) -> AppResult<()> {
    delete_with_media(
        app,
        crate::media::subject::Subject::Video(id).into(),
        service::delete(&app.db, viewer, id),
    )
    .await?;
    Ok(())
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
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        // `/watch/{uuid}` URLs carry the bare UUID.
        let id = id.map(|id| match uuid::Uuid::try_parse(&id) {
            Ok(uuid) => to_global("Video", uuid),
            Err(_) => id,
        });
        let found = match Lookup::of("Video", id, channel_slug, slug)? {
            Lookup::Id(id) => service::find(db, &viewer, id).await?,
            Lookup::Slug(c, s) => service::find_by_slug(db, &viewer, &c, &s).await?,
        };
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
    ) -> AppResult<Connection<String, Video, ListCount>> {
        list(ctx, first, after, filter, order_by).await
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
        let new = NewVideo {
            channel_id: from_global(&input.channel_id, "Channel")?,
            title: input.title,
            slug: input.slug,
            description: input.description,
            visibility: input.visibility,
            publish_at: input.publish_at,
            unpublish_at: input.unpublish_at,
            language: input.language,
            license: input.license,
            category_id: input
                .category_id
                .as_ref()
                .map(|id| from_global(id, "Category"))
                .transpose()?,
            tag_ids: ids(input.tag_ids, "Tag")?.unwrap_or_default(),
            chapters: input
                .chapters
                .unwrap_or_default()
                .into_iter()
                .map(Chapter::from)
                .collect(),
        };
        let video = service::create(&app(ctx)?.db, &viewer(ctx), new).await?;
        Ok(VideoPayload {
            video: Video(video),
        })
    }

    /// Changes a video in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_video(
        &self,
        ctx: &Context<'_>,
        input: UpdateVideoInput,
    ) -> AppResult<VideoPayload> {
        let id = from_global(&input.id, "Video")?;
        let changes = VideoChanges {
            title: input.title,
            slug: input.slug,
            description: input.description,
            visibility: input.visibility,
            publish_at: maybe(input.publish_at, Ok)?,
            unpublish_at: maybe(input.unpublish_at, Ok)?,
            language: maybe(input.language, Ok)?,
            license: maybe(input.license, Ok)?,
            category_id: maybe(input.category_id, |id| from_global(&id, "Category"))?,
            tag_ids: ids(input.tag_ids, "Tag")?,
            chapters: input
                .chapters
                .map(|c| c.into_iter().map(Chapter::from).collect()),
        };
        let video = service::update(&app(ctx)?.db, &viewer(ctx), id, changes).await?;
        Ok(VideoPayload {
            video: Video(video),
        })
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
        let id = from_global(&input.id, "Video")?;
        let video = service::publish(&app(ctx)?.db, &viewer(ctx), id, input.at).await?;
        Ok(VideoPayload {
            video: Video(video),
        })
    }

    /// Unpublishes a video now or at a later time.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn unpublish_video(
        &self,
        ctx: &Context<'_>,
        input: PublishVideoInput,
    ) -> AppResult<VideoPayload> {
        let id = from_global(&input.id, "Video")?;
        let video = service::unpublish(&app(ctx)?.db, &viewer(ctx), id, input.at).await?;
        Ok(VideoPayload {
            video: Video(video),
        })
    }

    /// Deletes a video.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_video(
        &self,
        ctx: &Context<'_>,
        input: DeleteVideoInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Video")?;
        delete_one(app(ctx)?, &viewer(ctx), id).await?;
        Ok(DeletePayload::of(input.id))
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
        Ok(VideoPayload {
            video: Video(video),
        })
    }

    /// Publishes videos now, each like `publishVideo`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_publish_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        bulk(input.ids, move |id| async move {
            service::publish(db, viewer, id, None).await.map(Some)
        })
        .await
    }

    /// Unpublishes videos now, each like `unpublishVideo`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_unpublish_videos(
        &self,
        ctx: &Context<'_>,
        input: BulkVideosInput,
    ) -> AppResult<BulkVideosPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        bulk(input.ids, move |id| async move {
            service::unpublish(db, viewer, id, None).await.map(Some)
        })
        .await
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
        bulk(input.ids, move |id| async move {
            let changes = VideoChanges {
                visibility: Some(visibility),
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
        bulk(input.ids, move |id| async move {
            crate::playlists::service::add_item(db, viewer, playlist_id, id, None).await?;
            service::find(db, viewer, id).await
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
        bulk(input.ids, move |id| async move {
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
        let app = app(ctx)?;
        let viewer = &viewer(ctx);
        bulk(input.ids, move |id| async move {
            delete_one(app, viewer, id).await.map(|()| None)
        })
        .await
    }
}
