//! RSS feeds: `/feeds/podcasts/{slug}.xml` (or `/feeds/podcasts/{channel}/{slug}.xml` when a
//! slug is used by podcasts of several channels) with the iTunes and podcast namespaces, and
//! `/feeds/channels/{slug}.xml` with Media RSS.
//!
//! Only what the public may list appears: public episodes and videos inside their publish
//! window (unlisted ones never). A private podcast is a 404; an unlisted one has a feed (its URL
//! is the secret). Episodes get one `<enclosure>` each, at the MP3 (else M4A) file with its exact
//! size; an episode without an audio file yet is left out. Text goes through quick-xml's
//! escaping, after dropping the characters XML 1.0 cannot carry, so any description gives a
//! valid document. `ETag` (a hash of the document) and `Last-Modified` let apps poll cheaply.

use std::io::Cursor;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::graphql::Enclosure;
use super::outputs::{Outputs, of_assets};
use super::urls::{self, Grant, MediaUrls};
use crate::channels::entity::channel;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::podcasts::entity::{episode, podcast};
use crate::podcasts::itunes;
use crate::state::{AppState, Ctx};
use crate::videos::entity::video;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

/// Most items in a feed.
const MAX_ITEMS: u64 = 1000;
/// Items in a channel's video feed.
const CHANNEL_ITEMS: u64 = 50;

/// `Cache-Control` of feeds: apps and CDNs may keep them a few minutes.
const FEED_CACHE: &str = "public, max-age=300";

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const PODCAST: &str = "https://podcastindex.org/namespace/1.0";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const MEDIA: &str = "http://search.yahoo.com/mrss/";
/// The podcast namespace's UUIDv5 namespace for `podcast:guid`.
const PODCAST_GUID_NS: Uuid = Uuid::from_u128(0xead4c236_bf58_58c6_a2c6_a6b28d128cb6);

/// The slug a feed's file names (`{slug}.xml`); `NOT_FOUND` for anything else.
fn slug_of(file: &str) -> AppResult<&str> {
    file.strip_suffix(".xml")
        .filter(|s| !s.is_empty() && s.len() <= 100)
        .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .ok_or(AppError::NotFound("feed"))
}

/// `GET /feeds/podcasts/{slug}.xml`.
pub async fn podcast(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mut found = podcast::Entity::find()
        .filter(podcast::Column::Slug.eq(slug_of(&file)?))
        .filter(visibility::podcasts(&Viewer::Public, Reach::Direct))
        .limit(2)
        .all(&state.ctx.db)
        .await?;
    // Two channels use the slug: only the channel-qualified address is unambiguous.
    let (Some(p), true) = (found.pop(), found.is_empty()) else {
        return Err(AppError::NotFound("feed"));
    };
    Ok(respond(podcast_feed(&state.ctx, p).await?, &headers))
}

/// `GET /feeds/podcasts/{channelSlug}/{slug}.xml`.
pub async fn podcast_in_channel(
    State(state): State<AppState>,
    Path((channel_slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let slug = slug_of(&file)?;
    let db = &state.ctx.db;
    let found = content::find_by_slug::<podcast::Entity>(db, &Viewer::Public, &channel_slug, slug);
    let p = found.await?.ok_or(AppError::NotFound("feed"))?;
    Ok(respond(podcast_feed(&state.ctx, p).await?, &headers))
}

/// `GET /feeds/channels/{slug}.xml`.
pub async fn channel(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let found = crate::channels::service::find_by_slug(&state.ctx.db, slug_of(&file)?);
    let c = found.await?.ok_or(AppError::NotFound("feed"))?;
    Ok(respond(channel_feed(&state.ctx, c).await?, &headers))
}

/// A finished feed document.
struct Feed {
    body: Vec<u8>,
    modified: DateTime<Utc>,
}

fn respond(feed: Feed, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&feed.body))[..32]);
    let last_modified = httpdate::fmt_http_date(feed.modified.into());
    let fresh = match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(inm) => super::media::none_match(inm, &etag),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v.trim()).ok())
            .is_some_and(|since| {
                feed.modified.timestamp() <= DateTime::<Utc>::from(since).timestamp()
            }),
    };
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = feed.body.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/rss+xml; charset=utf-8"),
        );
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(FEED_CACHE));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&last_modified) {
        h.insert(header::LAST_MODIFIED, v);
    }
    response
}

/// Text as XML 1.0 can carry it: without control characters other than tab and newlines,
/// without surrogates' replacement leftovers and without the two non-characters.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || (('\u{20}'..='\u{D7FF}').contains(&c)
                    || ('\u{E000}'..='\u{FFFD}').contains(&c)
                    || c >= '\u{10000}')
        })
        .collect()
}

/// RFC 822 dates, as RSS wants them.
fn rfc822(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// `podcast:guid`: UUIDv5 of the feed URL without scheme and trailing slashes.
pub fn podcast_guid(feed_url: &str) -> Uuid {
    use sha1::Digest as _;
    let name = feed_url
        .split_once("://")
        .map_or(feed_url, |(_, rest)| rest)
        .trim_end_matches('/');
    let mut hasher = sha1::Sha1::new();
    hasher.update(PODCAST_GUID_NS.as_bytes());
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

type W = Writer<Cursor<Vec<u8>>>;

fn xml_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("feed: {e}"))
}

/// `<name>text</name>`.
/// The start of a feed's `<channel>`: its title, its site, its own address and its
/// description (Markdown, written as HTML).
fn channel_head(
    w: &mut W,
    title: &str,
    site: &str,
    feed_url: &str,
    description: &str,
) -> AppResult<()> {
    text(w, "title", title)?;
    text(w, "link", site)?;
    let link = [
        ("href", feed_url),
        ("rel", "self"),
        ("type", "application/rss+xml"),
    ];
    empty(w, "atom:link", &link)?;
    text(w, "description", &content::render_markdown(description))
}

fn text(w: &mut W, name: &str, value: &str) -> AppResult<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_safe(value)))
        .map_err(xml_error)?;
    Ok(())
}

/// `<name a="v" .../>`.
fn empty(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> AppResult<()> {
    let safe: Vec<(&str, String)> = attrs.iter().map(|(k, v)| (*k, xml_safe(v))).collect();
    w.create_element(name)
        .with_attributes(safe.iter().map(|(k, v)| (*k, v.as_str())))
        .write_empty()
        .map_err(xml_error)?;
    Ok(())
}

fn start(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> AppResult<()> {
    let mut el = quick_xml::events::BytesStart::new(name);
    for (k, v) in attrs {
        el.push_attribute((*k, xml_safe(v).as_str()));
    }
    w.write_event(Event::Start(el)).map_err(xml_error)
}

fn end(w: &mut W, name: &str) -> AppResult<()> {
    w.write_event(Event::End(quick_xml::events::BytesEnd::new(name)))
        .map_err(xml_error)
}

fn document(namespaces: &[(&str, &str)]) -> AppResult<W> {
    let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(xml_error)?;
    let mut attrs = vec![("version", "2.0")];
    attrs.extend_from_slice(namespaces);
    start(&mut w, "rss", &attrs)?;
    start(&mut w, "channel", &[])?;
    Ok(w)
}

fn finish(mut w: W) -> AppResult<Vec<u8>> {
    end(&mut w, "channel")?;
    end(&mut w, "rss")?;
    Ok(w.into_inner().into_inner())
}

fn duration(secs: f64) -> String {
    // Whole seconds: every podcast app reads them.
    format!("{}", secs.max(0.0).round() as u64)
}

async fn podcast_feed(ctx: &Ctx, podcast: podcast::Model) -> AppResult<Feed> {
    let config = &ctx.config;
    let now = Utc::now();
    let channel = channel::Entity::find_by_id(podcast.channel_id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound("feed"))?;
    let episodes = episode::Entity::find()
        .filter(episode::Column::PodcastId.eq(podcast.id))
        .filter(visibility::episodes(
            &Viewer::Public,
            Reach::Listed,
            EpisodeScope::WithinVisiblePodcast,
            now,
        ))
        .filter(episode::Column::MediaAssetId.is_not_null())
        .order_by_desc(episode::Column::PublishAt)
        .order_by_desc(episode::Column::CreatedAt)
        .limit(MAX_ITEMS)
        .all(&ctx.db)
        .await?;
    let assets: Vec<Uuid> = episodes.iter().filter_map(|e| e.media_asset_id).collect();
    let mut outputs = of_assets(&ctx.db, assets).await?;

    let feed_url = urls::podcast_feed(config, &channel.slug, &podcast.slug);
    let site = urls::podcast_page(config, &channel.slug, &podcast.slug);
    let mut modified = podcast.updated_at;
    let (mut w, explicit) = show_head(ctx, &podcast, &site, &feed_url)?;

    for episode in &episodes {
        let Some(asset) = episode.media_asset_id else {
            continue;
        };
        let files = Outputs::new(asset, outputs.remove(&asset).unwrap_or_default());
        let urls = MediaUrls::new(config, &ctx.delivery.signer, asset, Grant::Public);
        let Some(enclosure) = files.enclosure(&urls) else {
            continue;
        };
        let published = episode
            .publish_at
            .or(episode.first_published_at)
            .unwrap_or(episode.created_at);
        modified = modified.max(episode.updated_at).max(published.min(now));
        episode_item(&mut w, episode, &files, &enclosure, published, explicit)?;
    }
    Ok(Feed {
        body: finish(w)?,
        modified,
    })
}

/// The feed's document and the show's own elements; returns the writer and the show's
/// `itunes:explicit` value (its items repeat it).
fn show_head(
    ctx: &Ctx,
    podcast: &podcast::Model,
    site: &str,
    feed_url: &str,
) -> AppResult<(W, &'static str)> {
    let mut w = document(&[
        ("xmlns:itunes", ITUNES),
        ("xmlns:podcast", PODCAST),
        ("xmlns:atom", ATOM),
    ])?;
    channel_head(&mut w, &podcast.title, site, feed_url, &podcast.description)?;
    text(&mut w, "language", &podcast.language)?;
    text(&mut w, "generator", "Projector")?;
    text(&mut w, "itunes:author", &podcast.author)?;
    start(&mut w, "itunes:owner", &[])?;
    text(&mut w, "itunes:name", &podcast.owner_name)?;
    text(&mut w, "itunes:email", &podcast.owner_email)?;
    end(&mut w, "itunes:owner")?;
    if let Some(artwork) = podcast.artwork_asset_id {
        let url =
            MediaUrls::new(&ctx.config, &ctx.delivery.signer, artwork, Grant::Public).url("source");
        empty(&mut w, "itunes:image", &[("href", &url)])?;
        start(&mut w, "image", &[])?;
        text(&mut w, "url", &url)?;
        text(&mut w, "title", &podcast.title)?;
        text(&mut w, "link", site)?;
        end(&mut w, "image")?;
    }
    for category in itunes::parse(&podcast.itunes_categories) {
        match &category.subcategory {
            Some(sub) => {
                start(&mut w, "itunes:category", &[("text", &category.category)])?;
                empty(&mut w, "itunes:category", &[("text", sub)])?;
                end(&mut w, "itunes:category")?;
            }
            None => empty(&mut w, "itunes:category", &[("text", &category.category)])?,
        }
    }
    let explicit = if podcast.explicit { "true" } else { "false" };
    text(&mut w, "itunes:explicit", explicit)?;
    text(&mut w, "itunes:type", &podcast.podcast_type)?;
    text(&mut w, "podcast:guid", &podcast_guid(feed_url).to_string())?;
    start(&mut w, "podcast:locked", &[("owner", &podcast.owner_email)])?;
    let locked = if podcast.locked { "yes" } else { "no" };
    w.write_event(Event::Text(BytesText::new(locked)))
        .map_err(xml_error)?;
    end(&mut w, "podcast:locked")?;
    Ok((w, explicit))
}

/// One episode's `<item>`.
fn episode_item(
    w: &mut W,
    episode: &episode::Model,
    files: &Outputs,
    enclosure: &Enclosure,
    published: DateTime<Utc>,
    explicit: &str,
) -> AppResult<()> {
    start(w, "item", &[])?;
    text(w, "title", &episode.title)?;
    text(
        w,
        "description",
        &content::render_markdown(&episode.description),
    )?;
    start(w, "guid", &[("isPermaLink", "false")])?;
    w.write_event(Event::Text(BytesText::new(&xml_safe(&episode.guid))))
        .map_err(xml_error)?;
    end(w, "guid")?;
    text(w, "pubDate", &rfc822(published))?;
    empty(
        w,
        "enclosure",
        &[
            ("url", &enclosure.url),
            ("length", &enclosure.length.to_string()),
            ("type", &enclosure.mime_type),
        ],
    )?;
    if let Some(secs) = files.audio_duration().or(episode.duration_secs) {
        text(w, "itunes:duration", &duration(secs))?;
    }
    if let Some(n) = episode.number {
        text(w, "itunes:episode", &n.to_string())?;
    }
    if let Some(n) = episode.season {
        text(w, "itunes:season", &n.to_string())?;
    }
    text(w, "itunes:episodeType", &episode.episode_type)?;
    text(w, "itunes:explicit", explicit)?;
    end(w, "item")?;
    Ok(())
}

async fn channel_feed(ctx: &Ctx, channel: channel::Model) -> AppResult<Feed> {
    let config = &ctx.config;
    let now = Utc::now();
    let videos = video::Entity::find()
        .filter(video::Column::ChannelId.eq(channel.id))
        .filter(visibility::videos(&Viewer::Public, Reach::Listed, now))
        .order_by_desc(video::Column::PublishAt)
        .order_by_desc(video::Column::CreatedAt)
        .limit(CHANNEL_ITEMS)
        .all(&ctx.db)
        .await?;
    let assets: Vec<Uuid> = videos.iter().filter_map(|v| v.source_asset_id).collect();
    let mut outputs = of_assets(&ctx.db, assets).await?;
    let feed_url = urls::channel_feed(config, &channel.slug);
    let mut modified = channel.updated_at;
    let mut w = document(&[("xmlns:media", MEDIA), ("xmlns:atom", ATOM)])?;
    let site = urls::channel_page(config, &channel.slug);
    channel_head(
        &mut w,
        &channel.name,
        &site,
        &feed_url,
        &channel.description,
    )?;
    text(&mut w, "generator", "Projector")?;
    for video in &videos {
        let published = video.publish_at.unwrap_or(video.created_at);
        modified = modified.max(video.updated_at).max(published.min(now));
        let watch = urls::watch(config, video.id);
        start(&mut w, "item", &[])?;
        text(&mut w, "title", &video.title)?;
        text(&mut w, "link", &watch)?;
        text(
            &mut w,
            "description",
            &content::render_markdown(&video.description),
        )?;
        start(&mut w, "guid", &[("isPermaLink", "false")])?;
        w.write_event(Event::Text(BytesText::new(&video.id.to_string())))
            .map_err(xml_error)?;
        end(&mut w, "guid")?;
        text(&mut w, "pubDate", &rfc822(published))?;
        text(&mut w, "media:title", &video.title)?;
        empty(
            &mut w,
            "media:player",
            &[("url", &urls::embed(config, video.id))],
        )?;
        if let Some(asset) = video.source_asset_id {
            let files = Outputs::new(asset, outputs.remove(&asset).unwrap_or_default());
            let urls = MediaUrls::new(config, &ctx.delivery.signer, asset, Grant::Public);
            let media = files.video_media(&urls);
            if let Some(hls) = &media.hls_url {
                let duration = video.duration_secs.map(duration).unwrap_or_default();
                let mut attrs = vec![
                    ("url", hls.as_str()),
                    ("type", "application/vnd.apple.mpegurl"),
                    ("medium", "video"),
                ];
                if !duration.is_empty() {
                    attrs.push(("duration", duration.as_str()));
                }
                empty(&mut w, "media:content", &attrs)?;
            }
            for thumb in &media.thumbnails {
                let (width, height) = (
                    thumb.width.map(|v| v.to_string()).unwrap_or_default(),
                    thumb.height.map(|v| v.to_string()).unwrap_or_default(),
                );
                let mut attrs = vec![("url", thumb.url.as_str())];
                if !width.is_empty() {
                    attrs.push(("width", width.as_str()));
                }
                if !height.is_empty() {
                    attrs.push(("height", height.as_str()));
                }
                empty(&mut w, "media:thumbnail", &attrs)?;
            }
        }
        end(&mut w, "item")?;
    }
    Ok(Feed {
        body: finish(w)?,
        modified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podcast_guid_follows_the_podcast_namespace_example() {
        // The example from the podcast namespace's documentation.
        assert_eq!(
            podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml").to_string(),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}c\td\u{FFFE}"), "abc\td");
        assert_eq!(xml_safe("]]> & 🎬 שלום"), "]]> & 🎬 שלום");
    }
}
