//! End-to-end tests of the catalogue (issue 3): one test binary, one module per concern.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_inputs;
mod bulk;
mod bulk_episodes;
mod cache;
mod crud;
mod demo;
mod lifecycle;
mod ordering;
mod pagination;
mod query_count;
mod related;
mod schema;
mod search;
mod search_filters;
mod slugs;
mod support;
mod taxonomy_lookup;
mod taxonomy_merge;
mod visibility;
