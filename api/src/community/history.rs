//! Continue watching: where a signed-in viewer stopped in each video or episode, and the
//! history of what they watched (most recent first). Private to the viewer.

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entity::watch_position;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, Key, Page, Sort};
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// What a position is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A video.
    Video(Uuid),
    /// A podcast episode.
    Episode(Uuid),
}

impl Item {
    fn id(self) -> Uuid {
        match self {
            Self::Video(id) | Self::Episode(id) => id,
        }
    }
}

/// The longest position accepted, in seconds (a week: longer than any video).
const MAX_POSITION_SECS: f64 = 7.0 * 24.0 * 3600.0;

/// Saves where `user` is in an item `viewer` can see (`NOT_FOUND` otherwise); `VALIDATION`
/// for a negative, non-finite or absurd position, or one past the item's known duration.
pub async fn save_position(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    user: Uuid,
    item: Item,
    seconds: f64,
) -> AppResult<watch_position::Model> {
    if !seconds.is_finite() || !(0.0..=MAX_POSITION_SECS).contains(&seconds) {
        return Err(AppError::validation(
            "seconds: must be a number of seconds from 0 to 604800",
        ));
    }
    let duration = match item {
        Item::Video(id) => {
            crate::content::find::<video::Entity>(db, viewer, id)
                .await?
                .ok_or(AppError::NotFound("video"))?
                .duration_secs
        }
        Item::Episode(id) => {
            crate::podcasts::service::find_episode(db, viewer, id)
                .await?
                .ok_or(AppError::NotFound("episode"))?
                .duration_secs
        }
    };
    // Players report a little past the end at times; a minute more is accepted as the end.
    if let Some(d) = duration
        && seconds > d + 60.0
    {
        return Err(AppError::validation("seconds: past the end of the media"));
    }
    let seconds = duration.map_or(seconds, |d| seconds.min(d));
    let model = watch_position::Model {
        user_id: user,
        item_id: item.id(),
        video_id: matches!(item, Item::Video(_)).then_some(item.id()),
        episode_id: matches!(item, Item::Episode(_)).then_some(item.id()),
        position_secs: seconds,
        updated_at: Utc::now(),
    };
    watch_position::Entity::insert(watch_position::ActiveModel {
        user_id: Set(model.user_id),
        item_id: Set(model.item_id),
        video_id: Set(model.video_id),
        episode_id: Set(model.episode_id),
        position_secs: Set(model.position_secs),
        updated_at: Set(model.updated_at),
    })
    .on_conflict(
        OnConflict::columns([
            watch_position::Column::UserId,
            watch_position::Column::ItemId,
        ])
        .update_columns([
            watch_position::Column::PositionSecs,
            watch_position::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(model)
}

/// One page of `user`'s positions, most recently saved first.
pub async fn history(
    db: &impl ConnectionTrait,
    user: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<watch_position::Model>> {
    let select = watch_position::Entity::find().filter(watch_position::Column::UserId.eq(user));
    let sort = Sort::by(
        Expr::col((watch_position::Entity, watch_position::Column::UpdatedAt)),
        Expr::col((watch_position::Entity, watch_position::Column::ItemId)).into(),
        true,
    );
    let key_of = |m: &watch_position::Model| (Key::Time(m.updated_at), m.item_id);
    // The user is in the list's name: one viewer's cursor cannot page another's history.
    let list = format!("history:{user}");
    pagination::fetch(db, select, &list, &sort, key_of, first, after).await
}

/// Forgets every position of `user`; returns how many there were.
pub async fn clear(db: &impl ConnectionTrait, user: Uuid) -> AppResult<u64> {
    Ok(watch_position::Entity::delete_many()
        .filter(watch_position::Column::UserId.eq(user))
        .exec(db)
        .await?
        .rows_affected)
}
