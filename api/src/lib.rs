//! Projector: a headless video and podcast CMS.
//!
//! The library holds the whole application; `main.rs` only parses the command line. Code is
//! organised by domain (`accounts/`, later `videos/`, `channels/`, ...), each holding its
//! entities, services and GraphQL types; `graphql.rs` merges the domain roots.

pub mod accounts;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod media;
pub mod observability;
pub mod relay;
pub mod startup;
pub mod state;

pub use config::Config;
pub use error::{AppError, AppResult};
pub use startup::{Application, build_app, serve};
