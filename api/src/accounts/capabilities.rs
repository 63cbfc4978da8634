//! What an API token may do: its capabilities, the channels it is limited to and its expiry,
//! as stored in `api_tokens` and as carried by a request's [`Principal`](super::auth::Principal).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Scope;
use super::entity::api_token;
use crate::error::{AppError, AppResult};

/// One thing an API token may do.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[graphql(name = "ApiTokenCapability")]
pub enum Capability {
    /// Run queries and subscriptions. A token with no other capability sees exactly what
    /// anonymous visitors see; with any other, it reads what its owner reads.
    Read,
    /// Run mutations that change content or the owner's own activity (everything but uploads
    /// and webhooks), with its owner's rights.
    Write,
    /// Upload files: tus uploads (`/uploads/`), `uploadImage` and `uploadCaption`; with WRITE,
    /// `createDirectUpload`.
    Upload,
    /// Manage webhook endpoints and deliveries (the owner must be an admin).
    Webhooks,
}

impl Capability {
    /// Every capability, in stored order.
    pub const ALL: [Self; 4] = [Self::Read, Self::Write, Self::Upload, Self::Webhooks];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Upload => "upload",
            Self::Webhooks => "webhooks",
        }
    }

    /// The GraphQL spelling, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::Write => "WRITE",
            Self::Upload => "UPLOAD",
            Self::Webhooks => "WEBHOOKS",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Read => 1,
            Self::Write => 2,
            Self::Upload => 4,
            Self::Webhooks => 8,
        }
    }
}

/// A set of capabilities.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities(u8);

impl Capabilities {
    /// What a legacy `scope` means: READ is `[READ]`, WRITE is `[READ, WRITE, UPLOAD]`.
    pub fn of_scope(scope: Scope) -> Self {
        match scope {
            Scope::Read => Self::from_iter([Capability::Read]),
            Scope::Write => {
                Self::from_iter([Capability::Read, Capability::Write, Capability::Upload])
            }
        }
    }

    /// Whether the set holds `capability`.
    pub fn contains(self, capability: Capability) -> bool {
        self.0 & capability.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the token only reads (and so reads as an anonymous visitor).
    pub fn read_only(self) -> bool {
        self == Self::from_iter([Capability::Read])
    }

    /// The capabilities, in stored order.
    pub fn list(self) -> Vec<Capability> {
        Capability::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .collect()
    }

    /// The legacy scope that describes the set best: WRITE when it writes.
    pub fn scope(self) -> Scope {
        if self.contains(Capability::Write) {
            Scope::Write
        } else {
            Scope::Read
        }
    }

    /// The stored spelling: comma-separated words in a fixed order.
    pub fn to_stored(self) -> String {
        self.list()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let mut set = Self::default();
        for word in raw.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let capability = Capability::ALL
                .into_iter()
                .find(|c| c.as_str() == word)
                .ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!("unknown stored capability `{word}`"))
                })?;
            set.0 |= capability.bit();
        }
        Ok(set)
    }
}

impl FromIterator<Capability> for Capabilities {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |bits, c| bits | c.bit()))
    }
}

/// The stored spelling of a channel limit: comma-separated UUIDs.
pub fn channels_to_stored(channels: &[Uuid]) -> String {
    channels
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Parses a stored channel limit (`None`: no limit).
pub fn channels_of(token: &api_token::Model) -> AppResult<Option<Arc<[Uuid]>>> {
    let Some(raw) = token.channel_ids.as_deref() else {
        return Ok(None);
    };
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Uuid::parse_str(s.trim()).map_err(AppError::internal))
        .collect::<AppResult<Vec<_>>>()
        .map(|ids| Some(ids.into()))
}

/// What a presented API token grants, carried by the request's principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    /// The token's id.
    pub id: Uuid,
    /// What it may do.
    pub capabilities: Capabilities,
    /// The channels it may change; `None` is every channel its owner may change.
    pub channels: Option<Arc<[Uuid]>>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

impl TokenGrant {
    /// The grant of a stored token.
    pub fn of(token: &api_token::Model) -> AppResult<Self> {
        Ok(Self {
            id: token.id,
            capabilities: Capabilities::parse(&token.capabilities)?,
            channels: channels_of(token)?,
            expires_at: token.expires_at,
        })
    }

    /// Whether it has expired by `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}
