//! Projector: a headless video and podcast CMS.
//!
//! The library holds the whole application; `main.rs` only parses the command line. Code is
//! organised by domain (`accounts/`, `videos/`, `channels/`, `media/`, ...), each holding its
//! entities, services and GraphQL types, and its HTTP routes as a `router()`; `graphql/` is the
//! GraphQL layer (schema, transports, errors, caching, context helpers, loaders, relay IDs,
//! pagination); `startup.rs` merges the routers.

/// mimalloc instead of glibc's malloc, for every binary that links the application (the server,
/// and the tests and benches that run it in-process). Under the soak bench's load glibc's
/// per-thread arenas grew resident memory by 47% in two minutes, mimalloc by 14% (README,
/// Benchmarks). With the `override` feature it also serves the C libraries' `malloc` and
/// `free` (GStreamer and GLib allocate every frame of a transcode through them), which with
/// Rust's allocations alone on mimalloc still grew by a quarter over five minutes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod accounts;
pub mod channels;
pub mod cli;
pub mod community;
pub mod config;
pub mod content;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod events;
pub mod graphql;
pub mod media;
pub mod observability;
pub mod ops;
pub mod playlists;
pub mod podcasts;
pub mod ratelimit;
pub mod search;
pub mod security;
pub mod startup;
pub mod state;
pub mod taxonomy;
pub mod transcode;
pub mod videos;
pub mod visibility;
pub mod webhooks;

pub use config::Config;
pub use error::{AppError, AppResult};
pub use startup::{Application, build_app, serve};
