//! The inputs, filters and payloads of podcast and episode operations.

use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};
use chrono::{DateTime, Utc};

use super::graphql::{Episode, Podcast};
use super::itunes::ItunesCategory;
use super::{EpisodeType, PodcastType};
use crate::graphql::shapes::id_input;
use crate::videos::graphql::ChapterInput;
use crate::visibility::{Status, Visibility};

/// An Apple Podcasts category, optionally narrowed to a subcategory.
#[derive(SimpleObject, InputObject, Debug, Clone)]
#[graphql(input_name = "ItunesCategoryInput")]
pub struct ItunesCategoryObject {
    /// Top-level category, e.g. `Technology`.
    pub category: String,
    /// Subcategory, e.g. `Tech News` under `News`.
    pub subcategory: Option<String>,
}

impl From<ItunesCategoryObject> for ItunesCategory {
    fn from(c: ItunesCategoryObject) -> Self {
        Self {
            category: c.category,
            subcategory: c.subcategory,
        }
    }
}

/// Filters of podcast lists.
#[derive(InputObject, Debug, Default, Clone)]
pub struct PodcastFilter {
    /// Only this channel's podcasts.
    pub channel: Option<ID>,
    /// Only this language.
    pub language: Option<String>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
}

/// Filters of episode lists.
#[derive(InputObject, Debug, Default, Clone)]
pub struct EpisodeFilter {
    /// Only this podcast's episodes.
    pub podcast: Option<ID>,
    /// Only episodes with this tag.
    pub tag: Option<ID>,
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

/// A new podcast.
#[derive(InputObject, Debug)]
pub struct CreatePodcastInput {
    /// The channel it belongs to.
    pub channel_id: ID,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Slug, unique within the channel; made from the title when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Author shown in podcast apps.
    pub author: String,
    /// Owner name.
    pub owner_name: String,
    /// Owner email.
    pub owner_email: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Apple Podcasts categories (at most 3).
    pub itunes_categories: Option<Vec<ItunesCategoryObject>>,
    /// Explicit content (default false).
    pub explicit: Option<bool>,
    /// Other platforms may not import the feed (`podcast:locked`; default false).
    pub locked: Option<bool>,
    /// Episodic (default) or serial.
    #[graphql(name = "type")]
    pub podcast_type: Option<PodcastType>,
    /// Default PUBLIC.
    pub visibility: Option<Visibility>,
}

/// Changes to a podcast.
#[derive(InputObject, Debug)]
pub struct UpdatePodcastInput {
    /// The podcast.
    pub id: ID,
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New author.
    pub author: Option<String>,
    /// New owner name.
    pub owner_name: Option<String>,
    /// New owner email.
    pub owner_email: Option<String>,
    /// New language.
    pub language: Option<String>,
    /// Replaces the categories.
    pub itunes_categories: Option<Vec<ItunesCategoryObject>>,
    /// New explicit flag.
    pub explicit: Option<bool>,
    /// New `podcast:locked`.
    pub locked: Option<bool>,
    /// New type.
    #[graphql(name = "type")]
    pub podcast_type: Option<PodcastType>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// A new episode.
#[derive(InputObject, Debug)]
pub struct CreateEpisodeInput {
    /// The podcast.
    pub podcast_id: ID,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Slug, unique within the podcast.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Feed GUID (default `urn:uuid:<id>`); frozen once published.
    pub guid: Option<String>,
    /// Season number.
    pub season: Option<i32>,
    /// Episode number.
    pub number: Option<i32>,
    /// Default FULL.
    pub episode_type: Option<EpisodeType>,
    /// Default PUBLIC (hidden anyway until its media is ready and it is published).
    pub visibility: Option<Visibility>,
    /// Window start: the episode goes out then, once its media is ready. Absent: unpublished
    /// until `publishEpisode`.
    pub publish_at: Option<DateTime<Utc>>,
    /// Window end.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Chapters in increasing order of start time.
    pub chapters: Option<Vec<ChapterInput>>,
}

/// Changes to an episode.
#[derive(InputObject, Debug)]
pub struct UpdateEpisodeInput {
    /// The episode.
    pub id: ID,
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New GUID; refused once the episode has been published.
    pub guid: Option<String>,
    /// New season.
    pub season: MaybeUndefined<i32>,
    /// New number.
    pub number: MaybeUndefined<i32>,
    /// New type.
    pub episode_type: Option<EpisodeType>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New window start (null: unpublished).
    pub publish_at: MaybeUndefined<DateTime<Utc>>,
    /// New window end (null: open-ended).
    pub unpublish_at: MaybeUndefined<DateTime<Utc>>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<ChapterInput>>,
}

/// Which item, and optionally when.
#[derive(InputObject, Debug)]
pub struct PublishEpisodeInput {
    /// The episode.
    pub id: ID,
    /// When (default now).
    pub at: Option<DateTime<Utc>>,
}

id_input!(DeleteNodeInput, "What to delete.", "Its ID.");

/// Result of a change to a podcast.
#[derive(SimpleObject, Debug)]
pub struct PodcastPayload {
    /// The podcast after the change.
    pub podcast: Podcast,
}

/// Result of a change to an episode.
#[derive(SimpleObject, Debug)]
pub struct EpisodePayload {
    /// The episode after the change.
    pub episode: Episode,
}

pub(super) fn categories(list: Option<Vec<ItunesCategoryObject>>) -> Option<Vec<ItunesCategory>> {
    list.map(|l| l.into_iter().map(ItunesCategory::from).collect())
}
