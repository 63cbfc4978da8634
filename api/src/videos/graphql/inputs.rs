//! The inputs, filters and payloads of video operations, and how each becomes what the
//! service takes.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};

use super::{ChapterInput, Video};
use crate::content::CommonChanges;
use crate::error::{AppError, AppResult};
use crate::graphql::relay::from_global;
use crate::graphql::shapes::{at_input, id_input, ids, item_payload, maybe, opt_id};
use crate::videos::entity::video;
use crate::videos::service::{Chapter, NewVideo, VideoChanges, VideoDetails, VideoQuery};
use crate::visibility::{Status, Viewer, Visibility};

/// Filters of video lists; all given filters must match.
#[derive(InputObject, Debug, Default, Clone)]
pub struct VideoFilter {
    /// Only this channel's videos.
    pub channel: Option<ID>,
    /// Only videos with this tag.
    pub tag: Option<ID>,
    /// Only videos in this category.
    pub category: Option<ID>,
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
    /// Only videos of the channels the caller may manage (drafts and private ones included, as
    /// for any list a manager reads); nothing for callers who manage no channel.
    pub managed_by_me: Option<bool>,
}

impl VideoFilter {
    /// The service's query; `viewer` is who asks (for `managedByMe`).
    pub fn into_query(self, viewer: &Viewer) -> AppResult<VideoQuery> {
        Ok(VideoQuery {
            channel_id: opt_id(self.channel.as_ref(), "Channel")?,
            tag_id: opt_id(self.tag.as_ref(), "Tag")?,
            category_id: opt_id(self.category.as_ref(), "Category")?,
            status: self.status,
            visibility: self.visibility,
            language: self.language,
            created_after: self.created_after,
            created_before: self.created_before,
            text: self.text,
            managed_by: self.managed_by_me.unwrap_or(false).then(|| viewer.clone()),
            without_texts: false,
            card_only: false,
        })
    }
}

/// Chapters as the service takes them (videos and episodes alike).
pub fn chapters(list: Option<Vec<ChapterInput>>) -> Option<Vec<Chapter>> {
    list.map(|c| c.into_iter().map(Chapter::from).collect())
}

/// A new video.
#[derive(InputObject, Debug)]
pub struct CreateVideoInput {
    /// The channel to publish it in.
    pub channel_id: ID,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Slug, unique within the channel; made from the title when absent.
    pub slug: Option<String>,
    /// Markdown; stored as written, rendered safe.
    pub description: Option<String>,
    /// Defaults to PUBLIC (it stays hidden until its media is ready and it is published).
    pub visibility: Option<Visibility>,
    /// Start of the publish window: the video goes out then, once its media is ready. Absent:
    /// unpublished until `publishVideo`.
    pub publish_at: Option<DateTime<Utc>>,
    /// The window's end, language, license, category, tags and chapters.
    #[graphql(flatten)]
    pub details: VideoDetailsInput,
}

/// The last fields of `CreateVideoInput` and of `DirectUploadVideoInput` (which flatten it):
/// what a new video may be given besides its channel, text, visibility and window start.
#[derive(InputObject, Debug, Default)]
pub struct VideoDetailsInput {
    /// End of the publish window.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// License name or URL.
    pub license: Option<String>,
    /// Category.
    pub category_id: Option<ID>,
    /// Tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Chapters in increasing order of start time.
    pub chapters: Option<Vec<ChapterInput>>,
}

impl TryFrom<VideoDetailsInput> for VideoDetails {
    type Error = AppError;

    fn try_from(input: VideoDetailsInput) -> AppResult<Self> {
        Ok(Self {
            unpublish_at: input.unpublish_at,
            language: input.language,
            license: input.license,
            category_id: opt_id(input.category_id.as_ref(), "Category")?,
            tag_ids: ids(input.tag_ids, "Tag")?.unwrap_or_default(),
            chapters: chapters(input.chapters).unwrap_or_default(),
        })
    }
}

/// Changes to a video; absent fields stay, null clears a nullable field.
#[derive(InputObject, Debug)]
pub struct UpdateVideoInput {
    /// The video.
    pub id: ID,
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description (Markdown).
    pub description: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New window start (null: unpublished).
    pub publish_at: MaybeUndefined<DateTime<Utc>>,
    /// New window end (null: open-ended).
    pub unpublish_at: MaybeUndefined<DateTime<Utc>>,
    /// New language.
    pub language: MaybeUndefined<String>,
    /// New license.
    pub license: MaybeUndefined<String>,
    /// New category.
    pub category_id: MaybeUndefined<ID>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<ID>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<ChapterInput>>,
    /// Turns comments on or off (absent or null: unchanged).
    pub comments_enabled: Option<bool>,
    /// Its own playback restriction, overriding its channel's (absent: unchanged; null: the
    /// channel's applies; `allowedDomains: []`: anyone may play it).
    pub playback_restriction: MaybeUndefined<crate::delivery::referrer::PlaybackRestrictionInput>,
    /// Whether its MP4 and M4A downloads are made and offered, overriding its channel's
    /// setting (absent: unchanged; null: the channel's applies).
    pub downloads_enabled: MaybeUndefined<bool>,
}

at_input!(
    PublishVideoInput,
    "Which video, and optionally when.",
    "The video.",
    "When (default: now). A future time schedules it."
);

id_input!(DeleteVideoInput, "Which video to delete.", "The video.");

item_payload!(
    VideoPayload,
    "Result of a change to a video.",
    video: Video(video::Model),
    "The video after the change."
);

/// Which video to move, and where.
#[derive(InputObject, Debug)]
pub struct MoveVideoInput {
    /// The video.
    pub id: ID,
    /// The channel to move it to; the caller must manage both channels.
    pub channel_id: ID,
}

impl TryFrom<CreateVideoInput> for NewVideo {
    type Error = AppError;

    fn try_from(input: CreateVideoInput) -> AppResult<Self> {
        Ok(Self {
            channel_id: from_global(&input.channel_id, "Channel")?,
            title: input.title,
            slug: input.slug,
            description: input.description,
            visibility: input.visibility,
            publish_at: input.publish_at,
            details: VideoDetails::try_from(input.details)?,
        })
    }
}

impl UpdateVideoInput {
    /// The video and the changes the service takes.
    pub fn into_changes(self) -> AppResult<(uuid::Uuid, VideoChanges)> {
        let id = from_global(&self.id, "Video")?;
        let changes = VideoChanges {
            common: CommonChanges {
                title: self.title,
                slug: self.slug,
                description: self.description,
                visibility: self.visibility,
            },
            publish_at: maybe(self.publish_at, Ok)?,
            unpublish_at: maybe(self.unpublish_at, Ok)?,
            language: maybe(self.language, Ok)?,
            license: maybe(self.license, Ok)?,
            category_id: maybe(self.category_id, |id| from_global(&id, "Category"))?,
            tag_ids: ids(self.tag_ids, "Tag")?,
            chapters: chapters(self.chapters),
            comments_enabled: self.comments_enabled,
            playback_restriction: maybe(self.playback_restriction, Ok)?,
            downloads_enabled: maybe(self.downloads_enabled, Ok)?,
        };
        Ok((id, changes))
    }
}
