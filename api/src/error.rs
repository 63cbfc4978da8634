//! The one error type of the application.
//!
//! Services return `Result<_, AppError>`. Over plain HTTP it becomes a status code and a JSON body
//! ([`IntoResponse`]); over GraphQL an error whose `extensions` it sets itself
//! ([`ErrorExtensions`], applied to every transport by `graphql::errors`). Internal details are
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
    /// The change collides with existing data (the last admin, an upload in use, ...).
    #[error("{0}")]
    Conflict(String),
    /// A value that must be unique is already taken: a `CONFLICT` naming the input field.
    #[error("{message}")]
    Taken {
        /// The input field (GraphQL name, e.g. `slug`), sent as `extensions.field`.
        field: String,
        /// What the client is told, e.g. "that slug is already taken".
        message: String,
    },
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
            Self::Conflict(_) | Self::Taken { .. } => "CONFLICT",
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
            Self::Conflict(_) | Self::Taken { .. } => StatusCode::CONFLICT,
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

    /// A `CONFLICT` on `field` (its GraphQL name) with the standard message.
    pub fn taken(field: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("that {} is already taken", words(&field));
        Self::Taken { field, message }
    }

    /// Shorthand for an internal error from anything that can be an `anyhow::Error`.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(std::sync::Arc::new(error.into()))
    }

    /// The error for start-up and the command line (`anyhow`): an internal error gives back its
    /// cause with its whole chain, so `projector: …` says what failed, not "internal error".
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Self::Internal(cause) => std::sync::Arc::try_unwrap(cause)
                .unwrap_or_else(|shared| anyhow::anyhow!("{shared:#}")),
            other => anyhow::Error::new(other),
        }
    }

    /// Sets this error's GraphQL `extensions`: `code`, and `retryAfter` or `field` where they
    /// apply (see the [`ErrorExtensions`](async_graphql::ErrorExtensions) impl).
    pub fn set_extensions(&self, extensions: &mut async_graphql::ErrorExtensionValues) {
        extensions.set("code", self.code());
        match self {
            Self::RateLimited { retry_after_secs } => {
                extensions.set("retryAfter", *retry_after_secs);
            }
            Self::Taken { field, .. } => extensions.set("field", field.as_str()),
            _ => {}
        }
    }

    /// Logs internal errors; called once where the error leaves the application.
    pub fn log(&self) {
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
    }
}

impl async_graphql::ErrorExtensions for AppError {
    /// The GraphQL error: the message the client may read, `code`, and `retryAfter` or `field`
    /// where they apply. The `AppError` stays its source, so the one place that logs errors
    /// (`graphql::errors`) finds internal causes.
    fn extend(&self) -> async_graphql::Error {
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        self.set_extensions(&mut extensions);
        async_graphql::Error {
            message: self.to_string(),
            source: Some(std::sync::Arc::new(self.clone())),
            extensions: Some(extensions),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
            return match unique_field(&e) {
                Some(field) => Self::taken(field),
                None => Self::Conflict("that value is already taken".into()),
            };
        }
        Self::internal(e)
    }
}

/// The input field a unique-constraint violation is about, as its GraphQL name (`token_hash`
/// becomes `tokenHash`). Of a unique index over several columns (a slug per channel) it is the
/// last one: the columns before it say whose the value is.
fn unique_field(e: &DbErr) -> Option<String> {
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(db)))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(db)))) = e
    else {
        return None;
    };
    let column = match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        Some(pg) => pg
            .detail()
            .and_then(columns_of_pg_detail)
            .or_else(|| pg.constraint().and_then(column_of_index)),
        None => columns_of_sqlite_message(db.message()),
    }?;
    Some(camel_case(&column))
}

/// PostgreSQL's detail: `Key (channel_id, slug)=(…, taken) already exists.`
fn columns_of_pg_detail(detail: &str) -> Option<String> {
    let (columns, _) = detail.strip_prefix("Key (")?.split_once(")=")?;
    let last = columns.rsplit(',').next()?.trim();
    // An expression (`lower(email)`) names no column of its own.
    (!last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| last.to_string())
}

/// SQLite's message: `UNIQUE constraint failed: videos.channel_id, videos.slug`, or `… failed:
/// index 'ux_users_email'` for an index over expressions.
fn columns_of_sqlite_message(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("UNIQUE constraint failed: ")?;
    if let Some(index) = rest.strip_prefix("index '") {
        return column_of_index(index.trim_end_matches('\''));
    }
    let last = rest.rsplit(", ").next()?;
    let column = last.rsplit('.').next()?.trim();
    (!column.is_empty()).then(|| column.to_string())
}

/// The field an index is named after (`ux_<table>_<field>`): its last word.
fn column_of_index(name: &str) -> Option<String> {
    let last = name.rsplit('_').next()?;
    (!last.is_empty() && name.starts_with("ux_")).then(|| last.to_string())
}

fn camel_case(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `tokenHash` as words for a message: `token hash`.
fn words(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_unique_violation_names_the_last_column_of_its_index() {
        let cases = [
            (
                "UNIQUE constraint failed: videos.channel_id, videos.slug",
                Some("slug"),
            ),
            (
                "UNIQUE constraint failed: api_tokens.token_hash",
                Some("tokenHash"),
            ),
            (
                "UNIQUE constraint failed: index 'ux_users_email'",
                Some("email"),
            ),
            ("FOREIGN KEY constraint failed", None),
        ];
        for (message, field) in cases {
            let found = columns_of_sqlite_message(message).map(|c| camel_case(&c));
            assert_eq!(found.as_deref(), field, "{message}");
        }
    }

    #[test]
    fn a_postgres_unique_violation_names_the_last_column_of_its_detail_or_constraint() {
        let cases = [
            (
                "Key (channel_id, slug)=(0190, taken) already exists.",
                Some("slug"),
            ),
            ("Key (guid)=(x) already exists.", Some("guid")),
            ("Key (lower(email))=(a) already exists.", None),
        ];
        for (detail, field) in cases {
            assert_eq!(columns_of_pg_detail(detail).as_deref(), field, "{detail}");
        }
        assert_eq!(column_of_index("ux_episodes_guid").as_deref(), Some("guid"));
        assert_eq!(column_of_index("pk_videos"), None);
    }

    #[test]
    fn a_taken_field_is_named_in_the_message_and_the_extensions() {
        use async_graphql::ErrorExtensions as _;
        let error = AppError::taken("tokenHash");
        assert_eq!(error.to_string(), "that token hash is already taken");
        let extended = error.extend();
        let extensions = extended.extensions.unwrap_or_default();
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("CONFLICT"))
        );
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from("tokenHash"))
        );
    }
}
