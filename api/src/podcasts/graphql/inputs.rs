//! The inputs, filters and payloads of podcast and episode operations.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};

use super::{Episode, Podcast};
use crate::content::CommonChanges;
use crate::error::{AppError, AppResult};
use crate::graphql::relay::from_global;
use crate::graphql::shapes::{at_input, id_input, ids, item_payload, maybe, opt_id};
use crate::podcasts::entity::{episode, podcast};
use crate::podcasts::itunes::ItunesCategory;
use crate::podcasts::service::{
    EpisodeChanges, EpisodeQuery, FeedChanges, NewEpisode, NewPodcast, PodcastChanges, PodcastQuery,
};
use crate::podcasts::{EpisodeType, PodcastType};
use crate::videos::graphql::{ChapterInput, chapters};
use crate::visibility::{Status, Viewer, Visibility};

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
    /// Only episodes of this channel's podcasts.
    pub channel: Option<ID>,
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
    /// Only episodes of the channels the caller may manage (drafts and private ones included,
    /// as for any list a manager reads); nothing for callers who manage no channel.
    pub managed_by_me: Option<bool>,
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
    pub itunes_categories: Option<Vec<ItunesCategory>>,
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
    /// New author, owner, language, categories, flags and type.
    #[graphql(flatten)]
    pub feed: FeedChanges,
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
    /// Turns comments on or off (absent or null: unchanged).
    pub comments_enabled: Option<bool>,
}

at_input!(
    PublishEpisodeInput,
    "Which item, and optionally when.",
    "The episode.",
    "When (default now)."
);

id_input!(DeleteNodeInput, "What to delete.", "Its ID.");

item_payload!(
    PodcastPayload,
    "Result of a change to a podcast.",
    podcast: Podcast(podcast::Model),
    "The podcast after the change."
);

item_payload!(
    EpisodePayload,
    "Result of a change to an episode.",
    episode: Episode(episode::Model),
    "The episode after the change."
);

impl TryFrom<CreatePodcastInput> for NewPodcast {
    type Error = AppError;

    fn try_from(input: CreatePodcastInput) -> AppResult<Self> {
        Ok(Self {
            channel_id: from_global(&input.channel_id, "Channel")?,
            title: input.title,
            slug: input.slug,
            description: input.description,
            author: input.author,
            owner_name: input.owner_name,
            owner_email: input.owner_email,
            language: input.language,
            itunes_categories: input.itunes_categories.unwrap_or_default(),
            explicit: input.explicit.unwrap_or(false),
            locked: input.locked.unwrap_or(false),
            podcast_type: input.podcast_type,
            visibility: input.visibility,
        })
    }
}

impl UpdatePodcastInput {
    /// The podcast and the changes the service takes.
    pub fn into_changes(self) -> AppResult<(uuid::Uuid, PodcastChanges)> {
        let id = from_global(&self.id, "Podcast")?;
        let changes = PodcastChanges {
            common: CommonChanges {
                title: self.title,
                slug: self.slug,
                description: self.description,
                visibility: self.visibility,
            },
            feed: self.feed,
        };
        Ok((id, changes))
    }
}

impl TryFrom<CreateEpisodeInput> for NewEpisode {
    type Error = AppError;

    fn try_from(input: CreateEpisodeInput) -> AppResult<Self> {
        Ok(Self {
            podcast_id: from_global(&input.podcast_id, "Podcast")?,
            title: input.title,
            slug: input.slug,
            description: input.description,
            guid: input.guid,
            season: input.season,
            number: input.number,
            episode_type: input.episode_type,
            visibility: input.visibility,
            publish_at: input.publish_at,
            unpublish_at: input.unpublish_at,
            tag_ids: ids(input.tag_ids, "Tag")?.unwrap_or_default(),
            chapters: chapters(input.chapters).unwrap_or_default(),
        })
    }
}

impl UpdateEpisodeInput {
    /// The episode and the changes the service takes.
    pub fn into_changes(self) -> AppResult<(uuid::Uuid, EpisodeChanges)> {
        let id = from_global(&self.id, "Episode")?;
        let changes = EpisodeChanges {
            common: CommonChanges {
                title: self.title,
                slug: self.slug,
                description: self.description,
                visibility: self.visibility,
            },
            guid: self.guid,
            season: maybe(self.season, Ok)?,
            number: maybe(self.number, Ok)?,
            episode_type: self.episode_type,
            publish_at: maybe(self.publish_at, Ok)?,
            unpublish_at: maybe(self.unpublish_at, Ok)?,
            tag_ids: ids(self.tag_ids, "Tag")?,
            chapters: chapters(self.chapters),
            comments_enabled: self.comments_enabled,
        };
        Ok((id, changes))
    }
}

impl PodcastFilter {
    /// The service's query.
    pub fn into_query(self) -> AppResult<PodcastQuery> {
        Ok(PodcastQuery {
            channel_id: opt_id(self.channel.as_ref(), "Channel")?,
            language: self.language,
            visibility: self.visibility,
            text: self.text,
        })
    }
}

impl EpisodeFilter {
    /// The service's query; `viewer` is who asks (for `managedByMe`).
    pub fn into_query(self, viewer: &Viewer) -> AppResult<EpisodeQuery> {
        Ok(EpisodeQuery {
            podcast_id: opt_id(self.podcast.as_ref(), "Podcast")?,
            channel_id: opt_id(self.channel.as_ref(), "Channel")?,
            managed_by: self.managed_by_me.unwrap_or(false).then(|| viewer.clone()),
            tag_id: opt_id(self.tag.as_ref(), "Tag")?,
            status: self.status,
            visibility: self.visibility,
            created_after: self.created_after,
            created_before: self.created_before,
            text: self.text,
        })
    }
}
