//! GraphQL types and resolvers of videos.
//!
//! One file per job: this one is the `Video` type, `inputs.rs` the inputs, filters and payloads
//! (and how each becomes what the service takes), `bulk.rs` the bulk mutations' shapes and
//! their one-transaction-per-item loop, `resolvers.rs` the queries and mutations.

mod bulk;
mod inputs;
mod resolvers;

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

pub use bulk::{
    BulkAddVideosToPlaylistInput, BulkMoveVideosInput, BulkSetVideoVisibilityInput,
    BulkVideoResult, BulkVideosInput, BulkVideosPayload,
};
pub use inputs::{
    CreateVideoInput, DeleteVideoInput, MoveVideoInput, PublishVideoInput, UpdateVideoInput,
    VideoDetailsInput, VideoFilter, VideoPayload, chapters,
};
pub use resolvers::{VideosMutation, VideosQuery, list};

use super::entity::video;
use super::service::{self, Chapter};
use crate::channels::graphql::Channel;
use crate::content;
use crate::error::AppResult;
use crate::graphql::relay::to_global;
use crate::graphql::{app, loaders};
use crate::taxonomy::graphql::{Category, Tag};
use crate::visibility::{Status, Visibility};

/// A video.
#[derive(Debug, Clone)]
pub struct Video(pub video::Model);

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

// The fields that run a service (lists, comments, media, checks of the caller) box their
// futures: async-graphql moves every field's future, whose size is that of the largest field,
// for each field of each object of a page, so one unboxed list resolver made a card's `title`
// as costly to move as a whole list (`memmove` was 7 % of the uncached list in `perf`).
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
    /// Its own playback restriction, by referrer (null: its channel's applies;
    /// `allowedDomains: []`: anyone may play it). Its channel's managers and admins only.
    async fn playback_restriction(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::delivery::referrer::Restriction>> {
        Box::pin(crate::visibility::require_manage(
            &app(ctx)?.db,
            &crate::graphql::viewer(ctx),
            self.0.channel_id,
        ))
        .await?;
        Ok(self
            .0
            .playback_restriction
            .as_deref()
            .map(|s| crate::delivery::referrer::Restriction::parse(Some(s)).unwrap_or_default()))
    }
    /// Its own downloads setting (null: its channel's applies). Its channel's managers and
    /// admins only.
    async fn downloads_enabled(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        Box::pin(crate::visibility::require_manage(
            &app(ctx)?.db,
            &crate::graphql::viewer(ctx),
            self.0.channel_id,
        ))
        .await?;
        Ok(self.0.downloads_enabled)
    }
    /// Files to download, with their sizes: the highest rung as MP4 and the sound as M4A, when
    /// its downloads are on (its own setting, else its channel's) and made (after the ladder).
    /// URLs signed when private.
    async fn downloads(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::delivery::graphql::Download>> {
        Box::pin(crate::delivery::graphql::video_downloads(ctx, &self.0)).await
    }
    /// The latest processing of its media: state, progress, last error.
    async fn processing(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::transcode::graphql::Processing>> {
        Box::pin(crate::transcode::graphql::processing_of(ctx, self.0.id)).await
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
    /// How many signed-in viewers like it (written in batches: a like shows here within
    /// `delivery.view_flush_ms`).
    async fn like_count(&self) -> i64 {
        self.0.like_count
    }
    /// Whether the caller likes it (false for anonymous callers and read tokens).
    async fn viewer_has_liked(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Box::pin(crate::community::graphql::viewer_likes_video(
            ctx, self.0.id,
        ))
        .await
    }
    /// Published comments and replies (kept as a count, not counted on a read).
    async fn comment_count(&self) -> i64 {
        self.0.comment_count
    }
    /// Whether signed-in viewers may comment (`updateVideo(commentsEnabled:)`).
    async fn comments_enabled(&self) -> bool {
        self.0.comments_enabled
    }
    /// Its top-level comments the caller may read, newest (default) or top first.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] order: crate::community::comments::threads::CommentOrder,
    ) -> AppResult<
        async_graphql::connection::Connection<
            crate::graphql::pagination::Cursor,
            crate::community::comments::graphql::Comment,
            crate::graphql::pagination::ListCount,
        >,
    > {
        Box::pin(crate::community::comments::graphql::item_comments(
            ctx,
            crate::community::comments::Target::Video(self.0.id),
            self.0.channel_id,
            order,
            first,
            after,
        ))
        .await
    }
    /// Where the caller stopped watching it, in seconds; null when they have not, and for
    /// anonymous callers and read tokens.
    async fn viewer_position(&self, ctx: &Context<'_>) -> AppResult<Option<f64>> {
        Box::pin(crate::community::graphql::viewer_position(ctx, self.0.id)).await
    }
    /// Views per UTC day over the last `days` days (1 to 90), oldest first, days without views
    /// as 0. Null unless the caller manages its channel (its editors, admins).
    async fn views_per_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> AppResult<Option<Vec<crate::delivery::daily_views::DayViewsObject>>> {
        let channel = async { Ok(self.0.channel_id) };
        Box::pin(crate::delivery::daily_views::resolve(
            ctx,
            crate::delivery::daily_views::Item::Video,
            self.0.id,
            channel,
            days,
        ))
        .await
    }
    /// Chapters in order.
    async fn chapters(&self) -> Vec<Chapter> {
        service::chapters_of(&self.0)
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
        Channel::load(ctx, self.0.channel_id).await
    }
    /// Its category.
    async fn category(&self, ctx: &Context<'_>) -> AppResult<Option<Category>> {
        let Some(id) = self.0.category_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.category().load_one(id).await?.map(Category))
    }
    /// Its tags, by name.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(loaders(ctx)?
            .video_tags()
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
        Box::pin(async move {
            let found = super::related::related(&app(ctx)?.reads, &self.0, first).await?;
            // Their channels, categories and tags now, without the DataLoaders' batch window.
            let rows: Vec<&video::Model> = found.iter().collect();
            loaders(ctx)?
                .prefetch_videos(
                    &[ctx.look_ahead()],
                    &rows,
                    crate::graphql::principal(ctx).user_id(),
                )
                .await?;
            Ok(found.into_iter().map(Video).collect())
        })
        .await
    }
    /// The watch page in the web app (`/watch/{uuid}`), absolute, on the configured public URL.
    async fn watch_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::watch(&app(ctx)?.config, self.0.id))
    }
    /// The embed page (`/embed/{uuid}`): a player for other sites' iframes. It serves the
    /// video while the public may watch it (public or unlisted, published, playable), else 404.
    async fn embed_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::embed(&app(ctx)?.config, self.0.id))
    }
    /// An `<iframe>` of the embed page, `width` × `height` CSS pixels (default 640 × 360; width
    /// 100 to 3840, height 50 to 2160, `VALIDATION` outside), every value escaped: paste it as it is.
    async fn embed_html(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 640)] width: i32,
        #[graphql(default = 360)] height: i32,
    ) -> AppResult<String> {
        let src = crate::delivery::urls::embed(&app(ctx)?.config, self.0.id);
        crate::delivery::urls::sized_iframe(&src, width, height, &self.0.title)
    }
    /// What a player needs: stream, poster, thumbnails, captions (URLs signed when private).
    async fn media(&self, ctx: &Context<'_>) -> AppResult<crate::delivery::graphql::VideoMedia> {
        Box::pin(crate::delivery::graphql::video_media(ctx, &self.0)).await
    }
}
