//! Podcasts (shows) and their episodes.

pub mod entity;
pub mod graphql;
pub mod itunes;
pub mod service;

use crate::error::{AppError, AppResult};

/// How a podcast's episodes are meant to be listened to.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PodcastType {
    /// Newest first; any episode stands alone.
    Episodic,
    /// Oldest first; episodes build on each other.
    Serial,
}

impl PodcastType {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Episodic => "episodic",
            Self::Serial => "serial",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "episodic" => Ok(Self::Episodic),
            "serial" => Ok(Self::Serial),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored podcast type `{other}`"
            ))),
        }
    }
}

/// What kind of episode it is (as in the iTunes RSS tags).
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EpisodeType {
    /// A regular episode.
    Full,
    /// A preview of the show or a season.
    Trailer,
    /// Extra content.
    Bonus,
}

impl EpisodeType {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Trailer => "trailer",
            Self::Bonus => "bonus",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "full" => Ok(Self::Full),
            "trailer" => Ok(Self::Trailer),
            "bonus" => Ok(Self::Bonus),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored episode type `{other}`"
            ))),
        }
    }
}
