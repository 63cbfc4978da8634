//! Moderation by the editors of a channel (and admins): approving and rejecting comments,
//! banning users from a channel's comments, and the queue of held and reported comments.

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::{CommentStatus, get, shift};
use crate::channels::entity::channel;
use crate::community::entity::{comment, comment_ban, comment_report};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, Key, Page, Sort};
use crate::visibility::{self, Viewer};
use crate::webhooks::outbox::{self, Change};

/// Sets a comment's status as a moderator of its channel and clears its reports: `NOT_FOUND`
/// when the caller cannot see it, `FORBIDDEN` when they do not moderate it.
pub async fn set_status(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    status: CommentStatus,
) -> AppResult<comment::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = match get(&txn, viewer, id).await {
        Ok((c, _, true)) => c,
        Ok(_) => return Err(AppError::Forbidden),
        // A rejected comment is hidden from threads, yet its moderators may approve it again.
        Err(AppError::NotFound(_)) => rejected_for_moderator(&txn, viewer, id).await?,
        Err(e) => return Err(e),
    };
    let changed = current.status != status.as_str();
    let was = CommentStatus::parse(&current.status)? == CommentStatus::Published;
    let now = status == CommentStatus::Published;
    if was != now {
        shift(&txn, &current, if now { 1 } else { -1 }).await?;
    }
    comment_report::Entity::delete_many()
        .filter(comment_report::Column::CommentId.eq(id))
        .exec(&txn)
        .await?;
    let mut active = current.into_active_model();
    active.status = Set(status.as_str().into());
    active.report_count = Set(0);
    let updated = active.update(&txn).await?;
    // Approving a published comment only clears its reports: no event.
    if changed {
        outbox::comment(&txn, Change::Updated, &updated).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

async fn rejected_for_moderator(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<comment::Model> {
    let c = comment::Entity::find_by_id(id)
        .filter(comment::Column::Status.eq(CommentStatus::Rejected.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("comment"))?;
    let item = super::find_item(db, viewer, super::Target::of(&c)?).await?;
    if super::moderates(db, viewer, item.channel_id).await? {
        Ok(c)
    } else {
        Err(AppError::NotFound("comment"))
    }
}

/// Bans (`on`) or unbans a user from commenting on a channel's items; idempotent. The
/// channel's moderators only; nobody bans themselves.
pub async fn set_ban(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    me: Uuid,
    channel_id: Uuid,
    user_id: Uuid,
    on: bool,
) -> AppResult<channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let channel = channel::Entity::find_by_id(channel_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("channel"))?;
    visibility::require_manage(&txn, viewer, channel_id).await?;
    if on {
        if user_id == me {
            return Err(AppError::validation("userId: you cannot ban yourself"));
        }
        crate::accounts::entity::user::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        comment_ban::Entity::insert(comment_ban::ActiveModel {
            channel_id: Set(channel_id),
            user_id: Set(user_id),
            created_by: Set(Some(me)),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([comment_ban::Column::ChannelId, comment_ban::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    } else {
        comment_ban::Entity::delete_many()
            .filter(comment_ban::Column::ChannelId.eq(channel_id))
            .filter(comment_ban::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(channel)
}

/// Held comments and published comments with open reports, on the items of the channels
/// `viewer` moderates (every channel for admins; `channel` narrows it to one), newest first.
pub async fn queue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel: Option<Uuid>,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<comment::Model>> {
    let mut channels = visibility::managed_channel_ids(viewer);
    if let Some(c) = channel {
        channels.and_where(Expr::col((channel::Entity, channel::Column::Id)).eq(c));
    }
    let waiting = Condition::any()
        .add(comment::Column::Status.eq(CommentStatus::Held.as_str()))
        .add(
            Condition::all()
                .add(comment::Column::Status.eq(CommentStatus::Published.as_str()))
                .add(comment::Column::ReportCount.gt(0)),
        );
    let select = comment::Entity::find()
        .filter(waiting)
        .filter(super::on_channels(channels));
    let sort = Sort::by_id(
        Expr::col((comment::Entity, comment::Column::Id)).into(),
        true,
    );
    let key_of = |m: &comment::Model| (pagination::Key::None, m.id);
    pagination::fetch(db, select, "comments:queue", &sort, key_of, first, after).await
}

/// The users banned from a channel's comments, the latest ban first: the channel's moderators
/// only (`NOT_FOUND` for an unknown channel, `FORBIDDEN` for others).
pub async fn bans(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<comment_ban::Model>> {
    crate::content::require_channel(db, viewer, channel_id).await?;
    let select = comment_ban::Entity::find().filter(comment_ban::Column::ChannelId.eq(channel_id));
    let sort = Sort::by(
        Expr::col((comment_ban::Entity, comment_ban::Column::CreatedAt)),
        Expr::col((comment_ban::Entity, comment_ban::Column::UserId)).into(),
        true,
    );
    let key_of = |m: &comment_ban::Model| (Key::Time(m.created_at), m.user_id);
    pagination::fetch(db, select, "comments:bans", &sort, key_of, first, after).await
}
