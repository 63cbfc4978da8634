//! Podcast and episode queries and mutations.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

use super::{
    CreateEpisodeInput, CreatePodcastInput, DeleteNodeInput, Episode, EpisodeFilter,
    EpisodePayload, Podcast, PodcastFilter, PodcastPayload, PublishEpisodeInput,
    UpdateEpisodeInput, UpdatePodcastInput, list_episodes,
};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::items;
use crate::graphql::pagination::{Cursor, ListCount, OrderBy, PageRequest};
use crate::graphql::relay::from_global;
use crate::graphql::shapes::{DeletePayload, opt_id};
use crate::graphql::{app, loaders, viewer};
use crate::podcasts::entity::{episode, podcast};
use crate::podcasts::service::{self, NewEpisode, NewPodcast};

pub async fn list(
    ctx: &Context<'_>,
    filter: Option<PodcastFilter>,
    request: PageRequest,
) -> AppResult<Connection<Cursor, Podcast, ListCount>> {
    let query = filter.unwrap_or_default().into_query()?;
    let page = service::list(&app(ctx)?.db, &viewer(ctx), query, &request).await?;
    Ok(request.connection(page, Podcast))
}

/// Podcast and episode queries.
#[derive(Default, Debug)]
pub struct PodcastsQuery;

#[Object]
impl PodcastsQuery {
    /// A podcast by ID, or by its channel's slug and its own slug.
    async fn podcast(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        channel_slug: Option<String>,
        slug: Option<String>,
    ) -> AppResult<Option<Podcast>> {
        let found =
            items::find_with_channel::<podcast::Entity>(ctx, id, channel_slug, slug).await?;
        Ok(found.map(Podcast))
    }

    /// Podcasts the caller may see. `first` defaults to 24 and is capped at 100.
    async fn podcasts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PodcastFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Podcast, ListCount>> {
        list(ctx, filter, PageRequest::new(first, after, order_by)).await
    }

    /// An episode by ID.
    async fn episode(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Episode>> {
        let id = from_global(&id, "Episode")?;
        let found = service::find_episode(&app(ctx)?.db, &viewer(ctx), id).await?;
        // Its podcast and tags now, without the DataLoaders' batch window.
        if let Some(episode) = &found {
            loaders(ctx)?
                .prefetch_episodes(
                    &[ctx.look_ahead()],
                    &[episode],
                    crate::graphql::principal(ctx).user_id(),
                )
                .await?;
        }
        Ok(found.map(Episode))
    }

    /// Episodes the caller may see, across podcasts. `first` defaults to 24 and is capped at 100.
    async fn episodes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<EpisodeFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Episode, ListCount>> {
        let filter = filter.unwrap_or_default();
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        // Episodes of one podcast are listed only if the caller may see that podcast.
        if let Some(p) = opt_id(filter.podcast.as_ref(), "Podcast")?
            && content::find::<podcast::Entity>(db, &viewer, p)
                .await?
                .is_none()
        {
            return Err(AppError::NotFound("podcast"));
        }
        let query = filter.into_query(&viewer)?;
        list_episodes(ctx, query, PageRequest::new(first, after, order_by)).await
    }
}

/// Podcast and episode mutations.
#[derive(Default, Debug)]
pub struct PodcastsMutation;

#[Object]
impl PodcastsMutation {
    /// Creates a podcast in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_podcast(
        &self,
        ctx: &Context<'_>,
        input: CreatePodcastInput,
    ) -> AppResult<PodcastPayload> {
        let new = NewPodcast::try_from(input)?;
        let p = service::create(&app(ctx)?.db, &viewer(ctx), new).await?;
        Ok(PodcastPayload::from(p))
    }

    /// Changes a podcast.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_podcast(
        &self,
        ctx: &Context<'_>,
        input: UpdatePodcastInput,
    ) -> AppResult<PodcastPayload> {
        let (id, changes) = input.into_changes()?;
        let p = service::update(&app(ctx)?.db, &viewer(ctx), id, changes).await?;
        Ok(PodcastPayload::from(p))
    }

    /// Deletes a podcast and its episodes.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_podcast(
        &self,
        ctx: &Context<'_>,
        input: DeleteNodeInput,
    ) -> AppResult<DeletePayload> {
        items::delete_with_media::<podcast::Entity>(ctx, input.id).await
    }

    /// Creates an episode.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_episode(
        &self,
        ctx: &Context<'_>,
        input: CreateEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let new = NewEpisode::try_from(input)?;
        let e = service::create_episode(&app(ctx)?.db, &viewer(ctx), new).await?;
        // A new episode has no media yet, so nobody but its editors can see it.
        crate::graphql::gate::changed_nothing_public(ctx);
        Ok(EpisodePayload::from(e))
    }

    /// Changes an episode; its GUID only until it is first published.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_episode(
        &self,
        ctx: &Context<'_>,
        input: UpdateEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let (id, changes) = input.into_changes()?;
        let e = service::update_episode(&app(ctx)?.db, &viewer(ctx), id, changes).await?;
        Ok(EpisodePayload::from(e))
    }

    /// Publishes an episode now or later; its GUID is frozen from then on. An episode with no
    /// media, or whose only media failed, is refused (`VALIDATION`); one whose media is still
    /// processing goes out as soon as it is ready.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn publish_episode(
        &self,
        ctx: &Context<'_>,
        input: PublishEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        items::publish::<episode::Entity, _>(ctx, &input.id, input.at).await
    }

    /// Unpublishes an episode now or later.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn unpublish_episode(
        &self,
        ctx: &Context<'_>,
        input: PublishEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        items::unpublish::<episode::Entity, _>(ctx, &input.id, input.at).await
    }

    /// Deletes an episode.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_episode(
        &self,
        ctx: &Context<'_>,
        input: DeleteNodeInput,
    ) -> AppResult<DeletePayload> {
        items::delete_with_media::<episode::Entity>(ctx, input.id).await
    }
}
