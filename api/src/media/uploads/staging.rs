//! The staging file an upload's bytes land in, its durable offset, and removing it.

use std::path::{Path, PathBuf};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{set_status, status};
use crate::error::{AppError, AppResult};
use crate::media::entity::upload;
use crate::media::key::ObjectKey;
use crate::media::storage::Storage;
use crate::state::Ctx;

/// The staging file of an upload.
pub fn staging_path(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{id}.part"))
}

/// The key an upload's source object gets (its asset id is the upload id).
pub fn source_key(id: Uuid) -> AppResult<ObjectKey> {
    ObjectKey::for_asset(id, "source")
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

/// Cancels an upload: its staging bytes (and any parts already in the store) are removed and it
/// can no longer be resumed.
pub async fn terminate(ctx: &Ctx, upload: &upload::Model) -> AppResult<()> {
    if upload.status != status::UPLOADING {
        return Err(AppError::Conflict(format!(
            "the upload is {}",
            upload.status
        )));
    }
    end_unfinished(ctx, upload.id, "cancelled").await
}

/// Ends an unfinished upload as `terminated` (`why`: cancelled, expired) and drops its bytes.
pub(super) async fn end_unfinished(ctx: &Ctx, id: Uuid, why: &str) -> AppResult<()> {
    set_status(&ctx.db, id, status::TERMINATED, Some(why.into()), None).await?;
    drop_staged(ctx, id).await;
    Ok(())
}

/// Removes an unfinished upload's bytes: the staging file and parts sent to the store.
async fn drop_staged(ctx: &Ctx, id: Uuid) {
    ctx.uploads.inflight.discard(id).await;
    let _ = tokio::fs::remove_file(staging_path(&ctx.uploads.staging_dir, id)).await;
    if let Ok(key) = source_key(id)
        && let Err(e) = ctx.storage.abort_parts(&key).await
    {
        tracing::warn!(upload = %id, error = %e, "could not drop an upload's parts");
    }
}
