//! What holds media: a video or a podcast episode, the "subject" of an upload and of a
//! transcode. Everything that differs between the kinds lives in this folder; the rest of the
//! app (uploads, the job queue, the workers, deletion and the sweeps) works on [`Subject`].
//!
//! Adding a third kind of media-bearing item (clips, live recordings) touches this folder only:
//!
//! 1. a variant in [`SubjectKind`] (its stored string) and in [`Subject`], and the facts in
//!    their `impl`s below (table, asset columns, GraphQL type name, upload metadata keys, whether
//!    it needs a video track);
//! 2. its reads and writes of the media columns in [`state`];
//! 3. its access checks and its drafts made from an upload in [`links`].
//!
//! Every `match` on a kind is exhaustive, so the compiler lists each place that needs an arm.

pub mod links;
pub mod state;

use sea_orm::entity::prelude::*;
use uuid::Uuid;

pub use state::{MediaChange, MediaState, media_changed, media_of, set_media, set_media_error};

/// The kind of a [`Subject`], as stored in `uploads.target_kind` and `jobs.subject_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SubjectKind {
    /// A video.
    #[sea_orm(string_value = "video")]
    Video,
    /// A podcast episode.
    #[sea_orm(string_value = "episode")]
    Episode,
}

impl SubjectKind {
    /// The stored spelling (`video`, `episode`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Episode => "episode",
        }
    }

    /// The GraphQL type (and the prefix of global IDs).
    pub fn typename(self) -> &'static str {
        match self {
            Self::Video => "Video",
            Self::Episode => "Episode",
        }
    }

    /// The table of its rows.
    pub fn table(self) -> &'static str {
        match self {
            Self::Video => "videos",
            Self::Episode => "episodes",
        }
    }

    /// Every column of its table that points at an asset (media, poster).
    pub fn asset_columns(self) -> &'static [&'static str] {
        match self {
            Self::Video => &["source_asset_id", "poster_asset_id"],
            Self::Episode => &["media_asset_id"],
        }
    }

    /// `SELECT`s the ids of its rows inside the channel bound to `p`.
    pub fn in_channel_sql(self, p: &str) -> String {
        match self {
            Self::Video => format!("SELECT id FROM videos WHERE channel_id = {p}"),
            Self::Episode => format!(
                "SELECT e.id FROM episodes e JOIN podcasts pc ON pc.id = e.podcast_id \
                 WHERE pc.channel_id = {p}"
            ),
        }
    }

    /// Whether its media must have a video track (audio alone is refused).
    pub fn needs_video(self) -> bool {
        match self {
            Self::Video => true,
            Self::Episode => false,
        }
    }
}

/// A video or episode that holds media, by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A video.
    Video(Uuid),
    /// A podcast episode.
    Episode(Uuid),
}

impl Subject {
    /// The subject of `kind` with `id`.
    pub fn new(kind: SubjectKind, id: Uuid) -> Self {
        match kind {
            SubjectKind::Video => Self::Video(id),
            SubjectKind::Episode => Self::Episode(id),
        }
    }

    /// Its kind.
    pub fn kind(self) -> SubjectKind {
        match self {
            Self::Video(_) => SubjectKind::Video,
            Self::Episode(_) => SubjectKind::Episode,
        }
    }

    /// The video's or episode's id.
    pub fn id(self) -> Uuid {
        match self {
            Self::Video(id) | Self::Episode(id) => id,
        }
    }

    /// Its global (Relay) ID.
    pub fn global_id(self) -> async_graphql::ID {
        crate::graphql::relay::to_global(self.kind().typename(), self.id())
    }
}
