//! GraphQL types and resolvers of podcasts and episodes.
//!
//! One file per job: this one is the `Podcast` type, `episode.rs` the `Episode` type,
//! `inputs.rs` the inputs, filters and payloads (and how each becomes what the service takes),
//! `resolvers.rs` the queries and mutations, `bulk.rs` the bulk mutations on episodes.

mod bulk;
mod episode;
mod inputs;
mod resolvers;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

pub use bulk::{
    BulkEpisodeResult, BulkEpisodesInput, BulkEpisodesPayload, BulkSetEpisodeVisibilityInput,
    EpisodesBulkMutation,
};
pub use episode::Episode;
use episode::list_episodes;
pub use inputs::{
    CreateEpisodeInput, CreatePodcastInput, DeleteNodeInput, EpisodeFilter, EpisodePayload,
    PodcastFilter, PodcastPayload, PublishEpisodeInput, UpdateEpisodeInput, UpdatePodcastInput,
};
pub use resolvers::{PodcastsMutation, PodcastsQuery, list};

use super::entity::podcast;
use super::service::EpisodeQuery;
use super::{PodcastType, itunes};
use crate::channels::graphql::Channel;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Cursor, ListCount, OrderBy, PageRequest};
use crate::graphql::relay::to_global;
use crate::graphql::{app, loaders};
use crate::visibility::Visibility;

/// A podcast (a show).
#[derive(Debug, Clone)]
pub struct Podcast(pub podcast::Model);

impl Podcast {
    /// The podcast with this id, through the request's loader (an episode's podcast;
    /// `NOT_FOUND` when it is gone).
    pub async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<Self> {
        loaders(ctx)?
            .podcast()
            .load_one(id)
            .await?
            .map(Podcast)
            .ok_or(AppError::NotFound("podcast"))
    }
}

#[Object]
impl Podcast {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Podcast", self.0.id)
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
    /// Author shown in podcast apps.
    async fn author(&self) -> &str {
        &self.0.author
    }
    /// Owner name, for the directories.
    async fn owner_name(&self) -> &str {
        &self.0.owner_name
    }
    /// Owner email, for the directories.
    async fn owner_email(&self) -> &str {
        &self.0.owner_email
    }
    /// BCP 47 language tag.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Apple Podcasts categories.
    async fn itunes_categories(&self) -> Vec<itunes::ItunesCategory> {
        itunes::parse(&self.0.itunes_categories)
    }
    /// Explicit content.
    async fn explicit(&self) -> bool {
        self.0.explicit
    }
    /// Whether the owner forbids other platforms to import the feed (`podcast:locked`, which
    /// hosts and directories check before moving a show; the owner email unlocks it).
    async fn locked(&self) -> bool {
        self.0.locked
    }
    /// Episodic or serial.
    #[graphql(name = "type")]
    async fn podcast_type(&self) -> AppResult<PodcastType> {
        PodcastType::parse(&self.0.podcast_type)
    }
    /// Who may see it.
    async fn visibility(&self) -> AppResult<Visibility> {
        Visibility::parse(&self.0.visibility)
    }
    /// The cover art, if one was uploaded (the URL is signed when the podcast is private).
    async fn artwork_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let public = self.0.visibility != Visibility::Private.as_str();
        self.0
            .artwork_asset_id
            .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, public))
            .transpose()
    }
    /// The RSS feed podcast apps subscribe to; null for a private podcast (it has none).
    async fn feed_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        if self.0.visibility == Visibility::Private.as_str() {
            return Ok(None);
        }
        let config = &app(ctx)?.config;
        let channel = loaders(ctx)?
            .channel()
            .load_one(self.0.channel_id)
            .await?
            .ok_or(AppError::NotFound("channel"))?;
        Ok(Some(crate::delivery::urls::podcast_feed(
            config,
            &channel.slug,
            &self.0.slug,
        )))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The channel it belongs to.
    async fn channel(&self, ctx: &Context<'_>) -> AppResult<Channel> {
        Channel::load(ctx, self.0.channel_id).await
    }
    /// Its episodes the caller may see. `first` is capped at 100.
    async fn episodes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Episode, ListCount>> {
        let query = EpisodeQuery {
            podcast_id: Some(self.0.id),
            ..EpisodeQuery::default()
        };
        list_episodes(ctx, query, PageRequest::new(first, after, order_by)).await
    }
}
