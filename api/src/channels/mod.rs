//! Channels: the owners of videos, playlists and podcasts, and their members.

pub mod entity;
pub mod graphql;
pub mod service;

use crate::error::{AppError, AppResult};

/// A member's role in a channel.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChannelRole {
    /// Created the channel or was made an owner.
    Owner,
    /// Manages the channel's content.
    Editor,
}

impl ChannelRole {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "owner" => Ok(Self::Owner),
            "editor" => Ok(Self::Editor),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored channel role `{other}`"
            ))),
        }
    }
}
