//! `GET /sitemap.xml` and `GET /robots.txt`.
//!
//! The sitemap lists what the public can find in lists (public, published, ready videos with
//! Google's video extension; channels; public podcasts and playlists), read in keyset pages by
//! id so a large catalogue never loads at once. One sitemap file holds at most 50,000 URLs
//! (the protocol's limit): beyond that a sitemap index naming `/sitemap.xml?page=N` files is the
//! way to grow; today the first 50,000 are listed and a warning is logged.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, Select,
};
use uuid::Uuid;

use super::embed::html_escape as xml_escape;
use super::outputs::{Outputs, of_assets};
use super::pages::{VideoFacts, video_facts};
use super::urls;
use crate::channels::entity::channel;
use crate::error::AppResult;
use crate::playlists::entity::playlist;
use crate::podcasts::entity::podcast;
use crate::state::{AppState, Ctx};
use crate::videos::entity::video;
use crate::visibility::{self, Reach, Viewer};

/// Rows read per query.
const PAGE: u64 = 500;
/// URLs in one sitemap file (the protocol's limit).
const MAX_URLS: usize = 50_000;
/// Longest `video:description` (Google's limit is 2048 characters).
const DESCRIPTION_CHARS: usize = 2000;

/// `robots.txt`: everything may be crawled but the admin app and the API.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /graphql\n\nSitemap: {}/sitemap.xml\n",
        urls::base(&state.ctx.config)
    );
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// The sitemap handler.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    match build(&state.ctx).await {
        Ok(body) => {
            let mut r = body.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            );
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=600"),
            );
            r
        }
        Err(e) => e.into_response(),
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The `<urlset>` being written, and how many URLs it holds.
struct Sitemap {
    out: String,
    count: usize,
}

impl Sitemap {
    /// Adds a URL; `false` once the file is full (the URL is then left out).
    fn url(&mut self, loc: &str, extra: &str) -> bool {
        if self.count >= MAX_URLS {
            return false;
        }
        self.count += 1;
        let _ = writeln!(self.out, "<url><loc>{}</loc>{extra}</url>", xml_escape(loc));
        true
    }
}

/// Reads a query in keyset pages of [`PAGE`] rows by id, so a large catalogue never loads at
/// once.
struct Pages<E: EntityTrait> {
    select: Select<E>,
    id: E::Column,
    id_of: fn(&E::Model) -> Uuid,
    after: Option<Uuid>,
}

impl<E: EntityTrait> Pages<E> {
    fn new(select: Select<E>, id: E::Column, id_of: fn(&E::Model) -> Uuid) -> Self {
        Self {
            select,
            id,
            id_of,
            after: None,
        }
    }

    /// The next page; none at the end.
    async fn next(&mut self, db: &impl ConnectionTrait) -> AppResult<Option<Vec<E::Model>>> {
        let mut q = self.select.clone().order_by_asc(self.id).limit(PAGE);
        if let Some(a) = self.after {
            q = q.filter(self.id.gt(a));
        }
        let rows = q.all(db).await?;
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.after = Some((self.id_of)(last));
        Ok(Some(rows))
    }
}

async fn build(ctx: &Ctx) -> AppResult<String> {
    let mut map = Sitemap {
        out: String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
             xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\">\n",
        ),
        count: 0,
    };
    // Channels (all public), then public videos, podcasts and playlists.
    let slugs = add_channels(ctx, &mut map).await?;
    add_videos(ctx, &mut map).await?;
    add_podcasts(ctx, &mut map, &slugs).await?;
    add_playlists(ctx, &mut map).await?;
    if map.count >= MAX_URLS {
        tracing::warn!(
            limit = MAX_URLS,
            "the sitemap is full; later items are not listed"
        );
    }
    map.out.push_str("</urlset>\n");
    Ok(map.out)
}

/// Every channel; returns their slugs by id (podcast pages are addressed by them).
async fn add_channels(ctx: &Ctx, map: &mut Sitemap) -> AppResult<HashMap<Uuid, String>> {
    let mut slugs = HashMap::new();
    let mut pages = Pages::new(channel::Entity::find(), channel::Column::Id, |m| m.id);
    while let Some(rows) = pages.next(&ctx.db).await? {
        for c in rows {
            if !map.url(&urls::channel_page(&ctx.config, &c.slug), "") {
                return Ok(slugs);
            }
            slugs.insert(c.id, c.slug);
        }
    }
    Ok(slugs)
}

/// Every listed public video, with Google's video extension.
async fn add_videos(ctx: &Ctx, map: &mut Sitemap) -> AppResult<()> {
    let now = Utc::now();
    let mut pages = Pages::new(
        video::Entity::find().filter(visibility::videos(&Viewer::Public, Reach::Listed, now)),
        video::Column::Id,
        |m| m.id,
    );
    while let Some(rows) = pages.next(&ctx.db).await? {
        let mut outputs = of_assets(
            &ctx.db,
            rows.iter().filter_map(|v| v.source_asset_id).collect(),
        )
        .await?;
        for v in rows {
            let o = v
                .source_asset_id
                .map(|a| Outputs::new(a, outputs.remove(&a).unwrap_or_default()));
            let facts = video_facts(ctx, &v, o).await?;
            if !map.url(
                &urls::watch(&ctx.config, v.id),
                &video_extension(ctx, &v, &facts),
            ) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// A video's `<video:video>` element.
fn video_extension(ctx: &Ctx, v: &video::Model, facts: &VideoFacts) -> String {
    let mut extra = String::from("<video:video>");
    if let Some(p) = &facts.poster {
        let _ = write!(
            extra,
            "<video:thumbnail_loc>{}</video:thumbnail_loc>",
            xml_escape(p)
        );
    }
    let description = if v.description.trim().is_empty() {
        &v.title
    } else {
        &v.description
    };
    let _ = write!(
        extra,
        "<video:title>{}</video:title><video:description>{}</video:description>",
        xml_escape(&v.title),
        xml_escape(&truncate(description, DESCRIPTION_CHARS))
    );
    if let Some(c) = &facts.content {
        let _ = write!(
            extra,
            "<video:content_loc>{}</video:content_loc>",
            xml_escape(c)
        );
    }
    let _ = write!(
        extra,
        "<video:player_loc>{}</video:player_loc>",
        xml_escape(&urls::embed(&ctx.config, v.id))
    );
    if let Some(d) = v.duration_secs {
        let _ = write!(
            extra,
            "<video:duration>{}</video:duration>",
            d.max(1.0).round() as u64
        );
    }
    if let Some(t) = v.publish_at {
        let _ = write!(
            extra,
            "<video:publication_date>{}</video:publication_date>",
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    let _ = write!(
        extra,
        "<video:view_count>{}</video:view_count>",
        v.view_count
    );
    extra.push_str("</video:video>");
    extra
}

/// Every listed public podcast of a listed channel.
async fn add_podcasts(
    ctx: &Ctx,
    map: &mut Sitemap,
    slugs: &HashMap<Uuid, String>,
) -> AppResult<()> {
    let mut pages = Pages::new(
        podcast::Entity::find().filter(visibility::podcasts(&Viewer::Public, Reach::Listed)),
        podcast::Column::Id,
        |m| m.id,
    );
    while let Some(rows) = pages.next(&ctx.db).await? {
        for p in rows {
            let Some(slug) = slugs.get(&p.channel_id) else {
                continue;
            };
            if !map.url(&urls::podcast_page(&ctx.config, slug, &p.slug), "") {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Every listed public playlist.
async fn add_playlists(ctx: &Ctx, map: &mut Sitemap) -> AppResult<()> {
    let base = urls::base(&ctx.config).to_string();
    let mut pages = Pages::new(
        playlist::Entity::find().filter(visibility::playlists(&Viewer::Public, Reach::Listed)),
        playlist::Column::Id,
        |m| m.id,
    );
    while let Some(rows) = pages.next(&ctx.db).await? {
        for p in rows {
            if !map.url(&format!("{base}/playlists/{}", p.id), "") {
                return Ok(());
            }
        }
    }
    Ok(())
}
