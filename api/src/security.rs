//! HTTP hardening shared by every route: security headers on every response, who may read
//! `/metrics`, and CORS for the GraphQL endpoint.
//!
//! - Every response says `X-Content-Type-Options: nosniff` and a referrer policy.
//! - Nothing but the embed page (`/embed/…`, which sets its own `frame-ancestors` from
//!   `delivery.frame_ancestors`) may be framed: `X-Frame-Options: DENY` and
//!   `frame-ancestors 'none'`.
//! - The web app's HTML gets a Content-Security-Policy that allows scripts only from this
//!   origin plus the inline start-up script Trunk writes (by its hash, read from the built
//!   `index.html`), WebAssembly, and media and pictures only from the origins media is served
//!   from (this server's public URL, the CDN, the S3 endpoint). Other responses (JSON, XML,
//!   media) get `default-src 'none'`, so none of them can run anything if opened directly.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::{Config, StorageBackend};

/// Who may read `/metrics`.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MetricsAccess {
    /// Requests from this machine (not forwarded by a proxy), or with the bearer token.
    #[default]
    Loopback,
    /// Only requests with the bearer token (`metrics.token`).
    Token,
    /// Everyone.
    Public,
}

/// The built headers, made once at start.
#[derive(Debug)]
pub struct SecurityHeaders {
    app_csp: HeaderValue,
}

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// GraphiQL loads its scripts from a CDN: its page may only not be framed.
const GRAPHIQL_CSP: &str = "frame-ancestors 'none'";

impl SecurityHeaders {
    /// Headers for a server with `config`; the app's inline script hashes come from its
    /// `indexes`, the built `index.html` files as served (the viewer's and the admin's).
    pub fn new(config: &Config, indexes: &[&str]) -> Self {
        let mut scripts: Vec<String> = indexes.iter().flat_map(|i| inline_scripts(i)).collect();
        scripts.sort();
        scripts.dedup();
        let hashes: Vec<String> = scripts
            .into_iter()
            .map(|script| {
                use sha2::Digest as _;
                let digest = sha2::Sha256::digest(script.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        let media = media_origins(config).join(" ");
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: {media}; \
             media-src 'self' blob: {media}; connect-src 'self' {media}; font-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'self'; \
             frame-ancestors 'none'",
            scripts = hashes.iter().fold(String::new(), |s, h| s + " " + h),
        );
        Self {
            app_csp: HeaderValue::from_str(csp.trim())
                .unwrap_or_else(|_| HeaderValue::from_static(API_CSP)),
        }
    }
}

/// The contents of every `<script>` without a `src` in an HTML page, exactly as written.
fn inline_scripts(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body = &rest[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            found.push(body[..close].to_string());
        }
        rest = &body[close..];
    }
    found
}

/// The origins media and pictures come from besides this server.
fn media_origins(config: &Config) -> Vec<String> {
    let mut origins = vec![origin(&config.public_url)];
    if let Some(cdn) = &config.delivery.cdn_base_url {
        origins.push(origin(cdn));
    }
    if config.storage.backend == StorageBackend::S3 {
        let s3 = &config.storage.s3;
        match s3.endpoint.as_deref().and_then(|e| url::Url::parse(e).ok()) {
            Some(endpoint) if s3.path_style => origins.push(origin(&endpoint)),
            Some(endpoint) => {
                origins.push(origin(&endpoint));
                if let Some(host) = endpoint.host_str() {
                    let port = endpoint.port().map(|p| format!(":{p}")).unwrap_or_default();
                    origins.push(format!("{}://*.{host}{port}", endpoint.scheme()));
                }
            }
            None => origins.push("https://*.amazonaws.com".into()),
        }
    }
    origins.sort();
    origins.dedup();
    origins
}

fn origin(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// The middleware that sets the headers on every response.
pub async fn apply(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    // What the headers depend on, read before the request moves on (no copy of the path).
    let path = request.uri().path();
    let (embed, graphql) = (path.starts_with("/embed/"), path.starts_with("/graphql"));
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.entry(HeaderName::from_static("x-content-type-options"))
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if embed {
        // The player is meant to be framed; its page sets its own policy.
        return response;
    }
    h.insert(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let csp = match (html, graphql) {
            (true, true) => HeaderValue::from_static(GRAPHIQL_CSP),
            (true, false) => headers.app_csp.clone(),
            (false, _) => HeaderValue::from_static(API_CSP),
        };
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// Whether a request may read `/metrics`.
pub fn metrics_allowed(config: &Config, request_headers: &HeaderMap, peer: Option<IpAddr>) -> bool {
    let token = config.metrics.token.as_ref().map(|t| t.expose_secret());
    let bearer = request_headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let has_token = match (token, bearer) {
        (Some(want), Some(got)) if !want.is_empty() => {
            bool::from(want.as_bytes().ct_eq(got.trim().as_bytes()))
        }
        _ => false,
    };
    match config.metrics.access {
        MetricsAccess::Public => true,
        MetricsAccess::Token => has_token,
        MetricsAccess::Loopback => {
            // A request a proxy forwarded comes from the proxy's address, which may be this
            // machine: it does not count as local.
            let forwarded = request_headers.contains_key("x-forwarded-for")
                || request_headers.contains_key(header::FORWARDED)
                || request_headers.contains_key("x-real-ip");
            has_token || (!forwarded && peer.is_some_and(|ip| ip.is_loopback()))
        }
    }
}

/// `GET /metrics`, for whoever [`metrics_allowed`] lets through (others get 404, so the
/// endpoint is not advertised).
pub fn refuse_metrics() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The peer address of a request, if the server recorded it.
pub fn peer(request_extensions: &axum::http::Extensions) -> Option<IpAddr> {
    request_extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The browser origins `delivery.cors_origins` allows (`*` for any), for every CORS layer.
pub fn allowed_origins(config: &Config) -> AllowOrigin {
    let origins = &config.delivery.cors_origins;
    if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    }
}

/// CORS of `/graphql`: browsers on the configured origins (`delivery.cors_origins`, any by
/// default) may call the API with a bearer token; no cookies or other credentials are ever
/// allowed, so another site can only do what its own token lets it.
pub fn graphql_cors(config: &Config) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(allowed_origins(config))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG, HeaderName::from_static("x-request-id")])
        .allow_credentials(false)
        .max_age(std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html = "<head><script src=\"/a.js\"></script><script type=\"module\">import x;</script></head>";
        assert_eq!(inline_scripts(html), vec!["import x;".to_string()]);
    }
}
