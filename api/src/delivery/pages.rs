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

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;
use uuid::Uuid;

use super::embed::html_escape;
use super::outputs::{Outputs, of_assets};
use super::urls::{self, Grant, MediaUrls};
use crate::channels::entity::channel;
use crate::error::AppResult;
use crate::podcasts::entity::podcast;
use crate::state::{AppState, Ctx};
use crate::visibility::Viewer;

/// Player size announced to unfurlers when the renditions do not say (16:9).
const DEFAULT_SIZE: (i32, i32) = (640, 360);
/// Longest meta description, in characters.
const DESCRIPTION_CHARS: usize = 300;
/// Site name in titles and `og:site_name`.
const SITE: &str = "Projector";
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
    fn admin_page(&self) -> Response {
        match &self.admin {
            Some(admin) => html(StatusCode::OK, admin.to_string()),
            None => html(StatusCode::NOT_FOUND, NO_ADMIN_BUILD.to_string()),
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
    if read && (path == "/admin" || path == "/admin/" || path == "/admin/index.html") {
        return site.admin_page();
    }
    if read && (path == "/" || path == "/index.html") {
        return html(StatusCode::OK, site.index.to_string());
    }
    if read {
        match page_head(&state.ctx, &path).await {
            Ok(Some(Some(head))) => return html(StatusCode::OK, inject(&site.index, &head)),
            Ok(Some(None)) => return html(StatusCode::NOT_FOUND, site.index.to_string()),
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
            return site.admin_page();
        }
        return html(StatusCode::OK, site.index.to_string());
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

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
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

/// `Some(Some(head))` for a page of a visible item, `Some(None)` for a page of an item the
/// public may not see (or that does not exist), `None` for paths that are not item pages.
pub async fn page_head(ctx: &Ctx, path: &str) -> AppResult<Option<Option<Head>>> {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let head = match parts.as_slice() {
        ["watch", id] => match Uuid::try_parse(id) {
            Ok(id) => video_head(ctx, id).await?,
            Err(_) => None,
        },
        ["channels", slug] => channel_head(ctx, slug).await?,
        ["playlists", id] => match Uuid::try_parse(id) {
            Ok(id) => playlist_head(ctx, id).await?,
            Err(_) => None,
        },
        ["podcasts", channel, slug] => podcast_head(ctx, channel, slug).await?,
        ["episodes", id] => match Uuid::try_parse(id) {
            Ok(id) => episode_head(ctx, id).await?,
            Err(_) => None,
        },
        _ => return Ok(None),
    };
    Ok(Some(head))
}

/// `PT1H2M3S` (ISO 8601) for a duration in seconds.
pub fn iso_duration(secs: f64) -> String {
    let total = secs.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

fn short(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text;
    }
    let mut out: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
    out.push('…');
    out
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn picture(ctx: &Ctx, asset: Uuid) -> String {
    MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public).url("source")
}

/// Facts about a public video used by its page and the sitemap.
#[derive(Debug)]
pub struct VideoFacts {
    /// Poster URL (editor's upload, else the transcode's).
    pub poster: Option<String>,
    /// HLS playlist URL.
    pub content: Option<String>,
    /// Largest rendition size.
    pub size: (i32, i32),
}

/// Poster, stream and size of a video the public may see (URLs unsigned: it is public).
pub async fn video_facts(
    ctx: &Ctx,
    video: &crate::videos::entity::video::Model,
    outputs: Option<Outputs>,
) -> AppResult<VideoFacts> {
    let outputs = match (outputs, video.source_asset_id) {
        (Some(o), _) => Some(o),
        (None, Some(asset)) => {
            let mut rows = of_assets(&ctx.db, vec![asset]).await?;
            Some(Outputs::new(asset, rows.remove(&asset).unwrap_or_default()))
        }
        (None, None) => None,
    };
    let media = match (&outputs, video.source_asset_id) {
        (Some(o), Some(asset)) => Some(o.video_media(&MediaUrls::new(
            &ctx.config,
            &ctx.delivery.signer,
            asset,
            Grant::Public,
        ))),
        _ => None,
    };
    let size = media
        .as_ref()
        .and_then(|m| {
            m.renditions
                .iter()
                .filter_map(|r| Some((r.width?, r.height?)))
                .max()
        })
        .unwrap_or(DEFAULT_SIZE);
    let poster = match video.poster_asset_id {
        Some(asset) => Some(picture(ctx, asset)),
        None => media.as_ref().and_then(|m| {
            m.poster_url.clone().or_else(|| {
                m.thumbnails
                    .iter()
                    .max_by_key(|p| p.width)
                    .map(|p| p.url.clone())
            })
        }),
    };
    Ok(VideoFacts {
        poster,
        content: media.and_then(|m| m.hls_url),
        size,
    })
}

async fn video_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(video) = crate::videos::service::find(&ctx.db, &Viewer::Public, id).await? else {
        return Ok(None);
    };
    let channel = channel::Entity::find_by_id(video.channel_id)
        .one(&ctx.db)
        .await?;
    let facts = video_facts(ctx, &video, None).await?;
    let watch = urls::watch(&ctx.config, video.id);
    let embed = urls::embed(&ctx.config, video.id);
    let listed = video.visibility == crate::visibility::Visibility::Public.as_str();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": video.title,
        "description": if video.description.is_empty() { video.title.clone() } else { short(&video.description) },
        "url": watch,
        "embedUrl": embed,
    });
    if let Some(p) = &facts.poster {
        ld["thumbnailUrl"] = json!([p]);
    }
    if let Some(t) = rfc3339(video.publish_at) {
        ld["uploadDate"] = json!(t);
    }
    if let Some(d) = video.duration_secs {
        ld["duration"] = json!(iso_duration(d));
    }
    if let Some(c) = &facts.content {
        ld["contentUrl"] = json!(c);
    }
    if let Some(c) = &channel {
        ld["author"] = json!({
            "@type": "Person",
            "name": c.name,
            "url": urls::channel_page(&ctx.config, &c.slug),
        });
    }
    ld["interactionStatistic"] = json!({
        "@type": "InteractionCounter",
        "interactionType": { "@type": "WatchAction" },
        "userInteractionCount": video.view_count,
    });
    Ok(Some(Head {
        title: video.title.clone(),
        description: short(&video.description),
        oembed: Some(urls::oembed(&ctx.config, &watch)),
        canonical: watch,
        og_type: "video.other",
        image: facts.poster,
        player: Some((embed, facts.size.0, facts.size.1)),
        json_ld: Some(ld),
        noindex: !listed,
    }))
}

async fn channel_head(ctx: &Ctx, slug: &str) -> AppResult<Option<Head>> {
    let Some(c) = crate::channels::service::find_by_slug(&ctx.db, slug).await? else {
        return Ok(None);
    };
    let url = urls::channel_page(&ctx.config, &c.slug);
    let image = c.avatar_asset_id.map(|a| picture(ctx, a));
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": c.name,
        "url": url,
    });
    if let Some(i) = &image {
        ld["logo"] = json!(i);
    }
    Ok(Some(Head {
        title: c.name.clone(),
        description: short(&c.description),
        canonical: url,
        og_type: "profile",
        image,
        json_ld: Some(ld),
        ..Head::default()
    }))
}

async fn playlist_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(p) = crate::playlists::service::find(&ctx.db, &Viewer::Public, id).await? else {
        return Ok(None);
    };
    let url = format!("{}/playlists/{}", urls::base(&ctx.config), p.id);
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": p.title,
        "url": url,
    });
    Ok(Some(Head {
        title: p.title.clone(),
        description: short(&p.description),
        canonical: url,
        og_type: "website",
        json_ld: Some(ld),
        noindex: p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

fn podcast_ld(ctx: &Ctx, p: &podcast::Model, channel_slug: &str) -> Value {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": p.title,
        "description": short(&p.description),
        "url": urls::podcast_page(&ctx.config, channel_slug, &p.slug),
        "webFeed": urls::podcast_feed(&ctx.config, channel_slug, &p.slug),
    });
    if !p.author.is_empty() {
        ld["author"] = json!({ "@type": "Person", "name": p.author });
    }
    if let Some(a) = p.artwork_asset_id {
        ld["image"] = json!(picture(ctx, a));
    }
    ld
}

async fn podcast_head(ctx: &Ctx, channel_slug: &str, slug: &str) -> AppResult<Option<Head>> {
    let Some(p) =
        crate::podcasts::service::find_by_slug(&ctx.db, &Viewer::Public, channel_slug, slug)
            .await?
    else {
        return Ok(None);
    };
    let url = urls::podcast_page(&ctx.config, channel_slug, &p.slug);
    Ok(Some(Head {
        title: p.title.clone(),
        description: short(&p.description),
        canonical: url,
        og_type: "website",
        image: p.artwork_asset_id.map(|a| picture(ctx, a)),
        json_ld: Some(podcast_ld(ctx, &p, channel_slug)),
        noindex: p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

async fn episode_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(e) = crate::podcasts::service::find_episode(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let Some(p) = podcast::Entity::find_by_id(e.podcast_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(c) = channel::Entity::find_by_id(p.channel_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let url = format!("{}/episodes/{}", urls::base(&ctx.config), e.id);
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": e.title,
        "description": short(&e.description),
        "url": url,
        "partOfSeries": podcast_ld(ctx, &p, &c.slug),
    });
    if let Some(t) = rfc3339(e.publish_at) {
        ld["datePublished"] = json!(t);
    }
    if let Some(d) = e.duration_secs {
        ld["timeRequired"] = json!(iso_duration(d));
    }
    if let Some(asset) = e.media_asset_id {
        let mut rows = of_assets(&ctx.db, vec![asset]).await?;
        let urls = MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public);
        if let Some(enc) = Outputs::new(asset, rows.remove(&asset).unwrap_or_default())
            .episode_media(&urls)
            .enclosure
        {
            ld["associatedMedia"] = json!({
                "@type": "MediaObject",
                "contentUrl": enc.url,
                "encodingFormat": enc.mime_type,
            });
        }
    }
    Ok(Some(Head {
        title: e.title.clone(),
        description: short(&e.description),
        canonical: url,
        og_type: "music.song",
        image: p.artwork_asset_id.map(|a| picture(ctx, a)),
        json_ld: Some(ld),
        noindex: e.visibility != crate::visibility::Visibility::Public.as_str()
            || p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

/// JSON safe inside a `<script>` element: `<`, `>` and `&` become `\u003c` etc. (still JSON).
pub fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The tags for `head`, every value HTML-escaped.
pub fn head_tags(head: &Head) -> String {
    let e = html_escape;
    let mut t = String::new();
    let meta_p = |t: &mut String, property: &str, content: &str| {
        t.push_str(&format!(
            "<meta property=\"{property}\" content=\"{}\">\n",
            e(content)
        ));
    };
    let meta_n = |t: &mut String, name: &str, content: &str| {
        t.push_str(&format!(
            "<meta name=\"{name}\" content=\"{}\">\n",
            e(content)
        ));
    };
    if !head.description.is_empty() {
        meta_n(&mut t, "description", &head.description);
    }
    if head.noindex {
        meta_n(&mut t, "robots", "noindex");
    }
    t.push_str(&format!(
        "<link rel=\"canonical\" href=\"{}\">\n",
        e(&head.canonical)
    ));
    meta_p(&mut t, "og:site_name", SITE);
    meta_p(&mut t, "og:type", head.og_type);
    meta_p(&mut t, "og:title", &head.title);
    meta_p(&mut t, "og:url", &head.canonical);
    if !head.description.is_empty() {
        meta_p(&mut t, "og:description", &head.description);
    }
    if let Some(i) = &head.image {
        meta_p(&mut t, "og:image", i);
    }
    if let Some((player, w, h)) = &head.player {
        meta_p(&mut t, "og:video", player);
        if player.starts_with("https:") {
            meta_p(&mut t, "og:video:secure_url", player);
        }
        meta_p(&mut t, "og:video:type", "text/html");
        meta_p(&mut t, "og:video:width", &w.to_string());
        meta_p(&mut t, "og:video:height", &h.to_string());
        meta_n(&mut t, "twitter:card", "player");
        meta_n(&mut t, "twitter:player", player);
        meta_n(&mut t, "twitter:player:width", &w.to_string());
        meta_n(&mut t, "twitter:player:height", &h.to_string());
    } else {
        meta_n(
            &mut t,
            "twitter:card",
            if head.image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
        );
    }
    meta_n(&mut t, "twitter:title", &head.title);
    if !head.description.is_empty() {
        meta_n(&mut t, "twitter:description", &head.description);
    }
    if let Some(i) = &head.image {
        meta_n(&mut t, "twitter:image", i);
    }
    if let Some(o) = &head.oembed {
        t.push_str(&format!(
            "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}\" title=\"{}\">\n",
            e(o),
            e(&head.title)
        ));
    }
    if let Some(ld) = &head.json_ld {
        // Data, not a script: the CSP's script hashes do not apply to it.
        t.push_str(&format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            script_json(ld)
        ));
    }
    t
}

/// `index` with its `<title>` replaced and `head`'s tags inserted before `</head>`.
pub fn inject(index: &str, head: &Head) -> String {
    let title = format!("<title>{} · {SITE}</title>", html_escape(&head.title));
    let mut out = String::with_capacity(index.len() + 4096);
    // The app's own <title> element is replaced in place (the app may still set it later).
    let rest = match (index.find("<title>"), index.find("</title>")) {
        (Some(a), Some(b)) if a < b => {
            out.push_str(&index[..a]);
            out.push_str(&title);
            &index[b + "</title>".len()..]
        }
        _ => {
            out.push_str(&title);
            index
        }
    };
    let tags = head_tags(head);
    match rest.find("</head>") {
        Some(i) => {
            out.push_str(&rest[..i]);
            out.push_str(&tags);
            out.push_str(&rest[i..]);
        }
        None => {
            out.push_str(&tags);
            out.push_str(rest);
        }
    }
    out
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

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(iso_duration(0.0), "PT0S");
        assert_eq!(iso_duration(65.4), "PT1M5S");
        assert_eq!(iso_duration(3600.0), "PT1H");
        assert_eq!(iso_duration(3725.0), "PT1H2M5S");
    }

    #[test]
    fn user_text_cannot_close_the_title_or_the_json_ld() {
        let head = Head {
            title: "</title><script>alert(1)</script>".into(),
            description: "a \"quoted\" <b>".into(),
            canonical: "https://x/watch/1".into(),
            og_type: "video.other",
            json_ld: Some(json!({ "name": "</script><script>alert(2)</script>" })),
            ..Head::default()
        };
        let out = inject(
            "<html><head><title>Projector</title></head><body></body></html>",
            &head,
        );
        assert!(!out.contains("<script>alert"), "{out}");
        assert!(out.contains("&lt;/title&gt;&lt;script&gt;"));
        assert_eq!(out.matches("</title>").count(), 1);
        assert_eq!(out.matches("</script>").count(), 1);
    }
}
