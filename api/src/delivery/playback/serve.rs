//! `GET /media/v/{videoId}/{path}?token=…`: a video's media for the bearer of a playback token,
//! whatever the video's visibility. `path` is what the asset-addressed URLs carry
//! (`hls/master.m3u8`, `hls/720p/…`, `captions/en.vtt`, `images/…`, `audio/…`) or `poster`
//! (the editor's poster picture). Each path needs its audience: `v` for `hls/`, `captions/`
//! and `audio/`, `s` for the storyboard (`images/sprite…`), `t` for other pictures.
//!
//! Playlists and the storyboard index are read and rewritten so every URI inside carries the
//! token (query strings, unlike the signed path scope, do not survive relative resolution), and
//! the master lists only the rungs the token's `max_resolution` allows. Referrer restrictions
//! apply as on the public paths.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::token::{self, Audience, Claims, Refusal};
use crate::channels::entity::channel;
use crate::config::{S3DeliveryMode, StorageBackend};
use crate::delivery::referrer::Restriction;
use crate::error::{AppError, AppResult};
use crate::media::ObjectKey;
use crate::media::entity::media_asset;
use crate::state::Ctx;
use crate::videos::entity::video;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The refusal of a request from a referrer the video's restriction does not allow.
pub fn referrer_refused() -> Response {
    (StatusCode::FORBIDDEN, "forbidden").into_response()
}

/// What a path under `/media/v/{id}/` needs of a token; `None` for paths that serve nothing.
pub fn audience_of(path: &str) -> Option<Audience> {
    if ["hls/", "captions/", "audio/"]
        .iter()
        .any(|p| path.starts_with(p))
    {
        Some(Audience::Video)
    } else if path.starts_with("images/sprite") {
        Some(Audience::Storyboard)
    } else if path.starts_with("images/") || path == "poster" {
        Some(Audience::Thumbnail)
    } else {
        None
    }
}

/// The rung a path under `hls/` belongs to (`hls/720p/seg.ts` → `720p`).
fn rung_of(path: &str) -> Option<&str> {
    let mut parts = path.strip_prefix("hls/")?.splitn(2, '/');
    let (rung, rest) = (parts.next()?, parts.next()?);
    (!rest.is_empty()).then_some(rung)
}

/// The `token` query parameter.
pub fn token_param(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Whether a request with `headers` may play `video`: its own restriction, else its channel's.
pub async fn referrer_allows(
    db: &impl ConnectionTrait,
    video: &video::Model,
    headers: &HeaderMap,
) -> AppResult<bool> {
    let rule = match Restriction::parse(video.playback_restriction.as_deref()) {
        Some(rule) => Some(rule),
        None if video.playback_restriction.is_some() => None,
        None => channel::Entity::find_by_id(video.channel_id)
            .one(db)
            .await?
            .and_then(|c| Restriction::parse(c.playback_restriction.as_deref())),
    };
    Ok(rule.is_none_or(|r| r.allows(headers)))
}

/// The handler's work, from `media::get` once it has read the path.
pub async fn media(
    ctx: &Ctx,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    video_id: Uuid,
    path: &str,
) -> Response {
    let Some(audience) = audience_of(path) else {
        return not_found();
    };
    let Some(token) = token_param(uri) else {
        return Refusal::Missing.response();
    };
    let now = Utc::now().timestamp();
    let claims = match token::verify(&ctx.db, &token, audience, video_id, now).await {
        Ok(claims) => claims,
        Err(refusal) => return refusal.response(),
    };
    if rung_of(path).is_some_and(|rung| !claims.allows_rung(rung)) {
        return Refusal::Resolution.response();
    }
    let video = match video::Entity::find_by_id(video_id).one(&ctx.db).await {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(e) => return AppError::from(e).into_response(),
    };
    match referrer_allows(&ctx.db, &video, headers).await {
        Ok(true) => {}
        Ok(false) => return referrer_refused(),
        Err(e) => return e.into_response(),
    }
    let (key, content_type) = match object_of(ctx, &video, path).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    };
    let left = (claims.expires - now).clamp(0, 86_400);
    if path.ends_with(".m3u8") || (path.starts_with("images/") && path.ends_with(".vtt")) {
        return rewritten(ctx, &key, path, &token, &claims, &content_type).await;
    }
    let cache_control = format!("private, max-age={left}");
    let immutable = !path.starts_with("captions/");
    if ctx.config.storage.backend == StorageBackend::S3
        && ctx.config.delivery.s3_mode != S3DeliveryMode::Proxy
        && !path.ends_with(".vtt")
    {
        // A CDN URL would be public: private media is presigned, as for signed URLs.
        let ttl = ctx
            .config
            .delivery
            .signed_url_ttl_secs
            .clamp(60, 7 * 86_400);
        match ctx
            .storage
            .presign_get(&key, Duration::from_secs(ttl), key.disposition().as_deref())
            .await
        {
            Ok(Some(url)) => return crate::delivery::media::redirect(&url, "private, max-age=60"),
            Ok(None) => {}
            Err(e) => return e.into_response(),
        }
    }
    crate::delivery::media::serve(
        ctx,
        &key,
        method,
        headers,
        &content_type,
        &cache_control,
        immutable,
    )
    .await
}

/// Where `path` of `video` is stored, and its content type.
async fn object_of(
    ctx: &Ctx,
    video: &video::Model,
    path: &str,
) -> AppResult<Option<(ObjectKey, String)>> {
    if path == "poster" {
        let Some(asset) = video.poster_asset_id else {
            return Ok(None);
        };
        let Some(row) = media_asset::Entity::find_by_id(asset).one(&ctx.db).await? else {
            return Ok(None);
        };
        // Only pictures, never active content, and only from under the asset's own prefix.
        let key = match ObjectKey::parse(&row.storage_key) {
            Ok(k) if k.as_str().starts_with(&ObjectKey::asset_prefix(asset)) => k,
            _ => return Ok(None),
        };
        if !row.content_type.starts_with("image/") || row.content_type.contains("svg") {
            return Ok(None);
        }
        return Ok(Some((key, row.content_type)));
    }
    let Some(asset) = video.source_asset_id else {
        return Ok(None);
    };
    let Ok(key) = ObjectKey::for_asset(asset, path) else {
        return Ok(None);
    };
    let content_type = crate::media::content_type::of_name(path).to_string();
    Ok(Some((key, content_type)))
}

/// A playlist or storyboard index with the token added to every URI inside.
async fn rewritten(
    ctx: &Ctx,
    key: &ObjectKey,
    path: &str,
    token: &str,
    claims: &Claims,
    content_type: &str,
) -> Response {
    match ctx.storage.head(key).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    }
    let bytes = match crate::media::storage::read_all(ctx.storage.as_ref(), key).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let text = String::from_utf8_lossy(&bytes);
    let body = if path.ends_with(".m3u8") {
        rewrite_playlist(&text, token, claims)
    } else {
        rewrite_storyboard(&text, token)
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=2"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `uri` with `token=` added to its query (before any `#fragment`).
fn with_token(uri: &str, token: &str) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri, None),
    };
    let join = if base.contains('?') { '&' } else { '?' };
    match fragment {
        Some(f) => format!("{base}{join}token={token}#{f}"),
        None => format!("{base}{join}token={token}"),
    }
}

/// A tag line with its `URI="…"` attribute (if any) carrying the token.
fn tag_with_token(line: &str, token: &str) -> String {
    const ATTR: &str = "URI=\"";
    let Some(start) = line.find(ATTR).map(|i| i + ATTR.len()) else {
        return line.to_string();
    };
    let Some(len) = line[start..].find('"') else {
        return line.to_string();
    };
    let uri = &line[start..start + len];
    format!(
        "{}{}{}",
        &line[..start],
        with_token(uri, token),
        &line[start + len..]
    )
}

/// An HLS playlist with the token on every URI, and (in a master) without the variants above
/// the token's `max_resolution`.
pub fn rewrite_playlist(text: &str, token: &str, claims: &Claims) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut variant: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with("#EXT-X-STREAM-INF") {
            variant = Some(line);
            continue;
        }
        if line.starts_with('#') {
            out.push_str(&tag_with_token(line, token));
        } else if line.trim().is_empty() {
            out.push_str(line);
        } else {
            if let Some(inf) = variant.take() {
                let rung = line.split('/').next().unwrap_or_default();
                if !claims.allows_rung(rung) {
                    continue;
                }
                out.push_str(inf);
                out.push('\n');
            }
            out.push_str(&with_token(line, token));
        }
        out.push('\n');
    }
    out
}

/// The storyboard's WebVTT index with the token on every picture it names.
pub fn rewrite_storyboard(text: &str, token: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.lines() {
        let picture = !line.contains("-->")
            && !line.contains(char::is_whitespace)
            && (line.contains("#xywh=")
                || [".jpg", ".png", ".webp"].iter().any(|e| line.ends_with(e)));
        if picture {
            out.push_str(&with_token(line, token));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(max: Option<u32>) -> Claims {
        Claims {
            video: Uuid::nil(),
            expires: 0,
            audiences: vec!["v".into()],
            max_resolution: max,
        }
    }

    #[test]
    fn a_master_keeps_only_the_allowed_rungs_and_every_uri_carries_the_token() {
        let master = "#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",URI=\"../captions/en.m3u8\"\n\
#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720\n720p/index.m3u8\n\
#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p/index.m3u8\n";
        let out = rewrite_playlist(master, "T", &claims(Some(480)));
        assert!(!out.contains("720p"), "{out}");
        assert!(!out.contains("1280x720"), "{out}");
        assert!(
            out.contains("RESOLUTION=640x360\n360p/index.m3u8?token=T\n"),
            "{out}"
        );
        assert!(out.contains("URI=\"../captions/en.m3u8?token=T\""), "{out}");
        let all = rewrite_playlist(master, "T", &claims(None));
        assert!(all.contains("720p/index.m3u8?token=T"), "{all}");
        let media = "#EXTM3U\n#EXTINF:4.0,\nseg-00001.ts\n#EXT-X-ENDLIST\n";
        assert_eq!(
            rewrite_playlist(media, "T", &claims(None)),
            "#EXTM3U\n#EXTINF:4.0,\nseg-00001.ts?token=T\n#EXT-X-ENDLIST\n"
        );
    }

    #[test]
    fn storyboard_pictures_carry_the_token_before_their_fragment() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:04.000\nsprite.jpg#xywh=0,0,160,90\n";
        assert_eq!(
            rewrite_storyboard(vtt, "T"),
            "WEBVTT\n\n00:00.000 --> 00:04.000\nsprite.jpg?token=T#xywh=0,0,160,90\n"
        );
    }

    #[test]
    fn each_path_needs_its_audience_and_rungs_are_read_from_hls_paths() {
        assert_eq!(audience_of("hls/master.m3u8"), Some(Audience::Video));
        assert_eq!(audience_of("captions/en.vtt"), Some(Audience::Video));
        assert_eq!(audience_of("images/sprite.vtt"), Some(Audience::Storyboard));
        assert_eq!(
            audience_of("images/thumb-1-320.jpg"),
            Some(Audience::Thumbnail)
        );
        assert_eq!(audience_of("poster"), Some(Audience::Thumbnail));
        assert_eq!(audience_of("source"), None);
        assert_eq!(rung_of("hls/720p/seg-00001.ts"), Some("720p"));
        assert_eq!(rung_of("hls/master.m3u8"), None);
    }
}
