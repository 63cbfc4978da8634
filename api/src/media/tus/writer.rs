//! The threaded writer of a PATCH body: a blocking thread appends the chunks to the staging
//! file while the request task receives the next ones, a helper flushes behind it, another checks
//! the request's checksum, and one fsync makes the whole chunk durable before it is
//! acknowledged.

use axum::body::Body;
use bytes::Bytes;
use futures::StreamExt as _;
use sha2::{Digest as _, Sha256};

use super::super::entity::upload;
use super::super::inflight::Appending;
use crate::error::AppError;
use crate::state::Ctx;

/// Chunks queued between the request and the writer thread (hyper hands out up to a few hundred
/// KiB at a time).
const WRITE_QUEUE: usize = 64;

/// Bytes written between two background flushes of the staging file.
const WRITEBACK_STEP: u64 = 1024 * 1024;

/// Appends the received chunks to the staging file and fsyncs it, feeding the request's checksum
/// on the way. Returns its hasher.
fn write_chunks(
    path: &std::path::Path,
    durable: u64,
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
    appending: Appending,
    checksum: Option<Sha256>,
) -> std::io::Result<Option<Sha256>> {
    use std::io::Write as _;
    let Appending { parts } = appending;
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    // Helper threads: one flushes what is written every few MiB, so the disk works while the
    // network delivers the rest and the fsync before the answer finds little left to do; one
    // checks the request's checksum (SHA-256 costs about what the write does, so the two run
    // side by side).
    let flusher = file.try_clone()?;
    let flush_failed = std::sync::atomic::AtomicBool::new(false);
    let checksum = std::thread::scope(|scope| -> std::io::Result<_> {
        let (kick, kicks) = std::sync::mpsc::channel::<()>();
        let flush_failed = &flush_failed;
        scope.spawn(move || {
            while kicks.recv().is_ok() {
                while kicks.try_recv().is_ok() {}
                if flusher.sync_data().is_err() {
                    // Linux reports a writeback error to one fsync only: remember it, or the
                    // final fsync could succeed over lost bytes.
                    flush_failed.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        });
        let (to_check, check_rx) = std::sync::mpsc::channel::<Bytes>();
        let checking = checksum.map(|mut hasher| {
            scope.spawn(move || {
                while let Ok(chunk) = check_rx.recv() {
                    hasher.update(&chunk);
                }
                hasher
            })
        });
        let mut end = durable;
        let mut kicked = durable;
        while let Some(chunk) = rx.blocking_recv() {
            file.write_all(&chunk)?;
            let before = end;
            end += chunk.len() as u64;
            if checking.is_some() {
                let _ = to_check.send(chunk.clone());
            }
            if end - kicked >= WRITEBACK_STEP {
                let _ = kick.send(());
                kicked = end;
            }
            if let Some(p) = &parts
                && end / p.part_size() > before / p.part_size()
            {
                p.reached(end);
            }
        }
        if let Some(p) = &parts {
            p.reached(end);
        }
        drop(to_check);
        checking
            .map(|t| {
                t.join()
                    .map_err(|_| std::io::Error::other("the checksum thread panicked"))
            })
            .transpose()
    })?;
    // Data only: the file's size is part of it, its times need not be durable.
    file.sync_data()?;
    if flush_failed.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(std::io::Error::other("flushing the staging file failed"));
    }
    Ok(checksum)
}

/// What [`receive`] took from a request body.
pub(super) struct Received {
    /// Bytes written and fsynced after the durable offset.
    pub written: u64,
    /// The body broke off before its end.
    pub interrupted: bool,
    /// The body went past `Upload-Length` (what came before is written).
    pub too_long: bool,
    /// The hasher of what was written, when a checksum was asked for.
    pub hasher: Option<Sha256>,
}

/// Appends a request body to the staging file at `path` (already cut back to the upload's
/// durable offset) and makes it durable. Parts go to the store meanwhile.
pub(super) async fn receive(
    ctx: &Ctx,
    upload: &upload::Model,
    path: &std::path::Path,
    body: Body,
    checksum: bool,
) -> Result<Received, AppError> {
    let durable = upload.offset as u64;
    let length = upload.length as u64;
    // A blocking thread writes (and checks the request's checksum) while this task receives the
    // next bytes: the body and the disk overlap instead of taking turns.
    let appending = ctx
        .uploads
        .inflight
        .begin_append(&ctx.storage, upload, path, durable)
        .await;
    let hasher = checksum.then(Sha256::new);
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(WRITE_QUEUE);
    let writer = tokio::task::spawn_blocking({
        let path = path.to_path_buf();
        move || write_chunks(&path, durable, rx, appending, hasher)
    });
    let mut received = Received {
        written: 0,
        interrupted: false,
        too_long: false,
        hasher: None,
    };
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            received.interrupted = true;
            break;
        };
        if durable + received.written + chunk.len() as u64 > length {
            received.too_long = true;
            break;
        }
        received.written += chunk.len() as u64;
        if tx.send(chunk).await.is_err() {
            // The writer stopped early: its error is reported below.
            break;
        }
    }
    drop(tx);
    received.hasher = writer
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(received)
}
