//! `GET /oembed?url=&maxwidth=&maxheight=&format=json|xml`, per oEmbed 1.0.
//!
//! Only URLs of this site (`public_url`'s scheme, host and port) naming a video (`/watch/{id}`,
//! `/embed/{id}`: type `video`), a playlist (`/playlists/{id}`, `/embed/playlists/{id}`: type
//! `video`, its player moving through the items) or an episode (`/episodes/{id}`,
//! `/embed/episodes/{id}`: type `rich`, an audio player) are answered, and nothing is ever
//! fetched. Private, unpublished and unknown items, and other hosts, are 404 in either format;
//! formats other than `json` and `xml` are 501, as the spec asks.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait as _;
use uuid::Uuid;

use super::embed::html_escape;
use super::graphql::Picture;
use super::outputs::{Outputs, of_assets};
use super::urls::{self, Grant, MediaUrls};
use crate::channels::entity::channel;
use crate::config::Config;
use crate::error::AppResult;
use crate::media::entity::media_asset;
use crate::playlists::entity::playlist;
use crate::podcasts::entity::podcast;
use crate::state::{AppState, Ctx};
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// Longest query string read; anything longer is refused unread.
const MAX_QUERY: usize = 4096;
/// Player size when nothing better is known (16:9).
const DEFAULT_SIZE: (u32, u32) = (640, 360);

fn status(code: StatusCode, message: &str) -> Response {
    (code, message.to_string()).into_response()
}

/// An item of this site that oEmbed describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A video, by its watch or embed page.
    Video(Uuid),
    /// An episode, by its page or embed page.
    Episode(Uuid),
    /// A playlist, by its page or embed page.
    Playlist(Uuid),
}

/// The item a URL of this site names, if it does.
pub fn target_of(config: &Config, raw: &str) -> Option<Target> {
    let url = url::Url::parse(raw).ok()?;
    let base = &config.public_url;
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(prefix)?;
    let (embedded, rest) = match rest.strip_prefix("/embed/") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let (kind, id): (fn(Uuid) -> Target, &str) = match (embedded, parts.as_slice()) {
        (false, ["watch", id]) | (true, [id]) => (Target::Video, id),
        (_, ["episodes", id]) => (Target::Episode, id),
        (_, ["playlists", id]) => (Target::Playlist, id),
        _ => return None,
    };
    Uuid::try_parse(id).ok().map(kind)
}

/// The video a URL of this site names, if it does.
pub fn video_of(config: &Config, raw: &str) -> Option<Uuid> {
    match target_of(config, raw)? {
        Target::Video(id) => Some(id),
        _ => None,
    }
}

/// Scales `(w, h)` down to fit the maxima, keeping the aspect ratio.
pub fn fit(size: (u32, u32), max_w: Option<u32>, max_h: Option<u32>) -> (u32, u32) {
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    let mut scale: f64 = 1.0;
    if let Some(m) = max_w {
        scale = scale.min(f64::from(m) / w);
    }
    if let Some(m) = max_h {
        scale = scale.min(f64::from(m) / h);
    }
    let w2 = (w * scale).floor().max(1.0) as u32;
    let h2 = (h * scale).floor().max(1.0) as u32;
    (w2, h2)
}

/// What an answer is made of, whatever the item.
struct Facts {
    kind: &'static str,
    title: String,
    author: Option<(String, String)>,
    embed: String,
    natural: (u32, u32),
    /// Thumbnail candidates, each with its size.
    thumbnails: Vec<Picture>,
}

/// The response formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// The handler.
pub async fn get(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let ctx = &state.ctx;
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY {
        return status(StatusCode::URI_TOO_LONG, "query string too long");
    }
    let query: HashMap<String, String> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    let format = match query.get("format").map(String::as_str) {
        None | Some("json") => Format::Json,
        Some("xml") => Format::Xml,
        Some(_) => {
            return status(StatusCode::NOT_IMPLEMENTED, "format must be json or xml");
        }
    };
    let Some(target) = query.get("url") else {
        return status(StatusCode::BAD_REQUEST, "missing url");
    };
    let Some(target) = target_of(&ctx.config, target) else {
        return status(StatusCode::NOT_FOUND, "not found");
    };
    let positive = |name: &str| {
        query
            .get(name)
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| *v > 0)
    };
    let (max_w, max_h) = (positive("maxwidth"), positive("maxheight"));
    let facts = match target {
        Target::Video(id) => video_facts(ctx, id).await,
        Target::Playlist(id) => playlist_facts(ctx, id).await,
        Target::Episode(id) => episode_facts(ctx, id).await,
    };
    let facts = match facts {
        Ok(Some(f)) => f,
        Ok(None) => return status(StatusCode::NOT_FOUND, "not found"),
        Err(e) => return e.into_response(),
    };
    let fields = answer(&ctx.config, facts, max_w, max_h);
    let mut response = match format {
        Format::Json => axum::Json(to_json(&fields)).into_response(),
        Format::Xml => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            to_xml(&fields),
        )
            .into_response(),
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// One field of an answer: text or a number.
enum Field {
    Text(String),
    Number(u64),
}

/// The answer's fields, in the spec's order.
fn answer(
    config: &Config,
    facts: Facts,
    max_w: Option<u32>,
    max_h: Option<u32>,
) -> Vec<(&'static str, Field)> {
    use Field::{Number, Text};
    let (width, height) = fit(facts.natural, max_w, max_h);
    let base = urls::base(config);
    let mut fields = vec![
        ("type", Text(facts.kind.into())),
        ("version", Text("1.0".into())),
        ("title", Text(facts.title.clone())),
    ];
    if let Some((name, url)) = facts.author {
        fields.push(("author_name", Text(name)));
        fields.push(("author_url", Text(url)));
    }
    fields.extend([
        ("provider_name", Text("Projector".into())),
        ("provider_url", Text(format!("{base}/"))),
        ("cache_age", Number(300)),
        (
            "html",
            Text(urls::iframe(&facts.embed, width, height, &facts.title)),
        ),
        ("width", Number(width.into())),
        ("height", Number(height.into())),
    ]);
    // The largest thumbnail that fits the maxima, else the smallest there is.
    let fits = |p: &&Picture| {
        let (w, h) = (p.width.unwrap_or(0), p.height.unwrap_or(0));
        max_w.is_none_or(|m| i64::from(w) <= i64::from(m))
            && max_h.is_none_or(|m| i64::from(h) <= i64::from(m))
    };
    let with_size: Vec<&Picture> = facts
        .thumbnails
        .iter()
        .filter(|p| p.width.is_some() && p.height.is_some())
        .collect();
    let pick = with_size
        .iter()
        .filter(|p| fits(p))
        .max_by_key(|p| p.width)
        .or_else(|| with_size.iter().min_by_key(|p| p.width));
    if let Some(p) = pick {
        let size = |v: Option<i32>| Number(v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0));
        fields.push(("thumbnail_url", Text(p.url.clone())));
        fields.push(("thumbnail_width", size(p.width)));
        fields.push(("thumbnail_height", size(p.height)));
    }
    fields
}

fn to_json(fields: &[(&'static str, Field)]) -> serde_json::Value {
    let map = fields
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Field::Text(s) => serde_json::Value::from(s.as_str()),
                Field::Number(n) => serde_json::Value::from(*n),
            };
            ((*k).to_string(), v)
        })
        .collect();
    serde_json::Value::Object(map)
}

/// The spec's XML form: one `<oembed>` element with a child per field, text escaped and
/// stripped of characters XML 1.0 cannot carry.
fn to_xml(fields: &[(&'static str, Field)]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<oembed>\n");
    for (k, v) in fields {
        let text = match v {
            Field::Text(s) => html_escape(
                &s.chars()
                    .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>(),
            ),
            Field::Number(n) => n.to_string(),
        };
        out.push_str(&format!("  <{k}>{text}</{k}>\n"));
    }
    out.push_str("</oembed>\n");
    out
}

/// A channel's name and page.
async fn channel_author(ctx: &Ctx, id: Uuid) -> AppResult<Option<(String, String)>> {
    Ok(channel::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .map(|c| (c.name, urls::channel_page(&ctx.config, &c.slug))))
}

/// A public video's player size (its best rendition's) and thumbnails.
async fn player_of(ctx: &Ctx, v: &video::Model) -> AppResult<((u32, u32), Vec<Picture>)> {
    let Some(asset) = v.source_asset_id else {
        return Ok((DEFAULT_SIZE, Vec::new()));
    };
    let mut rows = of_assets(&ctx.db, vec![asset]).await?;
    let urls = MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public);
    let media = Outputs::new(asset, rows.remove(&asset).unwrap_or_default()).video_media(&urls);
    let natural = media
        .renditions
        .first()
        .and_then(|r| {
            Some((
                u32::try_from(r.width?).ok()?,
                u32::try_from(r.height?).ok()?,
            ))
        })
        .unwrap_or(DEFAULT_SIZE);
    Ok((natural, media.thumbnails))
}

async fn video_facts(ctx: &Ctx, id: Uuid) -> AppResult<Option<Facts>> {
    let Some(v) = crate::content::find::<video::Entity>(&ctx.db, &Viewer::Public, id).await? else {
        return Ok(None);
    };
    let embed = urls::embed(&ctx.config, v.id);
    player_facts(ctx, v.channel_id, embed, v.title.clone(), Some(&v)).await
}

/// What the video player says of itself, showing `video` (its size and thumbnails; without
/// one, the default size and none) in channel `channel_id`.
async fn player_facts(
    ctx: &Ctx,
    channel_id: Uuid,
    embed: String,
    title: String,
    video: Option<&video::Model>,
) -> AppResult<Option<Facts>> {
    let (natural, thumbnails) = match video {
        Some(v) => player_of(ctx, v).await?,
        None => (DEFAULT_SIZE, Vec::new()),
    };
    Ok(Some(Facts {
        kind: "video",
        author: channel_author(ctx, channel_id).await?,
        embed,
        title,
        natural,
        thumbnails,
    }))
}

/// A public playlist: its first public item gives the size and the thumbnails.
async fn playlist_facts(ctx: &Ctx, id: Uuid) -> AppResult<Option<Facts>> {
    let Some(p) = crate::content::find::<playlist::Entity>(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let first =
        crate::playlists::service::items(&ctx.db, &Viewer::Public, id, Some(1), None).await?;
    let video = match first.rows.first() {
        Some((_, item)) => {
            crate::content::find::<video::Entity>(&ctx.db, &Viewer::Public, item.video_id).await?
        }
        None => None,
    };
    let embed = urls::playlist_embed(&ctx.config, p.id);
    player_facts(ctx, p.channel_id, embed, p.title, video.as_ref()).await
}

/// A public episode: an audio player (type `rich`), its podcast's artwork as the thumbnail and
/// the podcast (its author, else its channel) as the author.
async fn episode_facts(ctx: &Ctx, id: Uuid) -> AppResult<Option<Facts>> {
    let Some(e) = crate::podcasts::service::find_episode(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let Some(show) = podcast::Entity::find_by_id(e.podcast_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let channel = channel::Entity::find_by_id(show.channel_id)
        .one(&ctx.db)
        .await?;
    let author = channel.map(|c| {
        let name = if show.author.is_empty() {
            c.name
        } else {
            show.author.clone()
        };
        (name, urls::podcast_page(&ctx.config, &c.slug, &show.slug))
    });
    let mut thumbnails = Vec::new();
    if let Some(asset) = show.artwork_asset_id
        && let Some(a) = media_asset::Entity::find_by_id(asset).one(&ctx.db).await?
    {
        let size: serde_json::Value = a
            .probe
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        let side = |k: &str| size[k].as_i64().and_then(|v| i32::try_from(v).ok());
        thumbnails.push(Picture {
            url: MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public)
                .url("source"),
            width: side("width"),
            height: side("height"),
        });
    }
    Ok(Some(Facts {
        kind: "rich",
        author,
        embed: urls::episode_embed(&ctx.config, e.id),
        title: e.title,
        natural: DEFAULT_SIZE,
        thumbnails,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_item_pages_name_targets() {
        let config = Config {
            public_url: url::Url::parse("https://tv.example/").unwrap(),
            ..Config::default()
        };
        let id = Uuid::now_v7();
        let at = |path: &str| target_of(&config, &format!("https://tv.example{path}"));
        assert_eq!(at(&format!("/watch/{id}")), Some(Target::Video(id)));
        assert_eq!(at(&format!("/embed/{id}")), Some(Target::Video(id)));
        assert_eq!(at(&format!("/episodes/{id}/")), Some(Target::Episode(id)));
        assert_eq!(
            at(&format!("/embed/episodes/{id}")),
            Some(Target::Episode(id))
        );
        assert_eq!(at(&format!("/playlists/{id}")), Some(Target::Playlist(id)));
        assert_eq!(
            at(&format!("/embed/playlists/{id}")),
            Some(Target::Playlist(id))
        );
        assert_eq!(at(&format!("/embed/watch/{id}")), None);
        assert_eq!(at(&format!("/watch/{id}/more")), None);
        assert_eq!(at(&format!("/{id}")), None);
        assert_eq!(at("/embed/assets/player.js"), None);
    }

    #[test]
    fn sizes_shrink_to_fit_and_keep_their_shape() {
        assert_eq!(fit((1280, 720), None, None), (1280, 720));
        assert_eq!(fit((1280, 720), Some(640), None), (640, 360));
        assert_eq!(fit((1280, 720), Some(640), Some(180)), (320, 180));
        assert_eq!(fit((640, 360), Some(1000), Some(1000)), (640, 360));
    }
}
