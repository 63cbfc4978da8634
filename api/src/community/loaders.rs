//! DataLoaders of the caller's own marks on a page of items (`viewerHasLiked`,
//! `viewerPosition`), and of the reports on a page of comments for their moderators: one
//! statement per field for the page instead of one per item.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entity::{comment_report, episode_like, video_like, watch_position};
use crate::error::AppError;

/// Which likes a [`Liked`] loader reads.
#[derive(Clone, Copy, Debug)]
pub enum Likes {
    /// `video_likes`.
    Videos,
    /// `episode_likes`.
    Episodes,
}

/// Whether a user likes an item, by (user, item).
pub struct Liked(pub DatabaseConnection, pub Likes);

/// The keys grouped by user (a request has one caller, so usually one group).
fn by_user(keys: &[(Uuid, Uuid)]) -> HashMap<Uuid, Vec<Uuid>> {
    let mut groups: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (user, item) in keys {
        groups.entry(*user).or_default().push(*item);
    }
    groups
}

impl Loader<(Uuid, Uuid)> for Liked {
    type Value = bool;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), bool>, Self::Error> {
        let mut out: HashMap<(Uuid, Uuid), bool> = keys.iter().map(|k| (*k, false)).collect();
        for (user, items) in by_user(keys) {
            let liked: Vec<Uuid> = match self.1 {
                Likes::Videos => video_like::Entity::find()
                    .filter(video_like::Column::UserId.eq(user))
                    .filter(video_like::Column::VideoId.is_in(items))
                    .all(&self.0)
                    .await?
                    .into_iter()
                    .map(|l| l.video_id)
                    .collect(),
                Likes::Episodes => episode_like::Entity::find()
                    .filter(episode_like::Column::UserId.eq(user))
                    .filter(episode_like::Column::EpisodeId.is_in(items))
                    .all(&self.0)
                    .await?
                    .into_iter()
                    .map(|l| l.episode_id)
                    .collect(),
            };
            for item in liked {
                out.insert((user, item), true);
            }
        }
        Ok(out)
    }
}

/// Where a user stopped in an item, by (user, item); `None` when they have not watched it (every
/// key has an entry, so a prefetched item nobody watched is not asked again).
pub struct Positions(pub DatabaseConnection);

impl Loader<(Uuid, Uuid)> for Positions {
    type Value = Option<f64>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), Option<f64>>, Self::Error> {
        let mut out: HashMap<(Uuid, Uuid), Option<f64>> = keys.iter().map(|k| (*k, None)).collect();
        for (user, items) in by_user(keys) {
            for p in watch_position::Entity::find()
                .filter(watch_position::Column::UserId.eq(user))
                .filter(watch_position::Column::ItemId.is_in(items))
                .all(&self.0)
                .await?
            {
                out.insert((user, p.item_id), Some(p.position_secs));
            }
        }
        Ok(out)
    }
}

/// The most reports of one comment a moderator is shown (the count says how many there are).
pub const REPORTS_SHOWN: usize = 20;

/// A comment's open reports, the latest first, by comment id.
pub struct Reports(pub DatabaseConnection);

impl Loader<Uuid> for Reports {
    type Value = Vec<comment_report::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for report in comment_report::Entity::find()
            .filter(comment_report::Column::CommentId.is_in(keys.iter().copied()))
            .order_by_desc(comment_report::Column::CreatedAt)
            .all(&self.0)
            .await?
        {
            let reports = out.entry(report.comment_id).or_default();
            if reports.len() < REPORTS_SHOWN {
                reports.push(report);
            }
        }
        Ok(out)
    }
}
