//! What this node knows about the uploads it is receiving, so that little is left to do after
//! the last byte: where the store takes an object in parts (S3), the parts sent while the rest
//! was still arriving.
//!
//! This is an accelerator, never the truth: the database offset and the staging file are. After
//! a restart (or on another node) nothing is known here, and finishing falls back to sending the
//! staged file whole, after dropping any multipart upload left behind.
//!
//! Parts are sent from the staging file as soon as their bytes are written, even inside one long
//! PATCH (tus-js-client and Uppy send a whole file in one request by default). A PATCH whose bytes
//! are then thrown away (wrong checksum, past the length) rewinds the streamer first: it waits for
//! the parts in flight and sends the affected ones again later, so no part holds bytes the upload
//! does not end up with.
//!
//! The whole file's SHA-256 is not computed here: it would take a third of the CPU of an upload
//! on a small machine and the upload does not need it to be stored. `uploads::record_digest`
//! computes it once the upload is complete.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::entity::upload;
use super::s3::PARTS_IN_FLIGHT;
use super::storage::{PartUpload, Storage};
use super::uploads;
use crate::error::{AppError, AppResult};

/// Running state of the uploads this process is receiving.
#[derive(Debug, Default)]
pub struct Inflight(Mutex<HashMap<Uuid, Entry>>);

#[derive(Debug)]
struct Entry {
    /// Bytes `0..durable` are in the staging file, acknowledged.
    durable: u64,
    parts: Option<Streamer>,
}

/// Sends the parts of an upload from its staging file as their bytes are written.
#[derive(Debug)]
struct Streamer {
    upload: Arc<dyn PartUpload>,
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<AppResult<()>>,
}

#[derive(Debug)]
enum Command {
    /// The staging file holds the upload's bytes up to here.
    Reached(u64),
    /// Bytes from here on are being thrown away: stop reading them, forget parts that hold any,
    /// and answer once nothing is in flight.
    Rewind(u64, oneshot::Sender<()>),
}

/// What one append works with.
#[derive(Debug, Default)]
pub struct Appending {
    /// Where to report written bytes, when parts are being streamed.
    pub parts: Option<PartsProgress>,
}

/// Tells an upload's part streamer how far the staging file is written.
#[derive(Debug, Clone)]
pub struct PartsProgress {
    commands: mpsc::UnboundedSender<Command>,
    part_size: u64,
}

impl PartsProgress {
    /// The staging file now holds the upload's bytes up to `offset`.
    pub fn reached(&self, offset: u64) {
        let _ = self.commands.send(Command::Reached(offset));
    }

    /// Bytes per part: reporting once per part boundary is enough.
    pub fn part_size(&self) -> u64 {
        self.part_size
    }
}

/// What [`Inflight::take`] hands to the finish of a fully received upload.
#[derive(Debug, Default)]
pub struct Received {
    /// The object's parts, all sent, when they were streamed.
    pub parts: Option<Arc<dyn PartUpload>>,
}

impl Inflight {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Entry>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an append at `durable` to the upload staged at `path` (the caller holds the
    /// upload's lock). The first append of an upload the store can take in parts starts its part
    /// streamer.
    pub async fn begin_append(
        &self,
        storage: &Arc<dyn Storage>,
        upload: &upload::Model,
        path: &Path,
        durable: u64,
    ) -> Appending {
        {
            let mut map = self.lock();
            let known = map.get(&upload.id).map(|e| (e.durable, e.appending()));
            match known {
                Some((at, appending)) if at == durable => return appending,
                Some(_) => {
                    // The offset moved without this process (another node took a chunk).
                    let stale = map.remove(&upload.id);
                    drop(map);
                    if let Some(e) = stale {
                        e.discard();
                    }
                    return Appending::default();
                }
                None if durable > 0 => return Appending::default(),
                None => {}
            }
        }
        let streamer = match start_streamer(storage, upload, path).await {
            Ok(streamer) => streamer,
            Err(e) => {
                tracing::warn!(upload = %upload.id, error = %e, "cannot stream parts; the file will be sent whole");
                None
            }
        };
        let entry = Entry {
            durable: 0,
            parts: streamer,
        };
        let appending = entry.appending();
        self.lock().insert(upload.id, entry);
        appending
    }

    /// Records that the append's bytes are fsynced and counted in the database, up to
    /// `durable`.
    pub fn advanced(&self, id: Uuid, durable: u64) {
        if let Some(entry) = self.lock().get_mut(&id) {
            entry.durable = durable;
        }
    }

    /// Bytes after `durable` are about to be cut from the staging file: returns once the part
    /// streamer has let go of them.
    pub async fn rewind(&self, id: Uuid, durable: u64) {
        let commands = {
            let map = self.lock();
            let Some(entry) = map.get(&id) else {
                return;
            };
            entry.parts.as_ref().map(|s| s.commands.clone())
        };
        if let Some(commands) = commands {
            let (ack, done) = oneshot::channel();
            if commands.send(Command::Rewind(durable, ack)).is_ok() {
                // An error means the streamer ended (it failed): it reads nothing any more.
                let _ = done.await;
            }
        }
    }

    /// Takes what is known of a fully received upload, once its parts are sent.
    pub async fn take(&self, id: Uuid) -> Received {
        let Some(streamer) = self.lock().remove(&id).and_then(|e| e.parts) else {
            return Received::default();
        };
        drop(streamer.commands);
        let outcome = match streamer.task.await {
            Ok(result) => result,
            Err(e) => Err(AppError::internal(e)),
        };
        match outcome {
            Ok(()) => Received {
                parts: Some(streamer.upload),
            },
            Err(e) => {
                tracing::warn!(upload = %id, error = %e, "streaming parts failed; the file will be sent whole");
                streamer.upload.abort().await;
                Received::default()
            }
        }
    }

    /// Forgets an upload that was cancelled or expired, once the parts it sent are dropped.
    pub async fn discard(&self, id: Uuid) {
        let entry = self.lock().remove(&id);
        if let Some(s) = entry.and_then(|e| e.parts) {
            s.task.abort();
            s.upload.abort().await;
        }
    }
}

/// Begins the part upload of an upload's source where the store takes one, and the task that
/// feeds it from the staging file.
async fn start_streamer(
    storage: &Arc<dyn Storage>,
    upload: &upload::Model,
    path: &Path,
) -> AppResult<Option<Streamer>> {
    let length = u64::try_from(upload.length).map_err(AppError::internal)?;
    let content_type =
        uploads::declared_type(upload).unwrap_or_else(|| "application/octet-stream".into());
    let key = uploads::source_key(upload.id)?;
    let Some(parts) = storage.begin_parts(&key, length, &content_type).await? else {
        return Ok(None);
    };
    let (commands, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(stream_parts(parts.clone(), path.to_path_buf(), length, rx));
    Ok(Some(Streamer {
        upload: parts,
        commands,
        task,
    }))
}

impl Entry {
    /// What an append to this upload works with.
    fn appending(&self) -> Appending {
        Appending {
            parts: self.parts.as_ref().map(|s| PartsProgress {
                commands: s.commands.clone(),
                part_size: s.upload.part_size(),
            }),
        }
    }

    /// Drops the entry from a context that cannot wait: its parts are aborted in the background.
    fn discard(self) {
        if let Some(s) = self.parts {
            s.task.abort();
            tokio::spawn(async move { s.upload.abort().await });
        }
    }
}

/// Sends every part of `upload` once the staging file holds its bytes, a few at a time. Ends
/// when the commands end: `Ok` when every part was sent, an error when one failed or the upload
/// stopped short.
async fn stream_parts(
    upload: Arc<dyn PartUpload>,
    path: PathBuf,
    length: u64,
    mut commands: mpsc::UnboundedReceiver<Command>,
) -> AppResult<()> {
    let part = upload.part_size();
    let parts = length.div_ceil(part).max(1);
    let mut reached = 0u64;
    let mut next = 0u64;
    let mut sending = FuturesUnordered::new();
    let mut open = true;
    loop {
        while next < parts && sending.len() < PARTS_IN_FLIGHT {
            let start = next * part;
            let end = (start + part).min(length);
            if reached < end {
                break;
            }
            let upload = upload.clone();
            let path = path.clone();
            let index = next;
            sending.push(async move {
                let body = read_range(path, start, end - start).await?;
                upload.send(index, body).await
            });
            next += 1;
        }
        if !open && sending.is_empty() {
            return if next == parts {
                Ok(())
            } else {
                Err(AppError::internal(anyhow::anyhow!(
                    "the upload stopped at {reached} of {length} bytes"
                )))
            };
        }
        tokio::select! {
            Some(sent) = sending.next(), if !sending.is_empty() => sent?,
            command = commands.recv(), if open => match command {
                None => open = false,
                Some(Command::Reached(offset)) => reached = reached.max(offset),
                Some(Command::Rewind(to, ack)) => {
                    while let Some(sent) = sending.next().await {
                        sent?;
                    }
                    reached = to;
                    next = next.min(to / part);
                    let _ = ack.send(());
                }
            },
        }
    }
}

async fn read_range(path: PathBuf, offset: u64, length: u64) -> AppResult<Bytes> {
    tokio::task::spawn_blocking(move || {
        use std::os::unix::fs::FileExt as _;
        let file = std::fs::File::open(&path).map_err(AppError::internal)?;
        let mut buf = vec![0u8; usize::try_from(length).map_err(AppError::internal)?];
        file.read_exact_at(&mut buf, offset)
            .map_err(AppError::internal)?;
        Ok(Bytes::from(buf))
    })
    .await?
}
