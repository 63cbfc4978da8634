//! Subscriptions to channels: idempotent, by signed-in users; the feed of the followed
//! channels' newest videos.

use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use super::counters::{Counter, Counters};
use super::entity::channel_subscription;
use super::likes::toggle;
use crate::channels::entity::channel;
use crate::error::{AppError, AppResult};

/// Subscribes (`on = true`) or unsubscribes `user` to a channel; doing either twice changes
/// nothing. `NOT_FOUND` for an unknown channel (channels have no visibility of their own).
pub async fn set_subscription(
    db: &impl ConnectionTrait,
    counters: &Counters,
    user: Uuid,
    channel_id: Uuid,
    on: bool,
) -> AppResult<channel::Model> {
    let channel = channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("channel"))?;
    let row = channel_subscription::ActiveModel {
        user_id: Set(user),
        channel_id: Set(channel_id),
        created_at: Set(Utc::now()),
    };
    let columns = [
        channel_subscription::Column::UserId,
        channel_subscription::Column::ChannelId,
    ];
    let keys = [user, channel_id];
    let change = toggle::<channel_subscription::Entity>(db, on, row, columns, keys).await?;
    if change != 0 {
        counters.add(Counter::ChannelSubscribers, channel_id, change);
    }
    Ok(channel)
}

/// Whether `user` follows the channel (one primary-key lookup).
pub async fn follows(db: &impl ConnectionTrait, user: Uuid, channel_id: Uuid) -> AppResult<bool> {
    Ok(channel_subscription::Entity::find_by_id((user, channel_id))
        .one(db)
        .await?
        .is_some())
}
