//! The HTTP routes of media: the tus upload endpoint, and the direct-upload URLs.

use axum::Router;
use axum::routing::{patch, post};

use super::tus;
use crate::state::AppState;

/// `/uploads` (tus creation and discovery) and `/uploads/{id}` (offset, append, cancel).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/uploads", post(tus::create).options(tus::options))
        .route("/uploads/", post(tus::create).options(tus::options))
        .route(
            "/uploads/{id}",
            patch(tus::patch)
                .head(tus::head)
                .delete(tus::delete)
                .options(tus::options),
        )
        .route(
            "/uploads/direct/{secret}",
            post(tus::direct::create).options(tus::direct::options),
        )
        .route(
            "/uploads/direct/{secret}/{id}",
            patch(tus::direct::patch)
                .head(tus::direct::head)
                .options(tus::direct::options_upload),
        )
}
