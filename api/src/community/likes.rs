//! Likes of videos and episodes: idempotent, by signed-in users, only on items they can see.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::counters::{Counter, Counters};
use super::entity::{episode_like, video_like};
use crate::error::{AppError, AppResult};
use crate::podcasts::entity::episode;
use crate::videos::entity::video;
use crate::visibility::Viewer;

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
    let changed = if like {
        video_like::Entity::insert(video_like::ActiveModel {
            video_id: Set(id),
            user_id: Set(user),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([video_like::Column::VideoId, video_like::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?
    } else {
        video_like::Entity::delete_many()
            .filter(video_like::Column::VideoId.eq(id))
            .filter(video_like::Column::UserId.eq(user))
            .exec(db)
            .await?
            .rows_affected
    };
    if changed == 1 {
        counters.add(Counter::VideoLikes, id, if like { 1 } else { -1 });
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
    let changed = if like {
        episode_like::Entity::insert(episode_like::ActiveModel {
            episode_id: Set(id),
            user_id: Set(user),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([
                episode_like::Column::EpisodeId,
                episode_like::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?
    } else {
        episode_like::Entity::delete_many()
            .filter(episode_like::Column::EpisodeId.eq(id))
            .filter(episode_like::Column::UserId.eq(user))
            .exec(db)
            .await?
            .rows_affected
    };
    if changed == 1 {
        counters.add(Counter::EpisodeLikes, id, if like { 1 } else { -1 });
    }
    Ok(episode)
}
