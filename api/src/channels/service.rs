//! Channel services: create, change, delete, members, lookups and lists.

use crate::delivery::referrer::Restriction;
use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::ChannelRole;
use super::entity::{channel, channel_member};
use crate::accounts::entity::user;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Key, OrderBy, Page, PageRequest, Sort};
use crate::search::{self, SearchKind};
use crate::visibility::{self, Viewer};
use crate::webhooks::outbox::{self, Change};

/// What a new channel is made of.
#[derive(Debug, Clone, Default)]
pub struct NewChannel {
    /// Display name.
    pub name: String,
    /// Explicit slug; made from the name when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
}

/// Changes to a channel; `None` leaves a field as it is. Also the fields of the GraphQL
/// `UpdateChannelInput`, which flattens it (so its descriptions are the schema's).
#[derive(async_graphql::InputObject, Debug, Clone, Default)]
pub struct ChannelChanges {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description (Markdown).
    pub description: Option<String>,
    /// How new comments on its videos and episodes are moderated (absent or null:
    /// unchanged).
    pub comment_moderation: Option<crate::community::comments::CommentModeration>,
    /// Which sites may play its videos, by the `Referer` of the embed page and media requests
    /// (absent or null: unchanged; `allowedDomains: []`: anyone).
    pub playback_restriction: Option<crate::delivery::referrer::PlaybackRestrictionInput>,
    /// Whether its videos' MP4 and M4A downloads are made and offered, for videos without a
    /// setting of their own (absent or null: unchanged).
    pub downloads_enabled: Option<bool>,
}

/// Maps a unique-index violation on a slug to a `CONFLICT` that names the slug and its value.
pub fn slug_conflict(slug: &str) -> impl Fn(sea_orm::DbErr) -> AppError + '_ {
    move |e| match AppError::from(e) {
        AppError::Taken { field, .. } if field == "slug" => AppError::Taken {
            field,
            message: format!("slug: `{slug}` is already taken"),
        },
        other => other,
    }
}

/// Creates a channel; its creator (if a user) becomes its owner. Editors and admins only.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    creator: Option<Uuid>,
    input: NewChannel,
) -> AppResult<channel::Model> {
    visibility::require_editor(viewer)?;
    let name = content::title("name", &input.name)?;
    let description = content::description(input.description)?;
    let txn = crate::db::begin_write(db).await?;
    let slug = content::new_slug::<channel::Entity>(
        &txn,
        input.slug.as_deref(),
        &name,
        channel::Column::Slug,
        Condition::all(),
    )
    .await?;
    let now = Utc::now();
    let model = channel::Model {
        id: Uuid::now_v7(),
        name,
        slug,
        description,
        avatar_asset_id: None,
        banner_asset_id: None,
        view_count: 0,
        subscriber_count: 0,
        comment_moderation: "publish".into(),
        playback_restriction: None,
        downloads_enabled: false,
        created_at: now,
        updated_at: now,
    };
    let created = channel::ActiveModel::from(model.clone())
        .insert(&txn)
        .await
        .map_err(slug_conflict(&model.slug))?;
    if let Some(user_id) = creator {
        channel_member::ActiveModel {
            channel_id: Set(created.id),
            user_id: Set(user_id),
            role: Set(ChannelRole::Owner.as_str().into()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    index(&txn, &created).await?;
    outbox::channel(&txn, Change::Created, &created).await?;
    txn.commit().await?;
    Ok(created)
}

async fn index(db: &impl ConnectionTrait, c: &channel::Model) -> AppResult<()> {
    search::index(db, SearchKind::Channel, c.id, &c.name, &c.description).await
}

/// Finds a channel by id (channels themselves are public).
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<channel::Model>> {
    Ok(channel::Entity::find_by_id(id).one(db).await?)
}

/// Finds a channel by slug.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<channel::Model>> {
    Ok(channel::Entity::find()
        .filter(channel::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub(crate) async fn get(db: &impl ConnectionTrait, id: Uuid) -> AppResult<channel::Model> {
    find(db, id).await?.ok_or(AppError::NotFound("channel"))
}

/// A channel `viewer` manages: `NOT_FOUND` when there is none, then `FORBIDDEN`.
pub(crate) async fn managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<channel::Model> {
    let channel = get(db, id).await?;
    visibility::require_manage(db, viewer, id).await?;
    Ok(channel)
}

/// Changes a channel. Managers of the channel only.
pub async fn update(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: ChannelChanges,
) -> AppResult<channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = managed(&txn, viewer, id).await?;
    let mut active = current.into_active_model();
    if let Some(name) = changes.name {
        active.name = Set(content::title("name", &name)?);
    }
    let slug = match changes.slug {
        Some(slug) => {
            let slug = content::slug(&slug)?;
            active.slug = Set(slug.clone());
            slug
        }
        None => String::new(),
    };
    if let Some(description) = changes.description {
        active.description = Set(content::description(Some(description))?);
    }
    if let Some(mode) = changes.comment_moderation {
        active.comment_moderation = Set(mode.as_str().into());
    }
    if let Some(input) = changes.playback_restriction {
        let rule = Restriction::from_input(input)?;
        active.playback_restriction = Set(Restriction::store(rule.as_ref()));
    }
    if let Some(enabled) = changes.downloads_enabled {
        active.downloads_enabled = Set(enabled);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await.map_err(slug_conflict(&slug))?;
    index(&txn, &updated).await?;
    outbox::channel(&txn, Change::Updated, &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a channel and everything in it. Managers of the channel only.
pub async fn delete(db: &impl TransactionTrait, viewer: &Viewer, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let current = managed(&txn, viewer, id).await?;
    search::remove_channel_content(&txn, id).await?;
    outbox::channel(&txn, Change::Deleted, &current).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

/// Adds a user to a channel (or changes their role). Managers of the channel only.
pub async fn add_member(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
    user_id: Uuid,
    role: ChannelRole,
) -> AppResult<channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let channel = managed(&txn, viewer, channel_id).await?;
    if user::Entity::find_by_id(user_id).one(&txn).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    let existing = channel_member::Entity::find_by_id((channel_id, user_id))
        .one(&txn)
        .await?;
    match existing {
        Some(member) => {
            if member.role == ChannelRole::Owner.as_str()
                && role != ChannelRole::Owner
                && owner_count(&txn, channel_id).await? <= 1
            {
                return Err(AppError::validation(
                    "role: the last owner of a channel cannot be demoted; make another member an \
                     owner first",
                ));
            }
            let mut active = member.into_active_model();
            active.role = Set(role.as_str().into());
            active.update(&txn).await?;
        }
        None => {
            channel_member::ActiveModel {
                channel_id: Set(channel_id),
                user_id: Set(user_id),
                role: Set(role.as_str().into()),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(channel)
}

/// How many owners a channel has.
async fn owner_count(db: &impl ConnectionTrait, channel_id: Uuid) -> AppResult<u64> {
    Ok(channel_member::Entity::find()
        .filter(channel_member::Column::ChannelId.eq(channel_id))
        .filter(channel_member::Column::Role.eq(ChannelRole::Owner.as_str()))
        .count(db)
        .await?)
}

/// Removes a user from a channel. Managers of the channel only; the last owner stays.
pub async fn remove_member(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
    user_id: Uuid,
) -> AppResult<channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let channel = managed(&txn, viewer, channel_id).await?;
    let member = channel_member::Entity::find_by_id((channel_id, user_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("channel member"))?;
    if member.role == ChannelRole::Owner.as_str() && owner_count(&txn, channel_id).await? <= 1 {
        return Err(AppError::validation(
            "userId: the last owner of a channel cannot be removed",
        ));
    }
    member.delete(&txn).await?;
    txn.commit().await?;
    Ok(channel)
}

/// The members of a channel with their users, oldest first.
pub async fn members(
    db: &impl ConnectionTrait,
    channel_id: Uuid,
) -> AppResult<Vec<(channel_member::Model, user::Model)>> {
    let members = channel_member::Entity::find()
        .filter(channel_member::Column::ChannelId.eq(channel_id))
        .order_by_asc(channel_member::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?.clone();
            Some((m, u))
        })
        .collect())
}

/// Filters of the channel list.
#[derive(Debug, Clone, Default)]
pub struct ChannelFilter {
    /// Case-insensitive substring of the name.
    pub text: Option<String>,
    /// Only the channels this viewer may manage.
    pub managed_by: Option<Viewer>,
}

/// One page of channels.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: ChannelFilter,
    page: &PageRequest,
) -> AppResult<Page<channel::Model>> {
    let mut select = channel::Entity::find();
    if let Some(viewer) = &filter.managed_by {
        select = select.filter(visibility::managed_channels(viewer));
    }
    if let Some(f) = content::title_contains((channel::Entity, channel::Column::Name), filter.text)
    {
        select = select.filter(f);
    }
    if page.order == OrderBy::Trending {
        return Err(AppError::validation(
            "orderBy: TRENDING applies to videos only",
        ));
    }
    let id: SimpleExpr = Expr::col((channel::Entity, channel::Column::Id)).into();
    let (sort, key_of) = Sort::by_id_or_title(
        page.order,
        id.clone(),
        Expr::col((channel::Entity, channel::Column::Name)).into(),
        |m: &channel::Model| (Key::Text(m.name.clone()), m.id),
        |m| (Key::None, m.id),
    )
    // The order left: the most viewed first.
    .unwrap_or((
        Sort::by(
            Expr::col((channel::Entity, channel::Column::ViewCount)),
            id,
            true,
        ),
        |m| (Key::Int(m.view_count), m.id),
    ));
    let list = format!("channels:{}", page.order.as_str());
    page.fetch(db, select, &list, &sort, key_of).await
}
