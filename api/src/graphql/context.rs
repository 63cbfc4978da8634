//! What resolvers read from their context: the shared services, the caller, the loaders.

use std::sync::Arc;

use axum::http::HeaderMap;

use crate::accounts::auth::Principal;
use crate::error::AppError;
use crate::state::Ctx;

/// The shared services, from a resolver's context.
pub fn app<'a>(ctx: &'a async_graphql::Context<'_>) -> crate::error::AppResult<&'a Arc<Ctx>> {
    ctx.data::<Arc<Ctx>>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("schema built without Ctx")))
}

/// The caller of the request, from a resolver's context.
pub fn principal<'a>(ctx: &'a async_graphql::Context<'_>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// The caller as the visibility rules see them.
pub fn viewer(ctx: &async_graphql::Context<'_>) -> crate::visibility::Viewer {
    crate::visibility::Viewer::of(principal(ctx))
}

/// The request's DataLoaders. A request over POST or GET has one set for the whole request; a
/// subscription (over WebSocket) lives for as long as its connection, so each of its events
/// gets fresh loaders, whose caches never outlive the event.
pub fn loaders(
    ctx: &async_graphql::Context<'_>,
) -> crate::error::AppResult<Arc<super::loaders::Loaders>> {
    if let Some(loaders) = ctx.data_opt::<Arc<super::loaders::Loaders>>() {
        return Ok(loaders.clone());
    }
    Ok(Arc::new(super::loaders::Loaders::of(app(ctx)?)))
}

/// The credentials a WebSocket connection was opened with. A subscription lives as long as its
/// connection, so each of its events checks them again (see `transcode::graphql`): a logout,
/// a revoked token or a disabled account ends it.
#[derive(Clone, Debug)]
pub struct WsCredentials(pub HeaderMap);
