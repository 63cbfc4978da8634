//! Bulk mutations on episodes, as for videos: each item is done by the single-item service in
//! its own transaction and reported on its own, in input order.

use async_graphql::{Context, ID, InputObject, Object};

use super::Episode;
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::content;
use crate::error::AppResult;
use crate::graphql::bulk::{self, bulk_payload};
use crate::graphql::{app, viewer};
use crate::podcasts::entity::episode;
use crate::podcasts::service::{self, EpisodeChanges};
use crate::visibility::Visibility;

/// The episodes a bulk mutation acts on.
#[derive(InputObject, Debug)]
pub struct BulkEpisodesInput {
    /// Episode IDs, at most 100, each once.
    pub ids: Vec<ID>,
}

/// The episodes whose visibility to set, and to what.
#[derive(InputObject, Debug)]
pub struct BulkSetEpisodeVisibilityInput {
    /// Episode IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The new visibility.
    pub visibility: Visibility,
}

bulk_payload!(
    BulkEpisodesPayload,
    "The outcome of a bulk mutation on episodes: one result per given ID, in input order.",
    BulkEpisodeResult,
    "What a bulk mutation did with one episode.",
    id: "The episode ID as given.",
    code: "Why not: the error code (`NOT_FOUND`, `FORBIDDEN`, `VALIDATION`, ...); null when ok.",
    episode: Episode,
    "The episode after the change, when ok (null after a delete).",
);

/// Runs `each` over the episodes and reports every outcome.
async fn each<F, Fut>(ids: Vec<ID>, each: F) -> AppResult<BulkEpisodesPayload>
where
    F: FnMut(uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = AppResult<Option<episode::Model>>>,
{
    let outcomes = bulk::run(ids, "Episode", "episodes", each).await?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.map(Episode))
        .collect::<Vec<_>>()
        .into())
}

/// Bulk mutations on episodes.
#[derive(Default, Debug)]
pub struct EpisodesBulkMutation;

#[Object]
impl EpisodesBulkMutation {
    /// Publishes episodes now, each like `publishEpisode`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_publish_episodes(
        &self,
        ctx: &Context<'_>,
        input: BulkEpisodesInput,
    ) -> AppResult<BulkEpisodesPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        each(input.ids, move |id| async move {
            content::item::publish::<episode::Entity>(db, viewer, id, None)
                .await
                .map(Some)
        })
        .await
    }

    /// Unpublishes episodes now, each like `unpublishEpisode`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_unpublish_episodes(
        &self,
        ctx: &Context<'_>,
        input: BulkEpisodesInput,
    ) -> AppResult<BulkEpisodesPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        each(input.ids, move |id| async move {
            content::item::unpublish::<episode::Entity>(db, viewer, id, None)
                .await
                .map(Some)
        })
        .await
    }

    /// Sets the visibility of episodes: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_set_episode_visibility(
        &self,
        ctx: &Context<'_>,
        input: BulkSetEpisodeVisibilityInput,
    ) -> AppResult<BulkEpisodesPayload> {
        let db = &app(ctx)?.db;
        let viewer = &viewer(ctx);
        let visibility = input.visibility;
        each(input.ids, move |id| async move {
            let changes = EpisodeChanges {
                visibility: Some(visibility),
                ..EpisodeChanges::default()
            };
            service::update_episode(db, viewer, id, changes)
                .await
                .map(Some)
        })
        .await
    }

    /// Deletes episodes and their media, each like `deleteEpisode`: one result per ID in input
    /// order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_delete_episodes(
        &self,
        ctx: &Context<'_>,
        input: BulkEpisodesInput,
    ) -> AppResult<BulkEpisodesPayload> {
        let app = app(ctx)?;
        let viewer = &viewer(ctx);
        each(input.ids, move |id| async move {
            content::item::delete_with_media::<episode::Entity>(app, viewer, id).await?;
            Ok(None)
        })
        .await
    }
}
