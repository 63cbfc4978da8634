//! Bulk mutations on videos: their inputs and payload (`graphql::bulk` does each item in its
//! own transaction and reports every outcome).

use async_graphql::{ID, InputObject};

use super::Video;
use crate::graphql::bulk::bulk_payload;
use crate::videos::entity::video;
use crate::visibility::Visibility;

/// The videos a bulk mutation acts on.
#[derive(InputObject, Debug)]
pub struct BulkVideosInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
}

/// The videos whose visibility to set, and to what.
#[derive(InputObject, Debug)]
pub struct BulkSetVideoVisibilityInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The new visibility.
    pub visibility: Visibility,
}

/// The videos to add to the end of a playlist, in this order.
#[derive(InputObject, Debug)]
pub struct BulkAddVideosToPlaylistInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The playlist; it holds videos of its own channel only.
    pub playlist_id: ID,
}

/// The videos to move, and where.
#[derive(InputObject, Debug)]
pub struct BulkMoveVideosInput {
    /// Video IDs, at most 100, each once.
    pub ids: Vec<ID>,
    /// The channel to move them to.
    pub channel_id: ID,
}

bulk_payload!(
    BulkVideosPayload,
    "The outcome of a bulk mutation: one result per given ID, in input order. Every item is\n\
     checked and done in its own transaction, so a refused item changes nothing and never stops\n\
     the others.",
    BulkVideoResult,
    "What a bulk mutation did with one video.",
    id: "The video ID as given.",
    code: "Why not: the error code (`NOT_FOUND`, `FORBIDDEN`, `VALIDATION`, ...); null when ok.",
    video: Video(video::Model),
    "The video after the change, when ok (null after a delete).",
);
