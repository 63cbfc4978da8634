//! Resumable uploads: creation with limits and quota, durable appends, and completion (probe,
//! store, record). The tus protocol in `tus.rs` is a thin HTTP layer over these functions.
//!
//! Durability rule: bytes are appended to a staging file and fsynced *before* the offset in the
//! database moves. The database offset is the truth; after a crash the staging file is truncated
//! back to it, so an upload never claims a byte it does not durably hold.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use futures::StreamExt as _;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::entity::{media_asset, upload};
use super::key::ObjectKey;
use super::probe;
use super::storage::Storage;
use crate::config::UploadsConfig;
use crate::error::{AppError, AppResult};
use crate::state::Ctx;
use crate::visibility::Viewer;

/// Upload states.
pub mod status {
    /// Receiving bytes.
    pub const UPLOADING: &str = "uploading";
    /// All bytes received; being probed and stored.
    pub const PROCESSING: &str = "processing";
    /// Probed and stored as an asset.
    pub const COMPLETE: &str = "complete";
    /// Not decodable audio or video; bytes removed; `error` says why.
    pub const REJECTED: &str = "rejected";
    /// Cancelled by the uploader (tus termination) or expired.
    pub const TERMINATED: &str = "terminated";
    /// All bytes arrived, but the server could not store or record them, even after retries (a
    /// fault on the server's side, not in the file); `error` says so and asks for the file again.
    pub const FAILED: &str = "failed";
}

/// The pauses between tries of a finish that failed ([`finish_or_fail`]): about half a minute
/// in all, enough to ride out a busy database or a store that hiccups.
const FINISH_RETRY_DELAYS: [std::time::Duration; 5] = [
    std::time::Duration::from_millis(250),
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(3),
    std::time::Duration::from_secs(8),
    std::time::Duration::from_secs(15),
];

/// What a failed upload says to its uploader (the cause goes to the log).
const FAILED_MESSAGE: &str =
    "the server could not store this file (an error on our side, not in the file): send it again";

/// The `sha256` of a source asset whose digest is not taken yet (`record_digest`).
const DIGEST_PENDING: &str = "";

/// The staging file of an upload.
pub fn staging_path(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{id}.part"))
}

/// The key an upload's source object gets (its asset id is the upload id).
pub fn source_key(id: Uuid) -> AppResult<ObjectKey> {
    ObjectKey::for_asset(id, "source")
}

/// Parses a tus `Upload-Metadata` header: comma-separated `key base64value` pairs.
pub fn parse_metadata(raw: &str) -> AppResult<HashMap<String, String>> {
    let mut map = HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once(' ') {
            Some((k, v)) => (k, v.trim()),
            None => (pair, ""),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::validation("Upload-Metadata: malformed key"));
        }
        let decoded = STANDARD
            .decode(value)
            .map_err(|_| AppError::validation(format!("Upload-Metadata: `{key}` is not base64")))?;
        let text = String::from_utf8(decoded)
            .map_err(|_| AppError::validation(format!("Upload-Metadata: `{key}` is not UTF-8")))?;
        map.insert(key.to_string(), text);
    }
    Ok(map)
}

/// Bytes a user stores: finished assets plus the announced length of unfinished uploads.
pub async fn bytes_used(db: &impl ConnectionTrait, owner: Uuid) -> AppResult<u64> {
    let assets: Option<i64> = media_asset::Entity::find()
        .select_only()
        // PostgreSQL sums bigints into numeric; cast so both databases return a bigint.
        .column_as(
            Expr::col(media_asset::Column::Size)
                .sum()
                .cast_as(Alias::new("bigint")),
            "total",
        )
        .filter(media_asset::Column::OwnerId.eq(owner))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let pending: Option<i64> = upload::Entity::find()
        .select_only()
        .column_as(
            Expr::col(upload::Column::Length)
                .sum()
                .cast_as(Alias::new("bigint")),
            "total",
        )
        .filter(upload::Column::OwnerId.eq(owner))
        .filter(upload::Column::Status.is_in([status::UPLOADING, status::PROCESSING]))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok((assets.unwrap_or(0) + pending.unwrap_or(0)).max(0) as u64)
}

/// Creates an upload after checking size and quota, before any byte is stored.
///
/// The metadata names what the upload is for: `videoId` or `episodeId` (an existing draft the
/// uploader manages), or `channelId` / `podcastId` to create a draft video / episode titled after
/// `title` or the file name. Without any, the upload is a free-standing asset.
pub async fn create(
    db: &DatabaseConnection,
    staging_dir: &Path,
    limits: &UploadsConfig,
    uploader: &Viewer,
    owner: Uuid,
    length: u64,
    metadata_header: &str,
) -> AppResult<upload::Model> {
    if length == 0 {
        return Err(AppError::validation("Upload-Length: the file is empty"));
    }
    if length > limits.max_file_bytes {
        return Err(AppError::PayloadTooLarge {
            limit: usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX),
        });
    }
    let metadata = parse_metadata(metadata_header)?;
    if limits.user_quota_bytes > 0 {
        let used = bytes_used(db, owner).await?;
        if used.saturating_add(length) > limits.user_quota_bytes {
            return Err(AppError::QuotaExceeded {
                used,
                quota: limits.user_quota_bytes,
                requested: length,
            });
        }
    }
    let filename: String = metadata
        .get("filename")
        .or_else(|| metadata.get("name"))
        .map(|n| n.chars().filter(|c| !c.is_control()).take(255).collect())
        .unwrap_or_else(|| "upload".into());
    let (target_kind, target_id) = resolve_target(db, uploader, &metadata, &filename).await?;
    let id = Uuid::now_v7();
    tokio::fs::create_dir_all(staging_dir)
        .await
        .map_err(AppError::internal)?;
    let path = staging_path(staging_dir, id);
    let file = tokio::fs::File::create(&path)
        .await
        .map_err(AppError::internal)?;
    file.sync_all().await.map_err(AppError::internal)?;
    let now = Utc::now();
    let model = upload::ActiveModel {
        id: Set(id),
        owner_id: Set(owner),
        length: Set(i64::try_from(length).map_err(AppError::internal)?),
        offset: Set(0),
        metadata: Set(metadata_header.chars().take(4096).collect()),
        filename: Set(filename),
        target_kind: Set(target_kind),
        target_id: Set(target_id),
        status: Set(status::UPLOADING.into()),
        error: Set(None),
        asset_id: Set(None),
        expires_at: Set(now + Duration::hours(limits.expiry_hours as i64)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await;
    match model {
        Ok(m) => Ok(m),
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(e.into())
        }
    }
}

/// The video or episode an upload is for, checked against what the uploader may manage; drafts
/// named by `channelId`/`podcastId` are created here, before any byte arrives, so editors see them
/// at once.
async fn resolve_target(
    db: &DatabaseConnection,
    uploader: &Viewer,
    metadata: &HashMap<String, String>,
    filename: &str,
) -> AppResult<(Option<String>, Option<Uuid>)> {
    let named: Vec<&str> = ["videoId", "episodeId", "channelId", "podcastId"]
        .into_iter()
        .filter(|k| metadata.contains_key(*k))
        .collect();
    if named.len() > 1 {
        return Err(AppError::validation(format!(
            "Upload-Metadata: give one of videoId, episodeId, channelId or podcastId, not {}",
            named.join(" and ")
        )));
    }
    let global = |key: &str, typename: &str| -> AppResult<Uuid> {
        let raw = metadata.get(key).map(String::as_str).unwrap_or_default();
        crate::graphql::relay::from_global(&raw.into(), typename)
    };
    let title = || -> String {
        let raw = metadata.get("title").cloned().unwrap_or_else(|| {
            // "My talk.final.mp4" → "My talk.final"
            match filename.rsplit_once('.') {
                Some((stem, _)) if !stem.trim().is_empty() => stem.to_string(),
                _ => filename.to_string(),
            }
        });
        let trimmed: String = raw.trim().chars().take(200).collect();
        if trimmed.is_empty() {
            "Untitled upload".into()
        } else {
            trimmed
        }
    };
    match named.first().copied() {
        None => Ok((None, None)),
        Some("videoId") => {
            let id = global("videoId", "Video")?;
            crate::videos::service::get_managed(db, uploader, id).await?;
            Ok((Some("video".into()), Some(id)))
        }
        Some("episodeId") => {
            let id = global("episodeId", "Episode")?;
            crate::podcasts::service::episode_managed(db, uploader, id).await?;
            Ok((Some("episode".into()), Some(id)))
        }
        Some("channelId") => {
            let channel_id = global("channelId", "Channel")?;
            let video = crate::videos::service::create(
                db,
                uploader,
                crate::videos::service::NewVideo {
                    channel_id,
                    title: title(),
                    slug: None,
                    description: None,
                    visibility: None,
                    publish_at: None,
                    unpublish_at: None,
                    language: None,
                    license: None,
                    category_id: None,
                    tag_ids: Vec::new(),
                    chapters: Vec::new(),
                },
            )
            .await?;
            Ok((Some("video".into()), Some(video.id)))
        }
        Some(_) => {
            let podcast_id = global("podcastId", "Podcast")?;
            let episode = crate::podcasts::service::create_episode(
                db,
                uploader,
                crate::podcasts::service::NewEpisode {
                    podcast_id,
                    title: title(),
                    slug: None,
                    description: None,
                    guid: None,
                    season: None,
                    number: None,
                    episode_type: None,
                    visibility: None,
                    publish_at: None,
                    unpublish_at: None,
                    tag_ids: Vec::new(),
                },
            )
            .await?;
            Ok((Some("episode".into()), Some(episode.id)))
        }
    }
}

/// Finds an upload the caller may touch: its owner, or an admin. Others get `NOT_FOUND`.
pub async fn find_for(
    db: &impl ConnectionTrait,
    id: Uuid,
    caller: Uuid,
    is_admin: bool,
) -> AppResult<upload::Model> {
    match upload::Entity::find_by_id(id).one(db).await? {
        Some(u) if u.owner_id == caller || is_admin => Ok(u),
        _ => Err(AppError::NotFound("upload")),
    }
}

/// Cuts the staging file back to the durable offset (bytes after it were never acknowledged).
pub async fn reconcile(path: &Path, offset: u64) -> AppResult<()> {
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .await
        .map_err(AppError::internal)?;
    let len = file.metadata().await.map_err(AppError::internal)?.len();
    if len != offset {
        if len < offset {
            return Err(AppError::internal(anyhow::anyhow!(
                "staging file shorter ({len}) than the recorded offset ({offset})"
            )));
        }
        file.set_len(offset).await.map_err(AppError::internal)?;
        file.sync_all().await.map_err(AppError::internal)?;
    }
    Ok(())
}

/// Moves the recorded offset from `from` to `to`; false when someone else moved it first.
pub async fn record_offset(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: u64,
    to: u64,
) -> AppResult<bool> {
    let to_i = i64::try_from(to).map_err(AppError::internal)?;
    let from_i = i64::try_from(from).map_err(AppError::internal)?;
    let res = upload::Entity::update_many()
        .col_expr(upload::Column::Offset, Expr::value(to_i))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Offset.eq(from_i))
        .filter(upload::Column::Status.eq(status::UPLOADING))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

async fn set_status(
    db: &impl ConnectionTrait,
    id: Uuid,
    new_status: &str,
    error: Option<String>,
    asset: Option<Uuid>,
) -> AppResult<()> {
    upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(new_status))
        .col_expr(upload::Column::Error, Expr::value(error))
        .col_expr(upload::Column::AssetId, Expr::value(asset))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks an upload whose bytes are all in as `processing` (before [`finish`] runs).
pub async fn mark_processing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    set_status(db, id, status::PROCESSING, None, None).await
}

pub async fn sha256_file(path: &Path) -> AppResult<String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read as _;
        let mut file = std::fs::File::open(&path).map_err(AppError::internal)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(AppError::internal)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hex::encode(hasher.finalize()))
    })
    .await?
}

/// Probes a fully received upload and stores it as an asset, or rejects it with a reason.
///
/// Idempotent, so it can run again after a crash: the asset id is the upload id, the object key
/// is derived from it, and each step checks whether it already happened.
pub async fn finish(ctx: &Ctx, id: Uuid) -> AppResult<upload::Model> {
    let db = &ctx.db;
    let storage = &ctx.storage;
    let staging_dir = ctx.staging_dir.as_path();
    let upload = upload::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("upload"))?;
    if upload.status != status::PROCESSING {
        return Ok(upload);
    }
    let key = source_key(id)?;
    let path = staging_path(staging_dir, id);
    let staged = tokio::fs::metadata(&path).await.is_ok();
    if staged {
        // What this process learnt while the bytes came in (the parts already in the store); the
        // probe runs meanwhile.
        let (received, found) =
            tokio::join!(ctx.uploads_inflight.take(id), probe::probe_file(&path));
        match found {
            Ok(found) => {
                let content_type = content_type_of(&upload, &found);
                let meta = store_source(ctx, &key, &path, &content_type, received).await?;
                // The digest follows `complete` (`record_digest`): the upload needs none to be
                // stored, and hashing a large file first would hold up its transcode.
                record_asset(
                    db,
                    &upload,
                    &key,
                    meta.size,
                    DIGEST_PENDING.into(),
                    content_type,
                    &found,
                )
                .await?;
                attach(ctx, &upload, &found).await?;
                mark_complete(db, &upload).await?;
            }
            Err(AppError::UnsupportedMedia(reason)) => {
                if let Some(parts) = received.parts {
                    parts.abort().await;
                }
                tokio::fs::remove_file(&path)
                    .await
                    .map_err(AppError::internal)?;
                set_status(db, id, status::REJECTED, Some(reason.clone()), None).await?;
                report_rejection(db, &upload, &reason).await?;
            }
            Err(other) => return Err(other),
        }
    } else if media_asset::Entity::find_by_id(id).one(db).await?.is_none() {
        // Crashed after the object was stored but before the row was written: the object is
        // whole (stores are atomic), so finish recording it.
        let Some(meta) = storage.head(&key).await? else {
            set_status(
                db,
                id,
                status::REJECTED,
                Some("the upload's bytes were lost".into()),
                None,
            )
            .await?;
            return find_for(db, id, upload.owner_id, true).await;
        };
        let local = staging_dir.join(format!("{id}.recheck"));
        download(storage.as_ref(), &key, &local).await?;
        let found = probe::probe_file(&local).await;
        let sha = sha256_file(&local).await;
        let _ = tokio::fs::remove_file(&local).await;
        let found = found?;
        let content_type = content_type_of(&upload, &found);
        record_asset(db, &upload, &key, meta.size, sha?, content_type, &found).await?;
        attach(ctx, &upload, &found).await?;
        mark_complete(db, &upload).await?;
    } else {
        let asset = media_asset::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("asset"))?;
        let found: probe::Probe = asset
            .probe
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("asset {id} has no probe")))?;
        attach(ctx, &upload, &found).await?;
        mark_complete(db, &upload).await?;
    }
    if let Err(e) = record_digest(ctx, id).await {
        // Recorded at the next start (`record_missing_digests`).
        tracing::warn!(upload = %id, error = %e, "could not record an upload's digest");
    }
    find_for(db, id, upload.owner_id, true).await
}

/// Runs [`finish`] until it succeeds, trying again after a fault (it is idempotent), so no
/// upload is left `processing` with nothing happening. One that still fails after
/// [`FINISH_RETRY_DELAYS`] ends `failed`, with the reason shown on its video or episode too. A
/// process that stops meanwhile leaves it `processing`: [`resume_unfinished`] takes it up at the
/// next start.
pub async fn finish_or_fail(ctx: &Ctx, id: Uuid) -> AppResult<upload::Model> {
    let mut delays = FINISH_RETRY_DELAYS.iter();
    loop {
        let error = match finish(ctx, id).await {
            Ok(done) => return Ok(done),
            // The upload is gone (its owner deleted): nothing is left to finish.
            Err(e @ AppError::NotFound("upload")) => return Err(e),
            Err(e) => e,
        };
        match delays.next() {
            Some(delay) => {
                tracing::warn!(upload = %id, error = ?error, retry_in = ?delay, "finishing an upload failed; trying again");
                tokio::select! {
                    () = tokio::time::sleep(*delay) => {}
                    // Left `processing`: the next start resumes it.
                    () = ctx.shutdown.cancelled() => return Err(error),
                }
            }
            None => {
                tracing::error!(upload = %id, error = ?error, "finishing an upload failed for good");
                give_up(ctx, id).await?;
                return Err(error);
            }
        }
    }
}

/// Marks an upload that cannot be finished `failed` and says so on its video or episode. Its
/// bytes go with the sweeps (the staging file and any unattached source after the grace period).
async fn give_up(ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let failed = upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(status::FAILED))
        .col_expr(upload::Column::Error, Expr::value(FAILED_MESSAGE))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Status.eq(status::PROCESSING))
        .exec(&ctx.db)
        .await?;
    if failed.rows_affected == 1
        && let Some(upload) = upload::Entity::find_by_id(id).one(&ctx.db).await?
        && let (Some(kind), Some(target)) = (upload.target_kind.as_deref(), upload.target_id)
    {
        set_media_error(
            &ctx.db,
            kind,
            target,
            &format!("upload failed: {FAILED_MESSAGE}"),
        )
        .await?;
        ctx.public_cache.invalidate();
    }
    Ok(())
}

/// Records the SHA-256 of the source stored from upload `id` when it is still pending (empty),
/// then removes the upload's staging file if one is left (an S3 store keeps it for this). The
/// staging file holds exactly the stored bytes and is usually still in the page cache; without
/// it the stored object is read.
pub async fn record_digest(ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let staged = staging_path(&ctx.staging_dir, id);
    let pending = media_asset::Entity::find_by_id(id)
        .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
        .one(&ctx.db)
        .await?;
    if let Some(asset) = pending {
        let sha = match sha256_file(&staged).await {
            Ok(sha) => sha,
            Err(_) => {
                let key = ObjectKey::parse(&asset.storage_key)?;
                super::migrate::hash_object(ctx.storage.as_ref(), &key)
                    .await?
                    .1
            }
        };
        media_asset::Entity::update_many()
            .col_expr(media_asset::Column::Sha256, Expr::value(sha))
            .filter(media_asset::Column::Id.eq(id))
            .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
            .exec(&ctx.db)
            .await?;
    }
    let _ = tokio::fs::remove_file(&staged).await;
    Ok(())
}

/// Records the digests a previous process left pending (called at start).
pub async fn record_missing_digests(ctx: &Ctx) -> AppResult<usize> {
    let pending: Vec<Uuid> = media_asset::Entity::find()
        .select_only()
        .column(media_asset::Column::Id)
        .filter(media_asset::Column::Kind.eq("source"))
        .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let n = pending.len();
    for id in pending {
        if let Err(e) = record_digest(ctx, id).await {
            tracing::error!(asset = %id, error = %e, "could not record a digest");
        }
    }
    Ok(n)
}

/// Stores a probed staging file as the source object: completes the parts streamed while it
/// arrived, or sends the whole file (a rename on a local store) when there are none.
async fn store_source(
    ctx: &Ctx,
    key: &ObjectKey,
    path: &Path,
    content_type: &str,
    received: super::inflight::Received,
) -> AppResult<super::storage::ObjectMeta> {
    if let Some(parts) = received.parts {
        match parts.complete().await {
            Ok(meta) => {
                // The staging file stays until the digest is taken from it (`record_digest`).
                ctx.metrics.source_stored(true);
                return Ok(meta);
            }
            Err(e) => {
                tracing::warn!(key = %key.as_str(), error = %e, "completing streamed parts failed; sending the file whole");
                parts.abort().await;
            }
        }
    } else {
        // Parts a previous process (or a failed stream) sent and never completed would linger
        // unseen.
        if let Err(e) = ctx.storage.abort_parts(key).await {
            tracing::warn!(key = %key.as_str(), error = %e, "could not drop stale parts");
        }
    }
    let meta = ctx
        .storage
        .put_file_consuming(key, path, content_type)
        .await?;
    ctx.metrics.source_stored(false);
    Ok(meta)
}

/// Streams an object to a local file (sources can be many gigabytes: never hold one in memory).
pub async fn download(storage: &dyn Storage, key: &ObjectKey, path: &Path) -> AppResult<()> {
    use futures::TryStreamExt as _;
    use tokio::io::AsyncWriteExt as _;
    let object = storage.get(key, None).await?;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(AppError::internal)?;
    let mut body = object.body;
    while let Some(chunk) = body.try_next().await.map_err(AppError::internal)? {
        file.write_all(&chunk).await.map_err(AppError::internal)?;
    }
    file.flush().await.map_err(AppError::internal)
}

/// The audio or video type the uploader declared (`filetype` in the tus metadata), if sane.
pub fn declared_type(upload: &upload::Model) -> Option<String> {
    parse_metadata(&upload.metadata)
        .ok()
        .and_then(|m| m.get("filetype").cloned())
        .filter(|t| {
            (t.starts_with("video/") || t.starts_with("audio/"))
                && t.len() < 100
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/.+-".contains(c))
        })
}

fn content_type_of(upload: &upload::Model, found: &probe::Probe) -> String {
    declared_type(upload).unwrap_or_else(|| {
        if found.kind == "video" {
            "video/mp4".into()
        } else {
            "audio/mpeg".into()
        }
    })
}

async fn record_asset(
    db: &DatabaseConnection,
    upload: &upload::Model,
    key: &ObjectKey,
    size: u64,
    sha: String,
    content_type: String,
    found: &probe::Probe,
) -> AppResult<()> {
    let probe_json = serde_json::to_string(found).map_err(AppError::internal)?;
    let insert = media_asset::ActiveModel {
        id: Set(upload.id),
        owner_id: Set(upload.owner_id),
        kind: Set("source".into()),
        storage_key: Set(key.as_str().to_string()),
        size: Set(i64::try_from(size).map_err(AppError::internal)?),
        sha256: Set(sha),
        content_type: Set(content_type),
        original_name: Set(upload.filename.clone()),
        probe: Set(Some(probe_json)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await;
    match insert {
        Ok(_) => {}
        // Already recorded by an earlier attempt.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// The last step of a stored upload: `complete` is said only once its media is attached, so a
/// client that sees it finds the video or episode holding that media (and deleting the video
/// then deletes the media too).
async fn mark_complete(db: &DatabaseConnection, upload: &upload::Model) -> AppResult<()> {
    set_status(db, upload.id, status::COMPLETE, None, Some(upload.id)).await
}

/// Makes a stored source the media of the video or episode the upload is for, and queues its
/// transcode. Idempotent (a crash-recovery run may call it again): the job is not queued twice.
///
/// A subject with no ready media takes the new source at once (status `processing`), so it
/// becomes playable as soon as the first segments exist. A subject whose media is ready keeps
/// it, with its URLs, until the new transcode succeeds: the worker swaps the source then.
async fn attach(ctx: &Ctx, upload: &upload::Model, found: &probe::Probe) -> AppResult<()> {
    use crate::transcode::queue::{self, Subject};
    use crate::visibility::Status;
    let (Some(kind), Some(target)) = (upload.target_kind.as_deref(), upload.target_id) else {
        return Ok(());
    };
    let db = &ctx.db;
    let asset = upload.id;
    let max_attempts = ctx.config.transcode.max_attempts;
    let txn = crate::db::begin_write(db).await?;
    let mut replaced = None;
    let subject = match kind {
        "video" => {
            use crate::videos::entity::video;
            let Some(v) = video::Entity::find_by_id(target).one(&txn).await? else {
                return Ok(());
            };
            if found.kind != "video" {
                let reason = "this is an audio file: a video needs a video track".to_string();
                set_media_error(&txn, kind, target, &reason).await?;
                txn.commit().await?;
                return Ok(());
            }
            let has_ready = v.status == Status::Ready.as_str() && v.source_asset_id.is_some();
            let mut active: video::ActiveModel = v.clone().into();
            active.media_error = Set(None);
            active.updated_at = Set(Utc::now());
            if !has_ready && v.source_asset_id != Some(asset) {
                replaced = v.source_asset_id;
                active.source_asset_id = Set(Some(asset));
                active.status = Set(Status::Processing.as_str().into());
                active.duration_secs = Set(Some(found.duration_secs));
            }
            active.update(&txn).await?;
            Subject::Video(target)
        }
        _ => {
            use crate::podcasts::entity::episode;
            let Some(e) = episode::Entity::find_by_id(target).one(&txn).await? else {
                return Ok(());
            };
            let has_ready = e.status == Status::Ready.as_str() && e.media_asset_id.is_some();
            let mut active: episode::ActiveModel = e.clone().into();
            active.media_error = Set(None);
            active.updated_at = Set(Utc::now());
            if !has_ready && e.media_asset_id != Some(asset) {
                replaced = e.media_asset_id;
                active.media_asset_id = Set(Some(asset));
                active.status = Set(Status::Processing.as_str().into());
                active.duration_secs = Set(Some(found.duration_secs));
            }
            active.update(&txn).await?;
            Subject::Episode(target)
        }
    };
    let job = queue::enqueue(&txn, asset, subject, max_attempts).await?;
    txn.commit().await?;
    ctx.jobs_waiting.notify_waiters();
    tracing::info!(upload = %asset, job = %job.id, subject = %target, "queued a transcode");
    if let Some(old) = replaced
        && let Err(e) = super::assets::delete_asset(db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced source; the sweep will");
    }
    ctx.public_cache.invalidate();
    Ok(())
}

/// Shows why an upload was refused on the video or episode it was for.
async fn report_rejection(
    db: &impl ConnectionTrait,
    upload: &upload::Model,
    reason: &str,
) -> AppResult<()> {
    if let (Some(kind), Some(target)) = (upload.target_kind.as_deref(), upload.target_id) {
        set_media_error(db, kind, target, &format!("upload rejected: {reason}")).await?;
    }
    Ok(())
}

/// Sets the media error shown to editors on a video or episode.
pub async fn set_media_error(
    db: &impl ConnectionTrait,
    kind: &str,
    id: Uuid,
    reason: &str,
) -> AppResult<()> {
    let reason: String = reason.chars().take(2000).collect();
    if kind == "video" {
        use crate::videos::entity::video;
        video::Entity::update_many()
            .col_expr(video::Column::MediaError, Some(reason).into())
            .filter(video::Column::Id.eq(id))
            .exec(db)
            .await?;
    } else {
        use crate::podcasts::entity::episode;
        episode::Entity::update_many()
            .col_expr(episode::Column::MediaError, Some(reason).into())
            .filter(episode::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Cancels an upload: its staging bytes (and any parts already in the store) are removed and it
/// can no longer be resumed.
pub async fn terminate(ctx: &Ctx, upload: &upload::Model) -> AppResult<()> {
    if upload.status != status::UPLOADING {
        return Err(AppError::Conflict(format!(
            "the upload is {}",
            upload.status
        )));
    }
    set_status(
        &ctx.db,
        upload.id,
        status::TERMINATED,
        Some("cancelled".into()),
        None,
    )
    .await?;
    drop_staged(ctx, upload.id).await;
    Ok(())
}

/// Removes an unfinished upload's bytes: the staging file and parts sent to the store.
async fn drop_staged(ctx: &Ctx, id: Uuid) {
    ctx.uploads_inflight.discard(id).await;
    let _ = tokio::fs::remove_file(staging_path(&ctx.staging_dir, id)).await;
    if let Ok(key) = source_key(id)
        && let Err(e) = ctx.storage.abort_parts(&key).await
    {
        tracing::warn!(upload = %id, error = %e, "could not drop an upload's parts");
    }
}

/// Finishes uploads a previous process left in `processing` (called at start).
pub async fn resume_unfinished(ctx: &Ctx) -> AppResult<usize> {
    let pending = upload::Entity::find()
        .filter(upload::Column::Status.eq(status::PROCESSING))
        .all(&ctx.db)
        .await?;
    let n = pending.len();
    // A few at a time: one whose finish keeps failing waits out its retries without holding up
    // the others.
    futures::stream::iter(pending)
        .for_each_concurrent(4, |upload| async move {
            // Errors are logged there; the upload ends `failed` when it cannot be finished.
            let _ = finish_or_fail(ctx, upload.id).await;
        })
        .await;
    Ok(n)
}

/// Removes files in the staging directory that no unfinished upload owns and that are older than
/// `grace`: bytes left when a removal failed or the process stopped at the wrong moment (a
/// finished upload's staging file, a `.recheck` copy, a file of an upload whose row is gone).
/// Files not named after an upload are left alone.
pub async fn sweep_staging(ctx: &Ctx, grace: chrono::Duration) -> AppResult<usize> {
    let cutoff = std::time::SystemTime::now()
        .checked_sub(grace.to_std().unwrap_or_default())
        .unwrap_or(std::time::UNIX_EPOCH);
    let mut entries = match tokio::fs::read_dir(&ctx.staging_dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(AppError::internal(e)),
    };
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await.map_err(AppError::internal)? {
        let path = entry.path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| {
                n.strip_suffix(".part")
                    .or_else(|| n.strip_suffix(".recheck"))
            })
            .and_then(|stem| stem.parse::<Uuid>().ok())
        else {
            continue;
        };
        let modified = entry.metadata().await.and_then(|m| m.modified());
        if !modified.is_ok_and(|t| t < cutoff) {
            continue;
        }
        let owner = upload::Entity::find_by_id(id).one(&ctx.db).await?;
        if owner.is_some_and(|u| u.status == status::UPLOADING || u.status == status::PROCESSING) {
            continue;
        }
        // A digest still pending is taken from its staging file (at the next start if need be).
        let digest_pending = media_asset::Entity::find_by_id(id)
            .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
            .one(&ctx.db)
            .await?
            .is_some();
        if digest_pending {
            continue;
        }
        match tokio::fs::remove_file(&path).await {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::internal(e)),
        }
    }
    Ok(removed)
}

/// Removes uploads that expired unfinished, with their staging bytes.
pub async fn sweep_expired(ctx: &Ctx) -> AppResult<usize> {
    let db = &ctx.db;
    let expired = upload::Entity::find()
        .filter(upload::Column::Status.eq(status::UPLOADING))
        .filter(upload::Column::ExpiresAt.lt(Utc::now()))
        .all(db)
        .await?;
    let n = expired.len();
    for upload in expired {
        set_status(
            db,
            upload.id,
            status::TERMINATED,
            Some("expired".into()),
            None,
        )
        .await?;
        drop_staged(ctx, upload.id).await;
    }
    Ok(n)
}
