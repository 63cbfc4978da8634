//! The middleware: which requests are limited, whose bucket they take from, the headers of
//! draft-ietf-httpapi-ratelimit-headers, and the 429 answers.
//!
//! Limited: `/graphql` (GET, POST, and the WebSocket upgrade of `/graphql/ws`, whose
//! operations `ws.rs` counts too), the tus routes (`/uploads…`), `/oembed` and `/feeds/…`.
//! Not limited: CORS preflights and tus's `OPTIONS`, `/healthz`, `/readyz`, `/metrics`, media
//! (`/media/…`, cached by CDNs), embed pages, the app's files and pages.
//!
//! Every limited answer says `RateLimit-Policy: "token";q=<burst>;w=<seconds to fill>` (or
//! `"address"`) and `RateLimit: "token";r=<left>;t=<seconds until full>`; a refused one is a 429
//! with `Retry-After`, in the GraphQL error shape on `/graphql` (`extensions.code`
//! `RATE_LIMITED` and `retryAfter`) and in the API's plain error shape elsewhere. A refused
//! request never reaches its handler, so it changes nothing.

use std::net::IpAddr;

use axum::extract::{FromRequestParts as _, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Decision, Key, Policy};
use crate::accounts::auth::ClientAddr;
use crate::error::AppError;
use crate::graphql::media_type::MediaType;
use crate::state::{AppState, Ctx};

const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// What browsers on other origins may read of a limited answer.
const EXPOSED: &str = "ratelimit, ratelimit-policy, retry-after";

/// Whether requests to `path` are limited.
pub fn is_limited(path: &str) -> bool {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    under("/graphql") || under("/uploads") || path == "/oembed" || path.starts_with("/feeds/")
}

/// The middleware (`startup.rs` puts it around every route; it passes what it does not limit).
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limits) = &state.ctx.rate_limits else {
        return next.run(request).await;
    };
    if request.method() == Method::OPTIONS || !is_limited(request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let addr = match ClientAddr::from_request_parts(&mut parts, &state).await {
        Ok(ClientAddr(ip)) => ip,
        Err(never) => match never {},
    };
    let key = key_of(&state.ctx, &parts.headers, addr);
    let policy = limits.policy(&key);
    let decision = limits.take(&key).await;
    let mut response = if decision.allowed {
        next.run(Request::from_parts(parts, body)).await
    } else {
        refuse(&state.ctx, &parts, decision)
    };
    stamp(&mut response, policy, decision);
    response
}

/// Whose bucket a request takes from, without the database.
pub(super) fn key_of(ctx: &Ctx, headers: &HeaderMap, addr: IpAddr) -> Key {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match token {
        Some(t) if t.starts_with("prj_") => Key::api_token(t),
        Some(t) => match ctx.accounts.keys.verify(t) {
            Ok(claims) => match claims.sid {
                Some(sid) => Key::session(sid),
                None => Key::api_token(t),
            },
            // Refused by the handler anyway; counted against the address so that made-up
            // tokens cannot each bring a fresh budget.
            Err(_) => Key::address(addr),
        },
        None => Key::address(addr),
    }
}

/// The 429 answer, in the shape of the endpoint's other errors.
fn refuse(ctx: &Ctx, parts: &axum::http::request::Parts, decision: Decision) -> Response {
    let error = AppError::RateLimited {
        retry_after_secs: decision.retry_after_secs,
    };
    let mut response = if parts.uri.path().starts_with("/graphql") {
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        error.set_extensions(&mut extensions);
        let body = serde_json::json!({
            "errors": [{ "message": error.to_string(), "extensions": extensions }]
        });
        let media = MediaType::negotiate(&parts.headers).unwrap_or(MediaType::Json);
        media.stamp((StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response())
    } else {
        error.clone().into_response()
    };
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(decision.retry_after_secs),
    );
    allow_origin(ctx, &parts.headers, response.headers_mut());
    response
}

/// The answer's `RateLimit-Policy` and `RateLimit`, readable by other origins when CORS lets
/// them read the answer.
fn stamp(response: &mut Response, policy: &Policy, decision: Decision) {
    let h = response.headers_mut();
    let name = policy.name();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "\"{name}\";q={};w={}",
        policy.burst(),
        policy.window_secs()
    )) {
        h.insert(RATELIMIT_POLICY, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "\"{name}\";r={};t={}",
        decision.remaining, decision.reset_secs
    )) {
        h.insert(RATELIMIT, v);
    }
    if h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        let exposed = match h
            .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
            .and_then(|v| v.to_str().ok())
        {
            Some(listed) if !listed.is_empty() => format!("{listed}, {EXPOSED}"),
            _ => EXPOSED.to_owned(),
        };
        if let Ok(v) = HeaderValue::from_str(&exposed) {
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, v);
        }
    }
}

/// A refused request never reaches the routes' CORS layers: the same origins
/// (`delivery.cors_origins`) may read its 429.
fn allow_origin(ctx: &Ctx, request: &HeaderMap, response: &mut HeaderMap) {
    let Some(origin) = request.get(header::ORIGIN) else {
        return;
    };
    let origins = &ctx.config.delivery.cors_origins;
    let value = if origins.iter().any(|o| o == "*") {
        HeaderValue::from_static("*")
    } else if origin.to_str().is_ok_and(|o| {
        origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/') == o)
    }) {
        response.append(header::VARY, HeaderValue::from_static("origin"));
        origin.clone()
    } else {
        return;
    };
    response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_paths_are_limited_and_media_health_and_pages_are_not() {
        for path in [
            "/graphql",
            "/graphql/ws",
            "/uploads",
            "/uploads/",
            "/uploads/abc",
            "/oembed",
            "/feeds/podcasts/x.xml",
            "/feeds/channels/c.xml",
        ] {
            assert!(is_limited(path), "{path} is not limited");
        }
        for path in [
            "/healthz",
            "/readyz",
            "/metrics",
            "/media/a/b.m3u8",
            "/embed/x",
            "/",
            "/videos/x",
            "/graphqlx",
            "/uploadsx",
            "/oembed/x",
        ] {
            assert!(!is_limited(path), "{path} is limited");
        }
    }
}
