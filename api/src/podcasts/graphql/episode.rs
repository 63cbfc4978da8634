//! The `Episode` type.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::Podcast;
use crate::content;
use crate::error::AppResult;
use crate::graphql::pagination::{Cursor, ListCount, PageRequest};
use crate::graphql::relay::to_global;
use crate::graphql::{app, loaders, viewer};
use crate::podcasts::EpisodeType;
use crate::podcasts::entity::episode;
use crate::podcasts::service;
use crate::taxonomy::graphql::Tag;
use crate::videos::service::Chapter;
use crate::visibility::{Status, Visibility};

/// The episode list behind `episodes` and `Podcast.episodes`, with what its episodes' fields
/// will read loaded for the whole page at once.
pub(super) async fn list_episodes(
    ctx: &Context<'_>,
    query: service::EpisodeQuery,
    request: PageRequest,
) -> AppResult<Connection<Cursor, Episode, ListCount>> {
    let page = service::list_episodes(&app(ctx)?.db, &viewer(ctx), query, &request).await?;
    let rows: Vec<&episode::Model> = page.rows.iter().map(|(_, m)| m).collect();
    loaders(ctx)?
        .prefetch_episodes(
            &crate::graphql::loaders::nodes_of(ctx.look_ahead()),
            &rows,
            crate::graphql::principal(ctx).user_id(),
        )
        .await?;
    Ok(request.connection(page, Episode))
}

/// An episode of a podcast.
#[derive(Debug, Clone)]
pub struct Episode(pub episode::Model);

#[Object]
impl Episode {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Episode", self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Address part, unique within the podcast.
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
    /// Stable identifier in feeds; never changes once published.
    async fn guid(&self) -> &str {
        &self.0.guid
    }
    /// Length in seconds, as measured from its media.
    async fn duration(&self) -> Option<f64> {
        self.0.duration_secs
    }
    /// Season number.
    async fn season(&self) -> Option<i32> {
        self.0.season
    }
    /// Episode number.
    async fn number(&self) -> Option<i32> {
        self.0.number
    }
    /// Plays per UTC day over the last `days` days (1 to 90), oldest first, days without plays
    /// as 0 (players send `POST /views/{id}` with the episode's ID). Null unless the caller
    /// manages its channel (its editors, admins).
    async fn views_per_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> AppResult<Option<Vec<crate::delivery::daily_views::DayViewsObject>>> {
        let channel = async { Ok(Podcast::load(ctx, self.0.podcast_id).await?.0.channel_id) };
        crate::delivery::daily_views::resolve(
            ctx,
            crate::delivery::daily_views::Item::Episode,
            self.0.id,
            channel,
            days,
        )
        .await
    }
    /// Full, trailer or bonus.
    async fn episode_type(&self) -> AppResult<EpisodeType> {
        EpisodeType::parse(&self.0.episode_type)
    }
    /// How many signed-in viewers like it (written in batches: a like shows here within
    /// `delivery.view_flush_ms`).
    async fn like_count(&self) -> i64 {
        self.0.like_count
    }
    /// Whether the caller likes it (false for anonymous callers and read tokens).
    async fn viewer_has_liked(&self, ctx: &Context<'_>) -> AppResult<bool> {
        crate::community::graphql::viewer_likes_episode(ctx, self.0.id).await
    }
    /// Published comments and replies (kept as a count, not counted on a read).
    async fn comment_count(&self) -> i64 {
        self.0.comment_count
    }
    /// Whether signed-in viewers may comment (`updateEpisode(commentsEnabled:)`).
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
        let channel = Podcast::load(ctx, self.0.podcast_id).await?.0.channel_id;
        crate::community::comments::graphql::item_comments(
            ctx,
            crate::community::comments::Target::Episode(self.0.id),
            channel,
            order,
            first,
            after,
        )
        .await
    }
    /// Where the caller stopped listening, in seconds; null when they have not, and for
    /// anonymous callers and read tokens.
    async fn viewer_position(&self, ctx: &Context<'_>) -> AppResult<Option<f64>> {
        crate::community::graphql::viewer_position(ctx, self.0.id).await
    }
    /// Where its media is (set by the media pipeline only); only READY episodes are public.
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
    /// End of the publish window.
    async fn unpublish_at(&self) -> Option<DateTime<Utc>> {
        self.0.unpublish_at
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The podcast it belongs to.
    async fn podcast(&self, ctx: &Context<'_>) -> AppResult<Podcast> {
        Podcast::load(ctx, self.0.podcast_id).await
    }
    /// Chapters in order.
    async fn chapters(&self) -> Vec<Chapter> {
        service::episode_chapters(&self.0)
    }
    /// Its tags.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(loaders(ctx)?
            .episode_tags()
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Tag)
            .collect())
    }
    /// The episode's page in the web app (`/episodes/{uuid}`), absolute, on the configured
    /// public URL.
    async fn watch_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::episode_page(
            &crate::graphql::app(ctx)?.config,
            self.0.id,
        ))
    }
    /// The embed page (`/embed/episodes/{uuid}`): an audio player for other sites' iframes. It
    /// serves the episode while the public may hear it, else 404.
    async fn embed_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::episode_embed(
            &crate::graphql::app(ctx)?.config,
            self.0.id,
        ))
    }
    /// An `<iframe>` of the embed page, `width` × `height` CSS pixels (default 640 × 360; width
    /// 100 to 3840, height 50 to 2160, `VALIDATION` outside), every value escaped: paste it as it is.
    async fn embed_html(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 640)] width: i32,
        #[graphql(default = 360)] height: i32,
    ) -> AppResult<String> {
        let src =
            crate::delivery::urls::episode_embed(&crate::graphql::app(ctx)?.config, self.0.id);
        crate::delivery::urls::sized_iframe(&src, width, height, &self.0.title)
    }
    /// Its audio files and the feed enclosure (URLs signed when private).
    async fn media(&self, ctx: &Context<'_>) -> AppResult<crate::delivery::graphql::EpisodeMedia> {
        crate::delivery::graphql::episode_media(ctx, &self.0).await
    }
}
