//! Video services: create, change, publish, delete, lookups and lists.
//!
//! This file holds what the services take (a new video, changes, list filters, chapters); one
//! file per job does the rest: `rules` (what a video's fields must be: chapters, tags,
//! category, license, publishable), `edit` (create, change, publish, move, delete) and `lists`
//! (lookups and lists as a viewer sees them).

mod edit;
mod lists;
mod rules;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use edit::{create, get_managed, move_to_channel, update};
pub use lists::{CARD_COLUMNS, find_many, list};
pub use rules::{
    MAX_CHAPTERS, MAX_TAGS, chapters_of, check_category, check_chapters, check_license, check_tags,
    require_publishable,
};

use crate::content;
use crate::visibility::{Status, Viewer, Visibility};

// A chapter of a video or an episode: what is stored (JSON, camelCase) and what the `Chapter`
// type shows.
/// A titled start time in a video.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Chapter {
    /// Chapter title.
    pub title: String,
    /// Start, in seconds from the beginning.
    pub start_secs: f64,
}

/// What a new video is made of.
#[derive(Debug, Clone, Default)]
pub struct NewVideo {
    /// The owning channel.
    pub channel_id: Uuid,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Explicit slug; made from the title when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Defaults to `PUBLIC` (hidden anyway until its media is ready and it is published).
    pub visibility: Option<Visibility>,
    /// Start of the publish window; `None`: unpublished.
    pub publish_at: Option<DateTime<Utc>>,
    /// The rest: the window's end, language, license, category, tags, chapters.
    pub details: VideoDetails,
}

/// What a new video may be given besides its channel, text, visibility and the start of its
/// window: the same for `createVideo` and for the draft a direct upload makes (whose stored
/// settings hold it, flattened, in camelCase).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VideoDetails {
    /// End of the publish window.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// License name or URL.
    pub license: Option<String>,
    /// Category.
    pub category_id: Option<Uuid>,
    /// Tags.
    #[serde(default)]
    pub tag_ids: Vec<Uuid>,
    /// Chapters.
    #[serde(default)]
    pub chapters: Vec<Chapter>,
}

/// Changes to a video: `None` leaves a field, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default)]
pub struct VideoChanges {
    /// New title, slug, description and visibility.
    pub common: content::CommonChanges,
    /// New window start.
    pub publish_at: Option<Option<DateTime<Utc>>>,
    /// New window end.
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// New language.
    pub language: Option<Option<String>>,
    /// New license.
    pub license: Option<Option<String>>,
    /// New category.
    pub category_id: Option<Option<Uuid>>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<Uuid>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<Chapter>>,
    /// Turns comments on or off.
    pub comments_enabled: Option<bool>,
    /// Its own playback restriction (`Some(None)`: the channel's applies), checked by
    /// `update` after the caller's right to manage.
    pub playback_restriction: Option<Option<crate::delivery::referrer::PlaybackRestrictionInput>>,
    /// Its own downloads setting (`Some(None)`: the channel's applies).
    pub downloads_enabled: Option<Option<bool>>,
}

/// Filters of video lists.
#[derive(Debug, Clone, Default)]
pub struct VideoQuery {
    /// Only this channel's.
    pub channel_id: Option<Uuid>,
    /// Only those with this tag.
    pub tag_id: Option<Uuid>,
    /// Only this category's (not its subcategories').
    pub category_id: Option<Uuid>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Only this language.
    pub language: Option<String>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
    /// Only the videos of the channels this viewer may manage.
    pub managed_by: Option<Viewer>,
    /// Leave out the long texts (description and chapters: read as empty) because nothing
    /// asked for them: a list page then reads only the short columns it shows.
    pub without_texts: bool,
    /// Read only what a card shows ([`CARD_COLUMNS`]; the other fields are empty),
    /// because nothing asked for more.
    pub card_only: bool,
}
