//! The one way into the schema, for every transport (POST, GET, each operation of a batch,
//! WebSocket operations and subscription events): the nesting guard, automatic persisted
//! queries, the cost limit, the error codes on every answer, and emptying the public response
//! cache after a mutation by a user (over POST, GET and WebSocket alike).
//!
//! These run once per request, here, rather than as schema extensions: async-graphql wraps
//! every field of every answer in the extensions' `resolve` chain as soon as a schema has one
//! extension (a boxed future per extension per field, and the field's type looked up by name),
//! which cost the list pages a good share of their time while none of ours looks at fields.

use std::any::TypeId;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures::StreamExt as _;
use futures::stream::BoxStream;
use sha2::{Digest, Sha256};

use super::AppSchema;
use super::cost::{self, Documents};
use super::errors::set_error_codes;
use super::persisted::QueriesOnly;
use crate::accounts::auth::Principal;
use crate::state::Ctx;

/// The schema with what every request passes through first.
#[derive(Clone)]
pub struct Gate(Arc<Inner>);

struct Inner {
    schema: AppSchema,
    persisted: QueriesOnly,
    documents: Documents,
    /// The most one request may cost when it brings no batch budget (as over WebSocket).
    limit: usize,
    /// Whose public cache a mutation empties (`None` when exporting the schema).
    ctx: Option<Arc<Ctx>>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("limit", &self.0.limit)
            .finish()
    }
}

impl Gate {
    /// The gate in front of `schema`, with `limit` as the cost of a request without a batch;
    /// mutations empty `ctx`'s public response cache.
    pub fn new(schema: AppSchema, limit: usize, ctx: Option<Arc<Ctx>>) -> Self {
        Self(Arc::new(Inner {
            schema,
            persisted: QueriesOnly(LruCacheStorage::new(4096)),
            documents: Documents::default(),
            limit,
            ctx,
        }))
    }

    /// When `request` is a mutation by a user, what its fields say about their changes: the
    /// cache is emptied after it runs unless every field said it changed nothing public.
    /// Anonymous callers' mutations (signing in) change no content and leave the cache alone.
    fn watch(&self, request: &mut Request, session: Option<&Data>) -> Option<Watch> {
        let ctx = self.0.ctx.clone()?;
        let by_user = principal_in(&request.data)
            .or_else(|| session.and_then(principal_in))
            .is_some_and(|p| matches!(p, Principal::User { .. }));
        if !by_user {
            return None;
        }
        let fields = mutation_fields(request)?;
        let changes = Arc::new(Changes::default());
        request.data.insert(changes.clone());
        Some(Watch {
            ctx,
            changes,
            fields,
        })
    }

    /// The schema behind the gate.
    pub fn schema(&self) -> &AppSchema {
        &self.0.schema
    }

    /// Parsed documents kept by query text.
    pub fn documents(&self) -> &Documents {
        &self.0.documents
    }

    /// What a request must pass before it runs, in order: its nesting (before anything parses
    /// it), its persisted query (looked up or registered), its cost (on the parsed document,
    /// which goes on to execution), and what the caller's API token may do
    /// (`accounts::operations`; the caller is in the request's data, or in the WebSocket
    /// connection's `session`).
    async fn prepare(
        &self,
        request: Request,
        session: Option<&Data>,
    ) -> Result<Request, ServerError> {
        if let Err(message) = cost::check_nesting(&request.query) {
            return Err(validation(message));
        }
        let mut request = self.persisted(request).await?;
        cost::check(&self.0.documents, self.0.limit, &mut request)?;
        let principal = principal_in(&request.data)
            .or_else(|| session.and_then(principal_in))
            .cloned();
        let name = request.operation_name.clone();
        if let Some(principal) = principal
            && let Ok(doc) = request.parsed_query()
        {
            crate::accounts::operations::check(&principal, doc, name.as_deref())?;
        }
        Ok(request)
    }

    /// Automatic persisted queries (Apollo's protocol, version 1), as async-graphql's own
    /// extension does them: a hash alone runs the document registered under it; a hash with
    /// its text registers the text (queries only, see [`QueriesOnly`]).
    async fn persisted(&self, mut request: Request) -> Result<Request, ServerError> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            return Ok(request);
        };
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Persisted {
            version: i32,
            sha256_hash: String,
        }
        let persisted: Persisted = async_graphql::from_value(value).map_err(|_| {
            ServerError::new("Invalid \"PersistedQuery\" extension configuration.", None)
        })?;
        if persisted.version != 1 {
            return Err(ServerError::new(
                format!(
                    "Only the \"PersistedQuery\" extension of version \"1\" is supported, and the current version is \"{}\".",
                    persisted.version
                ),
                None,
            ));
        }
        if request.query.is_empty() {
            let doc = self
                .0
                .persisted
                .get(persisted.sha256_hash)
                .await
                .ok_or_else(|| ServerError::new("PersistedQueryNotFound", None))?;
            request.set_parsed_query(doc);
            return Ok(request);
        }
        let hash = format!("{:x}", Sha256::digest(request.query.as_bytes()));
        if persisted.sha256_hash != hash {
            return Err(ServerError::new("provided sha does not match query", None));
        }
        let doc = request.parsed_query()?.clone();
        self.0.persisted.set(hash, doc).await;
        Ok(request)
    }
}

/// What the fields of one mutation request said about their changes.
#[derive(Debug, Default)]
pub struct Changes {
    private: AtomicUsize,
}

/// Called by a mutation field whose change no anonymous reader can see (a new draft, a
/// session): when every field of a mutation request says so, the public cache is kept.
pub fn changed_nothing_public(ctx: &async_graphql::Context<'_>) {
    if let Some(changes) = ctx.data_opt::<Arc<Changes>>() {
        changes.private.fetch_add(1, Ordering::Relaxed);
    }
}

/// A mutation request being run, whose changes empty the public cache once it has answered.
struct Watch {
    ctx: Arc<Ctx>,
    changes: Arc<Changes>,
    fields: usize,
}

impl Watch {
    fn finish(&self) {
        // A mutation may have written outbox events: the webhook sender looks now.
        self.ctx.webhooks.wake();
        if self.changes.private.load(Ordering::Relaxed) < self.fields {
            self.ctx.public_cache.invalidate();
        }
    }
}

/// How many fields a mutation runs at its top level: `None` when the request is not a
/// mutation (or does not parse, and so runs nothing), `usize::MAX` when fragments make that
/// unclear, so that such a mutation always empties the cache.
fn mutation_fields(request: &mut Request) -> Option<usize> {
    use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
    let name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    let operation = match (&doc.operations, name.as_deref()) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    if operation.node.ty != OperationType::Mutation {
        return None;
    }
    let items = &operation.node.selection_set.node.items;
    if items
        .iter()
        .all(|item| matches!(item.node, Selection::Field(_)))
    {
        Some(items.len())
    } else {
        Some(usize::MAX)
    }
}

/// The caller a request's (or a WebSocket connection's) data holds.
fn principal_in(data: &Data) -> Option<&Principal> {
    data.get(&TypeId::of::<Principal>())
        .and_then(|p| p.downcast_ref::<Principal>())
}

fn validation(message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "VALIDATION");
    error.extensions = Some(ext);
    error
}

impl Executor for Gate {
    async fn execute(&self, request: Request) -> Response {
        let mut response = match self.prepare(request, None).await {
            Ok(mut request) => {
                let watch = self.watch(&mut request, None);
                let response = self.0.schema.execute(request).await;
                if let Some(watch) = watch {
                    watch.finish();
                }
                response
            }
            Err(error) => Response::from_errors(vec![error]),
        };
        set_error_codes(&mut response.errors);
        response
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let gate = self.clone();
        futures::stream::once(async move {
            match gate.prepare(request, session_data.as_deref()).await {
                Ok(mut request) => {
                    let watch = gate.watch(&mut request, session_data.as_deref());
                    let responses = Executor::execute_stream(&gate.0.schema, request, session_data);
                    match watch {
                        // A mutation answers once, after its fields have run.
                        Some(watch) => responses
                            .map(move |response| {
                                watch.finish();
                                response
                            })
                            .boxed(),
                        None => responses,
                    }
                }
                Err(error) => {
                    futures::stream::once(async move { Response::from_errors(vec![error]) }).boxed()
                }
            }
        })
        .flatten()
        .map(|mut response| {
            set_error_codes(&mut response.errors);
            response
        })
        .boxed()
    }
}
