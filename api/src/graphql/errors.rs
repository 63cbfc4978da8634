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
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    error.set_extensions(&mut extensions);
    let body = serde_json::json!({
        "errors": [{ "message": error.to_string(), "extensions": extensions }]
    });
    let mut response = (error.status(), Json(body)).into_response();
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_refusal_before_anything_ran_says_when_to_retry_in_the_body_and_the_header() {
        let response = request_error(AppError::RateLimited {
            retry_after_secs: 7,
        });
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let body = body_of(response).await;
        let extensions = &body["errors"][0]["extensions"];
        assert_eq!(extensions["code"], "RATE_LIMITED", "{body}");
        assert_eq!(extensions["retryAfter"], 7, "{body}");
    }

    #[tokio::test]
    async fn other_request_level_errors_carry_only_their_code() {
        let response = request_error(AppError::validation("malformed request"));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = body_of(response).await;
        assert_eq!(
            body["errors"][0]["extensions"],
            serde_json::json!({ "code": "VALIDATION" }),
            "{body}"
        );
        assert_eq!(body["errors"][0]["message"], "malformed request");
    }
}
