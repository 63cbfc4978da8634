//! Operations endpoints: `/healthz` (the process is up), `/readyz` (the database answers) and
//! `/metrics` (Prometheus text, for those `metrics.access` allows).

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::db;
use crate::state::AppState;

/// The operations routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    if db::ping(&state.ctx.db).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

async fn metrics(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    use std::fmt::Write as _;
    let peer = crate::security::peer(request.extensions());
    if !crate::security::metrics_allowed(&state.ctx.config, request.headers(), peer) {
        return crate::security::refuse_metrics();
    }
    let mut body = state.ctx.metrics.render();
    let cache = &state.ctx.public_cache;
    let _ = writeln!(
        body,
        "# HELP projector_public_cache_bytes Bytes held by the public response cache.\n\
         # TYPE projector_public_cache_bytes gauge\n\
         projector_public_cache_bytes {}\n\
         # HELP projector_public_cache_entries Responses held by the public response cache.\n\
         # TYPE projector_public_cache_entries gauge\n\
         projector_public_cache_entries {}",
        cache.weight(),
        cache.len()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
