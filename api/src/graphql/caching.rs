//! HTTP caching of GraphQL responses: `ETag` and `Cache-Control` for public reads over GET,
//! `private, no-store` for everyone signed in.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::errors::request_error;
use crate::error::AppError;

/// Whether a response came from an execution without errors (set by `execute`).
#[derive(Clone, Copy)]
pub struct Clean(pub bool);

/// HTTP caching of GET responses: public, error-free reads carry `Cache-Control: public,
/// max-age=<hot-cache TTL>` and an `ETag` (a matching `If-None-Match` gets 304), so a CDN can
/// keep them; reads by signed-in users are `private, no-store`.
pub async fn http_caching(
    response: Response,
    public: bool,
    max_age: u64,
    request: &HeaderMap,
) -> Response {
    if !public {
        return private_no_store(response);
    }
    let clean = response.extensions().get::<Clean>().is_some_and(|c| c.0);
    if response.status() != StatusCode::OK || !clean {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return request_error(AppError::internal(anyhow::anyhow!(
            "unreadable response body"
        )));
    };
    let digest = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let etag = format!("\"{}\"", &digest[..32]);
    if !parts.headers.contains_key(header::CACHE_CONTROL)
        && let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}"))
    {
        parts.headers.insert(header::CACHE_CONTROL, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| crate::delivery::media::none_match(inm, &etag));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Marks a response for a signed-in caller as not to be stored by any cache.
pub fn private_no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
