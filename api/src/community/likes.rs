//! Likes of videos and episodes: idempotent, by signed-in users, only on items they can see;
//! and [`toggle`], the idempotent write of a user's like or subscription.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use uuid::Uuid;

use super::counters::{Counter, Counters};
use super::entity::{episode_like, video_like};
use crate::error::{AppError, AppResult};
use crate::podcasts::entity::episode;
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// Inserts `row` (`on`) unless a row with the same `keys` is there, or deletes the row whose
/// `columns` hold `keys`: a like, a subscription. Returns the change to count (`+1`, `-1`), or
/// 0 when there was none (liking twice, unliking what was never liked).
pub(super) async fn toggle<E: EntityTrait>(
    db: &impl ConnectionTrait,
    on: bool,
    row: E::ActiveModel,
    columns: [E::Column; 2],
    keys: [Uuid; 2],
) -> AppResult<i64>
where
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    if on {
        let added = E::insert(row)
            .on_conflict(OnConflict::columns(columns).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        Ok(i64::from(added == 1))
    } else {
        let removed = E::delete_many()
            .filter(columns[0].eq(keys[0]))
            .filter(columns[1].eq(keys[1]))
            .exec(db)
            .await?
            .rows_affected;
        Ok(-i64::from(removed == 1))
    }
}

/// Likes (`like = true`) or unlikes a video `viewer` can see; liking twice or unliking what
/// was never liked changes nothing. `NOT_FOUND` when the video is not visible to `viewer`.
pub async fn set_video_like(
    db: &impl ConnectionTrait,
    counters: &Counters,
    viewer: &Viewer,
    user: Uuid,
    id: Uuid,
    like: bool,
) -> AppResult<video::Model> {
    let video = crate::content::find::<video::Entity>(db, viewer, id)
        .await?
        .ok_or(AppError::NotFound("video"))?;
    let row = video_like::ActiveModel {
        video_id: Set(id),
        user_id: Set(user),
        created_at: Set(Utc::now()),
    };
    let columns = [video_like::Column::VideoId, video_like::Column::UserId];
    let change = toggle::<video_like::Entity>(db, like, row, columns, [id, user]).await?;
    if change != 0 {
        counters.add(Counter::VideoLikes, id, change);
    }
    Ok(video)
}

/// The same for an episode (`NOT_FOUND` unless `viewer` can see it and its podcast).
pub async fn set_episode_like(
    db: &impl ConnectionTrait,
    counters: &Counters,
    viewer: &Viewer,
    user: Uuid,
    id: Uuid,
    like: bool,
) -> AppResult<episode::Model> {
    let episode = crate::podcasts::service::find_episode(db, viewer, id)
        .await?
        .ok_or(AppError::NotFound("episode"))?;
    let row = episode_like::ActiveModel {
        episode_id: Set(id),
        user_id: Set(user),
        created_at: Set(Utc::now()),
    };
    let columns = [
        episode_like::Column::EpisodeId,
        episode_like::Column::UserId,
    ];
    let change = toggle::<episode_like::Entity>(db, like, row, columns, [id, user]).await?;
    if change != 0 {
        counters.add(Counter::EpisodeLikes, id, change);
    }
    Ok(episode)
}
