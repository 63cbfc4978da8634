//! Sweeps: finishing what a previous process left, removing stray staging files and expired
//! uploads.

use chrono::Utc;
use futures::StreamExt as _;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::digest::DIGEST_PENDING;
use super::finish::finish_or_fail;
use super::staging::end_unfinished;
use super::status;
use crate::error::{AppError, AppResult};
use crate::media::entity::{media_asset, upload};
use crate::state::Ctx;

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
    let mut entries = match tokio::fs::read_dir(&ctx.uploads.staging_dir).await {
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
    let expired = upload::Entity::find()
        .filter(upload::Column::Status.eq(status::UPLOADING))
        .filter(upload::Column::ExpiresAt.lt(Utc::now()))
        .all(&ctx.db)
        .await?;
    let n = expired.len();
    for upload in expired {
        end_unfinished(ctx, upload.id, "expired").await?;
    }
    Ok(n)
}
