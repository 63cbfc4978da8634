//! Embed pages, small server-rendered pages for other sites' iframes: `/embed/{videoId}` (an
//! HLS player, here), `/embed/episodes/{episodeId}` (an audio player, [`episode`]) and
//! `/embed/playlists/{playlistId}` (the video player moving through the items, [`playlist`]).
//!
//! The browser's native HLS plays where it exists; elsewhere the vendored hls.js
//! (`api/assets/hls.light.min.js`, from the npm package, served from the binary) does. Options:
//! `autoplay=1` (muted, as browsers require), `t`/`start` (seconds, or `1h2m3s`), `loop=1`.
//! `Content-Security-Policy: frame-ancestors` comes from `delivery.frame_ancestors`. Only videos
//! the public may reach (public or unlisted) have an embed page; anything else is a 404. A video
//! with a playback restriction (`super::referrer`) is a 403 to other referrers, like its media.
//! With `?token=` (a playback token, `super::playback`) any video plays, private ones too.

pub mod episode;
pub mod playlist;

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait as _;
use uuid::Uuid;

use super::graphql::VideoMedia;
use super::outputs::{Outputs, of_assets};
use super::playback::{self, Audience, Claims, serve};
use super::urls::{self, Grant, MediaUrls};
use crate::error::AppError;
use crate::state::AppState;
use crate::videos::entity::video;
use crate::visibility::Viewer;

const HLS_JS: &[u8] = include_bytes!("../../../assets/hls.light.min.js");
const PLAYER_JS: &[u8] = include_bytes!("../../../assets/player.js");

/// Escapes text for HTML content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A start time: seconds (`90`, `90.5`) or `1h2m3s`-style; anything else is ignored.
pub fn parse_start(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if raw.len() > 32 {
        return None;
    }
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then_some(secs);
    }
    let (mut total, mut number) = (0.0, String::new());
    for c in raw.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            'h' | 'm' | 's' => {
                let n: f64 = number.parse().ok()?;
                total += n * match c {
                    'h' => 3600.0,
                    'm' => 60.0,
                    _ => 1.0,
                };
                number.clear();
            }
            _ => return None,
        }
    }
    (number.is_empty() && total > 0.0).then_some(total)
}

fn flag(query: &HashMap<String, String>, name: &str) -> bool {
    query
        .get(name)
        .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes" | ""))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Whether `video`'s page may be sent to a request with `headers`: `Err` with the refusal if not,
/// else whether it is restricted at all (then no shared cache may keep the page). Reads the
/// restriction from the access cache of its media, so the page and its playlists agree.
pub async fn referrer_check(
    ctx: &crate::state::Ctx,
    video: &video::Model,
    headers: &HeaderMap,
) -> Result<bool, Response> {
    let Some(asset) = video.source_asset_id else {
        return Ok(false);
    };
    let access = ctx
        .delivery
        .access(&ctx.db, ctx.public_cache.any_generation(), asset)
        .await
        .map_err(IntoResponse::into_response)?;
    match access.restriction {
        Some(rule) if !rule.allows(headers) => {
            Err((StatusCode::FORBIDDEN, "forbidden").into_response())
        }
        Some(_) => Ok(true),
        None => Ok(false),
    }
}

/// An embed page's response, kept out of shared caches when `restricted`.
pub fn framed_for(
    ctx: &crate::state::Ctx,
    html: Result<String, AppError>,
    restricted: bool,
) -> Response {
    let mut response = framed(ctx, html);
    if restricted {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=60"),
        );
    }
    response
}

/// The embed page of a video.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let ctx = &state.ctx;
    let Ok(id) = Uuid::try_parse(&id) else {
        return not_found();
    };
    if let Some(token) = query.get("token") {
        return page_with_token(ctx, id, token, &query, &headers).await;
    }
    let video = match crate::content::find::<video::Entity>(&ctx.db, &Viewer::Public, id).await {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    };
    let restricted = match referrer_check(ctx, &video, &headers).await {
        Ok(r) => r,
        Err(refused) => return refused,
    };
    framed_for(
        ctx,
        render(ctx, &video, &query, None, None).await,
        restricted,
    )
}

/// The embed page of a video opened with a playback token (`?token=`, audience `v`), whatever
/// the video's visibility: its media URLs carry the token (see [`super::playback`]). A bad
/// token is a 403 with its code; the video's referrer restriction applies as without one.
async fn page_with_token(
    ctx: &crate::state::Ctx,
    id: Uuid,
    token: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    let now = chrono::Utc::now().timestamp();
    let claims = match playback::token::verify(&ctx.db, token, Audience::Video, id, now).await {
        Ok(claims) => claims,
        Err(refusal) => return refusal.response(),
    };
    let video = match video::Entity::find_by_id(id).one(&ctx.db).await {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(e) => return AppError::from(e).into_response(),
    };
    match serve::referrer_allows(&ctx.db, &video, headers).await {
        Ok(true) => {}
        Ok(false) => return serve::referrer_refused(),
        Err(e) => return e.into_response(),
    }
    let html = render(ctx, &video, query, None, Some((token, &claims))).await;
    // Never in a shared cache: the page carries the token.
    framed_for(ctx, html, true)
}

/// An embed page's response: HTML, framable only by `delivery.frame_ancestors`, cached briefly.
pub fn framed(ctx: &crate::state::Ctx, html: Result<String, AppError>) -> Response {
    let html = match html {
        Ok(html) => html,
        Err(e) => return e.into_response(),
    };
    let mut response = html.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let csp = format!(
        "frame-ancestors {}",
        ctx.config
            .delivery
            .frame_ancestors
            .replace([';', '\r', '\n'], " ")
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

/// The page's oEmbed discovery links (JSON and XML) for the page at `url`.
pub fn oembed_links(config: &crate::config::Config, url: &str, title: &str) -> String {
    let json = html_escape(&urls::oembed(config, url));
    let xml = html_escape(&urls::oembed_xml(config, url));
    format!(
        "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{json}\" title=\"{title}\">\
<link rel=\"alternate\" type=\"text/xml+oembed\" href=\"{xml}\" title=\"{title}\">"
    )
}

/// A video's media for its page, and its poster: public URLs, or with a playback token URLs
/// carrying it (the poster only when the token also covers thumbnails).
async fn media_of(
    ctx: &crate::state::Ctx,
    video: &video::Model,
    token: Option<(&str, &Claims)>,
) -> Result<(VideoMedia, Option<String>), AppError> {
    let config = &ctx.config;
    let urls_of = |asset| match token {
        Some((t, _)) => MediaUrls::with_token(config, video.id, t),
        None => MediaUrls::new(config, &ctx.delivery.signer, asset, Grant::Public),
    };
    let media = match video.source_asset_id {
        Some(asset) => {
            let rows = of_assets(&ctx.db, vec![asset]).await?.remove(&asset);
            Outputs::new(asset, rows.unwrap_or_default()).video_media(&urls_of(asset))
        }
        None => VideoMedia::default(),
    };
    let poster = match (video.poster_asset_id, token) {
        (_, Some((_, claims))) if !claims.covers(Audience::Thumbnail) => None,
        (Some(_), Some((t, _))) => Some(MediaUrls::with_token(config, video.id, t).url("poster")),
        (Some(p), None) => Some(urls_of(p).url("source")),
        (None, _) => media.poster_url.clone(),
    };
    Ok((media, poster))
}

/// A video's embed page; within a playlist's, `playlist` says where it is and what follows;
/// with a playback token, its media URLs carry it.
async fn render(
    ctx: &crate::state::Ctx,
    video: &video::Model,
    query: &HashMap<String, String>,
    playlist: Option<&playlist::Bar>,
    token: Option<(&str, &Claims)>,
) -> Result<String, AppError> {
    let config = &ctx.config;
    let (media, poster) = media_of(ctx, video, token).await?;
    let start = query
        .get("t")
        .or_else(|| query.get("start"))
        .and_then(|t| parse_start(t))
        .unwrap_or(0.0);
    let autoplay = flag(query, "autoplay");
    let looping = flag(query, "loop");
    let title = html_escape(playlist.map_or(&video.title, |p| &p.title));
    let discovered = match playlist {
        Some(p) => urls::playlist_page(config, p.id),
        None => urls::watch(config, video.id),
    };
    let links = oembed_links(config, &discovered, &title);
    let mut attrs =
        String::from("controls playsinline preload=\"metadata\" crossorigin=\"anonymous\"");
    if autoplay {
        attrs.push_str(" autoplay muted");
    }
    if looping {
        attrs.push_str(" loop");
    }
    if let Some(p) = &poster {
        attrs.push_str(&format!(" poster=\"{}\"", html_escape(p)));
    }
    if let Some(src) = &media.hls_url {
        attrs.push_str(&format!(" data-src=\"{}\"", html_escape(src)));
    }
    if start > 0.0 {
        attrs.push_str(&format!(" data-start=\"{start}\""));
    }
    attrs.push_str(&format!(
        " data-views=\"{}/views/{}\"",
        html_escape(urls::base(config)),
        video.id
    ));
    if let Some(next) = playlist.and_then(|p| p.next.as_deref()) {
        attrs.push_str(&format!(" data-next=\"{}\"", html_escape(next)));
    }
    let mut tracks = String::new();
    for (i, c) in media.captions.iter().enumerate() {
        let lang = html_escape(&c.language);
        tracks.push_str(&format!(
            "<track kind=\"captions\" srclang=\"{lang}\" label=\"{lang}\" src=\"{}\"{}>",
            html_escape(&c.url),
            if i == 0 { " default" } else { "" }
        ));
    }
    let mut notice = if media.playable {
        String::new()
    } else {
        "<p class=\"notice\">This video is still being prepared.</p>".to_string()
    };
    if let Some(p) = playlist {
        notice.push_str(&p.header(&video.title));
    }
    let lang = html_escape(video.language.as_deref().unwrap_or("en"));
    Ok(format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title}</title>{links}\
<style>html,body{{margin:0;height:100%;background:#000;color:#fff;font:14px system-ui,sans-serif}}\
video{{width:100%;height:100%;display:block;background:#000}}\
.notice,.bar{{position:absolute;top:0;left:0;right:0;margin:0;padding:8px 12px;background:rgba(0,0,0,.6)}}\
.bar{{z-index:1}}.bar a{{color:#fff}}</style>\
</head><body>{notice}<video id=\"player\" {attrs}>{tracks}</video>\
<script src=\"/embed/assets/hls.light.min.js\"></script>\
<script src=\"/embed/assets/player.js\"></script></body></html>\n"
    ))
}

fn script(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// The vendored hls.js.
pub async fn hls_js() -> Response {
    script(HLS_JS)
}

/// The player bootstrap.
pub async fn player_js() -> Response {
    script(PLAYER_JS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_read_seconds_and_units() {
        assert_eq!(parse_start("90"), Some(90.0));
        assert_eq!(parse_start("1m30s"), Some(90.0));
        assert_eq!(parse_start("1h"), Some(3600.0));
        assert_eq!(parse_start("-5"), None);
        assert_eq!(parse_start("abc"), None);
        assert_eq!(parse_start("1x"), None);
        assert_eq!(parse_start("NaN"), None);
    }
}
