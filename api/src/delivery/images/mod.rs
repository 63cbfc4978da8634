//! The image API: `GET /images/{videoId}/thumbnail.{jpg,webp}?time=&width=&height=&fit=` and
//! `GET /images/{videoId}/animated.webp?start=&end=&width=`.
//!
//! A picture is made on the first request for it: the segment holding the moment is read from
//! the smallest rendition at least as large as the picture, decoded with GStreamer up to that
//! frame (never the whole film), scaled and encoded ([`frames`], [`encode`]), and stored under
//! the video's source asset (`images/frames/…`) with a name made of the normalised parameters
//! ([`params`]). Every later request for it, here or on another node, is a plain read of that
//! object with the media path's memory cache and `ETag`. The source asset changes when the
//! media is replaced, so a URL carrying its version (`v=`, [`params::version_of`]; every
//! answer names that URL in `Content-Location`) is served immutable, one without it for a
//! minute, and one with an older version is redirected to the current one. Requests
//! for the same picture arriving while it is being made wait for that one piece of work
//! ([`flight`]); at most [`RENDERS_AT_ONCE`] pictures are made at a time.
//!
//! Who may see the pictures is who may see the video's media: the public, for a video the
//! public may watch ([`source::lookup`] through `visibility.rs`), with its playback restriction
//! by referrer; anything else is a 404. With `?token=`, the holder of a signed playback token
//! of audience `t` for the video (`super::playback`), whatever its visibility.

pub mod encode;
pub mod flight;
pub mod frames;
pub mod params;
pub mod source;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use uuid::Uuid;

use self::params::{Format, Geometry, Request};
use self::source::Source;
use super::access::TtlCache;
use crate::error::{AppError, AppResult};
use crate::media::ObjectKey;
use crate::state::{AppState, Ctx};

/// Pictures made at the same time at most (each decodes on a blocking thread); more wait.
pub const RENDERS_AT_ONCE: usize = 2;
/// How long what a video offers is reused (any change in the catalogue ends it early).
const SOURCE_TTL: Duration = Duration::from_secs(5);

/// The image API's state.
pub struct Images {
    sources: TtlCache<Option<Arc<Source>>>,
    flights: flight::Flights,
    renders: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Images").finish_non_exhaustive()
    }
}

impl Default for Images {
    fn default() -> Self {
        Self {
            sources: TtlCache::new(SOURCE_TTL, 100_000),
            flights: flight::Flights::default(),
            renders: tokio::sync::Semaphore::new(RENDERS_AT_ONCE),
        }
    }
}

impl Images {
    /// What the video offers, from the cache when the catalogue has not changed since.
    async fn source(&self, ctx: &Ctx, video: Uuid) -> AppResult<Option<Arc<Source>>> {
        let generation = ctx.public_cache.any_generation();
        if let Some(hit) = self.sources.get(video, generation) {
            return Ok(hit);
        }
        let found = source::lookup(&ctx.db, video).await?.map(Arc::new);
        self.sources.put(video, generation, found.clone());
        Ok(found)
    }
}

/// One picture to serve, and how to make it.
#[derive(Clone, Debug)]
struct Job {
    key: ObjectKey,
    content_type: &'static str,
    /// Video times of the frames, sorted.
    wanted: Vec<f64>,
    geometry: Geometry,
    /// `None`: an animated WebP.
    still: Option<Format>,
    playlist: ObjectKey,
}

/// `GET|HEAD /images/{id}/{file}`.
pub async fn get(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match respond(&state.ctx, &id, &file, uri.query(), &method, &headers).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn respond(
    ctx: &Arc<Ctx>,
    id: &str,
    file: &str,
    query: Option<&str>,
    method: &Method,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let Some(request) = params::parse_file(file)? else {
        return Err(AppError::NotFound("image"));
    };
    // Parameters are checked before anything is looked up; the time's bound needs the video.
    let thumbnail = match request {
        Request::Thumbnail(_) => Some(params::thumbnail_query(query)?),
        Request::Animated => None,
    };
    let animated = match request {
        Request::Animated => Some(params::animated_query(query)?),
        Request::Thumbnail(_) => None,
    };
    let asked_version = params::version(query)?;
    let video = parse_id(id).ok_or(AppError::NotFound("video"))?;
    let (source, caching) = match authorise(ctx, video, query, headers).await? {
        Ok(allowed) => allowed,
        Err(refused) => return Ok(refused),
    };
    if source.renditions.is_empty() {
        return Err(AppError::Conflict(
            "this video has no picture to take frames from (yet)".into(),
        ));
    }
    // The URL naming this picture of the media as it is now, for good.
    let version = params::version_of(source.asset);
    let pinned = format!(
        "/images/{video}/{file}?{}",
        params::with_version(query, &version)
    );
    let pinned_header = HeaderValue::from_str(&pinned).map_err(AppError::internal)?;
    match asked_version {
        // A picture of media since replaced: this one's is elsewhere.
        Some(asked) if asked != version => {
            let mut response = StatusCode::FOUND.into_response();
            let h = response.headers_mut();
            h.insert(header::LOCATION, pinned_header);
            if let Ok(v) = HeaderValue::from_str(&caching.header(false)) {
                h.insert(header::CACHE_CONTROL, v);
            }
            return Ok(response);
        }
        _ => {}
    }
    let cache_control = caching.header(asked_version.is_some());
    let job = match (request, thumbnail, animated) {
        (Request::Thumbnail(format), Some(q), _) => thumbnail_job(&source, &q, format)?,
        (_, _, Some(q)) => animated_job(&source, &q)?,
        _ => return Err(AppError::NotFound("image")),
    };
    if !stored(ctx, &job.key).await? {
        let key = job.key.as_str().to_string();
        let (ctx2, job2) = (ctx.clone(), job.clone());
        ctx.delivery
            .images
            .flights
            .run(&key, move || render(ctx2, job2))
            .await?;
    }
    let mut response = super::media::serve(
        ctx,
        &job.key,
        method,
        headers,
        job.content_type,
        &cache_control,
        true,
    )
    .await;
    response
        .headers_mut()
        .insert(header::CONTENT_LOCATION, pinned_header);
    Ok(response)
}

/// How long a picture may be kept, by whom.
#[derive(Clone, Copy, Debug)]
enum Caching {
    /// Anyone's cache: a public video without a playback restriction.
    Public,
    /// The browser's only: a restricted video (a shared cache would serve any referrer).
    Restricted,
    /// The browser's only, until the playback token expires (seconds left, at most a day).
    Token(i64),
}

/// How long a URL without the media's version may be kept: it names another picture once
/// the media is replaced.
const UNPINNED_SECS: i64 = 60;

impl Caching {
    /// `Cache-Control` for a URL with the media's current version (`pinned`: it names this
    /// picture for good) or without one.
    fn header(self, pinned: bool) -> String {
        match (self, pinned) {
            (Self::Public, true) => super::media::IMMUTABLE.to_string(),
            (Self::Public, false) => format!("public, max-age={UNPINNED_SECS}"),
            (Self::Restricted, true) => "private, max-age=31536000, immutable".to_string(),
            (Self::Restricted, false) => format!("private, max-age={UNPINNED_SECS}"),
            (Self::Token(left), true) => format!("private, max-age={left}"),
            (Self::Token(left), false) => {
                format!("private, max-age={}", left.min(UNPINNED_SECS))
            }
        }
    }
}

/// Who may see the video's pictures: the public when it may watch the video, with its playback
/// restriction; with `?token=`, whoever holds a playback token of audience `t` for it (a
/// private video's too), as for its media under `/media/v/`. The video's source and who may
/// keep its pictures, or the refusal.
async fn authorise(
    ctx: &Ctx,
    video: Uuid,
    query: Option<&str>,
    headers: &HeaderMap,
) -> AppResult<Result<(Arc<Source>, Caching), Response>> {
    use super::playback::{Audience, serve as playback};
    let token = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    let Some(token) = token else {
        let source = self::Images::source(&ctx.delivery.images, ctx, video)
            .await?
            .ok_or(AppError::NotFound("video"))?;
        let access = ctx
            .delivery
            .access(&ctx.db, ctx.public_cache.any_generation(), source.asset)
            .await?;
        // A shared cache would serve a restricted picture to any referrer.
        let caching = match &access.restriction {
            Some(rule) if !rule.allows(headers) => return Err(AppError::Forbidden),
            Some(_) => Caching::Restricted,
            None => Caching::Public,
        };
        return Ok(Ok((source, caching)));
    };
    let now = chrono::Utc::now().timestamp();
    let claims = match super::playback::token::verify(
        &ctx.db,
        &token,
        Audience::Thumbnail,
        video,
        now,
    )
    .await
    {
        Ok(claims) => claims,
        Err(refusal) => return Ok(Err(refusal.response())),
    };
    use sea_orm::EntityTrait as _;
    let Some(row) = crate::videos::entity::video::Entity::find_by_id(video)
        .one(&ctx.db)
        .await?
    else {
        return Err(AppError::NotFound("video"));
    };
    if !playback::referrer_allows(&ctx.db, &row, headers).await? {
        return Ok(Err(playback::referrer_refused()));
    }
    let source = Arc::new(source::of_video(&ctx.db, &row).await?);
    let left = (claims.expires - now).clamp(0, 86_400);
    Ok(Ok((source, Caching::Token(left))))
}

/// A video's id as the API hands it out: its UUID or its global `ID`.
fn parse_id(raw: &str) -> Option<Uuid> {
    if raw.len() > 128 {
        return None;
    }
    if let Ok(id) = Uuid::try_parse(raw) {
        return Some(id);
    }
    match crate::graphql::relay::decode(raw).ok()? {
        (kind, id) if kind == "Video" => Some(id),
        _ => None,
    }
}

/// The video's length in tenths of a second: every time asked must be below it.
fn tenths_of(duration: f64) -> u32 {
    (duration * 10.0 - 1e-6).ceil().max(0.0) as u32
}

fn thumbnail_job(source: &Source, q: &params::ThumbnailQuery, format: Format) -> AppResult<Job> {
    let limit = tenths_of(source.duration);
    let time = match q.time {
        Some(t) if t.secs >= source.duration => limit,
        Some(t) => t.tenths,
        None => ((source.poster_time * 10.0).floor() as u32).min(limit.saturating_sub(1)),
    };
    if time >= limit {
        return Err(AppError::validation(format!(
            "time: must be less than the video's duration ({:.1} s)",
            source.duration
        )));
    }
    let geometry = Geometry::thumbnail(q, source.size());
    let rendition = source
        .rendition_for(geometry.scaled)
        .ok_or(AppError::NotFound("video"))?;
    let name = format!("images/frames/t{time}-{}.{}", geometry.name(), format.ext());
    Ok(Job {
        key: ObjectKey::for_asset(source.asset, &name)?,
        content_type: crate::media::content_type::of_name(&name),
        wanted: vec![f64::from(time) / 10.0],
        geometry,
        still: Some(format),
        playlist: rendition.playlist.clone(),
    })
}

fn animated_job(source: &Source, q: &params::AnimatedQuery) -> AppResult<Job> {
    let limit = tenths_of(source.duration);
    if q.start.secs >= source.duration || q.start.tenths >= limit {
        return Err(AppError::validation(format!(
            "start: must be less than the video's duration ({:.1} s)",
            source.duration
        )));
    }
    let start = q.start.tenths;
    let default_end = start + (params::DEFAULT_ANIMATED_SECS * 10.0) as u32;
    if q.end.is_some_and(|e| e.secs > source.duration + 1e-9) {
        return Err(AppError::validation(format!(
            "end: must be at most the video's duration ({:.1} s)",
            source.duration
        )));
    }
    let end = q
        .end
        .map_or(default_end.min(limit), |e| e.tenths.min(limit));
    // Tenths between frames.
    let step = 10 / params::ANIMATED_FPS;
    let count = end.saturating_sub(start).div_ceil(step).max(1);
    let wanted = (0..count)
        .map(|k| f64::from(start + k * step) / 10.0)
        .collect();
    let geometry = Geometry::animated(q.width, source.size());
    let rendition = source
        .rendition_for(geometry.scaled)
        .ok_or(AppError::NotFound("video"))?;
    let name = format!("images/frames/anim-{start}-{end}-{}.webp", geometry.name());
    Ok(Job {
        key: ObjectKey::for_asset(source.asset, &name)?,
        content_type: "image/webp",
        wanted,
        geometry,
        still: None,
        playlist: rendition.playlist.clone(),
    })
}

/// Whether the picture is stored already (in the memory cache, or in storage).
async fn stored(ctx: &Ctx, key: &ObjectKey) -> AppResult<bool> {
    if ctx.delivery.hot.get(key.as_str()).is_some() {
        return Ok(true);
    }
    Ok(ctx.storage.head(key).await?.is_some())
}

/// Makes and stores one picture.
async fn render(ctx: Arc<Ctx>, job: Job) -> AppResult<()> {
    let images = &ctx.delivery.images;
    let _permit = images.renders.acquire().await.map_err(AppError::internal)?;
    // Made meanwhile by an earlier flight or another node.
    if ctx.storage.head(&job.key).await?.is_some() {
        return Ok(());
    }
    let storage = ctx.storage.as_ref();
    let playlist = crate::media::storage::read_all(storage, &job.playlist).await?;
    let segments = source::segments(&String::from_utf8_lossy(&playlist));
    let (from, to) = match (job.wanted.first(), job.wanted.last()) {
        (Some(f), Some(t)) => (*f, *t),
        _ => return Err(AppError::internal(anyhow::anyhow!("no frame wanted"))),
    };
    let covering = source::covering(&segments, from, to)
        .ok_or_else(|| AppError::Conflict("this video's playlist lists no segment".into()))?;
    let mut ts = Vec::new();
    for segment in covering {
        let key = source::segment_key(&job.playlist, &segment.uri)?;
        ts.extend(crate::media::storage::read_all(storage, &key).await?);
    }
    let (base, end) = match (covering.first(), covering.last()) {
        (Some(a), Some(b)) => (a.start, b.start + b.duration),
        _ => return Err(AppError::internal(anyhow::anyhow!("no segment"))),
    };
    ctx.metrics.image_rendered(job.still.is_some());
    let (wanted, geometry, still) = (job.wanted.clone(), job.geometry, job.still);
    let bytes = tokio::task::spawn_blocking(move || {
        let shots = frames::decode(frames::Segments { ts, base, end }, &wanted)?;
        match (still, shots.first()) {
            (Some(format), Some(frame)) => encode::still(&encode::shape(frame, &geometry), format),
            (None, _) => {
                let shaped: Vec<_> = shots.iter().map(|f| encode::shape(f, &geometry)).collect();
                encode::animated(&shaped, params::ANIMATED_FPS)
            }
            (Some(_), None) => Err(AppError::internal(anyhow::anyhow!("no frame decoded"))),
        }
    })
    .await
    .map_err(AppError::internal)??;
    ctx.storage
        .put_bytes(&job.key, Bytes::from(bytes), job.content_type)
        .await?;
    let kept = ctx.config.delivery.images_kept_per_video.max(1) as usize;
    keep_newest(storage, &job.key, kept).await
}

/// Keeps the newest `kept` pictures beside `made` (the video's pictures made on demand) and
/// removes the others: a later request makes a removed one again.
async fn keep_newest(
    storage: &dyn crate::media::Storage,
    made: &ObjectKey,
    kept: usize,
) -> AppResult<()> {
    let Some((folder, _)) = made.as_str().rsplit_once('/') else {
        return Ok(());
    };
    let mut pictures = storage.list(&format!("{folder}/")).await?;
    if pictures.len() <= kept {
        return Ok(());
    }
    // Oldest first; the one just made stays whatever the clock's resolution.
    pictures.sort_by_key(|p| (p.key == *made, p.last_modified));
    let surplus = pictures.len() - kept;
    for picture in &pictures[..surplus] {
        storage.delete(&picture.key).await?;
    }
    Ok(())
}
