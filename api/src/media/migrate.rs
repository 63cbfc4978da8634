//! `projector storage migrate`: copies every object from one backend to the other and verifies
//! each copy (size and SHA-256 read back from the target).
//!
//! Re-runnable: an object already on the target with the source's size and checksum is skipped,
//! anything else is copied again, so a run stopped half-way (a crash, a full disk, a network
//! outage) is finished by running it again. Objects are streamed: a local source is uploaded from
//! its file, a remote source is downloaded to a temporary file on the local store's filesystem and
//! moved into place, so no more than an S3 part of any object is ever in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures::{StreamExt as _, TryStreamExt as _};
use sea_orm::{ConnectionTrait, EntityTrait as _, QuerySelect as _};
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt as _;

use super::entity::{media_asset, media_output};
use super::key::ObjectKey;
use super::storage::{ObjectMeta, Storage};
use crate::error::{AppError, AppResult};

/// What the database knows about an object: the checksum recorded when a source was uploaded and
/// the content type it is served with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Hex SHA-256 of the object's bytes (sources only).
    pub sha256: Option<String>,
    /// The content type to store the object with.
    pub content_type: Option<String>,
}

/// Recorded facts by storage key.
pub type Catalogue = HashMap<String, Recorded>;

/// Reads checksums and content types of every asset and output from the database.
pub async fn catalogue(db: &impl ConnectionTrait) -> AppResult<Catalogue> {
    let mut found = Catalogue::new();
    let assets: Vec<(String, String, String)> = media_asset::Entity::find()
        .select_only()
        .column(media_asset::Column::StorageKey)
        .column(media_asset::Column::Sha256)
        .column(media_asset::Column::ContentType)
        .into_tuple()
        .all(db)
        .await?;
    for (key, sha256, content_type) in assets {
        found.insert(
            key,
            Recorded {
                sha256: Some(sha256).filter(|s| !s.is_empty()),
                content_type: Some(content_type),
            },
        );
    }
    let outputs: Vec<(String, String)> = media_output::Entity::find()
        .select_only()
        .column(media_output::Column::StorageKey)
        .column(media_output::Column::ContentType)
        .into_tuple()
        .all(db)
        .await?;
    for (key, content_type) in outputs {
        found.entry(key).or_default().content_type = Some(content_type);
    }
    Ok(found)
}

/// How a migration runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Objects copied at once.
    pub concurrency: usize,
    /// Look at no more than this many objects (in key order), then stop: a deliberate
    /// interruption, for tests and for migrating in slices.
    pub limit: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            concurrency: 4,
            limit: None,
        }
    }
}

/// What a migration did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Objects copied and verified.
    pub copied: usize,
    /// Objects already on the target with the source's size and checksum.
    pub skipped: usize,
    /// Objects that could not be copied or did not verify.
    pub failed: usize,
    /// Bytes copied.
    pub bytes: u64,
    /// Objects not looked at because of [`Options::limit`].
    pub remaining: usize,
    /// Each failed key with the reason.
    pub failures: Vec<(String, String)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "copied {}, skipped {} (already there, verified), failed {}, {:.1} MiB copied",
            self.copied,
            self.skipped,
            self.failed,
            self.bytes as f64 / (1024.0 * 1024.0)
        )?;
        if self.remaining > 0 {
            write!(f, ", {} not looked at (limit)", self.remaining)?;
        }
        Ok(())
    }
}

enum Outcome {
    Copied(u64),
    Skipped,
}

/// Copies every object of `source` to `target`, verifying each copy.
///
/// `scratch` holds objects downloaded from a remote source on their way to a local target; put it
/// on the local store's filesystem so the final move is a rename. Per-object errors are counted
/// in the report and the run goes on; only failing to list the source is an error.
pub async fn migrate(
    source: &dyn Storage,
    target: &dyn Storage,
    recorded: &Catalogue,
    scratch: &Path,
    options: &Options,
) -> AppResult<Report> {
    let mut objects = source.list("").await?;
    let mut report = Report::default();
    if let Some(limit) = options.limit
        && objects.len() > limit
    {
        report.remaining = objects.len() - limit;
        objects.truncate(limit);
    }
    tokio::fs::create_dir_all(scratch)
        .await
        .map_err(AppError::internal)?;
    let mut results = futures::stream::iter(objects)
        .map(|meta| async move {
            let known = recorded.get(meta.key.as_str());
            let outcome = copy_one(source, target, &meta, known, scratch).await;
            (meta.key, outcome)
        })
        .buffer_unordered(options.concurrency.max(1));
    while let Some((key, outcome)) = results.next().await {
        match outcome {
            Ok(Outcome::Copied(bytes)) => {
                tracing::info!(%key, bytes, "copied and verified");
                report.copied += 1;
                report.bytes += bytes;
            }
            Ok(Outcome::Skipped) => {
                tracing::debug!(%key, "already on the target, verified");
                report.skipped += 1;
            }
            Err(e) => {
                let reason = describe(&e);
                tracing::warn!(%key, reason, "not migrated");
                report.failed += 1;
                report.failures.push((key.to_string(), reason));
            }
        }
    }
    report.failures.sort();
    Ok(report)
}

/// The operator at the terminal may see internal details.
fn describe(e: &AppError) -> String {
    match e {
        AppError::Internal(cause) => format!("{cause:#}"),
        other => other.to_string(),
    }
}

fn mismatch(what: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("{what}"))
}

async fn copy_one(
    source: &dyn Storage,
    target: &dyn Storage,
    meta: &ObjectMeta,
    known: Option<&Recorded>,
    scratch: &Path,
) -> AppResult<Outcome> {
    let key = &meta.key;
    let recorded_sha = known.and_then(|k| k.sha256.as_deref());
    if let Some(there) = target.head(key).await?
        && there.size == meta.size
    {
        let (_, target_sha) = hash_object(target, key).await?;
        // The recorded checksum spares reading the source; without one (or when it disagrees),
        // the source's own bytes decide.
        if recorded_sha == Some(target_sha.as_str())
            || hash_object(source, key).await?.1 == target_sha
        {
            return Ok(Outcome::Skipped);
        }
    }
    let content_type = known
        .and_then(|k| k.content_type.clone())
        .unwrap_or_else(|| super::content_type::of_name(key.as_str()).to_string());
    let (size, source_sha) = match source.local_path(key) {
        Some(path) => {
            let (size, sha) = hash_file(&path).await?;
            target.put_file(key, &path, &content_type).await?;
            (size, sha)
        }
        None => {
            let tmp = scratch.join(format!("migrate-{}", uuid::Uuid::new_v4()));
            let result = async {
                let (size, sha) = download_hashing(source, key, &tmp).await?;
                target.put_file_consuming(key, &tmp, &content_type).await?;
                Ok::<_, AppError>((size, sha))
            }
            .await;
            if result.is_err() {
                let _ = tokio::fs::remove_file(&tmp).await;
            }
            result?
        }
    };
    if let Some(recorded) = recorded_sha
        && recorded != source_sha
    {
        tracing::warn!(%key, "the source differs from the checksum recorded at upload; copied as it is");
    }
    if size != meta.size {
        return Err(mismatch(&format!(
            "the source changed while copying ({} bytes listed, {size} read)",
            meta.size
        )));
    }
    let (target_size, target_sha) = hash_object(target, key).await?;
    if target_size != size {
        return Err(mismatch(&format!(
            "the copy has {target_size} bytes, the source {size}"
        )));
    }
    if target_sha != source_sha {
        return Err(mismatch(&format!(
            "the copy's SHA-256 {target_sha} differs from the source's {source_sha}"
        )));
    }
    Ok(Outcome::Copied(size))
}

/// Size and hex SHA-256 of an object: read in place where the backend keeps files, streamed
/// otherwise.
pub async fn hash_object(storage: &dyn Storage, key: &ObjectKey) -> AppResult<(u64, String)> {
    if let Some(path) = storage.local_path(key) {
        return hash_file(&path).await;
    }
    read_hashing(storage, key, None).await
}

/// Reads an object to its end, hashing it and writing it to `file` if one is given; its size
/// and hex SHA-256.
async fn read_hashing(
    storage: &dyn Storage,
    key: &ObjectKey,
    mut file: Option<&mut tokio::fs::File>,
) -> AppResult<(u64, String)> {
    let object = storage.get(key, None).await?;
    let mut body = object.body;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    // Chunks are a few hundred KiB: hashing one costs well under a millisecond of the runtime.
    while let Some(chunk) = body.try_next().await.map_err(AppError::internal)? {
        size += chunk.len() as u64;
        hasher.update(&chunk);
        if let Some(file) = file.as_mut() {
            file.write_all(&chunk).await.map_err(AppError::internal)?;
        }
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Size and hex SHA-256 of a file, read on a blocking thread.
pub(crate) async fn hash_file(path: &Path) -> AppResult<(u64, String)> {
    let path: PathBuf = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read as _;
        let mut file = std::fs::File::open(&path).map_err(AppError::internal)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1024 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(AppError::internal)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            hasher.update(&buf[..n]);
        }
        Ok((size, hex::encode(hasher.finalize())))
    })
    .await?
}

/// Streams an object into a new file at `path`, hashing it on the way.
async fn download_hashing(
    storage: &dyn Storage,
    key: &ObjectKey,
    path: &Path,
) -> AppResult<(u64, String)> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(AppError::internal)?;
    let hashed = read_hashing(storage, key, Some(&mut file)).await?;
    file.flush().await.map_err(AppError::internal)?;
    Ok(hashed)
}

/// `projector storage migrate --to <to>`: the configured backend (`storage.backend`) is the
/// source, `to` the target (S3 from `storage.s3`, local from `media_dir`).
pub async fn run(
    config: &crate::Config,
    to: crate::config::StorageBackend,
    options: &Options,
) -> anyhow::Result<Report> {
    use crate::config::StorageBackend;
    let from = config.storage.backend;
    if from == to {
        anyhow::bail!(
            "storage.backend is already {}; migrate copies from the configured backend to the other one",
            backend_name(to)
        );
    }
    let local = super::local::LocalStorage::new(&config.media_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot open {}: {}",
            config.media_dir.display(),
            describe(&e)
        )
    })?;
    let s3 = super::s3::S3Storage::new(&config.storage.s3)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the S3 bucket: {}", describe(&e)))?;
    let scratch = local.staging_dir();
    let (source, target): (&dyn Storage, &dyn Storage) = match from {
        StorageBackend::Local => (&local, &s3),
        StorageBackend::S3 => (&s3, &local),
    };
    let db = crate::db::connect(config).await?;
    crate::db::migrate(&db).await?;
    let recorded = catalogue(&db)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read media checksums: {}", describe(&e)))?;
    migrate(source, target, &recorded, &scratch, options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot list the source: {}", describe(&e)))
}

/// The configuration value naming a backend.
pub fn backend_name(backend: crate::config::StorageBackend) -> &'static str {
    match backend {
        crate::config::StorageBackend::Local => "local",
        crate::config::StorageBackend::S3 => "s3",
    }
}
