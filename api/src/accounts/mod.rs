//! Accounts: users and roles, sessions (JWT access + rotating refresh tokens), API tokens,
//! the authentication extractor and the GraphQL guards.

pub mod auth;
pub mod capabilities;
pub mod entity;
pub mod graphql;
pub mod jwt;
pub mod operations;
pub mod rate_limit;
pub mod service;
pub mod sessions;
pub mod tokens_graphql;

use std::time::Duration;

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// What checking credentials keeps between requests: the JWT keys, the login and refresh
/// throttles, the sessions revoked before their access tokens expire, and the dummy hash.
#[derive(Debug)]
pub struct Accounts {
    /// JWT signing keys.
    pub keys: jwt::Keys,
    /// Login protection per (account, address) pair and per address.
    pub login_throttle: rate_limit::LoginThrottle,
    /// `refresh` calls per client address.
    pub refresh_by_address: rate_limit::Limiter,
    /// Sessions revoked while their access tokens may still be unexpired.
    pub sessions: sessions::Sessions,
    /// An argon2 hash of a random password, verified against when an email is unknown so the
    /// answer takes as long as for a known email.
    pub dummy_hash: String,
}

impl Accounts {
    /// The accounts' state for `config`.
    pub fn new(config: &Config, keys: jwt::Keys, dummy_hash: String) -> Self {
        let window = Duration::from_secs(config.auth.login_window_secs);
        Self {
            keys,
            login_throttle: rate_limit::LoginThrottle::new(
                config.auth.login_attempts_per_account,
                config.auth.login_attempts_per_address,
                window,
            ),
            refresh_by_address: rate_limit::Limiter::new(
                config.auth.refresh_attempts_per_address,
                window,
            ),
            sessions: sessions::Sessions::new(
                Duration::from_secs(config.auth.access_token_ttl_secs),
                config.is_postgres(),
            ),
            dummy_hash,
        }
    }
}

/// A user's role on the whole site.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads what is published and what they are given access to.
    Viewer,
    /// Manages the channels they belong to.
    Editor,
    /// Manages everything, including users.
    Admin,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    /// Parses the stored or CLI spelling (case-insensitive).
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw.to_ascii_lowercase().as_str() {
            "viewer" => Ok(Self::Viewer),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            other => Err(AppError::validation(format!(
                "role: unknown role `{other}` (expected admin, editor or viewer)"
            ))),
        }
    }
}

/// What an API token may do, as the first API tokens said it (now a list of capabilities).
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ApiTokenScope")]
pub enum Scope {
    /// Sees only public content, like an anonymous visitor: capabilities `[READ]`.
    Read,
    /// Acts as its owner, with the owner's role: capabilities `[READ, WRITE, UPLOAD]`.
    Write,
}

impl Scope {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    /// Parses the stored or CLI spelling (case-insensitive).
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw.to_ascii_lowercase().as_str() {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            other => Err(AppError::validation(format!(
                "scope: unknown scope `{other}` (expected read or write)"
            ))),
        }
    }
}
