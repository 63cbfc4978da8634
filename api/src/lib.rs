//! Projector: a headless video and podcast CMS.
//!
//! The library holds the whole application; `main.rs` only parses the command line. Code is
//! organised by domain (`accounts/`, later `videos/`, `channels/`, ...), each holding its
//! entities, services and GraphQL types; `graphql.rs` merges the domain roots.

pub mod accounts;
pub mod cache;
pub mod channels;
pub mod cli;
pub mod config;
pub mod content;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod events;
pub mod graphql;
pub mod loaders;
pub mod media;
pub mod node;
pub mod observability;
pub mod pagination;
pub mod playlists;
pub mod podcasts;
pub mod query_cost;
pub mod relay;
pub mod search;
pub mod security;
pub mod startup;
pub mod state;
pub mod taxonomy;
pub mod transcode;
pub mod videos;
pub mod visibility;

pub use config::Config;
pub use error::{AppError, AppResult};
pub use startup::{Application, build_app, serve};
