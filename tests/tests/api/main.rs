//! API tests over real HTTP: one binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_users;
mod bad_input;
mod campaign;
mod graphql_over_http;
mod hardening;
mod http_endpoint;
mod operations;
mod ratelimit;
mod schema;
mod tokens;
