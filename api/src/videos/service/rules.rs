//! What a video's fields must be: chapters, license, category, tags, and when it may be
//! published.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::Chapter;

use crate::content;
use crate::error::{AppError, AppResult};
use crate::taxonomy::entity::{category, tag, video_tag};
use crate::videos::entity::video;
use crate::visibility::Status;

/// Most chapters a video may have.
pub const MAX_CHAPTERS: usize = 500;
/// Most tags an item may carry.
pub const MAX_TAGS: usize = 50;

/// Checks chapters (at most [`MAX_CHAPTERS`], start times from zero and increasing, titles
/// valid) and encodes them for storage; videos and episodes store them alike.
pub fn check_chapters(chapters: Vec<Chapter>) -> AppResult<String> {
    if chapters.len() > MAX_CHAPTERS {
        return Err(AppError::validation(format!(
            "chapters: at most {MAX_CHAPTERS} chapters"
        )));
    }
    let mut checked = Vec::with_capacity(chapters.len());
    let mut last = -1.0;
    for chapter in chapters {
        if !chapter.start_secs.is_finite() || chapter.start_secs < 0.0 {
            return Err(AppError::validation(
                "chapters: start times must be zero or more seconds",
            ));
        }
        if chapter.start_secs <= last {
            return Err(AppError::validation("chapters: start times must increase"));
        }
        last = chapter.start_secs;
        checked.push(Chapter {
            title: content::title("chapters.title", &chapter.title)?,
            start_secs: chapter.start_secs,
        });
    }
    serde_json::to_string(&checked).map_err(AppError::internal)
}

/// Parses the stored chapters.
pub fn chapters_of(model: &video::Model) -> Vec<Chapter> {
    serde_json::from_str(&model.chapters).unwrap_or_default()
}

/// A license trimmed (empty: none), at most 100 characters (`VALIDATION`).
pub fn check_license(license: Option<String>) -> AppResult<Option<String>> {
    match license
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
    {
        Some(l) if l.chars().count() > 100 => Err(AppError::validation(
            "license: must be at most 100 characters",
        )),
        other => Ok(other),
    }
}

/// The category, if named, must exist (`NOT_FOUND`).
pub async fn check_category(db: &impl ConnectionTrait, id: Option<Uuid>) -> AppResult<()> {
    if let Some(id) = id
        && category::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::NotFound("category"));
    }
    Ok(())
}

/// Checks the tags exist (at most [`MAX_TAGS`], duplicates removed).
pub async fn check_tags(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> AppResult<Vec<Uuid>> {
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    if ids.len() > MAX_TAGS {
        return Err(AppError::validation(format!(
            "tags: at most {MAX_TAGS} tags"
        )));
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = tag::Entity::find()
        .filter(tag::Column::Id.is_in(ids.clone()))
        .count(db)
        .await?;
    if found as usize != ids.len() {
        return Err(AppError::NotFound("tag"));
    }
    Ok(ids)
}

pub(super) async fn set_tags(
    db: &impl ConnectionTrait,
    video_id: Uuid,
    tag_ids: &[Uuid],
) -> AppResult<()> {
    video_tag::Entity::delete_many()
        .filter(video_tag::Column::VideoId.eq(video_id))
        .exec(db)
        .await?;
    if !tag_ids.is_empty() {
        video_tag::Entity::insert_many(tag_ids.iter().map(|t| video_tag::ActiveModel {
            video_id: Set(video_id),
            tag_id: Set(*t),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Refuses to publish an item whose media will not play: none yet (`DRAFT`) or its only media
/// failed (`FAILED`). Media still processing is accepted: the item goes out once it is ready,
/// since the public rule asks for `READY` too.
pub fn require_publishable(kind: &str, status: &str) -> AppResult<()> {
    match Status::parse(status)? {
        Status::Ready | Status::Processing => Ok(()),
        Status::Draft => Err(AppError::validation(format!(
            "this {kind} has no media yet: upload a file before publishing it"
        ))),
        Status::Failed => Err(AppError::validation(format!(
            "this {kind}'s media could not be processed: upload a new file before publishing it"
        ))),
    }
}
