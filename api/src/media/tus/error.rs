//! What a tus request can fail with, as a response: the status, the machine code and the tus
//! headers, decided here and nowhere else.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::TUS_VERSION;
use crate::error::AppError;

/// A refused tus request. Every answer carries `Tus-Resumable` and `Cache-Control: no-store`;
/// the body is the app's usual `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub enum TusError {
    /// An error of the app (credentials, validation, not found, quota, internal), answered as
    /// everywhere else.
    App(AppError),
    /// `Tus-Resumable` is missing or names another version (412, with `Tus-Version`).
    Version,
    /// A PATCH whose body is not `application/offset+octet-stream` (415).
    ContentType,
    /// The upload was cancelled or expired (410).
    Gone,
    /// Another request is writing to the upload (423); says what to do.
    Locked(&'static str),
    /// `Upload-Offset` is not the durable offset (409, with the durable `Upload-Offset`).
    Offset {
        /// What the request said.
        given: u64,
        /// Where the upload stands.
        durable: u64,
    },
    /// The body goes past `Upload-Length` (413).
    TooLong,
    /// The chunk does not match its `Upload-Checksum` (460, the checksum extension's status).
    ChecksumMismatch,
    /// A direct-upload URL used from another browser origin than its own (403).
    WrongOrigin,
    /// A direct-upload URL that already made its one upload (409).
    DirectUsed,
    /// A direct-upload URL past its expiry (410).
    DirectExpired,
    /// A cancelled direct-upload URL (410).
    DirectCancelled,
}

impl From<AppError> for TusError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl TusError {
    fn status(&self) -> StatusCode {
        match self {
            Self::App(e) => e.status(),
            Self::Version => StatusCode::PRECONDITION_FAILED,
            Self::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Gone => StatusCode::GONE,
            Self::Locked(_) => StatusCode::LOCKED,
            Self::Offset { .. } => StatusCode::CONFLICT,
            Self::TooLong => StatusCode::PAYLOAD_TOO_LARGE,
            Self::ChecksumMismatch => StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
            Self::WrongOrigin => StatusCode::FORBIDDEN,
            Self::DirectUsed => StatusCode::CONFLICT,
            Self::DirectExpired | Self::DirectCancelled => StatusCode::GONE,
        }
    }

    /// The machine-readable code, from the app's vocabulary.
    fn code(&self) -> &'static str {
        match self {
            Self::App(e) => e.code(),
            Self::Version | Self::ContentType | Self::ChecksumMismatch => "VALIDATION",
            Self::Gone => "NOT_FOUND",
            Self::Locked(_) | Self::Offset { .. } => "CONFLICT",
            Self::TooLong => "PAYLOAD_TOO_LARGE",
            Self::WrongOrigin => "FORBIDDEN",
            Self::DirectUsed => "ALREADY_USED",
            Self::DirectExpired => "EXPIRED",
            Self::DirectCancelled => "CANCELLED",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::App(e) => e.to_string(),
            Self::Version => format!("Tus-Resumable: {TUS_VERSION} is required"),
            Self::ContentType => "Content-Type must be application/offset+octet-stream".into(),
            Self::Gone => "the upload was cancelled or expired".into(),
            Self::Locked(message) => (*message).into(),
            Self::Offset { given, durable } => {
                format!("Upload-Offset {given} does not match the upload's offset {durable}")
            }
            Self::TooLong => "the body goes past Upload-Length".into(),
            Self::ChecksumMismatch => "checksum mismatch: the chunk was discarded".into(),
            Self::WrongOrigin => {
                "this upload URL may only be used from the origin it was made for".into()
            }
            Self::DirectUsed => "this upload URL was already used: it takes one file".into(),
            Self::DirectExpired => "this upload URL has expired".into(),
            Self::DirectCancelled => "this upload URL was cancelled".into(),
        }
    }
}

impl IntoResponse for TusError {
    fn into_response(self) -> Response {
        let mut response = match self {
            // The app's own answer (it logs internal causes and adds its headers).
            Self::App(e) => e.into_response(),
            other => {
                let body = serde_json::json!({
                    "error": { "code": other.code(), "message": other.message() }
                });
                let mut response = (other.status(), axum::Json(body)).into_response();
                let h = response.headers_mut();
                match other {
                    Self::Version => {
                        h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
                    }
                    Self::Offset { durable, .. } => {
                        h.insert("upload-offset", HeaderValue::from(durable));
                    }
                    _ => {}
                }
                response
            }
        };
        tus_headers(&mut response);
        response
    }
}

/// The headers of every tus answer.
pub(super) fn tus_headers(response: &mut Response) {
    let h = response.headers_mut();
    h.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
