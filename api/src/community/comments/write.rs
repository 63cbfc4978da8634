//! Posting, editing, deleting and reporting comments. Every write is one transaction begun with
//! [`crate::db::begin_write`]; a refused write changes nothing.

use chrono::{TimeDelta, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{
    CommentModeration, CommentStatus, ItemRef, Target, find_item, get, is_banned, moderates,
    render, shift,
};
use crate::accounts::entity::user;
use crate::channels::entity::channel;
use crate::community::entity::{comment, comment_report};
use crate::config::AccountsConfig;
use crate::error::{AppError, AppResult};
use crate::visibility::Viewer;
use crate::webhooks::outbox::{self, Change};

/// A new comment or reply.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// What it is on.
    pub target: Target,
    /// The top-level comment it replies to.
    pub parent: Option<Uuid>,
    /// The text as written.
    pub body: String,
}

/// Refuses a user whose account is younger than `comment_after_secs`, or who posted
/// `comments_per_window` comments within the window (`RATE_LIMITED`). On PostgreSQL the user's
/// row is locked first, so concurrent posts of one user are counted one after the other (on
/// SQLite the write lock does that).
async fn check_pace(db: &impl ConnectionTrait, config: &AccountsConfig, me: Uuid) -> AppResult<()> {
    let mut select = user::Entity::find_by_id(me);
    if db.get_database_backend() == DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    let account = select.one(db).await?.ok_or(AppError::Unauthenticated)?;
    let now = Utc::now();
    let age = (now - account.created_at).num_seconds().max(0) as u64;
    if age < config.comment_after_secs {
        return Err(AppError::RateLimited {
            retry_after_secs: config.comment_after_secs - age,
        });
    }
    let window = TimeDelta::seconds(config.comment_window_secs as i64);
    let recent = comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(me))
        .filter(comment::Column::CreatedAt.gt(now - window))
        .count(db)
        .await?;
    if recent >= u64::from(config.comments_per_window) {
        return Err(AppError::RateLimited {
            retry_after_secs: config.comment_window_secs.max(1),
        });
    }
    Ok(())
}

/// Whether `me` has a published comment on an item of the channel.
async fn has_published_on(db: &impl ConnectionTrait, channel: Uuid, me: Uuid) -> AppResult<bool> {
    let channels = sea_orm::sea_query::Query::select()
        .expr(Expr::val(channel))
        .to_owned();
    Ok(comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(me))
        .filter(comment::Column::Status.eq(CommentStatus::Published.as_str()))
        .filter(super::on_channels(channels))
        .limit(1)
        .one(db)
        .await?
        .is_some())
}

/// The status a new comment of `me` gets on the channel.
async fn status_for(
    db: &impl ConnectionTrait,
    item: &ItemRef,
    me: Uuid,
    moderator: bool,
) -> AppResult<CommentStatus> {
    if moderator {
        return Ok(CommentStatus::Published);
    }
    let channel = channel::Entity::find_by_id(item.channel_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("channel"))?;
    Ok(
        match CommentModeration::parse(&channel.comment_moderation)? {
            CommentModeration::Publish => CommentStatus::Published,
            CommentModeration::HoldAll => CommentStatus::Held,
            CommentModeration::HoldNew => {
                if has_published_on(db, item.channel_id, me).await? {
                    CommentStatus::Published
                } else {
                    CommentStatus::Held
                }
            }
        },
    )
}

/// The parent of a reply: a published top-level comment on the same item that `viewer` can
/// read (`NOT_FOUND` otherwise); a reply to a reply is refused (`VALIDATION`).
async fn check_parent(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    target: Target,
    parent: Uuid,
) -> AppResult<()> {
    let (p, _, _) = get(db, viewer, parent).await?;
    if Target::of(&p)? != target {
        return Err(AppError::NotFound("comment"));
    }
    if p.parent_id.is_some() {
        return Err(AppError::validation(
            "parentId: a reply cannot be replied to; reply to the comment it answers",
        ));
    }
    if p.status != CommentStatus::Published.as_str() {
        return Err(AppError::validation(
            "parentId: only published comments can be replied to",
        ));
    }
    Ok(())
}

/// Posts a comment by `me` (the caller, read as `viewer`) on an item they can see.
pub async fn post(
    db: &impl TransactionTrait,
    config: &AccountsConfig,
    viewer: &Viewer,
    me: Uuid,
    new: NewComment,
) -> AppResult<comment::Model> {
    let (body, body_html) = render::prepare(&new.body, config.comment_max_chars)?;
    let txn = crate::db::begin_write(db).await?;
    let item = find_item(&txn, viewer, new.target).await?;
    if !item.comments_enabled {
        return Err(AppError::Conflict(
            "comments are turned off for this item".into(),
        ));
    }
    let moderator = moderates(&txn, viewer, item.channel_id).await?;
    if !moderator && is_banned(&txn, item.channel_id, me).await? {
        return Err(AppError::Forbidden);
    }
    if let Some(parent) = new.parent {
        check_parent(&txn, viewer, new.target, parent).await?;
    }
    check_pace(&txn, config, me).await?;
    let status = status_for(&txn, &item, me, moderator).await?;
    let model = comment::ActiveModel {
        id: Set(Uuid::now_v7()),
        video_id: Set(matches!(new.target, Target::Video(_)).then(|| target_id(new.target))),
        episode_id: Set(matches!(new.target, Target::Episode(_)).then(|| target_id(new.target))),
        author_id: Set(Some(me)),
        parent_id: Set(new.parent),
        body: Set(body),
        body_html: Set(body_html),
        status: Set(status.as_str().into()),
        reply_count: Set(0),
        report_count: Set(0),
        created_at: Set(Utc::now()),
        edited_at: Set(None),
    }
    .insert(&txn)
    .await?;
    if status == CommentStatus::Published {
        shift(&txn, &model, 1).await?;
    }
    outbox::comment(&txn, Change::Created, &model).await?;
    txn.commit().await?;
    Ok(model)
}

fn target_id(target: Target) -> Uuid {
    match target {
        Target::Video(id) | Target::Episode(id) => id,
    }
}

/// Changes the body of `me`'s own comment (`FORBIDDEN` for anyone else's); its status stays.
pub async fn edit(
    db: &impl TransactionTrait,
    config: &AccountsConfig,
    viewer: &Viewer,
    me: Uuid,
    id: Uuid,
    body: &str,
) -> AppResult<comment::Model> {
    let (body, body_html) = render::prepare(body, config.comment_max_chars)?;
    let txn = crate::db::begin_write(db).await?;
    let (current, _, _) = get(&txn, viewer, id).await?;
    if current.author_id != Some(me) {
        return Err(AppError::Forbidden);
    }
    let mut active = current.into_active_model();
    active.body = Set(body);
    active.body_html = Set(body_html);
    active.edited_at = Set(Some(Utc::now()));
    let updated = active.update(&txn).await?;
    outbox::comment(&txn, Change::Updated, &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a comment with its replies: its author, or a moderator of its channel.
pub async fn delete(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    me: Uuid,
    id: Uuid,
) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let (current, _, moderator) = get(&txn, viewer, id).await?;
    if current.author_id != Some(me) && !moderator {
        return Err(AppError::Forbidden);
    }
    if current.status == CommentStatus::Published.as_str() {
        shift(&txn, &current, -1).await?;
    }
    comment::Entity::delete_by_id(id).exec(&txn).await?;
    outbox::comment(&txn, Change::Deleted, &current).await?;
    txn.commit().await?;
    Ok(id)
}

/// Reports a comment the caller can read for a moderator to review; reporting twice counts
/// once.
pub async fn report(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    me: Uuid,
    id: Uuid,
    reason: Option<String>,
) -> AppResult<comment::Model> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(AppError::validation("reason: at most 500 characters"));
    }
    let txn = crate::db::begin_write(db).await?;
    let (current, _, _) = get(&txn, viewer, id).await?;
    let inserted = comment_report::Entity::insert(comment_report::ActiveModel {
        comment_id: Set(id),
        user_id: Set(me),
        reason: Set(reason),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            comment_report::Column::CommentId,
            comment_report::Column::UserId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let mut updated = current;
    if inserted == 1 {
        updated.report_count += 1;
        comment::Entity::update_many()
            .col_expr(
                comment::Column::ReportCount,
                Expr::col(comment::Column::ReportCount).add(1),
            )
            .filter(comment::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(updated)
}
