//! Podcast and episode services.
//!
//! This file holds what the services take (new items, changes, list filters); one file per job
//! does the rest: `shows` (create, change and delete a podcast), `episodes` (create,
//! change, publish and delete an episode, with the rules of its GUID, numbers and window) and
//! `lists` (podcasts and episodes as a viewer finds them).

mod episodes;
mod lists;
mod shows;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use episodes::{create_episode, episode_chapters, episode_managed, update_episode};
pub use lists::{find_episode, find_episodes, list, list_episodes};
pub use shows::{create, update};

use super::itunes::ItunesCategory;
use super::{EpisodeType, PodcastType};
use crate::content;
use crate::videos::service::Chapter;
use crate::visibility::{Status, Viewer, Visibility};

/// What a new podcast is made of.
#[derive(Debug, Clone)]
pub struct NewPodcast {
    /// Owning channel.
    pub channel_id: Uuid,
    /// Title.
    pub title: String,
    /// Explicit slug.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Author shown in podcast apps.
    pub author: String,
    /// Owner name (for the directories).
    pub owner_name: String,
    /// Owner email (for the directories).
    pub owner_email: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Apple categories.
    pub itunes_categories: Vec<ItunesCategory>,
    /// Explicit content.
    pub explicit: bool,
    /// Other platforms may not import the feed (`podcast:locked`).
    pub locked: bool,
    /// Episodic or serial (default episodic).
    pub podcast_type: Option<PodcastType>,
    /// Default PUBLIC.
    pub visibility: Option<Visibility>,
}

/// Changes to a podcast.
#[derive(Debug, Clone, Default)]
pub struct PodcastChanges {
    /// New title, slug, description and visibility.
    pub common: content::CommonChanges,
    /// New author, owner, language, categories, flags and type.
    pub feed: FeedChanges,
}

/// What a change to a podcast may change besides its text and visibility: what its feed says
/// of it (each `None`: unchanged). Its descriptions are those of `UpdatePodcastInput`, which
/// flattens it.
#[derive(async_graphql::InputObject, Debug, Clone, Default)]
pub struct FeedChanges {
    /// New author.
    pub author: Option<String>,
    /// New owner name.
    pub owner_name: Option<String>,
    /// New owner email.
    pub owner_email: Option<String>,
    /// New language.
    pub language: Option<String>,
    /// Replaces the categories.
    pub itunes_categories: Option<Vec<ItunesCategory>>,
    /// New explicit flag.
    pub explicit: Option<bool>,
    /// New `podcast:locked`.
    pub locked: Option<bool>,
    /// New type.
    #[graphql(name = "type")]
    pub podcast_type: Option<PodcastType>,
}

/// What a new episode is made of.
#[derive(Debug, Clone, Default)]
pub struct NewEpisode {
    /// The podcast.
    pub podcast_id: Uuid,
    /// Title.
    pub title: String,
    /// Explicit slug.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Explicit GUID (default: `urn:uuid:<id>`).
    pub guid: Option<String>,
    /// Season number.
    pub season: Option<i32>,
    /// Episode number.
    pub number: Option<i32>,
    /// Default FULL.
    pub episode_type: Option<EpisodeType>,
    /// Default PUBLIC.
    pub visibility: Option<Visibility>,
    /// Window start; `None`: unpublished.
    pub publish_at: Option<DateTime<Utc>>,
    /// Window end.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Tags.
    pub tag_ids: Vec<Uuid>,
    /// Chapters.
    pub chapters: Vec<Chapter>,
}

/// Changes to an episode.
#[derive(Debug, Clone, Default)]
pub struct EpisodeChanges {
    /// New title, slug, description and visibility.
    pub common: content::CommonChanges,
    /// New GUID (refused once the episode was published).
    pub guid: Option<String>,
    /// New season.
    pub season: Option<Option<i32>>,
    /// New number.
    pub number: Option<Option<i32>>,
    /// New type.
    pub episode_type: Option<EpisodeType>,
    /// New window start.
    pub publish_at: Option<Option<DateTime<Utc>>>,
    /// New window end.
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<Uuid>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<Chapter>>,
    /// Turns comments on or off.
    pub comments_enabled: Option<bool>,
}

/// Filters of podcast lists.
#[derive(Debug, Clone, Default)]
pub struct PodcastQuery {
    /// Only this channel's.
    pub channel_id: Option<Uuid>,
    /// Only this language.
    pub language: Option<String>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
}

/// Filters of episode lists.
#[derive(Debug, Clone, Default)]
pub struct EpisodeQuery {
    /// Only this podcast's (the caller was already allowed to see it).
    pub podcast_id: Option<Uuid>,
    /// Only those of this channel's podcasts.
    pub channel_id: Option<Uuid>,
    /// Only those of the channels this viewer may manage.
    pub managed_by: Option<Viewer>,
    /// Only those with this tag.
    pub tag_id: Option<Uuid>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
}
