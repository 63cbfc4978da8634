//! The web app's HTML, with the head filled per page so links unfurl and get indexed, and the
//! app's static files with cache and compression headers.
//!
//! `index.html` is read once at start and kept in memory. For the watch, channel, playlist,
//! podcast and episode routes of the app the server looks the item up as the public viewer and
//! inserts title, description, canonical URL, OpenGraph, Twitter player card, JSON-LD and the
//! oEmbed discovery link before `</head>`; an item the public may not see answers 404 with the
//! app's HTML unchanged (the app shows its not-found view). JSON-LD blocks are data, not
//! scripts, so the app's Content-Security-Policy (hashes of `index.html`'s inline scripts) holds.
//!
//! Under `/admin` the server sends the admin build (`dist/admin`, the viewer pages plus the admin
//! app), everywhere else the viewer build, so viewers never download the admin app.
//!
//! Other paths go to the dist directory: files whose names carry Trunk's content hash are
//! `immutable` for a year, the rest `no-cache`; Brotli and gzip siblings (`.br`, `.gz`, made at
//! build time) are chosen by `Accept-Encoding`. Unknown paths get the plain app (client routes).
//!
//! Every HTML page's `<html lang>` is the browser's preferred language among the app's
//! (`Accept-Language`, as the app itself picks on a first visit), with `Content-Language` and
//! `Vary: Accept-Language`.
//!
//! One file per job: this one serves (the fallback handler, static files, the admin build),
//! `heads.rs` looks an item page's item up and says what its head tells, `tags.rs` writes
//! those facts as HTML tags into `index.html`, `lang.rs` picks and marks the language.

mod heads;
mod lang;
mod tags;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

pub use heads::{VideoFacts, iso_duration, page_head, video_facts};
pub use tags::{head_tags, inject, script_json};

use crate::state::AppState;

/// Long-lived caching for files named by their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The built app: the viewer build's `index.html`, the admin build's (`admin/index.html`), both
/// read once, and the directory.
#[derive(Clone)]
pub struct Site {
    index: Arc<str>,
    admin: Option<Arc<str>>,
    files: ServeDir,
}

/// What `/admin` answers when the app was built without its admin build.
const NO_ADMIN_BUILD: &str = "<!doctype html><title>Projector</title><p>The admin app is not \
    built: build it with <code>scripts/build-app</code> (the README's commands do).</p>";

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").finish_non_exhaustive()
    }
}

impl Site {
    /// Reads `dir/index.html`; `None` when the app is not built.
    pub fn load(dir: &Path) -> Option<Self> {
        let index = std::fs::read_to_string(dir.join("index.html")).ok()?;
        let admin = std::fs::read_to_string(dir.join("admin").join("index.html")).ok();
        Some(Self {
            index: index.into(),
            admin: admin.map(Into::into),
            files: ServeDir::new(PathBuf::from(dir))
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false),
        })
    }

    /// The app's `index.html` as read at start.
    pub fn index(&self) -> &str {
        &self.index
    }

    /// Every `index.html` served (the viewer build's, then the admin build's).
    pub fn indexes(&self) -> Vec<&str> {
        std::iter::once(&*self.index)
            .chain(self.admin.as_deref())
            .collect()
    }

    /// The page for an `/admin` address that is not a file.
    fn admin_page(&self, lang: &'static str) -> Response {
        match &self.admin {
            Some(admin) => html(StatusCode::OK, admin, lang),
            None => html(StatusCode::NOT_FOUND, NO_ADMIN_BUILD, lang),
        }
    }
}

/// What the server can tell about a page of the app.
#[derive(Debug, Default, PartialEq)]
pub struct Head {
    /// `<title>` and `og:title`.
    pub title: String,
    /// Meta description (plain text).
    pub description: String,
    /// The page's own URL.
    pub canonical: String,
    /// `og:type`.
    pub og_type: &'static str,
    /// Poster, artwork or avatar.
    pub image: Option<String>,
    /// The embeddable player (`/embed/{id}`) and its size.
    pub player: Option<(String, i32, i32)>,
    /// The oEmbed endpoint for this page.
    pub oembed: Option<String>,
    /// Structured data.
    pub json_ld: Option<Value>,
    /// Reachable by link but not listed: not for search engines.
    pub noindex: bool,
}

/// The fallback handler: app pages, static files, or the app for client routes.
pub async fn serve(State(state): State<AppState>, site: Arc<Site>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let read = request.method() == Method::GET || request.method() == Method::HEAD;
    let admin = path == "/admin" || path.starts_with("/admin/");
    let lang = lang::negotiate(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    if read && (path == "/admin" || path == "/admin/" || path == "/admin/index.html") {
        return site.admin_page(lang);
    }
    if read && (path == "/" || path == "/index.html") {
        return html(StatusCode::OK, &site.index, lang);
    }
    if read {
        match page_head(&state.ctx, &path).await {
            Ok(Some(Some(head))) => {
                return html(StatusCode::OK, &inject(&site.index, &head), lang);
            }
            Ok(Some(None)) => return html(StatusCode::NOT_FOUND, &site.index, lang),
            Ok(None) => {}
            Err(e) => return e.into_response(),
        }
    }
    let files = site.files.clone();
    let mut response = match files.oneshot(request).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND && read {
        // A client route the server does not know: the app decides what to show.
        if admin {
            return site.admin_page(lang);
        }
        return html(StatusCode::OK, &site.index, lang);
    }
    let name = path.rsplit('/').next().unwrap_or_default();
    let h = response.headers_mut();
    if response_is_success(h, name) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    } else {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if !h.contains_key(header::VARY) {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

fn response_is_success(h: &axum::http::HeaderMap, name: &str) -> bool {
    // Any served body of a hashed name (200 or 206, or a 304 revalidation) is immutable.
    (h.contains_key(header::CONTENT_TYPE) || h.contains_key(header::ETAG)) && is_hashed(name)
}

/// An HTML page of the app in `lang` (its `<html lang>` marked), revalidated on every use.
fn html(status: StatusCode, body: &str, lang: &'static str) -> Response {
    let mut r = (status, lang::mark(body, lang)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang));
    h.insert(header::VARY, HeaderValue::from_static("accept-language"));
    r
}

/// Whether a file name carries a content hash as Trunk writes them: `name-<hex>.ext` (with an
/// optional `_bg` before the extension), the hash at least 8 hex digits.
pub fn is_hashed(name: &str) -> bool {
    let Some((stem, _ext)) = name.split_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised_and_plain_ones_are_not() {
        assert!(is_hashed("app-0123abcd.wasm"));
        assert!(is_hashed("projector-frontend-4f2a9c1e0b7d3e55_bg.wasm"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("favicon.ico"));
        assert!(!is_hashed("my-logo.svg"));
        assert!(!is_hashed("app-0123.js"));
    }
}
