//! GraphQL errors. Every error carries `extensions.code`: an `AppError` sets its own
//! ([`ErrorExtensions`](async_graphql::ErrorExtensions)), and the schema's
//! [`Gate`](super::gate::Gate) applies it to every answer, so each transport (POST, GET, batches, WebSocket) sends the
//! same. Request-level errors (nothing ran) come in the same shape.

use async_graphql::ServerError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Gives every error its `extensions`: an `AppError`'s own ([`ErrorExtensions`]), or
/// `VALIDATION` for the executor's errors (syntax, unknown fields, limits, bad variables).
/// Internal causes are logged here, once, and never sent.
pub fn set_error_codes(errors: &mut [ServerError]) {
    for error in errors {
        if let Some(app) = error.source::<AppError>().cloned() {
            app.log();
            error.message = app.to_string();
            app.set_extensions(error.extensions.get_or_insert_with(Default::default));
        } else {
            let ext = error.extensions.get_or_insert_with(Default::default);
            if ext.get("code").is_none() {
                ext.set("code", "VALIDATION");
            }
        }
    }
}

/// A request-level error (nothing executed) in the GraphQL response shape.
pub fn request_error(error: AppError) -> Response {
    error.log();
    let status = error.status();
    let mut response = request_error_with_status(status, error.code(), &error.to_string());
    if let AppError::RateLimited { retry_after_secs } = error {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    response
}

pub fn request_error_with_status(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    (status, Json(body)).into_response()
}
