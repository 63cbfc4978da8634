//! Bulk mutations on episodes, as for videos: each item is done by the single-item service in
//! its own transaction and reported on its own, in input order.

use async_graphql::{Context, ID, InputObject, Object};

use super::Episode;
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::content::CommonChanges;
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
    episode: Episode(episode::Model),
    "The episode after the change, when ok (null after a delete).",
);

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
        bulk::publish::<episode::Entity, _>(ctx, input.ids).await
    }

    /// Unpublishes episodes now, each like `unpublishEpisode`: one result per ID in input order.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn bulk_unpublish_episodes(
        &self,
        ctx: &Context<'_>,
        input: BulkEpisodesInput,
    ) -> AppResult<BulkEpisodesPayload> {
        bulk::unpublish::<episode::Entity, _>(ctx, input.ids).await
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
        bulk::each::<episode::Entity, _, _>(input.ids, move |id| async move {
            let changes = EpisodeChanges {
                common: CommonChanges::visibility(visibility),
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
        bulk::delete::<episode::Entity, _>(ctx, input.ids).await
    }
}
