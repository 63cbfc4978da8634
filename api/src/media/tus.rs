//! The tus 1.0.0 resumable-upload protocol at `/uploads/` (core, creation,
//! creation-with-upload, termination, expiration, checksum with sha256).
//! <https://tus.io/protocols/resumable-upload>

// Handlers bail out with ready responses; boxing them would only add noise on a cold path.
#![allow(clippy::result_large_err)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures::StreamExt as _;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::entity::upload;
use super::inflight::Appending;
use super::uploads::{self, status};
use crate::accounts::Role;
use crate::accounts::auth::{Auth, Principal};
use crate::error::AppError;
use crate::state::{AppState, Ctx};

const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
const OFFSET_TYPE: &str = "application/offset+octet-stream";

/// Uploads being written to right now, so two PATCHes never append to one file at once.
#[derive(Debug, Default)]
pub struct UploadLocks(Mutex<HashSet<Uuid>>);

/// Holds an upload's lock until dropped.
struct LockGuard<'a>(&'a UploadLocks, Uuid);

impl UploadLocks {
    fn try_lock(&self, id: Uuid) -> Option<LockGuard<'_>> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // `then` (not `then_some`): a guard built eagerly would unlock someone else's lock when
        // it is dropped.
        set.insert(id).then(|| LockGuard(self, id))
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let mut set = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.1);
    }
}

/// An editor or admin acting for themselves (uploads are theirs).
#[derive(Debug, Clone, Copy)]
pub struct Uploader {
    /// The user's id.
    pub id: Uuid,
    /// Whether they are an admin (admins may touch anyone's upload).
    pub is_admin: bool,
}

impl Uploader {
    /// The uploader as the visibility rules see them.
    pub fn viewer(&self) -> crate::visibility::Viewer {
        if self.is_admin {
            crate::visibility::Viewer::Admin
        } else {
            crate::visibility::Viewer::Member {
                user_id: self.id,
                may_edit: true,
            }
        }
    }
}

impl FromRequestParts<AppState> for Uploader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Auth(principal) = Auth::from_request_parts(parts, state)
            .await
            .map_err(tus_error)?;
        match principal {
            Principal::User { id, role, .. } if role >= Role::Editor => Ok(Self {
                id,
                is_admin: role == Role::Admin,
            }),
            Principal::User { .. } | Principal::ReadToken { .. } => {
                Err(tus_error(AppError::Forbidden))
            }
            Principal::Anonymous => Err(tus_error(AppError::Unauthenticated)),
        }
    }
}

fn tus_headers(response: &mut Response) {
    let h = response.headers_mut();
    h.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// An `AppError` as a tus response (JSON body, tus headers).
fn tus_error(error: AppError) -> Response {
    let mut response = error.into_response();
    tus_headers(&mut response);
    response
}

fn tus_status(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let mut response = (status, axum::Json(body)).into_response();
    tus_headers(&mut response);
    response
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn check_version(headers: &HeaderMap) -> Result<(), Response> {
    match header_str(headers, "tus-resumable") {
        Some(TUS_VERSION) => Ok(()),
        _ => {
            let mut r = tus_status(
                StatusCode::PRECONDITION_FAILED,
                "VALIDATION",
                "Tus-Resumable: 1.0.0 is required",
            );
            r.headers_mut()
                .insert("tus-version", HeaderValue::from_static(TUS_VERSION));
            Err(r)
        }
    }
}

fn upload_headers(response: &mut Response, upload: &upload::Model) {
    let h = response.headers_mut();
    h.insert("upload-offset", HeaderValue::from(upload.offset));
    h.insert("upload-length", HeaderValue::from(upload.length));
    if let Ok(v) = HeaderValue::from_str(&upload.expires_at.to_rfc2822().replace("+0000", "GMT")) {
        h.insert("upload-expires", v);
    }
}

fn parse_id(raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| tus_error(AppError::NotFound("upload")))
}

/// `OPTIONS /uploads/`: what this server supports.
pub async fn options(State(state): State<AppState>) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    tus_headers(&mut r);
    let h = r.headers_mut();
    h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    h.insert("tus-extension", HeaderValue::from_static(EXTENSIONS));
    h.insert("tus-checksum-algorithm", HeaderValue::from_static("sha256"));
    h.insert(
        "tus-max-size",
        HeaderValue::from(state.ctx.config.uploads.max_file_bytes),
    );
    r
}

/// `POST /uploads/`: creates an upload (and appends the body, if any).
pub async fn create(
    State(state): State<AppState>,
    uploader: Uploader,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return r;
    }
    if headers.contains_key("upload-defer-length") {
        return tus_error(AppError::validation(
            "Upload-Defer-Length is not supported: send Upload-Length",
        ));
    }
    let Some(length) = header_str(&headers, "upload-length").and_then(|v| v.parse::<u64>().ok())
    else {
        return tus_error(AppError::validation(
            "Upload-Length: a non-negative integer is required",
        ));
    };
    let metadata = header_str(&headers, "upload-metadata").unwrap_or_default();
    let ctx = &state.ctx;
    let created = match uploads::create(
        &ctx.db,
        &ctx.staging_dir,
        &ctx.config.uploads,
        &uploader.viewer(),
        uploader.id,
        length,
        metadata,
    )
    .await
    {
        Ok(u) => u,
        Err(e) => return tus_error(e),
    };
    let location = format!("/uploads/{}", created.id);
    let has_body = header_str(&headers, "content-type") == Some(OFFSET_TYPE);
    let mut response = if has_body {
        match append(ctx, &created, 0, &headers, body).await {
            Ok(updated) => {
                let mut r = StatusCode::CREATED.into_response();
                upload_headers(&mut r, &updated);
                r
            }
            Err(r) => return r,
        }
    } else {
        let mut r = StatusCode::CREATED.into_response();
        upload_headers(&mut r, &created);
        r
    };
    tus_headers(&mut response);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// `HEAD /uploads/{id}`: the durable offset.
pub async fn head(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return r;
    }
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let ctx = &state.ctx;
    let upload = match uploads::find_for(&ctx.db, id, uploader.id, uploader.is_admin).await {
        Ok(u) => u,
        Err(e) => return tus_error(e),
    };
    if upload.status == status::TERMINATED {
        return tus_status(
            StatusCode::GONE,
            "NOT_FOUND",
            "the upload was cancelled or expired",
        );
    }
    let mut r = StatusCode::OK.into_response();
    tus_headers(&mut r);
    upload_headers(&mut r, &upload);
    if let Ok(v) = HeaderValue::from_str(&upload.metadata)
        && !upload.metadata.is_empty()
    {
        r.headers_mut().insert("upload-metadata", v);
    }
    r.headers_mut().insert(
        HeaderName::from_static("x-upload-status"),
        HeaderValue::from_str(&upload.status).unwrap_or(HeaderValue::from_static("unknown")),
    );
    r
}

/// `PATCH /uploads/{id}`: appends bytes at `Upload-Offset`.
pub async fn patch(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return r;
    }
    if header_str(&headers, "content-type") != Some(OFFSET_TYPE) {
        return tus_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "VALIDATION",
            "Content-Type must be application/offset+octet-stream",
        );
    }
    let Some(offset) = header_str(&headers, "upload-offset").and_then(|v| v.parse::<u64>().ok())
    else {
        return tus_error(AppError::validation(
            "Upload-Offset: a non-negative integer is required",
        ));
    };
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let ctx = &state.ctx;
    let upload = match uploads::find_for(&ctx.db, id, uploader.id, uploader.is_admin).await {
        Ok(u) => u,
        Err(e) => return tus_error(e),
    };
    match append(ctx, &upload, offset, &headers, body).await {
        Ok(updated) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            tus_headers(&mut r);
            upload_headers(&mut r, &updated);
            r
        }
        Err(r) => r,
    }
}

/// `DELETE /uploads/{id}`: cancels an unfinished upload (termination extension).
pub async fn delete(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return r;
    }
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let ctx = &state.ctx;
    let Some(_lock) = ctx.upload_locks.try_lock(id) else {
        return tus_status(
            StatusCode::LOCKED,
            "CONFLICT",
            "the upload is being written to",
        );
    };
    let result = async {
        let upload = uploads::find_for(&ctx.db, id, uploader.id, uploader.is_admin).await?;
        uploads::terminate(ctx, &upload).await
    }
    .await;
    match result {
        Ok(()) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            tus_headers(&mut r);
            r
        }
        Err(e) => tus_error(e),
    }
}

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

/// Appends a request body at `offset`, durably, then records the new offset. When the upload is
/// complete, starts processing it in the background.
async fn append(
    ctx: &Arc<Ctx>,
    upload: &upload::Model,
    offset: u64,
    headers: &HeaderMap,
    body: Body,
) -> Result<upload::Model, Response> {
    let Some(_lock) = ctx.upload_locks.try_lock(upload.id) else {
        return Err(tus_status(
            StatusCode::LOCKED,
            "CONFLICT",
            "another request is writing to this upload; retry after it ends",
        ));
    };
    // Re-read under the lock: the row may have moved since the caller looked.
    let upload = uploads::find_for(&ctx.db, upload.id, upload.owner_id, true)
        .await
        .map_err(tus_error)?;
    if upload.status == status::TERMINATED || upload.expires_at < chrono::Utc::now() {
        return Err(tus_status(
            StatusCode::GONE,
            "NOT_FOUND",
            "the upload was cancelled or expired",
        ));
    }
    if upload.status != status::UPLOADING {
        return Err(tus_error(AppError::Conflict(format!(
            "the upload is already {}",
            upload.status
        ))));
    }
    let durable = upload.offset as u64;
    let length = upload.length as u64;
    if offset != durable {
        let mut r = tus_status(
            StatusCode::CONFLICT,
            "CONFLICT",
            &format!("Upload-Offset {offset} does not match the upload's offset {durable}"),
        );
        r.headers_mut()
            .insert("upload-offset", HeaderValue::from(durable));
        return Err(r);
    }
    let expected_checksum = match header_str(headers, "upload-checksum") {
        None => None,
        Some(raw) => match raw.split_once(' ') {
            Some(("sha256", b64)) => match STANDARD.decode(b64.trim()) {
                Ok(d) => Some(d),
                Err(_) => {
                    return Err(tus_error(AppError::validation(
                        "Upload-Checksum: not base64",
                    )));
                }
            },
            _ => {
                return Err(tus_status(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION",
                    "Upload-Checksum: only sha256 is supported",
                ));
            }
        },
    };

    let path = uploads::staging_path(&ctx.staging_dir, upload.id);
    uploads::reconcile(&path, durable)
        .await
        .map_err(tus_error)?;
    // A blocking thread writes (and checks the request's checksum) while this task receives the
    // next bytes: the body and the disk overlap instead of taking turns. Parts go to the store
    // meanwhile.
    let appending = ctx
        .uploads_inflight
        .begin_append(&ctx.storage, &upload, &path, durable)
        .await;
    let checksum = expected_checksum.as_ref().map(|_| Sha256::new());
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(WRITE_QUEUE);
    let writer = tokio::task::spawn_blocking({
        let path = path.clone();
        move || write_chunks(&path, durable, rx, appending, checksum)
    });
    let mut written: u64 = 0;
    let mut stream = body.into_data_stream();
    let mut interrupted = false;
    let mut too_long = false;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(_) => {
                interrupted = true;
                break;
            }
        };
        if durable + written + chunk.len() as u64 > length {
            too_long = true;
            break;
        }
        written += chunk.len() as u64;
        if tx.send(chunk).await.is_err() {
            // The writer stopped early: its error is reported below.
            break;
        }
    }
    drop(tx);
    let discard = |r: Response| async {
        ctx.uploads_inflight.rewind(upload.id, durable).await;
        let _ = uploads::reconcile(&path, durable).await;
        Err(r)
    };
    let hasher = match writer.await {
        Ok(Ok(checksum)) => checksum,
        Ok(Err(e)) => return discard(tus_error(AppError::internal(e))).await,
        Err(e) => return discard(tus_error(AppError::internal(e))).await,
    };

    if too_long {
        return discard(tus_status(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the body goes past Upload-Length",
        ))
        .await;
    }
    if let (Some(expected), Some(h)) = (expected_checksum, hasher) {
        if interrupted {
            // A checksum covers the whole chunk: a partial one cannot be verified, so none of
            // it is kept.
            return discard(tus_error(AppError::validation(
                "the request body was interrupted",
            )))
            .await;
        }
        if h.finalize()[..] != expected[..] {
            return discard(tus_status(
                StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
                "VALIDATION",
                "checksum mismatch: the chunk was discarded",
            ))
            .await;
        }
    }
    let new_offset = durable + written;
    match uploads::record_offset(&ctx.db, upload.id, durable, new_offset).await {
        Ok(true) => ctx.uploads_inflight.advanced(upload.id, new_offset),
        Ok(false) => {
            return discard(tus_error(AppError::Conflict(
                "the upload changed while this chunk was written".into(),
            )))
            .await;
        }
        Err(e) => return discard(tus_error(e)).await,
    }
    if new_offset == length {
        uploads::mark_processing(&ctx.db, upload.id)
            .await
            .map_err(tus_error)?;
        let ctx = ctx.clone();
        let id = upload.id;
        tokio::spawn(async move {
            // Retried there, and logged; the upload ends `failed` if it cannot be finished.
            let _ = uploads::finish_or_fail(&ctx, id).await;
        });
    }
    let mut updated = upload;
    updated.offset = new_offset as i64;
    Ok(updated)
}
