//! How a subject ties into the catalogue: who may see or manage it, and which one an upload is
//! for (named by its id, or a draft made in its container before any byte arrives).

use std::collections::HashMap;

use sea_orm::Iterable as _;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use super::{Subject, SubjectKind};
use crate::error::{AppError, AppResult};
use crate::podcasts::service::{NewEpisode, create_episode};
use crate::videos::entity::video;
use crate::videos::service::NewVideo;
use crate::visibility::Viewer;

impl SubjectKind {
    /// The `Upload-Metadata` key that names an existing item of this kind.
    pub fn metadata_key(self) -> &'static str {
        match self {
            Self::Video => "videoId",
            Self::Episode => "episodeId",
        }
    }

    /// The `Upload-Metadata` key and GraphQL type of the container a new draft goes into.
    pub fn container(self) -> (&'static str, &'static str) {
        match self {
            Self::Video => ("channelId", "Channel"),
            Self::Episode => ("podcastId", "Podcast"),
        }
    }
}

/// Checks that `who` may manage the subject (`manage`) or only see it; a subject they may not
/// see is `NOT_FOUND`.
pub async fn check(
    db: &impl ConnectionTrait,
    who: &Viewer,
    subject: Subject,
    manage: bool,
) -> AppResult<()> {
    match (subject, manage) {
        (Subject::Video(id), true) => {
            crate::videos::service::get_managed(db, who, id).await?;
        }
        (Subject::Video(id), false) => {
            crate::content::find::<video::Entity>(db, who, id)
                .await?
                .ok_or(AppError::NotFound("video"))?;
        }
        (Subject::Episode(id), true) => {
            crate::podcasts::service::episode_managed(db, who, id).await?;
        }
        (Subject::Episode(id), false) => {
            crate::podcasts::service::find_episode(db, who, id)
                .await?
                .ok_or(AppError::NotFound("episode"))?;
        }
    }
    Ok(())
}

/// A new draft of `kind` titled `title` in the container `container` (a channel, a podcast).
async fn create_draft(
    db: &DatabaseConnection,
    uploader: &Viewer,
    kind: SubjectKind,
    container: Uuid,
    title: String,
) -> AppResult<Subject> {
    Ok(match kind {
        SubjectKind::Video => {
            let new = NewVideo {
                channel_id: container,
                title,
                ..NewVideo::default()
            };
            Subject::Video(crate::videos::service::create(db, uploader, new).await?.id)
        }
        SubjectKind::Episode => {
            let new = NewEpisode {
                podcast_id: container,
                title,
                ..NewEpisode::default()
            };
            Subject::Episode(create_episode(db, uploader, new).await?.id)
        }
    })
}

/// The subject an upload is for, checked against what the uploader may manage. The metadata
/// names an existing draft (`videoId`, `episodeId`) or a container to make one in
/// (`channelId`, `podcastId`), titled after `title` or the file name; drafts are made here,
/// before any byte arrives, so editors see them at once. Without any, `None`: a free-standing
/// asset.
pub async fn upload_target(
    db: &DatabaseConnection,
    uploader: &Viewer,
    metadata: &HashMap<String, String>,
    filename: &str,
) -> AppResult<Option<Subject>> {
    enum Named {
        Item(SubjectKind),
        Container(SubjectKind),
    }
    let keys: Vec<(&str, Named)> = SubjectKind::iter()
        .map(|k| (k.metadata_key(), Named::Item(k)))
        .chain(SubjectKind::iter().map(|k| (k.container().0, Named::Container(k))))
        .collect();
    let mut named = keys.iter().filter(|(key, _)| metadata.contains_key(*key));
    let Some((key, what)) = named.next() else {
        return Ok(None);
    };
    if named.next().is_some() {
        let given: Vec<&str> = keys
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| metadata.contains_key(*k))
            .collect();
        let all: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        let (last, rest) = all.split_last().unwrap_or((&"", &[]));
        return Err(AppError::validation(format!(
            "Upload-Metadata: give one of {} or {last}, not {}",
            rest.join(", "),
            given.join(" and ")
        )));
    }
    let global = |typename: &str| -> AppResult<Uuid> {
        let raw = metadata.get(*key).map(String::as_str).unwrap_or_default();
        crate::graphql::relay::from_global(&raw.into(), typename)
    };
    match what {
        Named::Item(kind) => {
            let subject = Subject::new(*kind, global(kind.typename())?);
            check(db, uploader, subject, true).await?;
            Ok(Some(subject))
        }
        Named::Container(kind) => {
            let container = global(kind.container().1)?;
            let title = draft_title(metadata, filename);
            Ok(Some(
                create_draft(db, uploader, *kind, container, title).await?,
            ))
        }
    }
}

/// The title of a draft made for an upload: `title`, or the file name without its extension.
fn draft_title(metadata: &HashMap<String, String>, filename: &str) -> String {
    let raw = metadata.get("title").cloned().unwrap_or_else(|| {
        // "My talk.final.mp4" → "My talk.final"
        match filename.rsplit_once('.') {
            Some((stem, _)) if !stem.trim().is_empty() => stem.to_string(),
            _ => filename.to_string(),
        }
    });
    let trimmed: String = raw.trim().chars().take(200).collect();
    if trimmed.is_empty() {
        "Untitled upload".into()
    } else {
        trimmed
    }
}
