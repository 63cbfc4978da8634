//! The local-directory backend (the embedded default).
//!
//! Writes go to a temporary file under `<root>/.staging` (same filesystem), are fsynced, then
//! renamed into place and the directory fsynced, so an object is whole or absent, even across a
//! crash.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};
use uuid::Uuid;

use super::key::ObjectKey;
use super::storage::{GetObject, ObjectMeta, Storage};
use crate::error::{AppError, AppResult};

const STAGING: &str = ".staging";

/// Objects as files under a root directory.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    /// A store rooted at `root` (created when missing).
    pub fn new(root: impl Into<PathBuf>) -> AppResult<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join(STAGING)).map_err(|e| {
            AppError::internal(anyhow::anyhow!("cannot create {}: {e}", root.display()))
        })?;
        Ok(Self { root })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file path of a key. Keys are validated, so this never leaves the root.
    pub fn path_of(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    /// The directory for temporary files on the store's filesystem: a file written here moves
    /// into the store by rename (`put_file_consuming`) and is never listed as an object.
    pub fn staging_dir(&self) -> PathBuf {
        self.root.join(STAGING)
    }

    fn staging_path(&self) -> PathBuf {
        self.staging_dir().join(Uuid::new_v4().to_string())
    }

    /// Makes a staged file durable, then moves it to `key`.
    async fn sync_and_commit(&self, tmp: &Path, key: &ObjectKey) -> AppResult<ObjectMeta> {
        let file = tokio::fs::File::open(tmp)
            .await
            .map_err(AppError::internal)?;
        file.sync_all().await.map_err(AppError::internal)?;
        self.commit(tmp, key).await
    }

    async fn commit(&self, tmp: &Path, key: &ObjectKey) -> AppResult<ObjectMeta> {
        let dest = self.path_of(key);
        let parent = dest
            .parent()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("key without parent")))?
            .to_path_buf();
        tokio::fs::create_dir_all(&parent)
            .await
            .map_err(AppError::internal)?;
        tokio::fs::rename(tmp, &dest)
            .await
            .map_err(AppError::internal)?;
        sync_dir(&parent).await?;
        self.head(key)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("object vanished after write")))
    }
}

async fn sync_dir(dir: &Path) -> AppResult<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&dir).and_then(|d| d.sync_all()))
        .await?
        .map_err(AppError::internal)
}

/// The metadata of the file holding `key` (the `ETag` is size and modification time).
pub fn meta_of(key: &ObjectKey, m: &std::fs::Metadata) -> ObjectMeta {
    let modified: Option<DateTime<Utc>> = m.modified().ok().map(DateTime::<Utc>::from);
    let nanos = modified
        .and_then(|t| t.timestamp_nanos_opt())
        .unwrap_or_default();
    ObjectMeta {
        key: key.clone(),
        size: m.len(),
        etag: Some(format!("\"{:x}-{:x}\"", m.len(), nanos)),
        last_modified: modified,
    }
}

#[async_trait]
impl Storage for LocalStorage {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn put_file(&self, key: &ObjectKey, path: &Path, _: &str) -> AppResult<ObjectMeta> {
        let tmp = self.staging_path();
        let result = async {
            tokio::fs::copy(path, &tmp)
                .await
                .map_err(AppError::internal)?;
            self.sync_and_commit(&tmp, key).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn put_file_consuming(
        &self,
        key: &ObjectKey,
        path: &Path,
        content_type: &str,
    ) -> AppResult<ObjectMeta> {
        // Same filesystem: the file is already durable where it is; renaming costs no copy.
        let tmp = self.staging_path();
        if tokio::fs::rename(path, &tmp).await.is_ok() {
            let result = self.sync_and_commit(&tmp, key).await;
            if result.is_err() {
                // Hand the file back rather than strand it in staging: the caller still owns it.
                let _ = tokio::fs::rename(&tmp, path).await;
            }
            return result;
        }
        let meta = self.put_file(key, path, content_type).await?;
        let _ = tokio::fs::remove_file(path).await;
        Ok(meta)
    }

    async fn put_bytes(&self, key: &ObjectKey, bytes: Bytes, _: &str) -> AppResult<ObjectMeta> {
        let tmp = self.staging_path();
        let result = async {
            let mut file = tokio::fs::File::create(&tmp)
                .await
                .map_err(AppError::internal)?;
            file.write_all(&bytes).await.map_err(AppError::internal)?;
            file.sync_all().await.map_err(AppError::internal)?;
            drop(file);
            self.commit(&tmp, key).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn get(&self, key: &ObjectKey, range: Option<Range<u64>>) -> AppResult<GetObject> {
        let path = self.path_of(key);
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AppError::NotFound("object"));
            }
            Err(e) => return Err(AppError::internal(e)),
        };
        let meta = meta_of(key, &file.metadata().await.map_err(AppError::internal)?);
        let range = clamp(range, meta.size);
        file.seek(std::io::SeekFrom::Start(range.start))
            .await
            .map_err(AppError::internal)?;
        let reader = file.take(range.end - range.start);
        let body = tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024).boxed();
        Ok(GetObject { meta, range, body })
    }

    async fn head(&self, key: &ObjectKey) -> AppResult<Option<ObjectMeta>> {
        match tokio::fs::metadata(self.path_of(key)).await {
            Ok(m) if m.is_file() => Ok(Some(meta_of(key, &m))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> AppResult<()> {
        match tokio::fs::remove_file(self.path_of(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    async fn list(&self, prefix: &str) -> AppResult<Vec<ObjectMeta>> {
        let root = self.root.clone();
        let prefix = prefix.to_string();
        tokio::task::spawn_blocking(move || {
            // Start the walk at the deepest directory the prefix names.
            let start_rel = match prefix.rfind('/') {
                Some(i) => &prefix[..i],
                None => "",
            };
            let mut found = Vec::new();
            let mut stack = vec![root.join(start_rel)];
            while let Some(dir) = stack.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(AppError::internal(e)),
                };
                for entry in entries {
                    let entry = entry.map_err(AppError::internal)?;
                    let path = entry.path();
                    let Ok(rel) = path.strip_prefix(&root) else {
                        continue;
                    };
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    if rel == STAGING || rel.starts_with(".staging/") {
                        continue;
                    }
                    let meta = entry.metadata().map_err(AppError::internal)?;
                    if meta.is_dir() {
                        stack.push(path);
                    } else if rel.starts_with(&prefix)
                        && let Ok(key) = ObjectKey::parse(&rel)
                    {
                        found.push(meta_of(&key, &meta));
                    }
                }
            }
            found.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(found)
        })
        .await?
    }

    fn local_path(&self, key: &ObjectKey) -> Option<PathBuf> {
        Some(self.path_of(key))
    }

    async fn presign_get(
        &self,
        _: &ObjectKey,
        _: Duration,
        _: Option<&str>,
    ) -> AppResult<Option<String>> {
        Ok(None)
    }
}

/// Clamps a requested range to an object of `size` bytes.
pub fn clamp(range: Option<Range<u64>>, size: u64) -> Range<u64> {
    match range {
        Some(r) => r.start.min(size)..r.end.min(size).max(r.start.min(size)),
        None => 0..size,
    }
}
