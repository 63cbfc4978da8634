//! `GET /media/{scope}/{assetId}/{path}`: every transcode output and uploaded picture.
//!
//! `scope` is `p` for media of publicly visible items, or a signed token (see [`super::sign`])
//! for private ones; `v` addresses a video's media by the video's ID for the bearer of a
//! playback token (`?token=`, see [`super::playback::serve`]). The path is read raw from the request line: anything that is not a plain
//! object key (`..`, percent-escapes such as `%2F`, odd characters) is a 404 before storage is
//! touched. The local backend is served here with `Range`, `ETag`, `Last-Modified` and
//! conditional requests; the S3 backend per `delivery.s3_mode`. Playlists and WebVTT files are
//! always served through this server, whatever the mode: their relative URIs must resolve
//! against this URL (which carries the token), not against a presigned or CDN one.

use std::ops::Range;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access::Access;
use super::sign::Refusal;
use crate::config::{S3DeliveryMode, StorageBackend};
use crate::error::AppError;
use crate::media::ObjectKey;
use crate::media::storage::ObjectMeta;
use crate::state::{AppState, Ctx};

/// `Cache-Control` of objects that never change once written (segments, pictures, audio).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of playlists, which change while a video is still transcoding.
pub const PLAYLIST: &str = "public, max-age=2";
/// `Cache-Control` of caption files, which editors may replace.
pub const CAPTIONS: &str = "public, max-age=60";

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "forbidden").into_response()
}

/// Whether clients must fetch this object from us so relative URIs inside keep our URL.
fn is_manifest(path: &str) -> bool {
    path.ends_with(".m3u8") || path.ends_with(".vtt")
}

fn cache_control_for(path: &str, private_until: Option<i64>) -> String {
    let short = path.ends_with(".m3u8") || path.starts_with("captions/");
    match private_until {
        None if path.ends_with(".m3u8") => PLAYLIST.into(),
        None if short => CAPTIONS.into(),
        None => IMMUTABLE.into(),
        Some(_) if short => "private, max-age=2".into(),
        Some(until) => {
            let left = (until - Utc::now().timestamp()).clamp(0, 86_400);
            format!("private, max-age={left}")
        }
    }
}

/// `/media/{scope}/{asset}/{path}` taken apart from the raw path (axum would decode `%2F` into
/// `/` inside a wildcard); `None` for anything that is not exactly that shape.
fn parse_media_path(uri: &Uri) -> Option<(&str, Uuid, &str, ObjectKey)> {
    let rest = uri.path().strip_prefix("/media/")?;
    let mut parts = rest.splitn(3, '/');
    let (scope, asset_raw, path) = (parts.next()?, parts.next()?, parts.next()?);
    let asset = Uuid::try_parse(asset_raw).ok()?;
    if asset.hyphenated().to_string() != asset_raw || path.contains('%') {
        return None;
    }
    let key = ObjectKey::for_asset(asset, path).ok()?;
    Some((scope, asset, path, key))
}

/// For a signed scope (`s{expiry}.{signature}`), the expiry it grants once its signature checks
/// out; `None` for the public scope `p`.
fn signed_until(ctx: &Ctx, scope: &str, asset: Uuid) -> Result<Option<i64>, Refusal> {
    if scope == "p" {
        return Ok(None);
    }
    ctx.delivery
        .signer
        .verify(scope, asset, Utc::now().timestamp())?;
    Ok(scope
        .strip_prefix('s')
        .and_then(|s| s.split_once('.'))
        .and_then(|(e, _)| e.parse::<i64>().ok()))
}

/// The handler.
pub async fn get(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let ctx = &state.ctx;
    let Some((scope, asset, path, mut key)) = parse_media_path(&uri) else {
        return not_found();
    };
    if scope == "v" {
        return super::playback::serve::media(ctx, &method, &uri, &headers, asset, path).await;
    }
    let private_until = match signed_until(ctx, scope, asset) {
        Ok(until) => until,
        Err(Refusal::Malformed) => return not_found(),
        Err(Refusal::BadSignature | Refusal::Expired) => return forbidden(),
    };
    let access = match ctx
        .delivery
        .access(&ctx.db, ctx.public_cache.any_generation(), asset)
        .await
    {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    if !access.exists() || !access.allows(path) || (private_until.is_none() && !access.public) {
        return not_found();
    }
    // Referrer rules bind the public path only: signed URLs are the editors'.
    let restricted = private_until.is_none() && access.restriction.is_some();
    if let Some(rule) = access.restriction.as_ref()
        && private_until.is_none()
        && !rule.allows(&headers)
    {
        return forbidden();
    }
    if path == "source"
        && let Some(stored) = access.storage_key.as_deref()
    {
        // A picture is served from where it was stored, which only ever lies under the
        // asset's own prefix.
        match ObjectKey::parse(stored) {
            Ok(k) if k.as_str().starts_with(&ObjectKey::asset_prefix(asset)) => key = k,
            _ => return not_found(),
        }
    }
    let content_type = content_type_for(path, &access);
    let mut cache_control = cache_control_for(path, private_until);
    if restricted {
        // A shared cache would serve it to any referrer.
        cache_control = cache_control.replacen("public", "private", 1);
    }
    // Segments, pictures and audio never change once written; playlists and captions may.
    let immutable = !path.ends_with(".m3u8") && !path.starts_with("captions/");
    if ctx.config.storage.backend == StorageBackend::S3 && !is_manifest(path) {
        let mode = ctx.config.delivery.s3_mode;
        let cdn = ctx.config.delivery.cdn_base_url.as_ref();
        match (mode, cdn) {
            (S3DeliveryMode::Cdn, Some(base)) if private_until.is_none() && !restricted => {
                let target = format!("{}/{}", base.as_str().trim_end_matches('/'), key.as_str());
                return redirect(&target, "public, max-age=3600");
            }
            (S3DeliveryMode::Proxy, _) => {}
            // Presign, and CDN mode for private or restricted media (a CDN URL would be
            // public).
            _ => {
                let ttl = Duration::from_secs(
                    ctx.config
                        .delivery
                        .signed_url_ttl_secs
                        .clamp(60, 7 * 86_400),
                );
                let disposition = key.disposition();
                let presigned = ctx.storage.presign_get(&key, ttl, disposition.as_deref());
                match presigned.await {
                    Ok(Some(url)) => return redirect(&url, "private, max-age=60"),
                    // The store cannot presign: served from here, as below.
                    Ok(None) => {}
                    Err(e) => return e.into_response(),
                }
            }
        }
    }
    serve(
        ctx,
        &key,
        &method,
        &headers,
        &content_type,
        &cache_control,
        immutable,
    )
    .await
}

fn content_type_for(path: &str, access: &Access) -> String {
    if path == "source" {
        // Only pictures are served as `source`; never let a stored type make it active content.
        return access
            .content_type
            .as_deref()
            .filter(|t| t.starts_with("image/") && !t.contains("svg"))
            .unwrap_or("application/octet-stream")
            .to_string();
    }
    crate::media::content_type::of_name(path).to_string()
}

/// A `302` to `target`.
pub fn redirect(target: &str, cache_control: &str) -> Response {
    let Ok(location) = HeaderValue::from_str(target) else {
        return AppError::internal(anyhow::anyhow!("unrepresentable redirect target"))
            .into_response();
    };
    let mut response = StatusCode::FOUND.into_response();
    let h = response.headers_mut();
    h.insert(header::LOCATION, location);
    if let Ok(v) = HeaderValue::from_str(cache_control) {
        h.insert(header::CACHE_CONTROL, v);
    }
    response
}

/// What a `Range` header asks of an object of `size` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable range: the whole object (also for malformed or multi-range headers, which
    /// RFC 9110 lets a server ignore).
    Full,
    /// One satisfiable range.
    Partial(Range<u64>),
    /// A well-formed range that starts past the end: 416.
    Unsatisfiable,
}

/// Parses a `Range` header value against an object of `size` bytes.
pub fn parse_range(value: &str, size: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let num = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match num(suffix) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if size == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Partial(size.saturating_sub(n)..size),
            None => RangeRequest::Full,
        },
        (start, "") => match num(start) {
            Some(s) if s >= size => RangeRequest::Unsatisfiable,
            Some(s) => RangeRequest::Partial(s..size),
            None => RangeRequest::Full,
        },
        (start, end) => match (num(start), num(end)) {
            (Some(s), Some(e)) if s <= e => {
                if s >= size {
                    RangeRequest::Unsatisfiable
                } else {
                    RangeRequest::Partial(s..e.saturating_add(1).min(size))
                }
            }
            _ => RangeRequest::Full,
        },
    }
}

/// Whether an `If-None-Match` value matches `etag` (weak comparison, RFC 9110 13.1.2).
pub fn none_match(value: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    value.trim() == "*" || value.split(',').any(|t| bare(t) == bare(etag))
}

fn http_date(t: DateTime<Utc>) -> String {
    httpdate::fmt_http_date(t.into())
}

fn parse_http_date(v: &str) -> Option<DateTime<Utc>> {
    httpdate::parse_http_date(v.trim())
        .ok()
        .map(DateTime::<Utc>::from)
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Serves an object from storage with ranges and conditional requests.
pub async fn serve(
    ctx: &Ctx,
    key: &ObjectKey,
    method: &Method,
    headers: &HeaderMap,
    content_type: &str,
    cache_control: &str,
    immutable: bool,
) -> Response {
    let hot = &ctx.delivery.hot;
    let cached = if immutable {
        hot.get(key.as_str())
    } else {
        None
    };
    // Local files: open and stat in one blocking call, keep the handle for the body.
    let (meta, mut source) = match (cached, ctx.storage.local_path(key)) {
        (Some((meta, bytes)), _) => (meta, Source::Memory(bytes)),
        (None, Some(path)) => match open_local(key, path).await {
            Ok(Some((meta, file))) => (meta, Source::File(file)),
            Ok(None) => return not_found(),
            Err(e) => return e.into_response(),
        },
        (None, None) => match ctx.storage.head(key).await {
            Ok(Some(m)) => (m, Source::Store),
            Ok(None) => return not_found(),
            Err(e) => return e.into_response(),
        },
    };
    let mut base = HeaderMap::new();
    let put = |h: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    put(&mut base, header::CACHE_CONTROL, cache_control);
    put(&mut base, header::ACCEPT_RANGES, "bytes");
    if let Some(etag) = &meta.etag {
        put(&mut base, header::ETAG, etag);
    }
    if let Some(t) = meta.last_modified {
        put(&mut base, header::LAST_MODIFIED, &http_date(t));
    }
    if not_modified(headers, &meta) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().extend(base);
        return r;
    }
    put(&mut base, header::CONTENT_TYPE, content_type);
    put(&mut base, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if let Some(disposition) = key.disposition() {
        put(&mut base, header::CONTENT_DISPOSITION, &disposition);
    }
    let size = meta.size;
    let mut wanted = header_str(headers, header::RANGE)
        .map(|v| parse_range(v, size))
        .unwrap_or(RangeRequest::Full);
    if wanted != RangeRequest::Full
        && let Some(if_range) = header_str(headers, header::IF_RANGE)
        && !if_range_holds(if_range, &meta)
    {
        wanted = RangeRequest::Full;
    }
    let (status, range) = match wanted {
        RangeRequest::Full => (StatusCode::OK, 0..size),
        RangeRequest::Partial(r) => {
            put(
                &mut base,
                header::CONTENT_RANGE,
                &format!("bytes {}-{}/{size}", r.start, r.end - 1),
            );
            (StatusCode::PARTIAL_CONTENT, r)
        }
        RangeRequest::Unsatisfiable => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            base.remove(header::CONTENT_TYPE);
            put(&mut base, header::CONTENT_RANGE, &format!("bytes */{size}"));
            r.headers_mut().extend(base);
            return r;
        }
    };
    put(
        &mut base,
        header::CONTENT_LENGTH,
        &(range.end - range.start).to_string(),
    );
    if method != Method::HEAD && immutable && hot.admits(meta.size) {
        source = match keep_hot(ctx, key, &meta, source).await {
            Ok(kept) => kept,
            Err(r) => return r,
        };
    }
    let body = if method == Method::HEAD || range.is_empty() {
        Body::empty()
    } else {
        match body_of(ctx, key, source, range).await {
            Ok(body) => body,
            Err(e) => return e.into_response(),
        }
    };
    let mut r = (status, body).into_response();
    r.headers_mut().extend(base);
    r
}

/// A small immutable object read whole once and kept in the hot cache for the next requests;
/// the source to serve from now.
async fn keep_hot(
    ctx: &Ctx,
    key: &ObjectKey,
    meta: &ObjectMeta,
    source: Source,
) -> Result<Source, Response> {
    let whole = match source {
        Source::File(file) => read_bytes(file, 0..meta.size).await,
        Source::Store => match crate::media::storage::read_all(ctx.storage.as_ref(), key).await {
            Ok(v) => Ok(bytes::Bytes::from(v)),
            Err(e) => Err(e),
        },
        Source::Memory(b) => Ok(b),
    };
    match whole {
        Ok(bytes) if bytes.len() as u64 == meta.size => {
            ctx.delivery
                .hot
                .put(key.as_str(), meta.clone(), bytes.clone());
            Ok(Source::Memory(bytes))
        }
        // Changed under us (it should not, being immutable): serve nothing stale.
        Ok(_) => Err(not_found()),
        Err(e) => Err(e.into_response()),
    }
}

/// The body of `range` from wherever the object is.
async fn body_of(
    ctx: &Ctx,
    key: &ObjectKey,
    source: Source,
    range: Range<u64>,
) -> Result<Body, AppError> {
    Ok(match source {
        Source::Memory(bytes) => {
            let (start, end) = (
                usize::try_from(range.start).unwrap_or(0),
                usize::try_from(range.end).unwrap_or(0),
            );
            Body::from(bytes.slice(start.min(bytes.len())..end.min(bytes.len())))
        }
        Source::File(file) => read_local(file, range).await?,
        Source::Store => Body::from_stream(ctx.storage.get(key, Some(range)).await?.body),
    })
}

/// Ranges up to this size are read in one blocking call (segments, pictures, playlists);
/// larger ones stream in chunks of this size.
const READ_AT_ONCE: u64 = 4 * 1024 * 1024;

async fn open_local(
    key: &ObjectKey,
    path: std::path::PathBuf,
) -> Result<Option<(ObjectMeta, std::fs::File)>, AppError> {
    let key = key.clone();
    tokio::task::spawn_blocking(move || match std::fs::File::open(&path) {
        Ok(file) => {
            let m = file.metadata().map_err(AppError::internal)?;
            if !m.is_file() {
                return Ok(None);
            }
            Ok(Some((crate::media::local::meta_of(&key, &m), file)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // A key that names a directory prefix of another key, e.g. `hls/720p/x` under a file.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(None),
        Err(e) => Err(AppError::internal(e)),
    })
    .await
    .map_err(AppError::internal)?
}

/// Where a response's bytes come from.
enum Source {
    /// The hot-object cache.
    Memory(bytes::Bytes),
    /// An open local file.
    File(std::fs::File),
    /// The storage backend.
    Store,
}

async fn read_bytes(file: std::fs::File, range: Range<u64>) -> Result<bytes::Bytes, AppError> {
    use std::os::unix::fs::FileExt as _;
    let len = range.end - range.start;
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; usize::try_from(len).map_err(AppError::internal)?];
        file.read_exact_at(&mut buf, range.start)
            .map_err(AppError::internal)?;
        Ok::<_, AppError>(bytes::Bytes::from(buf))
    })
    .await
    .map_err(AppError::internal)?
}

async fn read_local(file: std::fs::File, range: Range<u64>) -> Result<Body, AppError> {
    let len = range.end - range.start;
    if len <= READ_AT_ONCE {
        return Ok(Body::from(read_bytes(file, range).await?));
    }
    use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
    let mut file = tokio::fs::File::from_std(file);
    file.seek(std::io::SeekFrom::Start(range.start))
        .await
        .map_err(AppError::internal)?;
    let chunk = usize::try_from(READ_AT_ONCE / 4).unwrap_or(1 << 20);
    file.set_max_buf_size(chunk);
    let reader = file.take(len);
    Ok(Body::from_stream(
        tokio_util::io::ReaderStream::with_capacity(reader, chunk),
    ))
}

fn not_modified(headers: &HeaderMap, meta: &ObjectMeta) -> bool {
    if let Some(inm) = header_str(headers, header::IF_NONE_MATCH) {
        // With If-None-Match present, If-Modified-Since is ignored (RFC 9110 13.1.3).
        return meta
            .etag
            .as_deref()
            .is_some_and(|etag| none_match(inm, etag));
    }
    match (
        header_str(headers, header::IF_MODIFIED_SINCE).and_then(parse_http_date),
        meta.last_modified,
    ) {
        (Some(since), Some(modified)) => modified.timestamp() <= since.timestamp(),
        _ => false,
    }
}

fn if_range_holds(value: &str, meta: &ObjectMeta) -> bool {
    let value = value.trim();
    if value.starts_with('"') {
        // Strong comparison: a weak tag never matches.
        return meta.etag.as_deref() == Some(value);
    }
    match (parse_http_date(value), meta.last_modified) {
        (Some(date), Some(modified)) => modified.timestamp() <= date.timestamp(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_per_rfc_9110() {
        use RangeRequest::*;
        let cases = [
            ("bytes=0-9", Partial(0..10)),
            ("bytes=5-", Partial(5..100)),
            ("bytes=-10", Partial(90..100)),
            ("bytes=-1000", Partial(0..100)),
            ("bytes=90-1000", Partial(90..100)),
            ("bytes=100-", Unsatisfiable),
            ("bytes=100-200", Unsatisfiable),
            ("bytes=-0", Unsatisfiable),
            ("bytes=9-5", Full),
            ("bytes=abc", Full),
            ("bytes=1-2,4-5", Full),
            ("items=0-1", Full),
            ("bytes=", Full),
            ("bytes=-", Full),
            ("bytes=+1-2", Full),
            ("bytes=99999999999999999999999-", Full),
        ];
        for (value, want) in cases {
            assert_eq!(parse_range(value, 100), want, "{value}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly_and_ignores_garbage() {
        assert!(none_match("\"a\"", "\"a\""));
        assert!(none_match("W/\"a\"", "\"a\""));
        assert!(none_match("\"x\", \"a\"", "\"a\""));
        assert!(none_match("*", "\"a\""));
        assert!(!none_match("garbage", "\"a\""));
        assert!(!none_match("", "\"a\""));
    }
}
