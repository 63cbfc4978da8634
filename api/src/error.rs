//! The one error type of the application.
//!
//! Services return `Result<_, AppError>`. Over plain HTTP it becomes a status code and a JSON body;
//! over GraphQL an error with `extensions.code` (see `graphql::ErrorCodes`). Internal details are
//! logged with the request's span and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

/// Everything that can go wrong while serving a request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// No valid credentials were presented.
    #[error("authentication required")]
    Unauthenticated,
    /// Credentials were presented but were rejected (bad password, expired or forged token).
    #[error("{0}")]
    InvalidCredentials(&'static str),
    /// The caller is known but not allowed to do this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// The thing does not exist, or the caller may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input is malformed or breaks a rule; the message says which field and why.
    #[error("{0}")]
    Validation(String),
    /// The change collides with existing data (a unique name already taken, ...).
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than allowed.
    #[error("request body too large (limit {limit} bytes)")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The uploader's storage quota would be exceeded.
    #[error("storage quota exceeded: {used} of {quota} bytes used, {requested} more requested")]
    QuotaExceeded {
        /// Bytes the user already stores.
        used: u64,
        /// The user's quota.
        quota: u64,
        /// Bytes the refused request asked for.
        requested: u64,
    },
    /// The file is not audio or video that can be decoded; the message says why.
    #[error("unsupported media: {0}")]
    UnsupportedMedia(String),
    /// Too many attempts; retry after the given number of seconds.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// A bug or an outage. The detail goes to the log only.
    #[error("internal error")]
    Internal(std::sync::Arc<anyhow::Error>),
}

impl AppError {
    /// The machine-readable code sent as `extensions.code` / `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials(_) => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation(_) => "VALIDATION",
            Self::Conflict(_) => "CONFLICT",
            Self::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            Self::QuotaExceeded { .. } => "QUOTA_EXCEEDED",
            Self::UnsupportedMedia(_) => "UNSUPPORTED_MEDIA",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status for plain-HTTP endpoints.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } | Self::QuotaExceeded { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Shorthand for a validation error.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation(message.into())
    }

    /// Shorthand for an internal error from anything that can be an `anyhow::Error`.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(std::sync::Arc::new(error.into()))
    }

    /// Logs internal errors; called once where the error leaves the application.
    pub fn log(&self) {
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
            return Self::Conflict("that value is already taken".into());
        }
        Self::internal(e)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let body = serde_json::json!({
            "error": { "code": self.code(), "message": self.to_string() }
        });
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response
    }
}

/// Result alias used by services.
pub type AppResult<T> = Result<T, AppError>;
