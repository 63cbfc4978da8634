//! Finishing a fully received upload: probe it, store it as the source object, record the asset
//! and attach it (or reject it with a reason), retried until it holds.

use std::path::Path;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use super::attach::attach;
use super::create::parse_metadata;
use super::digest::{DIGEST_PENDING, record_digest, sha256_file};
use super::staging::{download, source_key, staging_path};
use super::{find_for, set_status, status};
use crate::error::{AppError, AppResult};
use crate::media::entity::{media_asset, upload};
use crate::media::key::ObjectKey;
use crate::media::{probe, subject};
use crate::state::Ctx;

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

/// Probes a fully received upload and stores it as an asset, or rejects it with a reason.
///
/// Idempotent, so it can run again after a crash: the asset id is the upload id, the object key
/// is derived from it, and each step checks whether it already happened.
pub async fn finish(ctx: &Ctx, id: Uuid) -> AppResult<upload::Model> {
    let db = &ctx.db;
    let storage = &ctx.storage;
    let staging_dir = ctx.uploads.staging_dir.as_path();
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
            tokio::join!(ctx.uploads.inflight.take(id), probe::probe_file(&path));
        match found {
            Ok(found) => {
                let content_type = source_type(&upload, &found);
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
                // The reason goes on the video or episode first: a client that sees
                // `rejected` finds it there.
                report_rejection(db, &upload, &reason).await?;
                set_status(db, id, status::REJECTED, Some(reason.clone()), None).await?;
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
        let content_type = source_type(&upload, &found);
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
    let txn = crate::db::begin_write(&ctx.db).await?;
    let failed = upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(status::FAILED))
        .col_expr(upload::Column::Error, Expr::value(FAILED_MESSAGE))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Status.eq(status::PROCESSING))
        .exec(&txn)
        .await?;
    let upload = if failed.rows_affected == 1 {
        upload::Entity::find_by_id(id).one(&txn).await?
    } else {
        None
    };
    if let Some(upload) = &upload {
        crate::webhooks::outbox::upload(&txn, "failed", upload).await?;
    }
    txn.commit().await?;
    if let Some(target) = upload.as_ref().and_then(upload::Model::target) {
        subject::set_media_error(&ctx.db, target, &format!("upload failed: {FAILED_MESSAGE}"))
            .await?;
        subject::media_changed(ctx, target).await;
    }
    Ok(())
}

/// Stores a probed staging file as the source object: completes the parts streamed while it
/// arrived, or sends the whole file (a rename on a local store) when there are none.
async fn store_source(
    ctx: &Ctx,
    key: &ObjectKey,
    path: &Path,
    content_type: &str,
    received: crate::media::inflight::Received,
) -> AppResult<crate::media::storage::ObjectMeta> {
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

/// The type a source is stored with: what the uploader declared, else a generic one of its kind.
fn source_type(upload: &upload::Model, found: &probe::Probe) -> String {
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

/// Shows why an upload was refused on the video or episode it was for.
async fn report_rejection(
    db: &impl ConnectionTrait,
    upload: &upload::Model,
    reason: &str,
) -> AppResult<()> {
    if let Some(target) = upload.target() {
        subject::set_media_error(db, target, &format!("upload rejected: {reason}")).await?;
    }
    Ok(())
}
