//! The GraphQL schema (domain roots merged into one) and its HTTP endpoint.
//!
//! `POST /graphql` takes JSON requests (single or batched). `GET /graphql` serves GraphiQL to
//! browsers and answers queries (never mutations) passed in the query string, per the
//! GraphQL-over-HTTP spec.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, CacheStorage, LruCacheStorage,
};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, ErrorExtensions as _, MergedObject, Object, Schema, ServerError,
};
use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::accounts::auth::{Auth, ClientAddr, Principal};
use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::cache::PublicCache;
use crate::channels::graphql::{ChannelsMutation, ChannelsQuery};
use crate::error::AppError;
use crate::media::graphql::{MediaMutation, MediaQuery};
use crate::node::NodeQuery;
use crate::playlists::graphql::{PlaylistsMutation, PlaylistsQuery};
use crate::podcasts::graphql::{PodcastsMutation, PodcastsQuery};
use crate::search::graphql::SearchQuery;
use crate::state::{AppState, Ctx};
use crate::taxonomy::graphql::{TaxonomyMutation, TaxonomyQuery};
use crate::transcode::graphql::SubscriptionRoot;
use crate::videos::graphql::{VideosMutation, VideosQuery};

/// The executable schema type.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Every query, merged from the domains.
#[derive(MergedObject, Default, Debug)]
pub struct QueryRoot(
    MetaQuery,
    AccountsQuery,
    MediaQuery,
    NodeQuery,
    ChannelsQuery,
    VideosQuery,
    PlaylistsQuery,
    PodcastsQuery,
    TaxonomyQuery,
    SearchQuery,
);

/// Every mutation, merged from the domains.
#[derive(MergedObject, Default, Debug)]
pub struct MutationRoot(
    AccountsMutation,
    MediaMutation,
    ChannelsMutation,
    VideosMutation,
    PlaylistsMutation,
    PodcastsMutation,
    TaxonomyMutation,
);

/// Facts about the server itself.
#[derive(Default, Debug)]
pub struct MetaQuery;

#[Object]
impl MetaQuery {
    /// The server's version.
    async fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

/// The shared services, from a resolver's context.
pub fn app<'a>(ctx: &'a async_graphql::Context<'_>) -> crate::error::AppResult<&'a Arc<Ctx>> {
    ctx.data::<Arc<Ctx>>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("schema built without Ctx")))
}

/// The caller of the request, from a resolver's context.
pub fn principal<'a>(ctx: &'a async_graphql::Context<'_>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// The caller as the visibility rules see them.
pub fn viewer(ctx: &async_graphql::Context<'_>) -> crate::visibility::Viewer {
    crate::visibility::Viewer::of(principal(ctx))
}

/// The request's DataLoaders. A request over POST or GET has one set for the whole request; a
/// subscription (over WebSocket) lives for as long as its connection, so each of its events
/// gets fresh loaders, whose caches never outlive the event.
pub fn loaders(
    ctx: &async_graphql::Context<'_>,
) -> crate::error::AppResult<Arc<crate::loaders::Loaders>> {
    if let Some(loaders) = ctx.data_opt::<Arc<crate::loaders::Loaders>>() {
        return Ok(loaders.clone());
    }
    Ok(Arc::new(crate::loaders::Loaders::new(app(ctx)?.db.clone())))
}

/// Builds the schema with its limits; `ctx` is `None` only for exporting the SDL.
pub fn build_schema(ctx: Option<Arc<Ctx>>) -> AppSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_recursive_depth(64)
    .limit_directives(32)
    // Outermost, so every error of every transport, the other extensions' included, gets its
    // code.
    .extension(ErrorCodes)
    // Then: nothing may parse a document before its nesting is known to be safe.
    .extension(crate::query_cost::NestingGuard)
    .extension(ApolloPersistedQueries::new(QueriesOnly(
        LruCacheStorage::new(4096),
    )));
    if let Some(ctx) = ctx {
        let limits = &ctx.config.graphql;
        builder = builder
            .limit_depth(limits.max_depth)
            .limit_complexity(limits.max_complexity)
            // After persisted queries, so a query sent as its hash alone is counted too.
            .extension(crate::query_cost::CostLimit {
                limit: limits.max_complexity,
                documents: Default::default(),
            });
        if !limits.introspection {
            builder = builder.disable_introspection();
        }
        builder = builder.data(ctx);
    }
    builder.finish()
}

/// The schema in SDL, as `projector export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Body,
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
            Ok(batch) => execute(&state, batch, auth, addr).await,
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
    let response = execute(&state, batch, auth, addr).await;
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

fn to_io_error(e: Box<dyn std::error::Error + Send + Sync>) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// `GET /graphql`: GraphiQL for browsers, queries from the query string for everyone else.
pub async fn get(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let query = query.unwrap_or_default();
    if query.is_empty() {
        if wants_html && state.ctx.config.graphql.graphiql {
            return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
        }
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
    if let Err(message) = crate::query_cost::check_nesting(&request.query) {
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
    let response = execute(&state, BatchRequest::Single(request), auth, addr).await;
    let max_age = state.ctx.config.graphql.public_cache_ttl_ms.div_ceil(1000);
    http_caching(response, public, max_age, &headers).await
}

/// Whether a response came from an execution without errors (set by `execute`).
#[derive(Clone, Copy)]
struct Clean(bool);

/// HTTP caching of GET responses: public, error-free reads carry `Cache-Control: public,
/// max-age=<hot-cache TTL>` and an `ETag` (a matching `If-None-Match` gets 304), so a CDN can
/// keep them; reads by signed-in users are `private, no-store`.
async fn http_caching(
    response: Response,
    public: bool,
    max_age: u64,
    request: &HeaderMap,
) -> Response {
    if !public {
        return private_no_store(response);
    }
    let clean = response.extensions().get::<Clean>().is_some_and(|c| c.0);
    if response.status() != StatusCode::OK || !clean {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return request_error(AppError::internal(anyhow::anyhow!(
            "unreadable response body"
        )));
    };
    let digest = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let etag = format!("\"{}\"", &digest[..32]);
    if !parts.headers.contains_key(header::CACHE_CONTROL)
        && let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}"))
    {
        parts.headers.insert(header::CACHE_CONTROL, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| crate::delivery::media::none_match(inm, &etag));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Marks a response for a signed-in caller as not to be stored by any cache.
fn private_no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Persisted-query storage that never keeps a mutation, so a mutation can never run from a
/// hash sent over GET.
#[derive(Clone)]
struct QueriesOnly(LruCacheStorage);

#[async_trait::async_trait]
impl CacheStorage for QueriesOnly {
    async fn get(&self, key: String) -> Option<ExecutableDocument> {
        self.0.get(key).await
    }

    async fn set(&self, key: String, query: ExecutableDocument) {
        let only_queries = query
            .operations
            .iter()
            .all(|(_, op)| op.node.ty == OperationType::Query);
        if only_queries {
            self.0.set(key, query).await;
        }
    }
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

async fn execute(
    state: &AppState,
    batch: BatchRequest,
    principal: Principal,
    addr: ClientAddr,
) -> Response {
    let started = Instant::now();
    let cache = &state.ctx.public_cache;
    // Anonymous visitors and read tokens see exactly the public catalogue, so they can share
    // responses; nobody else's response is ever stored or served from the cache.
    let public = matches!(
        principal,
        Principal::Anonymous | Principal::ReadToken { .. }
    );
    let cache_key = match &batch {
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
    };
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
        for name in &names {
            state
                .ctx
                .metrics
                .graphql(name.as_deref(), "ok", started.elapsed());
        }
        let mut response = json_response(hit.body, hit.cache_control.as_deref());
        response.extensions_mut().insert(Clean(true));
        return response;
    }
    // A change by a user (a session or a write token) may alter any public read. Sign-in
    // mutations by anonymous callers change no content and leave the cache alone.
    let changes_content = matches!(principal, Principal::User { .. })
        && batch.iter().any(|r| r.query.contains("mutation"));
    let generation = cache.generation();
    let loaders = Arc::new(crate::loaders::Loaders::new(state.ctx.db.clone()));
    let batch = batch
        .data(principal)
        .data(addr)
        .data(loaders)
        .data(crate::query_cost::Budget::new(limits.max_complexity));
    let mut response = state.schema.execute_batch(batch).await;
    if changes_content {
        cache.invalidate();
    }
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
    let body = match serde_json::to_vec(&response) {
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
    response.extensions_mut().insert(Clean(clean));
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

/// Gives every error its `extensions`: an `AppError`'s own ([`ErrorExtensions`]), or
/// `VALIDATION` for the executor's errors (syntax, unknown fields, limits, bad variables).
/// Internal causes are logged here, once, and never sent.
fn set_error_codes(errors: &mut [ServerError]) {
    for error in errors {
        if let Some(app) = error.source::<AppError>().cloned() {
            app.log();
            error.message = app.to_string();
            app.set_extensions(error.extensions.get_or_insert_with(Default::default));
        } else {
            let ext = error.extensions.get_or_insert_with(Default::default);
            if ext.get("code").is_none() {
                ext.set("code", "VALIDATION");
            }
        }
    }
}

/// A request-level error (nothing executed) in the GraphQL response shape.
fn request_error(error: AppError) -> Response {
    error.log();
    let status = error.status();
    let mut response = request_error_with_status(status, error.code(), &error.to_string());
    if let AppError::RateLimited { retry_after_secs } = error {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    response
}

fn request_error_with_status(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    (status, Json(body)).into_response()
}

/// `GET /graphql/ws`: subscriptions over WebSocket (graphql-transport-ws and the older
/// graphql-ws). Credentials come from the upgrade request's `Authorization` header or from the
/// `connection_init` payload (`{"authorization": "Bearer …"}`), since browsers cannot set headers
/// on a WebSocket.
pub async fn ws(
    State(state): State<AppState>,
    addr: ClientAddr,
    protocol: async_graphql_axum::GraphQLProtocol,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let from_header = match crate::accounts::auth::authenticate(&state.ctx, &headers).await {
        Ok(p) => p,
        Err(e) => return request_error(e),
    };
    let schema = state.schema.clone();
    let ctx = state.ctx.clone();
    let mut upgrade_credentials = HeaderMap::new();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        upgrade_credentials.insert(header::AUTHORIZATION, value.clone());
    }
    let upgraded = Upgraded {
        ctx,
        from_header,
        credentials: upgrade_credentials,
        addr,
    };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            use futures::StreamExt as _;
            let refused = Refused::default();
            let (sink, stream) = socket.split();
            let sink = with_init_errors(sink, refused.clone());
            async_graphql_axum::GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    upgraded.connection_init(&payload).await.map_err(|e| {
                        e.log();
                        let error = e.extend();
                        if let Ok(mut slot) = refused.lock() {
                            *slot = Some(error.clone());
                        }
                        error
                    })
                })
                .serve()
        })
}

/// What the upgrade request brought to a WebSocket connection.
struct Upgraded {
    ctx: Arc<Ctx>,
    from_header: Principal,
    credentials: HeaderMap,
    addr: ClientAddr,
}

impl Upgraded {
    /// The connection's request data from the `connection_init` payload: the same as POST and
    /// GET (loaders come per event, see `loaders`), so resolvers and visibility rules see one
    /// context.
    async fn connection_init(
        self,
        payload: &serde_json::Value,
    ) -> Result<async_graphql::Data, AppError> {
        let token = payload
            .get("authorization")
            .or_else(|| payload.get("Authorization"))
            .and_then(|v| v.as_str());
        let mut credentials = self.credentials;
        let principal = match token {
            Some(t) => {
                let value = HeaderValue::from_str(t)
                    .map_err(|_| AppError::InvalidCredentials("malformed Authorization header"))?;
                credentials = HeaderMap::new();
                credentials.insert(header::AUTHORIZATION, value);
                crate::accounts::auth::authenticate(&self.ctx, &credentials).await?
            }
            None => self.from_header,
        };
        let mut data = async_graphql::Data::default();
        data.insert(principal);
        data.insert(self.addr);
        data.insert(WsCredentials(credentials));
        Ok(data)
    }
}

/// The error a refused `connection_init` ended with, for [`with_init_errors`].
type Refused = Arc<std::sync::Mutex<Option<async_graphql::Error>>>;

/// async-graphql answers a refused `connection_init` of the graphql-ws protocol with the error's
/// message alone; this puts the whole error (its `extensions.code`) back into that
/// `connection_error`. (graphql-transport-ws can only close the socket, with the message.)
fn with_init_errors<S>(
    sink: S,
    refused: Refused,
) -> impl futures::Sink<axum::extract::ws::Message, Error = axum::Error>
where
    S: futures::Sink<axum::extract::ws::Message, Error = axum::Error>,
{
    use axum::extract::ws::Message;
    use futures::SinkExt as _;
    sink.with(move |message: Message| {
        let error = refused.lock().ok().and_then(|mut slot| slot.take());
        let message = match (error, &message) {
            (Some(error), Message::Text(text)) if text.as_str().contains("connection_error") => {
                let body = serde_json::json!({ "type": "connection_error", "payload": error });
                Message::Text(body.to_string().into())
            }
            _ => message,
        };
        futures::future::ready(Ok::<_, axum::Error>(message))
    })
}

/// The credentials a WebSocket connection was opened with. A subscription lives as long as its
/// connection, so each of its events checks them again (see `transcode::graphql`): a logout,
/// a revoked token or a disabled account ends it.
#[derive(Clone, Debug)]
pub struct WsCredentials(pub HeaderMap);

/// Sets every GraphQL error's code (see [`set_error_codes`]) inside the schema, so each path
/// carries it: POST and GET (each operation of a batch) through `request`, WebSocket
/// operations and subscription events through `subscribe`.
struct ErrorCodes;

impl async_graphql::extensions::ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for ErrorCodes {
    async fn request(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextRequest<'_>,
    ) -> async_graphql::Response {
        let mut response = next.run(ctx).await;
        set_error_codes(&mut response.errors);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        stream: futures::stream::BoxStream<'s, async_graphql::Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures::stream::BoxStream<'s, async_graphql::Response> {
        use futures::StreamExt as _;
        next.run(ctx, stream)
            .map(|mut response| {
                set_error_codes(&mut response.errors);
                response
            })
            .boxed()
    }
}
