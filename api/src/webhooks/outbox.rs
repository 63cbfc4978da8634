//! The outbox: an event row written in the same transaction as the change that causes it, so
//! nothing is sent for a change that rolled back and nothing is lost when a process dies after
//! the commit. The sender ([`super::sender`]) turns each event into deliveries.
//!
//! Service functions call the typed helpers here (`video`, `episode`, `media`) with the
//! transaction they write in; resolvers never do.

use chrono::Utc;
use sea_orm::{ActiveModelTrait as _, ConnectionTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::entity::outbox_event;
use crate::channels::entity::channel;
use crate::community::entity::comment;
use crate::error::AppResult;
use crate::graphql::relay::to_global;
use crate::media::entity::{media_output, upload};
use crate::media::subject::Subject;
use crate::playlists::entity::playlist;
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;

/// Every event type an endpoint may subscribe to.
pub const EVENT_TYPES: &[&str] = &[
    "video.created",
    "video.updated",
    "video.deleted",
    "video.published",
    "video.unpublished",
    "video.media.processing",
    "video.media.playable",
    "video.media.ready",
    "video.media.failed",
    "video.rendition.ready",
    "video.captions.ready",
    "episode.created",
    "episode.updated",
    "episode.deleted",
    "episode.published",
    "episode.unpublished",
    "episode.media.processing",
    "episode.media.playable",
    "episode.media.ready",
    "episode.media.failed",
    "episode.rendition.ready",
    "playlist.created",
    "playlist.updated",
    "playlist.deleted",
    "channel.created",
    "channel.updated",
    "channel.deleted",
    "podcast.created",
    "podcast.updated",
    "podcast.deleted",
    "upload.created",
    "upload.completed",
    "upload.rejected",
    "upload.cancelled",
    "upload.expired",
    "upload.failed",
    "comment.created",
    "comment.updated",
    "comment.deleted",
];

/// What happened to an item (the middle of its event type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// `created`.
    Created,
    /// `updated`.
    Updated,
    /// `deleted`.
    Deleted,
    /// `published`.
    Published,
    /// `unpublished`.
    Unpublished,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }
}

/// Writes one event with `data` (which carries at least the item's global `id`).
pub async fn record(db: &impl ConnectionTrait, event_type: &str, data: Value) -> AppResult<()> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let payload = json!({
        "type": event_type,
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    outbox_event::ActiveModel {
        id: Set(id),
        event_type: Set(event_type.into()),
        payload: Set(payload.to_string()),
        created_at: Set(now),
        dispatched_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records `video.<change>` for `v` as it is after the change.
pub async fn video(db: &impl ConnectionTrait, change: Change, v: &video::Model) -> AppResult<()> {
    let data = json!({
        "id": to_global("Video", v.id),
        "channelId": to_global("Channel", v.channel_id),
        "title": v.title,
        "slug": v.slug,
        "status": v.status.to_uppercase(),
        "visibility": v.visibility.to_uppercase(),
        "publishAt": v.publish_at,
        "unpublishAt": v.unpublish_at,
        "durationSecs": v.duration_secs,
    });
    record(db, &format!("video.{}", change.as_str()), data).await
}

/// Records `episode.<change>` for `e` as it is after the change.
pub async fn episode(
    db: &impl ConnectionTrait,
    change: Change,
    e: &episode::Model,
) -> AppResult<()> {
    let data = json!({
        "id": to_global("Episode", e.id),
        "podcastId": to_global("Podcast", e.podcast_id),
        "title": e.title,
        "slug": e.slug,
        "guid": e.guid,
        "status": e.status.to_uppercase(),
        "visibility": e.visibility.to_uppercase(),
        "publishAt": e.publish_at,
        "unpublishAt": e.unpublish_at,
        "durationSecs": e.duration_secs,
    });
    record(db, &format!("episode.{}", change.as_str()), data).await
}

/// Records `playlist.<change>` (`created`, `updated`, including a change of its items,
/// `deleted`) for `p` as it is after the change.
pub async fn playlist(
    db: &impl ConnectionTrait,
    change: Change,
    p: &playlist::Model,
) -> AppResult<()> {
    let data = json!({
        "id": to_global("Playlist", p.id),
        "channelId": to_global("Channel", p.channel_id),
        "title": p.title,
        "slug": p.slug,
        "visibility": p.visibility.to_uppercase(),
    });
    record(db, &format!("playlist.{}", change.as_str()), data).await
}

/// Records `channel.<change>` (`created`, `updated`, `deleted`) for `c`. Deleting a channel
/// deletes what is in it without an event for each item.
pub async fn channel(
    db: &impl ConnectionTrait,
    change: Change,
    c: &channel::Model,
) -> AppResult<()> {
    let data = json!({
        "id": to_global("Channel", c.id),
        "name": c.name,
        "slug": c.slug,
    });
    record(db, &format!("channel.{}", change.as_str()), data).await
}

/// Records `podcast.<change>` (`created`, `updated`, `deleted`) for `p`. Deleting a podcast
/// deletes its episodes without an event for each.
pub async fn podcast(
    db: &impl ConnectionTrait,
    change: Change,
    p: &podcast::Model,
) -> AppResult<()> {
    let data = json!({
        "id": to_global("Podcast", p.id),
        "channelId": to_global("Channel", p.channel_id),
        "title": p.title,
        "slug": p.slug,
        "visibility": p.visibility.to_uppercase(),
    });
    record(db, &format!("podcast.{}", change.as_str()), data).await
}

/// Records `<kind>.media.<outcome>` (`processing`, `ready`, `failed`) for a subject whose media
/// state just changed; `error` is the reason shown to editors.
pub async fn media(
    db: &impl ConnectionTrait,
    subject: Subject,
    outcome: &str,
    duration_secs: Option<f64>,
    error: Option<&str>,
) -> AppResult<()> {
    let data = json!({
        "id": subject.global_id(),
        "mediaStatus": outcome.to_uppercase(),
        "durationSecs": duration_secs,
        "error": error,
    });
    let event_type = format!("{}.media.{outcome}", subject.kind().as_str());
    record(db, &event_type, data).await
}

/// Records `<kind>.media.playable` for a subject whose new media can be played from now on, while
/// the rest is still being made: a video's master playlist lists a segment of every rung. The
/// status is still `PROCESSING`; `.media.ready` follows when everything is made.
pub async fn playable(db: &impl ConnectionTrait, subject: Subject) -> AppResult<()> {
    let data = json!({
        "id": subject.global_id(),
        "mediaStatus": "PROCESSING",
        "playable": true,
    });
    record(
        db,
        &format!("{}.media.playable", subject.kind().as_str()),
        data,
    )
    .await
}

/// Records `<kind>.rendition.ready` for one finished rendition of a subject's media: a rung of a
/// video's HLS ladder (`720p`) or an episode's audio file (`m4a`, `mp3`).
pub async fn rendition(
    db: &impl ConnectionTrait,
    subject: Subject,
    output: &media_output::Model,
) -> AppResult<()> {
    let data = json!({
        "id": subject.global_id(),
        "name": output.name,
        "kind": output.kind.to_uppercase(),
        "contentType": output.content_type,
        "width": output.width,
        "height": output.height,
        "bitrate": output.bitrate,
        "bytes": output.bytes,
        "durationSecs": output.duration_secs,
    });
    record(
        db,
        &format!("{}.rendition.ready", subject.kind().as_str()),
        data,
    )
    .await
}

/// Records `video.captions.ready` when a video's captions in `language` are stored and listed
/// in its master playlist (a replacement in the same language sends it again).
pub async fn captions(db: &impl ConnectionTrait, video: Uuid, language: &str) -> AppResult<()> {
    let data = json!({
        "id": to_global("Video", video),
        "language": language,
    });
    record(db, "video.captions.ready", data).await
}

/// Records `upload.<what>` (`created`, `completed`, `rejected`, `cancelled`, `expired`,
/// `failed`) for `u` as it is after the change: the item it is for (a video or episode, when it
/// names one) and why it was refused.
pub async fn upload(db: &impl ConnectionTrait, what: &str, u: &upload::Model) -> AppResult<()> {
    let target = u.target();
    let data = json!({
        "id": to_global("Upload", u.id),
        "filename": u.filename,
        "length": u.length,
        "status": u.status.to_uppercase(),
        "error": u.error,
        "itemId": target.map(|t| t.global_id()),
    });
    record(db, &format!("upload.{what}"), data).await
}

/// Records `comment.<change>` (`created`; `updated` when its author edits it or a moderator
/// changes its status; `deleted`, once for a comment deleted with its replies) for `c` as it
/// is after the change.
pub async fn comment(
    db: &impl ConnectionTrait,
    change: Change,
    c: &comment::Model,
) -> AppResult<()> {
    let item = match (c.video_id, c.episode_id) {
        (Some(v), _) => Some(to_global("Video", v)),
        (None, Some(e)) => Some(to_global("Episode", e)),
        (None, None) => None,
    };
    let data = json!({
        "id": to_global("Comment", c.id),
        "itemId": item,
        "parentId": c.parent_id.map(|p| to_global("Comment", p)),
        "authorId": c.author_id.map(|a| to_global("User", a)),
        "body": c.body,
        "status": c.status.to_uppercase(),
        "createdAt": c.created_at,
        "editedAt": c.edited_at,
    });
    record(db, &format!("comment.{}", change.as_str()), data).await
}
