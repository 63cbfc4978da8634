//! Resumable uploads: creation with limits and quota, durable appends, and completion (probe,
//! store, record). The tus protocol in `media/tus/` is a thin HTTP layer over these functions.
//!
//! Durability rule: bytes are appended to a staging file and fsynced *before* the offset in the
//! database moves. The database offset is the truth; after a crash the staging file is truncated
//! back to it, so an upload never claims a byte it does not durably hold.
//!
//! One file per job: `create` (limits and quota), `staging` (the staging file and its
//! offset), `finish` (probe, store, record), `attach` (to the video or episode),
//! `digest` (the SHA-256 of a source) and `sweep` (resuming and clearing what was left).

mod attach;
mod create;
mod digest;
mod finish;
mod staging;
mod sweep;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use create::{bytes_used, create, parse_metadata};
pub use digest::{record_digest, record_missing_digests, sha256_file};
pub use finish::{declared_type, finish, finish_or_fail};
pub use staging::{download, reconcile, record_offset, source_key, staging_path, terminate};
pub use sweep::{resume_unfinished, sweep_expired, sweep_staging};

use super::entity::upload;

/// What this process keeps of the uploads it receives: where they are staged, which are being
/// written to, and the streamed parts of each.
#[derive(Debug)]
pub struct Uploads {
    /// Where unfinished uploads are staged (`<data_dir>/uploads`).
    pub staging_dir: std::path::PathBuf,
    /// Uploads being written to right now.
    pub locks: super::tus::UploadLocks,
    /// Streamed parts of the uploads this process is receiving.
    pub inflight: super::inflight::Inflight,
}

impl Uploads {
    /// Uploads staged under `<data_dir>/uploads`.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self {
            staging_dir: data_dir.join("uploads"),
            locks: Default::default(),
            inflight: Default::default(),
        }
    }
}
use crate::error::{AppError, AppResult};

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

async fn set_status(
    db: &DatabaseConnection,
    id: Uuid,
    new_status: &str,
    error: Option<String>,
    asset: Option<Uuid>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let before = upload::Entity::find_by_id(id).one(&txn).await?;
    upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(new_status))
        .col_expr(upload::Column::Error, Expr::value(error.clone()))
        .col_expr(upload::Column::AssetId, Expr::value(asset))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    // The event goes with the change of state, in its transaction; a step that runs again
    // (finishing is idempotent) sends none.
    if let Some(before) = before
        && before.status != new_status
        && let Some(what) = event_of(new_status, error.as_deref())
    {
        let after = upload::Model {
            status: new_status.into(),
            error,
            asset_id: asset,
            ..before
        };
        crate::webhooks::outbox::upload(&txn, what, &after).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The webhook event (`upload.<what>`) an upload's new state sends, if any.
fn event_of(new_status: &str, why: Option<&str>) -> Option<&'static str> {
    match new_status {
        status::COMPLETE => Some("completed"),
        status::REJECTED => Some("rejected"),
        status::FAILED => Some("failed"),
        status::TERMINATED if why == Some("expired") => Some("expired"),
        status::TERMINATED => Some("cancelled"),
        _ => None,
    }
}

/// Marks an upload whose bytes are all in as `processing` (before [`finish`] runs).
pub async fn mark_processing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(status::PROCESSING))
        .col_expr(upload::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(upload::Column::AssetId, Expr::value(Option::<Uuid>::None))
        .col_expr(upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(upload::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
