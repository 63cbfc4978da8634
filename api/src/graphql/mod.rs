//! The GraphQL layer: one folder for everything between HTTP and the domains' resolvers.
//!
//! - this file: the schema, merged from the domains' query and mutation roots, with its limits
//!   and extensions, and [`router`] (`/graphql`, `/graphql/ws`);
//! - [`http`]: `POST /graphql` (JSON, single or batched, or multipart with one picture) and
//!   `GET /graphql` (GraphiQL for browsers, queries from the query string per the
//!   GraphQL-over-HTTP spec); [`media_type`]: `application/graphql-response+json` or
//!   `application/json` by `Accept`, and the spec's status codes; [`ws`]: `GET /graphql/ws`;
//! - [`execute`]: the public response cache ([`public_cache`]), batch and response-size
//!   limits, metrics; [`caching`]: `ETag`/`Cache-Control` of GET responses; [`persisted`]:
//!   persisted queries;
//! - [`errors`]: `extensions.code` on every error of every transport; [`cost`]: nesting and cost
//!   limits before anything runs;
//! - for resolvers: [`context`] (the services, the caller, the loaders), [`loaders`]
//!   (DataLoaders), [`node`] (`node(id:)`), [`relay`] (global IDs), [`pagination`] (keyset
//!   connections), [`shapes`] (the shapes of inputs and payloads the domains share),
//!   [`items`] and [`bulk`] (what the catalogue's resolvers and bulk mutations share).

pub mod bulk;
pub mod caching;
pub mod context;
pub mod cost;
pub mod errors;
pub mod execute;
pub mod gate;
pub mod http;
pub mod items;
pub mod loaders;
pub mod media_type;
pub mod node;
pub mod pagination;
pub mod persisted;
pub mod public_cache;
pub mod relay;
pub mod shapes;
pub mod ws;

use std::sync::Arc;

use async_graphql::{MergedObject, Object, Schema};
use axum::Router;
use axum::routing::get;

pub use context::{WsCredentials, app, loaders, principal, viewer};

use self::node::NodeQuery;
use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::channels::graphql::{ChannelsMutation, ChannelsQuery};
use crate::community::comments::resolvers::{CommentsMutation, CommentsQuery};
use crate::community::graphql::{CommunityMutation, CommunityQuery};
use crate::community::invitations::{InvitationsMutation, InvitationsQuery};
use crate::community::profile::ProfileMutation;
use crate::delivery::playback::graphql::{PlaybackKeysMutation, PlaybackKeysQuery};
use crate::media::direct::graphql::{DirectUploadsMutation, DirectUploadsQuery};
use crate::media::graphql::{MediaMutation, MediaQuery};
use crate::playlists::graphql::{PlaylistsMutation, PlaylistsQuery};
use crate::podcasts::graphql::{EpisodesBulkMutation, PodcastsMutation, PodcastsQuery};
use crate::podcasts::itunes::ItunesQuery;
use crate::search::graphql::SearchQuery;
use crate::state::{AppState, Ctx};
use crate::taxonomy::graphql::{TaxonomyMutation, TaxonomyQuery};
use crate::transcode::graphql::{SubscriptionRoot, TranscodeMutation};
use crate::videos::graphql::{VideosMutation, VideosQuery};
use crate::webhooks::graphql::{WebhooksMutation, WebhooksQuery};

/// The executable schema type.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Every query, merged from the domains.
#[derive(MergedObject, Default, Debug)]
pub struct QueryRoot(
    MetaQuery,
    AccountsQuery,
    MediaQuery,
    DirectUploadsQuery,
    NodeQuery,
    ChannelsQuery,
    VideosQuery,
    PlaylistsQuery,
    PodcastsQuery,
    ItunesQuery,
    TaxonomyQuery,
    SearchQuery,
    CommunityQuery,
    CommentsQuery,
    InvitationsQuery,
    WebhooksQuery,
    PlaybackKeysQuery,
);

/// Every mutation, merged from the domains.
#[derive(MergedObject, Default, Debug)]
pub struct MutationRoot(
    AccountsMutation,
    MediaMutation,
    DirectUploadsMutation,
    ChannelsMutation,
    VideosMutation,
    PlaylistsMutation,
    PodcastsMutation,
    EpisodesBulkMutation,
    TaxonomyMutation,
    TranscodeMutation,
    CommunityMutation,
    CommentsMutation,
    InvitationsMutation,
    ProfileMutation,
    WebhooksMutation,
    PlaybackKeysMutation,
);

/// Facts about the server itself.
#[derive(Default, Debug)]
pub struct MetaQuery;

#[Object]
impl MetaQuery {
    /// The server's version.
    async fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

/// The schema with its limits behind its [`gate::Gate`] (persisted queries, the nesting guard,
/// the cost limit, error codes: what every transport goes through).
pub fn build_gate(ctx: Arc<Ctx>) -> gate::Gate {
    let limit = ctx.config.graphql.max_complexity;
    gate::Gate::new(build_schema(Some(ctx.clone())), limit, Some(ctx))
}

/// Builds the schema with its limits; `ctx` is `None` only for exporting the SDL. It has no
/// extensions (see [`gate`] for why): requests reach it through [`build_gate`].
pub fn build_schema(ctx: Option<Arc<Ctx>>) -> AppSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_recursive_depth(64)
    .limit_directives(32);
    if let Some(ctx) = ctx {
        let limits = &ctx.config.graphql;
        builder = builder
            .limit_depth(limits.max_depth)
            .limit_complexity(limits.max_complexity);
        if !limits.introspection {
            builder = builder.disable_introspection();
        }
        builder = builder.data(ctx);
    }
    builder.finish()
}

/// The schema in SDL, as `projector export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

/// `/graphql` (GET and POST, with the API's CORS) and `/graphql/ws`.
pub fn router(config: &crate::Config) -> Router<AppState> {
    Router::new()
        .route(
            "/graphql",
            get(http::get)
                .post(http::post)
                .layer(crate::security::graphql_cors(config)),
        )
        .route("/graphql/ws", get(ws::ws))
}
