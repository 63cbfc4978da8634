//! Creating and changing episodes, with the rules of their GUID, season and episode numbers,
//! and publish window (publishing, unpublishing and deleting one are `content::item`'s, over
//! what this file declares of episodes).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::shows::podcast_managed;
use super::{EpisodeChanges, NewEpisode};
use crate::content;
use crate::error::{AppError, AppResult};
use crate::podcasts::EpisodeType;
use crate::podcasts::entity::episode;
use crate::search::SearchKind;
use crate::taxonomy::entity::episode_tag;
use crate::videos::service::{Chapter, check_chapters, check_tags};
use crate::visibility::{Status, Viewer, Visibility};
use crate::webhooks::outbox::{self, Change};

content::item!(
    episode,
    node: "Episode",
    search: SearchKind::Episode,
    record: outbox::episode,
    managed: episode_managed,
    media: Episode,
    window: "episode",
    published: first_publication,
);

/// What publishing an episode at `at` sets besides its window: the time of its first
/// publication, if this is it (from then on its GUID is frozen).
fn first_publication(active: &mut episode::ActiveModel, at: DateTime<Utc>) {
    if active
        .first_published_at
        .try_as_ref()
        .is_some_and(Option::is_none)
    {
        active.first_published_at = Set(first_published(Some(at)));
    }
}

/// Parses an episode's stored chapters.
pub fn episode_chapters(model: &episode::Model) -> Vec<Chapter> {
    serde_json::from_str(&model.chapters).unwrap_or_default()
}

fn check_guid(raw: &str) -> AppResult<String> {
    let guid = raw.trim();
    if guid.is_empty() || guid.len() > 200 || guid.chars().any(char::is_control) {
        return Err(AppError::validation(
            "guid: must be 1 to 200 characters without control characters",
        ));
    }
    Ok(guid.to_string())
}

fn check_positive(field: &str, n: Option<i32>) -> AppResult<Option<i32>> {
    match n {
        Some(v) if v < 0 => Err(AppError::validation(format!(
            "{field}: must not be negative"
        ))),
        other => Ok(other),
    }
}

/// When the episode counts as published for the first time, if its window is open now. The
/// GUID freezes then even if the media is still processing: the episode may reach feeds any
/// moment after, when the pipeline marks it ready.
fn first_published(publish_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    publish_at.filter(|at| *at <= Utc::now())
}

async fn set_tags(db: &impl ConnectionTrait, episode_id: Uuid, tag_ids: &[Uuid]) -> AppResult<()> {
    episode_tag::Entity::delete_many()
        .filter(episode_tag::Column::EpisodeId.eq(episode_id))
        .exec(db)
        .await?;
    if !tag_ids.is_empty() {
        episode_tag::Entity::insert_many(tag_ids.iter().map(|t| episode_tag::ActiveModel {
            episode_id: Set(episode_id),
            tag_id: Set(*t),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Creates an episode of a podcast the caller manages.
pub async fn create_episode(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewEpisode,
) -> AppResult<episode::Model> {
    let (title, description) =
        content::new_text(&input.title, input.slug.as_deref(), input.description)?;
    let id = Uuid::now_v7();
    let guid = match input.guid {
        Some(g) => check_guid(&g)?,
        None => format!("urn:uuid:{id}"),
    };
    content::check_window(input.publish_at, input.unpublish_at)?;
    let chapters = check_chapters(input.chapters)?;
    let txn = crate::db::begin_write(db).await?;
    podcast_managed(&txn, viewer, input.podcast_id).await?;
    let tags = check_tags(&txn, input.tag_ids).await?;
    let slug = content::free_slug::<episode::Entity>(
        &txn,
        input.slug.as_deref(),
        &title,
        episode::Column::PodcastId,
        input.podcast_id,
    )
    .await?;
    // Server-owned: the media pipeline moves it on once a file is attached.
    let status = Status::Draft.as_str();
    let now = Utc::now();
    let created = episode::ActiveModel {
        id: Set(id),
        podcast_id: Set(input.podcast_id),
        title: Set(title),
        slug: Set(slug.clone()),
        description: Set(description),
        guid: Set(guid),
        media_asset_id: Set(None),
        duration_secs: Set(None),
        season: Set(check_positive("season", input.season)?),
        number: Set(check_positive("number", input.number)?),
        episode_type: Set(input
            .episode_type
            .unwrap_or(EpisodeType::Full)
            .as_str()
            .into()),
        status: Set(status.into()),
        visibility: Set(Visibility::of_new(input.visibility)),
        publish_at: Set(input.publish_at),
        unpublish_at: Set(input.unpublish_at),
        first_published_at: Set(first_published(input.publish_at)),
        media_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        chapters: Set(chapters),
        like_count: Set(0),
        comment_count: Set(0),
        comments_enabled: Set(true),
    }
    .insert(&txn)
    .await?;
    set_tags(&txn, id, &tags).await?;
    content::item::commit::<episode::Entity>(txn, created, Change::Created).await
}

/// An episode by id, if `viewer` manages its podcast's channel (`NOT_FOUND`, `FORBIDDEN`).
pub async fn episode_managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<episode::Model> {
    let current = episode::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("episode"))?;
    podcast_managed(db, viewer, current.podcast_id).await?;
    Ok(current)
}

/// Changes an episode. Its GUID can change only until it is first published.
pub async fn update_episode(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: EpisodeChanges,
) -> AppResult<episode::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = episode_managed(&txn, viewer, id).await?;
    let publish_at = changes.publish_at.unwrap_or(current.publish_at);
    let unpublish_at = changes.unpublish_at.unwrap_or(current.unpublish_at);
    content::check_window(publish_at, unpublish_at)?;
    let chapters = changes.chapters.map(check_chapters).transpose()?;
    let was_published = current.first_published_at.is_some();
    let mut active = current.clone().into_active_model();
    if let Some(c) = chapters {
        active.chapters = Set(c);
    }
    if let Some(g) = changes.guid {
        let g = check_guid(&g)?;
        if g != current.guid {
            if was_published {
                return Err(AppError::validation(
                    "guid: cannot change once the episode has been published (podcast apps \
                     would list it twice)",
                ));
            }
            active.guid = Set(g);
        }
    }
    let slug = content::set_text(&mut active, changes.common)?;
    if let Some(s) = changes.season {
        active.season = Set(check_positive("season", s)?);
    }
    if let Some(n) = changes.number {
        active.number = Set(check_positive("number", n)?);
    }
    if let Some(t) = changes.episode_type {
        active.episode_type = Set(t.as_str().into());
    }
    if let Some(enabled) = changes.comments_enabled {
        active.comments_enabled = Set(enabled);
    }
    active.publish_at = Set(publish_at);
    active.unpublish_at = Set(unpublish_at);
    if !was_published {
        active.first_published_at = Set(first_published(publish_at));
    }
    if let Some(tags) = changes.tag_ids {
        let tags = check_tags(&txn, tags).await?;
        set_tags(&txn, id, &tags).await?;
    }
    content::item::save::<episode::Entity>(txn, active, &slug).await
}
