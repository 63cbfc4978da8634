//! Media: object storage (local directory or S3-compatible), object keys, uploads (tus),
//! probing, and what holds media ([`subject`]).

pub mod assets;
pub mod content_type;
pub mod direct;
pub mod entity;
pub mod graphql;
pub mod images;
pub mod inflight;
pub mod key;
pub mod local;
pub mod migrate;
pub mod probe;
mod routes;
pub mod s3;
pub mod storage;
pub mod subject;
pub mod tus;
pub mod uploads;

use std::sync::Arc;

pub use key::ObjectKey;
pub use routes::router;
pub use storage::{GetObject, ObjectMeta, PartUpload, Storage};

use crate::config::{StorageBackend, StorageConfig};
use crate::error::AppResult;

/// Opens the configured storage backend.
pub async fn open_storage(
    config: &StorageConfig,
    media_dir: &std::path::Path,
) -> AppResult<Arc<dyn Storage>> {
    Ok(match config.backend {
        StorageBackend::Local => Arc::new(local::LocalStorage::new(media_dir)?),
        StorageBackend::S3 => Arc::new(s3::S3Storage::new(&config.s3).await?),
    })
}
