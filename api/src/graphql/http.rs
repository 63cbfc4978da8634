//! `POST /graphql` and `GET /graphql`: reading the request (JSON, multipart with one picture,
//! the query string), then [`execute`](super::execute::execute).

use async_graphql::BatchRequest;
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::caching::{http_caching, private_no_store};
use super::errors::{request_error, request_error_with_status};
use super::execute::execute;
use super::media_type::MediaType;
use crate::accounts::auth::{Auth, ClientAddr, Principal};
use crate::error::AppError;
use crate::state::AppState;

/// `POST /graphql`, answered in the media type `Accept` asks for.
pub async fn post(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    request: Request,
) -> Response {
    // The headers are moved out of the request, not copied (a `HeaderMap` extractor clones
    // them all).
    let (parts, body) = request.into_parts();
    MediaType::answer(parts.headers, |media, headers| {
        post_as(state, auth, addr, headers, body, media)
    })
    .await
}

async fn post_as(
    state: AppState,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Body,
    media: MediaType,
) -> Response {
    let auth = match auth {
        Ok(Auth(p)) => p,
        Err(e) => return request_error(e),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let multipart = content_type.starts_with("multipart/form-data");
    // A multipart request carries one picture besides the operation itself.
    let limit = if multipart {
        usize::try_from(state.ctx.config.uploads.max_image_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(state.ctx.config.graphql.max_body_bytes)
    } else {
        state.ctx.config.graphql.max_body_bytes
    };
    let too_large = AppError::PayloadTooLarge { limit };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return request_error(too_large);
    }
    if multipart {
        use futures::TryStreamExt as _;
        let reader = http_body_util::Limited::new(body, limit);
        let stream = http_body_util::BodyDataStream::new(reader).map_err(to_io_error);
        let options = async_graphql::http::MultipartOptions::default()
            .max_num_files(1)
            .max_file_size(limit);
        return match async_graphql::http::receive_batch_body(
            Some(content_type),
            stream.into_async_read(),
            options,
        )
        .await
        {
            // `max_num_files` counts files per map entry as it goes; count what arrived.
            Ok(batch) if batch.iter().map(|r| r.uploads.len()).sum::<usize>() > 1 => {
                request_error(AppError::validation("a multipart request carries one file"))
            }
            Ok(batch) => execute(&state, batch, auth, addr, media).await,
            Err(async_graphql::ParseRequestError::PayloadTooLarge) => request_error(too_large),
            Err(e) => request_error(AppError::validation(format!("malformed request: {e}"))),
        };
    }
    if !content_type.starts_with("application/json")
        && !content_type.starts_with("application/graphql-response+json")
    {
        return request_error(AppError::validation(format!(
            "unsupported content type `{content_type}`: send application/json"
        )));
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) if is_length_limit(&e) => return request_error(too_large),
        // A body that cannot be read (malformed chunks, a dropped connection) is malformed,
        // not large.
        Err(e) => return request_error(AppError::validation(format!("malformed body: {e}"))),
    };
    let batch: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(e) => {
            return request_error(AppError::validation(format!("malformed request: {e}")));
        }
    };
    let public = matches!(auth, Principal::Anonymous | Principal::ReadToken { .. });
    let response = execute(&state, batch, auth, addr, media).await;
    if public {
        response
    } else {
        private_no_store(response)
    }
}

/// Whether reading a body failed because it passed its length limit.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

fn to_io_error(e: Box<dyn std::error::Error + Send + Sync>) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// `GET /graphql`: GraphiQL for browsers, queries from the query string for everyone else,
/// answered in the media type `Accept` asks for.
pub async fn get(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let headers = parts.headers;
    let query = parts.uri.query().map(str::to_owned);
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let query = query.unwrap_or_default();
    if query.is_empty() && wants_html && state.ctx.config.graphql.graphiql {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    MediaType::answer(headers, |media, headers| {
        get_as(state, auth, addr, headers, query, media)
    })
    .await
}

async fn get_as(
    state: AppState,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    headers: HeaderMap,
    query: String,
    media: MediaType,
) -> Response {
    if query.is_empty() {
        return request_error(AppError::validation("missing `query` parameter"));
    }
    let auth = match auth {
        Ok(Auth(p)) => p,
        Err(e) => return request_error(e),
    };
    if query.len() > state.ctx.config.graphql.max_body_bytes {
        return request_error(AppError::PayloadTooLarge {
            limit: state.ctx.config.graphql.max_body_bytes,
        });
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => {
            return request_error(AppError::validation(format!("malformed request: {e}")));
        }
    };
    if let Err(message) = super::cost::check_nesting(&request.query) {
        return request_error(AppError::validation(message));
    }
    if is_mutation(&request.query, request.operation_name.as_deref()) {
        let mut response = request_error_with_status(
            StatusCode::METHOD_NOT_ALLOWED,
            "VALIDATION",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let public = matches!(auth, Principal::Anonymous | Principal::ReadToken { .. });
    let response = execute(&state, BatchRequest::Single(request), auth, addr, media).await;
    let max_age = state.ctx.config.graphql.public_cache_ttl_ms.div_ceil(1000);
    http_caching(response, public, max_age, &headers).await
}

fn is_mutation(query: &str, operation: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        // Unparseable: execution reports the syntax error.
        return false;
    };
    match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op.node.ty == OperationType::Mutation,
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .any(|(n, op)| n.as_str() == name && op.node.ty == OperationType::Mutation),
        (DocumentOperations::Multiple(ops), None) => {
            ops.values().any(|op| op.node.ty == OperationType::Mutation)
        }
    }
}
