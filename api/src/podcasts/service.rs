//! Podcast and episode services.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{episode, podcast};
use super::itunes::{self, ItunesCategory};
use super::{EpisodeType, PodcastType};
use crate::accounts::service::normalize_email;
use crate::channels::entity::channel;
use crate::channels::service::{like_escape, slug_conflict};
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, Key, OrderBy, Page, Sort};
use crate::search::{self, SearchKind};
use crate::taxonomy::entity::episode_tag;
use crate::videos::service::{Chapter, check_chapters, check_tags};
use crate::visibility::{self, EpisodeScope, Reach, Status, Viewer, Visibility};

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
    pub itunes_categories: Option<Vec<ItunesCategory>>,
    /// New explicit flag.
    pub explicit: Option<bool>,
    /// New `podcast:locked`.
    pub locked: Option<bool>,
    /// New type.
    pub podcast_type: Option<PodcastType>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

async fn index_podcast(db: &impl ConnectionTrait, p: &podcast::Model) -> AppResult<()> {
    search::index(db, SearchKind::Podcast, p.id, &p.title, &p.description).await
}

async fn index_episode(db: &impl ConnectionTrait, e: &episode::Model) -> AppResult<()> {
    search::index(db, SearchKind::Episode, e.id, &e.title, &e.description).await
}

/// Creates a podcast in a channel the caller manages.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewPodcast,
) -> AppResult<podcast::Model> {
    let title = content::title("title", &input.title)?;
    if let Some(s) = input.slug.as_deref() {
        content::slug(s)?;
    }
    let description = content::description(input.description)?;
    let author = content::title("author", &input.author)?;
    let owner_name = content::title("ownerName", &input.owner_name)?;
    let owner_email = normalize_email(&input.owner_email)
        .map_err(|_| AppError::validation("ownerEmail: not a valid email address"))?;
    let language = content::language(&input.language)?;
    let categories = itunes::check(&input.itunes_categories)?;
    let txn = crate::db::begin_write(db).await?;
    if channel::Entity::find_by_id(input.channel_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("channel"));
    }
    visibility::require_manage(&txn, viewer, input.channel_id).await?;
    let slug = content::new_slug::<podcast::Entity>(
        &txn,
        input.slug.as_deref(),
        &title,
        podcast::Column::Slug,
        Condition::all().add(podcast::Column::ChannelId.eq(input.channel_id)),
    )
    .await?;
    let now = Utc::now();
    let created = podcast::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel_id: Set(input.channel_id),
        title: Set(title),
        slug: Set(slug.clone()),
        description: Set(description),
        author: Set(author),
        owner_name: Set(owner_name),
        owner_email: Set(owner_email),
        artwork_asset_id: Set(None),
        language: Set(language),
        itunes_categories: Set(categories),
        explicit: Set(input.explicit),
        locked: Set(input.locked),
        podcast_type: Set(input
            .podcast_type
            .unwrap_or(PodcastType::Episodic)
            .as_str()
            .into()),
        visibility: Set(input
            .visibility
            .unwrap_or(Visibility::Public)
            .as_str()
            .into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(slug_conflict(&slug))?;
    index_podcast(&txn, &created).await?;
    txn.commit().await?;
    Ok(created)
}

async fn podcast_managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<podcast::Model> {
    let current = podcast::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("podcast"))?;
    visibility::require_manage(db, viewer, current.channel_id).await?;
    Ok(current)
}

/// Changes a podcast.
pub async fn update(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: PodcastChanges,
) -> AppResult<podcast::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = podcast_managed(&txn, viewer, id).await?;
    let mut active = current.into_active_model();
    if let Some(t) = changes.title {
        active.title = Set(content::title("title", &t)?);
    }
    let mut slug = String::new();
    if let Some(s) = changes.slug {
        slug = content::slug(&s)?;
        active.slug = Set(slug.clone());
    }
    if let Some(d) = changes.description {
        active.description = Set(content::description(Some(d))?);
    }
    if let Some(a) = changes.author {
        active.author = Set(content::title("author", &a)?);
    }
    if let Some(n) = changes.owner_name {
        active.owner_name = Set(content::title("ownerName", &n)?);
    }
    if let Some(e) = changes.owner_email {
        active.owner_email = Set(normalize_email(&e)
            .map_err(|_| AppError::validation("ownerEmail: not a valid email address"))?);
    }
    if let Some(l) = changes.language {
        active.language = Set(content::language(&l)?);
    }
    if let Some(c) = changes.itunes_categories {
        active.itunes_categories = Set(itunes::check(&c)?);
    }
    if let Some(l) = changes.locked {
        active.locked = Set(l);
    }
    if let Some(e) = changes.explicit {
        active.explicit = Set(e);
    }
    if let Some(t) = changes.podcast_type {
        active.podcast_type = Set(t.as_str().into());
    }
    if let Some(v) = changes.visibility {
        active.visibility = Set(v.as_str().into());
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await.map_err(slug_conflict(&slug))?;
    index_podcast(&txn, &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a podcast and its episodes.
pub async fn delete(db: &impl TransactionTrait, viewer: &Viewer, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let current = podcast_managed(&txn, viewer, id).await?;
    search::remove_podcast(&txn, id).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

/// A podcast by id, if `viewer` may see it.
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<podcast::Model>> {
    Ok(podcast::Entity::find_by_id(id)
        .filter(visibility::podcasts(viewer, Reach::Direct))
        .one(db)
        .await?)
}

/// A podcast by channel slug and slug, if `viewer` may see it.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_slug: &str,
    slug: &str,
) -> AppResult<Option<podcast::Model>> {
    Ok(podcast::Entity::find()
        .filter(podcast::Column::Slug.eq(slug))
        .filter(
            podcast::Column::ChannelId.in_subquery(
                Query::select()
                    .column(channel::Column::Id)
                    .from(channel::Entity)
                    .and_where(channel::Column::Slug.eq(channel_slug))
                    .to_owned(),
            ),
        )
        .filter(visibility::podcasts(viewer, Reach::Direct))
        .one(db)
        .await?)
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

type BoxedKeyOf<M> = Box<dyn Fn(&M) -> (Key, Uuid) + Send + Sync>;

fn sort_by_id_or_title<M: 'static>(
    order: OrderBy,
    id: sea_orm::sea_query::SimpleExpr,
    title: sea_orm::sea_query::SimpleExpr,
    id_of: fn(&M) -> Uuid,
    title_of: fn(&M) -> String,
) -> AppResult<(Sort, BoxedKeyOf<M>)> {
    Ok(match order {
        OrderBy::Newest => (
            Sort {
                key: None,
                id,
                descending: true,
            },
            Box::new(move |m| (Key::None, id_of(m))),
        ),
        OrderBy::Oldest => (
            Sort {
                key: None,
                id,
                descending: false,
            },
            Box::new(move |m| (Key::None, id_of(m))),
        ),
        OrderBy::Title => (
            Sort {
                key: Some(title),
                id,
                descending: false,
            },
            Box::new(move |m| (Key::Text(title_of(m)), id_of(m))),
        ),
        OrderBy::MostViewed | OrderBy::Trending => {
            return Err(AppError::validation(
                "orderBy: MOST_VIEWED and TRENDING apply to videos only",
            ));
        }
    })
}

/// One page of the podcasts `viewer` may see in lists.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: PodcastQuery,
    order: OrderBy,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<podcast::Model>> {
    let mut select = podcast::Entity::find().filter(visibility::podcasts(viewer, Reach::Listed));
    let mut list = format!("podcasts:{}", order.as_str());
    if let Some(c) = query.channel_id {
        select = select.filter(podcast::Column::ChannelId.eq(c));
        list.push_str(&format!(":c{c}"));
    }
    if let Some(l) = query.language {
        select = select.filter(podcast::Column::Language.eq(l));
    }
    if let Some(v) = query.visibility {
        select = select.filter(podcast::Column::Visibility.eq(v.as_str()));
    }
    if let Some(text) = query.text.filter(|t| !t.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                podcast::Entity,
                podcast::Column::Title,
            ))))
            .like(format!("%{}%", like_escape(&text.to_lowercase()))),
        );
    }
    let (sort, key_of) = sort_by_id_or_title(
        order,
        Expr::col((podcast::Entity, podcast::Column::Id)).into(),
        Expr::col((podcast::Entity, podcast::Column::Title)).into(),
        |m: &podcast::Model| m.id,
        |m: &podcast::Model| m.title.clone(),
    )?;
    pagination::fetch(db, select, &list, &sort, key_of, first, after).await
}

/// What a new episode is made of.
#[derive(Debug, Clone)]
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
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New GUID (refused once the episode was published).
    pub guid: Option<String>,
    /// New season.
    pub season: Option<Option<i32>>,
    /// New number.
    pub number: Option<Option<i32>>,
    /// New type.
    pub episode_type: Option<EpisodeType>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New window start.
    pub publish_at: Option<Option<DateTime<Utc>>>,
    /// New window end.
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// Replaces the tags.
    pub tag_ids: Option<Vec<Uuid>>,
    /// Replaces the chapters.
    pub chapters: Option<Vec<Chapter>>,
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

fn check_window(from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> AppResult<()> {
    if let (Some(f), Some(u)) = (from, until)
        && u <= f
    {
        return Err(AppError::validation(
            "unpublishAt: must be later than publishAt",
        ));
    }
    Ok(())
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
    let title = content::title("title", &input.title)?;
    if let Some(s) = input.slug.as_deref() {
        content::slug(s)?;
    }
    let description = content::description(input.description)?;
    let id = Uuid::now_v7();
    let guid = match input.guid {
        Some(g) => check_guid(&g)?,
        None => format!("urn:uuid:{id}"),
    };
    check_window(input.publish_at, input.unpublish_at)?;
    let chapters = check_chapters(input.chapters)?;
    let txn = crate::db::begin_write(db).await?;
    podcast_managed(&txn, viewer, input.podcast_id).await?;
    let tags = check_tags(&txn, input.tag_ids).await?;
    let slug = content::new_slug::<episode::Entity>(
        &txn,
        input.slug.as_deref(),
        &title,
        episode::Column::Slug,
        Condition::all().add(episode::Column::PodcastId.eq(input.podcast_id)),
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
        visibility: Set(input
            .visibility
            .unwrap_or(Visibility::Public)
            .as_str()
            .into()),
        publish_at: Set(input.publish_at),
        unpublish_at: Set(input.unpublish_at),
        first_published_at: Set(first_published(input.publish_at)),
        media_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        chapters: Set(chapters),
    }
    .insert(&txn)
    .await?;
    set_tags(&txn, id, &tags).await?;
    index_episode(&txn, &created).await?;
    txn.commit().await?;
    Ok(created)
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
    check_window(publish_at, unpublish_at)?;
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
    if let Some(t) = changes.title {
        active.title = Set(content::title("title", &t)?);
    }
    let mut slug = String::new();
    if let Some(s) = changes.slug {
        slug = content::slug(&s)?;
        active.slug = Set(slug.clone());
    }
    if let Some(d) = changes.description {
        active.description = Set(content::description(Some(d))?);
    }
    if let Some(s) = changes.season {
        active.season = Set(check_positive("season", s)?);
    }
    if let Some(n) = changes.number {
        active.number = Set(check_positive("number", n)?);
    }
    if let Some(t) = changes.episode_type {
        active.episode_type = Set(t.as_str().into());
    }
    if let Some(v) = changes.visibility {
        active.visibility = Set(v.as_str().into());
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
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await.map_err(slug_conflict(&slug))?;
    index_episode(&txn, &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Publishes an episode at `at` (default now); from then on its GUID is frozen. Refused while
/// it has no playable media coming (see [`crate::videos::service::require_publishable`]).
pub async fn publish_episode(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<episode::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = episode_managed(&txn, viewer, id).await?;
    crate::videos::service::require_publishable("episode", &current.status)?;
    let at = at.unwrap_or_else(Utc::now);
    let was_published = current.first_published_at.is_some();
    let mut active = current.into_active_model();
    active.publish_at = Set(Some(at));
    active.unpublish_at = Set(None);
    if !was_published {
        active.first_published_at = Set(first_published(Some(at)));
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Unpublishes an episode at `at` (default now) by closing its window.
pub async fn unpublish_episode(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<episode::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = episode_managed(&txn, viewer, id).await?;
    let at = at.unwrap_or_else(Utc::now);
    check_window(current.publish_at, Some(at))?;
    let mut active = current.into_active_model();
    active.unpublish_at = Set(Some(at));
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes an episode.
pub async fn delete_episode(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let current = episode_managed(&txn, viewer, id).await?;
    search::remove(&txn, SearchKind::Episode, id).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

/// An episode by id, if `viewer` may see it (and its podcast).
pub async fn find_episode(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<episode::Model>> {
    Ok(episode::Entity::find_by_id(id)
        .filter(visibility::episodes(
            viewer,
            Reach::Direct,
            EpisodeScope::AnyPodcast,
            Utc::now(),
        ))
        .one(db)
        .await?)
}

/// Filters of episode lists.
#[derive(Debug, Clone, Default)]
pub struct EpisodeQuery {
    /// Only this podcast's (the caller was already allowed to see it).
    pub podcast_id: Option<Uuid>,
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

/// One page of the episodes `viewer` may see in lists.
pub async fn list_episodes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: EpisodeQuery,
    order: OrderBy,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<episode::Model>> {
    let scope = if query.podcast_id.is_some() {
        EpisodeScope::WithinVisiblePodcast
    } else {
        EpisodeScope::AnyPodcast
    };
    let mut select = episode::Entity::find().filter(visibility::episodes(
        viewer,
        Reach::Listed,
        scope,
        Utc::now(),
    ));
    let mut list = format!("episodes:{}", order.as_str());
    if let Some(p) = query.podcast_id {
        select = select.filter(episode::Column::PodcastId.eq(p));
        list.push_str(&format!(":p{p}"));
    }
    if let Some(t) = query.tag_id {
        select = select.filter(
            episode::Column::Id.in_subquery(
                Query::select()
                    .column(episode_tag::Column::EpisodeId)
                    .from(episode_tag::Entity)
                    .and_where(episode_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = query.status {
        select = select.filter(episode::Column::Status.eq(s.as_str()));
    }
    if let Some(v) = query.visibility {
        select = select.filter(episode::Column::Visibility.eq(v.as_str()));
    }
    if let Some(t) = query.created_after {
        select = select.filter(episode::Column::CreatedAt.gte(t));
    }
    if let Some(t) = query.created_before {
        select = select.filter(episode::Column::CreatedAt.lt(t));
    }
    if let Some(text) = query.text.filter(|t| !t.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                episode::Entity,
                episode::Column::Title,
            ))))
            .like(format!("%{}%", like_escape(&text.to_lowercase()))),
        );
    }
    let (sort, key_of) = sort_by_id_or_title(
        order,
        Expr::col((episode::Entity, episode::Column::Id)).into(),
        Expr::col((episode::Entity, episode::Column::Title)).into(),
        |m: &episode::Model| m.id,
        |m: &episode::Model| m.title.clone(),
    )?;
    pagination::fetch(db, select, &list, &sort, key_of, first, after).await
}
