//! Automatic persisted queries (a query sent once, then by its hash), for queries only.

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::parser::types::{ExecutableDocument, OperationType};

/// Persisted-query storage that never keeps a mutation, so a mutation can never run from a
/// hash sent over GET.
#[derive(Clone)]
pub struct QueriesOnly(pub LruCacheStorage);

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
