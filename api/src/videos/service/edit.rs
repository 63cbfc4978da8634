//! Creating, changing and moving videos (publishing, unpublishing and deleting one are
//! `content::item`'s, over what this file declares of videos).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::{NewVideo, VideoChanges};

use super::rules::{check_category, check_chapters, check_license, check_tags, set_tags};
use crate::channels::service::slug_conflict;
use crate::content;
use crate::error::AppResult;
use crate::search::SearchKind;
use crate::videos::entity::video;
use crate::visibility::{Status, Viewer, Visibility};
use crate::webhooks::outbox::{self, Change};

content::item!(
    video,
    node: "Video",
    search: SearchKind::Video,
    record: outbox::video,
    managed: get_managed,
    media: Video,
    window: "video",
);

/// Creates a video in a channel the caller manages.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewVideo,
) -> AppResult<video::Model> {
    let (title, description) =
        content::new_text(&input.title, input.slug.as_deref(), input.description)?;
    let details = input.details;
    let language = details
        .language
        .as_deref()
        .map(content::language)
        .transpose()?;
    let license = check_license(details.license)?;
    content::check_window(input.publish_at, details.unpublish_at)?;
    let chapters = check_chapters(details.chapters)?;
    let txn = crate::db::begin_write(db).await?;
    content::require_channel(&txn, viewer, input.channel_id).await?;
    check_category(&txn, details.category_id).await?;
    let tag_ids = check_tags(&txn, details.tag_ids).await?;
    let slug = content::free_slug::<video::Entity>(
        &txn,
        input.slug.as_deref(),
        &title,
        video::Column::ChannelId,
        input.channel_id,
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
        visibility: Visibility::of_new(input.visibility),
        publish_at: input.publish_at,
        unpublish_at: details.unpublish_at,
        duration_secs: None,
        language,
        license,
        category_id: details.category_id,
        view_count: 0,
        like_count: 0,
        comment_count: 0,
        comments_enabled: true,
        trending_score: 0.0,
        chapters,
        source_asset_id: None,
        poster_asset_id: None,
        media_error: None,
        playback_restriction: None,
        downloads_enabled: None,
        created_at: now,
        updated_at: now,
    };
    let created = video::ActiveModel::from(model.clone())
        .insert(&txn)
        .await
        .map_err(slug_conflict(&model.slug))?;
    set_tags(&txn, created.id, &tag_ids).await?;
    content::item::commit::<video::Entity>(txn, created, Change::Created).await
}

/// A video by id, if `viewer` manages its channel (`NOT_FOUND`, `FORBIDDEN`).
pub async fn get_managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<video::Model> {
    content::managed::<video::Entity>(db, viewer, id, "video").await
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
    content::check_window(publish_at, unpublish_at)?;
    let mut active = current.into_active_model();
    let slug = content::set_text(&mut active, changes.common)?;
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
    if let Some(enabled) = changes.comments_enabled {
        active.comments_enabled = Set(enabled);
    }
    if let Some(input) = changes.playback_restriction {
        use crate::delivery::referrer::Restriction;
        let own = match input {
            // An empty list is stored, not null: it lifts the channel's restriction.
            Some(input) => Some(Restriction::from_input(input)?.unwrap_or_default()),
            None => None,
        };
        active.playback_restriction = Set(Restriction::store(own.as_ref()));
    }
    if let Some(enabled) = changes.downloads_enabled {
        active.downloads_enabled = Set(enabled);
    }
    if let Some(tags) = changes.tag_ids {
        let tags = check_tags(&txn, tags).await?;
        set_tags(&txn, id, &tags).await?;
    }
    content::item::save::<video::Entity>(txn, active, &slug).await
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
    content::require_channel(&txn, viewer, channel_id).await?;
    if current.channel_id == channel_id {
        return Ok(current);
    }
    // The current slug is already a valid slug, so as a "title" it yields itself when free in
    // the target channel and `<stem>-<n>` when taken (on PostgreSQL under the same advisory
    // lock as creation, so a concurrent create cannot take it in between).
    let slug = content::free_slug::<video::Entity>(
        &txn,
        None,
        &current.slug,
        video::Column::ChannelId,
        channel_id,
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
    content::item::save_unindexed::<video::Entity>(txn, active, Change::Updated, &slug).await
}
