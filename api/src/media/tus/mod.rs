//! The tus 1.0.0 resumable-upload protocol at `/uploads/` (core, creation,
//! creation-with-upload, termination, expiration, checksum with sha256).
//! <https://tus.io/protocols/resumable-upload>
//!
//! This file is the protocol: headers in, headers out, over the services of `uploads`. What a
//! refused request answers is decided in `error.rs` ([`TusError`]), who may upload in
//! `uploader.rs`, and how a body reaches the disk durably in `writer.rs`.

pub mod direct;
mod error;
mod uploader;
mod writer;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest as _;
use uuid::Uuid;

pub use self::error::TusError;
use self::error::tus_headers;
pub use self::uploader::{UploadLocks, Uploader};
use super::entity::upload;
use super::uploads::{self, status};
use crate::error::AppError;
use crate::state::{AppState, Ctx};

const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
const OFFSET_TYPE: &str = "application/offset+octet-stream";

/// What a tus handler answers: a response with the tus headers either way.
type TusResult = Result<Response, TusError>;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn check_version(headers: &HeaderMap) -> Result<(), TusError> {
    match header_str(headers, "tus-resumable") {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(TusError::Version),
    }
}

fn parse_id(raw: &str) -> Result<Uuid, TusError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound("upload").into())
}

/// The upload named by the path, if the uploader may touch it.
async fn find(ctx: &Ctx, uploader: &Uploader, raw_id: &str) -> Result<upload::Model, TusError> {
    let id = parse_id(raw_id)?;
    Ok(uploads::find_for(&ctx.db, id, uploader.id, uploader.is_admin).await?)
}

/// A header that must hold a non-negative integer.
fn header_u64(headers: &HeaderMap, name: &str, label: &str) -> Result<u64, TusError> {
    header_str(headers, name)
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            AppError::validation(format!("{label}: a non-negative integer is required")).into()
        })
}

/// A successful answer with the tus headers, and the upload's when there is one.
fn answer(status: StatusCode, upload: Option<&upload::Model>) -> Response {
    let mut response = status.into_response();
    tus_headers(&mut response);
    if let Some(upload) = upload {
        let h = response.headers_mut();
        h.insert("upload-offset", HeaderValue::from(upload.offset));
        h.insert("upload-length", HeaderValue::from(upload.length));
        if let Ok(v) =
            HeaderValue::from_str(&upload.expires_at.to_rfc2822().replace("+0000", "GMT"))
        {
            h.insert("upload-expires", v);
        }
    }
    response
}

/// `OPTIONS /uploads/`: what this server supports.
pub async fn options(State(state): State<AppState>) -> Response {
    let mut r = answer(StatusCode::NO_CONTENT, None);
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
) -> TusResult {
    check_version(&headers)?;
    if headers.contains_key("upload-defer-length") {
        return Err(AppError::validation(
            "Upload-Defer-Length is not supported: send Upload-Length",
        )
        .into());
    }
    let length = header_u64(&headers, "upload-length", "Upload-Length")?;
    let metadata = header_str(&headers, "upload-metadata").unwrap_or_default();
    let ctx = &state.ctx;
    let created = uploads::create(
        &ctx.db,
        &ctx.uploads.staging_dir,
        &ctx.config.uploads,
        &uploader.viewer(),
        uploader.id,
        length,
        metadata,
    )
    .await?;
    let location = format!("/uploads/{}", created.id);
    let upload = if header_str(&headers, "content-type") == Some(OFFSET_TYPE) {
        append(ctx, &created, 0, &headers, body).await?
    } else {
        created
    };
    let mut response = answer(StatusCode::CREATED, Some(&upload));
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `HEAD /uploads/{id}`: the durable offset.
pub async fn head(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> TusResult {
    check_version(&headers)?;
    let upload = find(&state.ctx, &uploader, &id).await?;
    if upload.status == status::TERMINATED {
        return Err(TusError::Gone);
    }
    let mut r = answer(StatusCode::OK, Some(&upload));
    if let Ok(v) = HeaderValue::from_str(&upload.metadata)
        && !upload.metadata.is_empty()
    {
        r.headers_mut().insert("upload-metadata", v);
    }
    r.headers_mut().insert(
        HeaderName::from_static("x-upload-status"),
        HeaderValue::from_str(&upload.status).unwrap_or(HeaderValue::from_static("unknown")),
    );
    Ok(r)
}

/// `PATCH /uploads/{id}`: appends bytes at `Upload-Offset`.
pub async fn patch(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> TusResult {
    check_version(&headers)?;
    if header_str(&headers, "content-type") != Some(OFFSET_TYPE) {
        return Err(TusError::ContentType);
    }
    let offset = header_u64(&headers, "upload-offset", "Upload-Offset")?;
    let upload = find(&state.ctx, &uploader, &id).await?;
    let updated = append(&state.ctx, &upload, offset, &headers, body).await?;
    Ok(answer(StatusCode::NO_CONTENT, Some(&updated)))
}

/// `DELETE /uploads/{id}`: cancels an unfinished upload (termination extension).
pub async fn delete(
    State(state): State<AppState>,
    uploader: Uploader,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> TusResult {
    check_version(&headers)?;
    let id = parse_id(&id)?;
    let ctx = &state.ctx;
    let Some(_lock) = ctx.uploads.locks.try_lock(id) else {
        return Err(TusError::Locked("the upload is being written to"));
    };
    let upload = uploads::find_for(&ctx.db, id, uploader.id, uploader.is_admin).await?;
    uploads::terminate(ctx, &upload).await?;
    Ok(answer(StatusCode::NO_CONTENT, None))
}

/// The SHA-256 a request says its body has (`Upload-Checksum: sha256 <base64>`), if it says one.
fn expected_checksum(headers: &HeaderMap) -> Result<Option<Vec<u8>>, TusError> {
    let Some(raw) = header_str(headers, "upload-checksum") else {
        return Ok(None);
    };
    let Some(("sha256", b64)) = raw.split_once(' ') else {
        return Err(AppError::validation("Upload-Checksum: only sha256 is supported").into());
    };
    match STANDARD.decode(b64.trim()) {
        Ok(digest) => Ok(Some(digest)),
        Err(_) => Err(AppError::validation("Upload-Checksum: not base64").into()),
    }
}

/// Appends a request body at `offset`, durably, then records the new offset. When the upload is
/// complete, starts processing it in the background.
async fn append(
    ctx: &Arc<Ctx>,
    upload: &upload::Model,
    offset: u64,
    headers: &HeaderMap,
    body: Body,
) -> Result<upload::Model, TusError> {
    let Some(_lock) = ctx.uploads.locks.try_lock(upload.id) else {
        return Err(TusError::Locked(
            "another request is writing to this upload; retry after it ends",
        ));
    };
    // Re-read under the lock: the row may have moved since the caller looked.
    let upload = uploads::find_for(&ctx.db, upload.id, upload.owner_id, true).await?;
    if upload.status == status::TERMINATED || upload.expires_at < chrono::Utc::now() {
        return Err(TusError::Gone);
    }
    if upload.status != status::UPLOADING {
        let message = format!("the upload is already {}", upload.status);
        return Err(AppError::Conflict(message).into());
    }
    let durable = upload.offset as u64;
    if offset != durable {
        return Err(TusError::Offset {
            given: offset,
            durable,
        });
    }
    let expected = expected_checksum(headers)?;
    let path = uploads::staging_path(&ctx.uploads.staging_dir, upload.id);
    uploads::reconcile(&path, durable).await?;
    let new_offset = match write_and_record(ctx, &upload, &path, body, expected).await {
        Ok(new_offset) => new_offset,
        Err(e) => {
            // Nothing of a refused chunk is kept.
            ctx.uploads.inflight.rewind(upload.id, durable).await;
            let _ = uploads::reconcile(&path, durable).await;
            return Err(e);
        }
    };
    ctx.uploads.inflight.advanced(upload.id, new_offset);
    if new_offset == upload.length as u64 {
        uploads::mark_processing(&ctx.db, upload.id).await?;
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

/// Writes the body, checks it against its length and checksum, and moves the recorded offset;
/// the new offset. On an error the caller discards what was written.
async fn write_and_record(
    ctx: &Ctx,
    upload: &upload::Model,
    path: &std::path::Path,
    body: Body,
    expected: Option<Vec<u8>>,
) -> Result<u64, TusError> {
    let received = writer::receive(ctx, upload, path, body, expected.is_some()).await?;
    if received.too_long {
        return Err(TusError::TooLong);
    }
    if let (Some(expected), Some(hasher)) = (expected, received.hasher) {
        if received.interrupted {
            // A checksum covers the whole chunk: a partial one cannot be verified, so none of it
            // is kept.
            return Err(AppError::validation("the request body was interrupted").into());
        }
        if hasher.finalize()[..] != expected[..] {
            return Err(TusError::ChecksumMismatch);
        }
    }
    let durable = upload.offset as u64;
    let new_offset = durable + received.written;
    if !uploads::record_offset(&ctx.db, upload.id, durable, new_offset).await? {
        let message = "the upload changed while this chunk was written";
        return Err(AppError::Conflict(message.into()).into());
    }
    Ok(new_offset)
}
