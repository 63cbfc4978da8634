//! The one way into the schema, for every transport (POST, GET, each operation of a batch,
//! WebSocket operations and subscription events): the nesting guard, automatic persisted
//! queries, the cost limit, and the error codes on every answer.
//!
//! These run once per request, here, rather than as schema extensions: async-graphql wraps
//! every field of every answer in the extensions' `resolve` chain as soon as a schema has one
//! extension (a boxed future per extension per field, and the field's type looked up by name),
//! which cost the list pages a good share of their time while none of ours looks at fields.

use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures::StreamExt as _;
use futures::stream::BoxStream;
use sha2::{Digest, Sha256};

use super::AppSchema;
use super::cost::{self, Documents};
use super::errors::set_error_codes;
use super::persisted::QueriesOnly;

/// The schema with what every request passes through first.
#[derive(Clone)]
pub struct Gate(Arc<Inner>);

struct Inner {
    schema: AppSchema,
    persisted: QueriesOnly,
    documents: Documents,
    /// The most one request may cost when it brings no batch budget (as over WebSocket).
    limit: usize,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("limit", &self.0.limit)
            .finish()
    }
}

impl Gate {
    /// The gate in front of `schema`, with `limit` as the cost of a request without a batch.
    pub fn new(schema: AppSchema, limit: usize) -> Self {
        Self(Arc::new(Inner {
            schema,
            persisted: QueriesOnly(LruCacheStorage::new(4096)),
            documents: Documents::default(),
            limit,
        }))
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
    /// which goes on to execution).
    async fn prepare(&self, request: Request) -> Result<Request, ServerError> {
        if let Err(message) = cost::check_nesting(&request.query) {
            return Err(validation(message));
        }
        let mut request = self.persisted(request).await?;
        cost::check(&self.0.documents, self.0.limit, &mut request)?;
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

fn validation(message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "VALIDATION");
    error.extensions = Some(ext);
    error
}

impl Executor for Gate {
    async fn execute(&self, request: Request) -> Response {
        let mut response = match self.prepare(request).await {
            Ok(request) => self.0.schema.execute(request).await,
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
            match gate.prepare(request).await {
                Ok(request) => Executor::execute_stream(&gate.0.schema, request, session_data),
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
