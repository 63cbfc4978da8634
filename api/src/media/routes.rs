//! The HTTP routes of media: the tus upload endpoint.

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
}
