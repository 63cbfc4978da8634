//! The storage interface every byte of media goes through, and what it returns.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;

use super::key::ObjectKey;
use crate::error::AppResult;

/// What a backend knows about a stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// The object's key.
    pub key: ObjectKey,
    /// Size in bytes.
    pub size: u64,
    /// An opaque version tag (quoted, as in HTTP `ETag`).
    pub etag: Option<String>,
    /// When the object was last written.
    pub last_modified: Option<DateTime<Utc>>,
}

/// A byte stream of (part of) an object.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// The result of a read: the object's metadata, the byte range served and the bytes.
pub struct GetObject {
    /// Metadata of the whole object.
    pub meta: ObjectMeta,
    /// The range served (`0..size` for a whole-object read).
    pub range: Range<u64>,
    /// The bytes of `range`.
    pub body: ByteStream,
}

impl std::fmt::Debug for GetObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetObject")
            .field("meta", &self.meta)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

/// An object store: local directory or S3-compatible bucket.
///
/// Writes are atomic: after `put_*` returns the object is whole, and if it fails no partial
/// object is visible under the key.
#[async_trait]
pub trait Storage: Send + Sync + std::fmt::Debug {
    /// A short name for logs and metrics (`local`, `s3`).
    fn name(&self) -> &'static str;

    /// Stores the file at `path` under `key`, leaving `path` in place.
    async fn put_file(
        &self,
        key: &ObjectKey,
        path: &Path,
        content_type: &str,
    ) -> AppResult<ObjectMeta>;

    /// Stores the file at `path` under `key`, consuming it: a rename when the file is on the
    /// same filesystem as a local store, an upload otherwise.
    async fn put_file_consuming(
        &self,
        key: &ObjectKey,
        path: &Path,
        content_type: &str,
    ) -> AppResult<ObjectMeta> {
        let meta = self.put_file(key, path, content_type).await?;
        let _ = tokio::fs::remove_file(path).await;
        Ok(meta)
    }

    /// Stores bytes under `key`.
    async fn put_bytes(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> AppResult<ObjectMeta>;

    /// Reads an object, or the byte range `range` of it (clamped to the object's end).
    /// `NOT_FOUND` when it does not exist.
    async fn get(&self, key: &ObjectKey, range: Option<Range<u64>>) -> AppResult<GetObject>;

    /// Metadata of an object, `None` when it does not exist.
    async fn head(&self, key: &ObjectKey) -> AppResult<Option<ObjectMeta>>;

    /// Deletes an object; deleting a missing object is not an error.
    async fn delete(&self, key: &ObjectKey) -> AppResult<()>;

    /// Every object whose key starts with `prefix`, in key order.
    async fn list(&self, prefix: &str) -> AppResult<Vec<ObjectMeta>>;

    /// The object's path on this machine's disk, where the backend keeps objects as files (so a
    /// transcode reads a source in place, and delivery serves a file with one blocking call).
    fn local_path(&self, key: &ObjectKey) -> Option<std::path::PathBuf> {
        let _ = key;
        None
    }

    /// A URL a client can GET the object from directly for `ttl`, where the backend can sign one;
    /// with `disposition`, the answer carries it as `Content-Disposition` (a download is saved,
    /// not played in the tab, wherever it is served from).
    async fn presign_get(
        &self,
        key: &ObjectKey,
        ttl: Duration,
        disposition: Option<&str>,
    ) -> AppResult<Option<String>>;

    /// Begins an object of `size` bytes that will arrive over time (an upload still coming in),
    /// so its parts can be sent while the rest is on its way. Nothing is visible under `key`
    /// until [`PartUpload::complete`]. `None` where that gains nothing: a local store renames
    /// the finished file instead, and a small object is one request anyway.
    async fn begin_parts(
        &self,
        key: &ObjectKey,
        size: u64,
        content_type: &str,
    ) -> AppResult<Option<Arc<dyn PartUpload>>> {
        let _ = (key, size, content_type);
        Ok(None)
    }

    /// Drops unfinished part uploads under `key` that this process no longer tracks (after a
    /// restart, or when an upload is cancelled), so their parts do not linger in the bucket.
    async fn abort_parts(&self, key: &ObjectKey) -> AppResult<()> {
        let _ = key;
        Ok(())
    }
}

/// An object being sent in parts (an S3 multipart upload). Parts may be sent concurrently and in
/// any order; the object appears whole, or not at all, when `complete` succeeds.
#[async_trait]
pub trait PartUpload: Send + Sync + std::fmt::Debug {
    /// Bytes in every part but the last.
    fn part_size(&self) -> u64;

    /// Sends part `index` (0-based), the bytes `index * part_size ..` of the object.
    async fn send(&self, index: u64, body: Bytes) -> AppResult<()>;

    /// Makes the object visible once every part is sent; fails (and publishes nothing) when one
    /// is missing.
    async fn complete(&self) -> AppResult<ObjectMeta>;

    /// Throws the parts away; nothing becomes visible.
    async fn abort(&self);
}

/// Reads a whole object into memory (for small objects and tests).
pub async fn read_all(storage: &dyn Storage, key: &ObjectKey) -> AppResult<Vec<u8>> {
    use futures::TryStreamExt as _;
    let object = storage.get(key, None).await?;
    let chunks: Vec<Bytes> = object
        .body
        .try_collect()
        .await
        .map_err(crate::error::AppError::internal)?;
    Ok(chunks.concat())
}
