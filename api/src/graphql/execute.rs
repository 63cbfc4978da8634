//! Running a request through the schema: the public response cache, limits on batches and
//! response size, operation metrics.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{BatchRequest, BatchResponse, Executor as _};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::caching::Clean;
use super::errors::{request_error, request_error_with_status};
use super::media_type::{MediaType, request_failure};
use super::public_cache::{self, Flight, Hit, PublicCache};
use crate::accounts::auth::{ClientAddr, Principal};
use crate::error::AppError;
use crate::state::AppState;

/// Runs `batch` for `principal` and answers as `media` asks: with
/// `application/graphql-response+json` a single request that failed before execution gets its
/// 4xx status and no `data` (a batch answers 200, each operation with its own errors).
pub async fn execute(
    state: &AppState,
    batch: BatchRequest,
    principal: Principal,
    addr: ClientAddr,
    media: MediaType,
) -> Response {
    let started = Instant::now();
    let cache = &state.ctx.public_cache;
    // Anonymous visitors and read tokens see exactly the public catalogue, so they can share
    // responses; nobody else's response is ever stored or served from the cache.
    let public = matches!(
        principal,
        Principal::Anonymous | Principal::ReadToken { .. }
    );
    let cache_key = public_cache_key(cache, &batch, public);
    if let Err(e) = refuse_nul(&batch) {
        return request_error(e);
    }
    let limits = &state.ctx.config.graphql;
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > limits.max_batch_operations
    {
        return request_error(AppError::validation(format!(
            "a batch may hold at most {} operations, this one holds {}",
            limits.max_batch_operations,
            requests.len()
        )));
    }
    let names: Vec<Option<String>> = batch.iter().map(|r| r.operation_name.clone()).collect();
    if let Some(key) = &cache_key
        && let Some(hit) = cache.get(key)
    {
        return cached(state, &names, hit, started);
    }
    // Readers missing the same request together share one computation (the leader's guard
    // lives until its answer is stored); a follower whose leader stored nothing computes.
    let _leader = match cache_key.as_deref().map(|key| cache.join(key)) {
        Some(Flight::Lead(leader)) => Some(leader),
        Some(Flight::Follow(follower)) => {
            public_cache::wait(follower).await;
            if let Some(hit) = cache_key.as_deref().and_then(|key| cache.get(key)) {
                return cached(state, &names, hit, started);
            }
            None
        }
        None => None,
    };
    // A user's mutation empties the cache in the gate, as over WebSocket.
    let generation = cache.generation();
    let loaders = Arc::new(super::loaders::Loaders::of(&state.ctx));
    let batch = batch
        .data(principal)
        .data(addr)
        .data(loaders)
        .data(super::cost::Budget::new(limits.max_complexity));
    let mut response = state.gate.execute_batch(batch).await;
    let elapsed = started.elapsed();
    let responses: Vec<&mut async_graphql::Response> = match &mut response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter_mut().collect(),
    };
    let mut clean = true;
    for (r, name) in responses.into_iter().zip(names) {
        clean &= r.errors.is_empty();
        let outcome = if r.errors.is_empty() { "ok" } else { "error" };
        state.ctx.metrics.graphql(name.as_deref(), outcome, elapsed);
    }
    let cache_control = response.cache_control().value();
    let failed = match (&response, media) {
        (BatchResponse::Single(r), MediaType::GraphqlResponse) => {
            request_failure(r.data == async_graphql::Value::Null, &r.errors)
        }
        _ => None,
    };
    let body = match failed {
        // The spec's answer to a request that never executed has no `data` entry.
        Some(_) => serde_json::to_value(&response).and_then(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("data");
            }
            serde_json::to_vec(&v)
        }),
        None => serde_json::to_vec(&response),
    };
    let body = match body {
        Ok(b) => bytes::Bytes::from(b),
        Err(e) => return request_error(AppError::internal(e)),
    };
    if body.len() > limits.max_response_bytes {
        tracing::warn!(
            bytes = body.len(),
            limit = limits.max_response_bytes,
            "a GraphQL response was too large to send"
        );
        return request_error_with_status(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            &format!(
                "the response would be larger than {} bytes: ask for fewer items or fields",
                limits.max_response_bytes
            ),
        );
    }
    if let Some(key) = cache_key
        && clean
    {
        cache.put(key, generation, body.clone(), cache_control.clone());
    }
    let mut response = json_response(body, cache_control.as_deref());
    if let Some(status) = failed {
        *response.status_mut() = status;
    }
    response.extensions_mut().insert(Clean(clean));
    response
}

/// Answers from the public cache.
fn cached(state: &AppState, names: &[Option<String>], hit: Hit, started: Instant) -> Response {
    for name in names {
        state
            .ctx
            .metrics
            .graphql(name.as_deref(), "ok", started.elapsed());
    }
    let mut response = json_response(hit.body, hit.cache_control.as_deref());
    response.extensions_mut().insert(Clean(true));
    response
}

fn json_response(body: bytes::Bytes, cache_control: Option<&str>) -> Response {
    let mut http = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if let Some(value) = cache_control
        && let Ok(value) = HeaderValue::from_str(value)
    {
        http.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    http
}

/// Refuses requests carrying a NUL character (in the query, the operation name or any
/// variable): no text field accepts one, and PostgreSQL cannot store one.
fn refuse_nul(batch: &BatchRequest) -> Result<(), AppError> {
    fn in_value(v: &async_graphql::Value) -> bool {
        match v {
            async_graphql::Value::String(s) => s.contains('\0'),
            async_graphql::Value::List(items) => items.iter().any(in_value),
            async_graphql::Value::Object(map) => map
                .iter()
                .any(|(k, v)| k.as_str().contains('\0') || in_value(v)),
            _ => false,
        }
    }
    let found = batch.iter().any(|r| {
        r.query.contains('\0')
            || r.operation_name
                .as_deref()
                .is_some_and(|n| n.contains('\0'))
            || r.variables
                .iter()
                .any(|(k, v)| k.as_str().contains('\0') || in_value(v))
    });
    if found {
        return Err(AppError::validation(
            "text may not contain NUL characters (U+0000)",
        ));
    }
    Ok(())
}

/// The key a public response is cached under: single queries by anonymous callers or read
/// tokens only.
fn public_cache_key(cache: &PublicCache, batch: &BatchRequest, public: bool) -> Option<String> {
    match batch {
        // A persisted query sent with its text registers it: that must reach the schema.
        BatchRequest::Single(r)
            if public
                && cache.enabled()
                && !r.query.contains("mutation")
                && (r.query.is_empty() || !r.extensions.contains_key("persistedQuery")) =>
        {
            // A persisted query arrives as its hash alone: key by the hash then.
            let persisted = r
                .extensions
                .get("persistedQuery")
                .map(|v| format!("apq:{v}"))
                .unwrap_or_default();
            let query = if r.query.is_empty() {
                &persisted
            } else {
                &r.query
            };
            PublicCache::key(
                query,
                r.operation_name.as_deref(),
                &serde_json::to_string(&r.variables).unwrap_or_default(),
            )
        }
        _ => None,
    }
}
