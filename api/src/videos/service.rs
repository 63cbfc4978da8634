//! Video services: create, change, publish, delete, lookups and lists.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::video;
use crate::channels::entity::channel;
use crate::channels::service::{like_escape, slug_conflict};
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, OrderBy, Page};
use crate::search::{self, SearchKind};
use crate::taxonomy::entity::{category, tag, video_tag};
use crate::visibility::{self, Reach, Status, Viewer, Visibility};

/// Most chapters a video may have.
pub const MAX_CHAPTERS: usize = 500;
/// Most tags an item may carry.
pub const MAX_TAGS: usize = 50;

/// A chapter: a titled start time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Chapter {
    /// Chapter title.
    pub title: String,
    /// Start, in seconds from the beginning.
    pub start_secs: f64,
}

/// What a new video is made of.
#[derive(Debug, Clone)]
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
    /// End of the publish window.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// License name or URL.
    pub license: Option<String>,
    /// Category.
    pub category_id: Option<Uuid>,
    /// Tags.
    pub tag_ids: Vec<Uuid>,
    /// Chapters.
    pub chapters: Vec<Chapter>,
}

/// Changes to a video: `None` leaves a field, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default)]
pub struct VideoChanges {
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
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
}

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

fn check_window(
    publish_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if let (Some(from), Some(until)) = (publish_at, unpublish_at)
        && until <= from
    {
        return Err(AppError::validation(
            "unpublishAt: must be later than publishAt",
        ));
    }
    Ok(())
}

fn check_license(license: Option<String>) -> AppResult<Option<String>> {
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

async fn check_category(db: &impl ConnectionTrait, id: Option<Uuid>) -> AppResult<()> {
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

async fn set_tags(db: &impl ConnectionTrait, video_id: Uuid, tag_ids: &[Uuid]) -> AppResult<()> {
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

async fn index(db: &impl ConnectionTrait, v: &video::Model) -> AppResult<()> {
    search::index(db, SearchKind::Video, v.id, &v.title, &v.description).await
}

/// Creates a video in a channel the caller manages.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewVideo,
) -> AppResult<video::Model> {
    let title = content::title("title", &input.title)?;
    if let Some(s) = input.slug.as_deref() {
        content::slug(s)?;
    }
    let description = content::description(input.description)?;
    let language = input
        .language
        .as_deref()
        .map(content::language)
        .transpose()?;
    let license = check_license(input.license)?;
    check_window(input.publish_at, input.unpublish_at)?;
    let chapters = check_chapters(input.chapters)?;
    let txn = crate::db::begin_write(db).await?;
    if channel::Entity::find_by_id(input.channel_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("channel"));
    }
    visibility::require_manage(&txn, viewer, input.channel_id).await?;
    check_category(&txn, input.category_id).await?;
    let tag_ids = check_tags(&txn, input.tag_ids).await?;
    let slug = content::new_slug::<video::Entity>(
        &txn,
        input.slug.as_deref(),
        &title,
        video::Column::Slug,
        Condition::all().add(video::Column::ChannelId.eq(input.channel_id)),
    )
    .await?;
    let now = Utc::now();
    let model = video::Model {
        id: Uuid::now_v7(),
        channel_id: input.channel_id,
        title,
        slug,
        description,
        // Server-owned: the media pipeline moves it on once a file is attached.
        status: Status::Draft.as_str().into(),
        visibility: input
            .visibility
            .unwrap_or(Visibility::Public)
            .as_str()
            .into(),
        publish_at: input.publish_at,
        unpublish_at: input.unpublish_at,
        duration_secs: None,
        language,
        license,
        category_id: input.category_id,
        view_count: 0,
        trending_score: 0.0,
        chapters,
        source_asset_id: None,
        poster_asset_id: None,
        media_error: None,
        created_at: now,
        updated_at: now,
    };
    let created = video::ActiveModel::from(model.clone())
        .insert(&txn)
        .await
        .map_err(slug_conflict(&model.slug))?;
    set_tags(&txn, created.id, &tag_ids).await?;
    index(&txn, &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// A video by id, if `viewer` manages its channel (`NOT_FOUND`, `FORBIDDEN`).
pub async fn get_managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<video::Model> {
    let current = video::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("video"))?;
    visibility::require_manage(db, viewer, current.channel_id).await?;
    Ok(current)
}

/// Changes a video in a channel the caller manages.
pub async fn update(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: VideoChanges,
) -> AppResult<video::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get_managed(&txn, viewer, id).await?;
    let publish_at = changes.publish_at.unwrap_or(current.publish_at);
    let unpublish_at = changes.unpublish_at.unwrap_or(current.unpublish_at);
    check_window(publish_at, unpublish_at)?;
    let mut active = current.into_active_model();
    if let Some(title) = changes.title {
        active.title = Set(content::title("title", &title)?);
    }
    let mut slug = String::new();
    if let Some(s) = changes.slug {
        slug = content::slug(&s)?;
        active.slug = Set(slug.clone());
    }
    if let Some(d) = changes.description {
        active.description = Set(content::description(Some(d))?);
    }
    if let Some(v) = changes.visibility {
        active.visibility = Set(v.as_str().into());
    }
    active.publish_at = Set(publish_at);
    active.unpublish_at = Set(unpublish_at);
    if let Some(l) = changes.language {
        active.language = Set(l.as_deref().map(content::language).transpose()?);
    }
    if let Some(l) = changes.license {
        active.license = Set(check_license(l)?);
    }
    if let Some(c) = changes.category_id {
        check_category(&txn, c).await?;
        active.category_id = Set(c);
    }
    if let Some(chapters) = changes.chapters {
        active.chapters = Set(check_chapters(chapters)?);
    }
    if let Some(tags) = changes.tag_ids {
        let tags = check_tags(&txn, tags).await?;
        set_tags(&txn, id, &tags).await?;
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await.map_err(slug_conflict(&slug))?;
    index(&txn, &updated).await?;
    txn.commit().await?;
    Ok(updated)
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

/// Publishes a video at `at` (default now) by opening its window; refused while it has no
/// playable media coming (see [`require_publishable`]).
pub async fn publish(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<video::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get_managed(&txn, viewer, id).await?;
    require_publishable("video", &current.status)?;
    let at = at.unwrap_or_else(Utc::now);
    let mut active = current.into_active_model();
    active.publish_at = Set(Some(at));
    active.unpublish_at = Set(None);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Unpublishes a video at `at` (default now) by closing its window.
pub async fn unpublish(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<video::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get_managed(&txn, viewer, id).await?;
    let at = at.unwrap_or_else(Utc::now);
    check_window(current.publish_at, Some(at))?;
    let mut active = current.into_active_model();
    active.unpublish_at = Set(Some(at));
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a video.
pub async fn delete(db: &impl TransactionTrait, viewer: &Viewer, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let current = get_managed(&txn, viewer, id).await?;
    search::remove(&txn, SearchKind::Video, id).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

/// Moves a video to another channel; the caller must manage both (`NOT_FOUND`, `FORBIDDEN`).
/// The slug stays when it is free in the target channel, else the first free `<slug>-<n>` is
/// taken. Playlists that hold the video keep it (see the README): removing it would silently
/// change playlists the editor did not ask to change.
pub async fn move_to_channel(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    channel_id: Uuid,
) -> AppResult<video::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get_managed(&txn, viewer, id).await?;
    if channel::Entity::find_by_id(channel_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("channel"));
    }
    visibility::require_manage(&txn, viewer, channel_id).await?;
    if current.channel_id == channel_id {
        return Ok(current);
    }
    // The current slug is already a valid slug, so as a "title" it yields itself when free in
    // the target channel and `<stem>-<n>` when taken (on PostgreSQL under the same advisory
    // lock as creation, so a concurrent create cannot take it in between).
    let slug = content::new_slug::<video::Entity>(
        &txn,
        None,
        &current.slug,
        video::Column::Slug,
        Condition::all().add(video::Column::ChannelId.eq(channel_id)),
    )
    .await?;
    crate::delivery::daily_views::move_channel_views(
        &txn,
        current.channel_id,
        channel_id,
        current.view_count,
    )
    .await?;
    let mut active = current.into_active_model();
    active.channel_id = Set(channel_id);
    active.slug = Set(slug.clone());
    active.updated_at = Set(Utc::now());
    let moved = active.update(&txn).await.map_err(slug_conflict(&slug))?;
    txn.commit().await?;
    Ok(moved)
}

/// A video by id, if `viewer` may see it.
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<video::Model>> {
    Ok(video::Entity::find_by_id(id)
        .filter(visibility::videos(viewer, Reach::Direct, Utc::now()))
        .one(db)
        .await?)
}

/// A video by channel slug and slug, if `viewer` may see it.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_slug: &str,
    slug: &str,
) -> AppResult<Option<video::Model>> {
    Ok(video::Entity::find()
        .filter(video::Column::Slug.eq(slug))
        .filter(
            video::Column::ChannelId.in_subquery(
                Query::select()
                    .column(channel::Column::Id)
                    .from(channel::Entity)
                    .and_where(channel::Column::Slug.eq(channel_slug))
                    .to_owned(),
            ),
        )
        .filter(visibility::videos(viewer, Reach::Direct, Utc::now()))
        .one(db)
        .await?)
}

/// Videos by id that `viewer` may reach directly (for search results and playlist items).
pub async fn find_many(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: Vec<Uuid>,
    reach: Reach,
) -> AppResult<Vec<video::Model>> {
    Ok(video::Entity::find()
        .filter(video::Column::Id.is_in(ids))
        .filter(visibility::videos(viewer, reach, Utc::now()))
        .all(db)
        .await?)
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
}

/// One page of the videos `viewer` may see in lists.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: VideoQuery,
    order: OrderBy,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<video::Model>> {
    let mut select =
        video::Entity::find().filter(visibility::videos(viewer, Reach::Listed, Utc::now()));
    let mut list = format!("videos:{}", order.as_str());
    if let Some(c) = query.channel_id {
        select = select.filter(video::Column::ChannelId.eq(c));
        // A cursor of one channel's list must not page another channel's.
        list.push_str(&format!(":c{c}"));
    }
    if let Some(manager) = &query.managed_by {
        select = select.filter(
            video::Column::ChannelId.in_subquery(
                Query::select()
                    .column((channel::Entity, channel::Column::Id))
                    .from(channel::Entity)
                    .cond_where(visibility::managed_channels(manager))
                    .to_owned(),
            ),
        );
    }
    if let Some(t) = query.tag_id {
        select = select.filter(
            video::Column::Id.in_subquery(
                Query::select()
                    .column(video_tag::Column::VideoId)
                    .from(video_tag::Entity)
                    .and_where(video_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    if let Some(c) = query.category_id {
        select = select.filter(video::Column::CategoryId.eq(c));
    }
    if let Some(s) = query.status {
        select = select.filter(video::Column::Status.eq(s.as_str()));
    }
    if let Some(v) = query.visibility {
        select = select.filter(video::Column::Visibility.eq(v.as_str()));
    }
    if let Some(l) = query.language {
        select = select.filter(video::Column::Language.eq(l));
    }
    if let Some(t) = query.created_after {
        select = select.filter(video::Column::CreatedAt.gte(t));
    }
    if let Some(t) = query.created_before {
        select = select.filter(video::Column::CreatedAt.lt(t));
    }
    if let Some(text) = query.text.filter(|t| !t.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                video::Entity,
                video::Column::Title,
            ))))
            .like(format!("%{}%", like_escape(&text.to_lowercase()))),
        );
    }
    let (sort, key_of) = super::ranking::sort(order);
    pagination::fetch(db, select, &list, &sort, key_of, first, after).await
}
