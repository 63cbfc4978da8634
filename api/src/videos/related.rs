//! Related videos (`Video.related(first:)`): public videos ranked by what they share with a
//! video. Shared tags weigh most, then the same category, then the same channel, and recency
//! breaks ties between equals (see [`score`]). The video itself and everything the public
//! cannot list (private, unlisted, unpublished, not ready: `visibility::videos` with
//! `Viewer::Public` and `Reach::Listed`) never appear, whoever asks, so the answer is the same
//! for every caller. Videos sharing nothing are not related.
//!
//! Cost: candidates come from index range scans only, the newest [`PER_SIGNAL`] videos of
//! each of its tags (`ix_video_tags_tag`), of its category (`ix_videos_category`) and of its
//! channel (`ix_videos_channel_id`); then one lookup of a few columns of those candidates (with
//! the visibility rule), one of their shared tags, and one of the winners' rows. Nothing scans the catalogue, so the time does not grow
//! with it (the `related` bench measures 100,000 videos).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StatementBuilder,
};
use uuid::Uuid;

use super::entity::video;
use crate::error::{AppError, AppResult};
use crate::taxonomy::entity::video_tag;
use crate::visibility::{self, Reach, Viewer};

/// Most related videos one call returns.
pub const MAX_RELATED: i32 = 24;

/// Candidates taken per signal (each tag, the category, the channel), newest first.
pub const PER_SIGNAL: u64 = 50;

/// Weight of each shared tag.
const TAG_WEIGHT: f64 = 4.0;
/// Weight of the same category.
const CATEGORY_WEIGHT: f64 = 2.0;
/// Weight of the same channel.
const CHANNEL_WEIGHT: f64 = 1.0;

/// The score of a candidate: 4 per shared tag, 2 for the same category, 1 for the same channel,
/// plus a recency term below 1 (0.99 for a video published now, halving every year) that
/// orders equals and never outweighs a shared signal.
pub fn score(
    shared_tags: usize,
    same_category: bool,
    same_channel: bool,
    published: DateTime<Utc>,
    now: DateTime<Utc>,
) -> f64 {
    let age_days = (now - published).num_seconds().max(0) as f64 / 86_400.0;
    let recency = 0.99 * 0.5_f64.powf(age_days / 365.0);
    shared_tags as f64 * TAG_WEIGHT
        + if same_category { CATEGORY_WEIGHT } else { 0.0 }
        + if same_channel { CHANNEL_WEIGHT } else { 0.0 }
        + recency
}

async fn ids(db: &impl ConnectionTrait, statement: &impl StatementBuilder) -> AppResult<Vec<Uuid>> {
    let rows = db
        .query_all(db.get_database_backend().build(statement))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<Uuid>(0).map_err(AppError::from))
        .collect()
}

/// Up to `first` (0 to [`MAX_RELATED`], else `VALIDATION`) public videos related to `of`,
/// best first.
pub async fn related(
    db: &impl ConnectionTrait,
    of: &video::Model,
    first: i32,
) -> AppResult<Vec<video::Model>> {
    if !(0..=MAX_RELATED).contains(&first) {
        return Err(AppError::validation(format!(
            "first: must be 0 to {MAX_RELATED}, {first} given"
        )));
    }
    if first == 0 {
        return Ok(Vec::new());
    }
    let tags = ids(
        db,
        &Query::select()
            .column(video_tag::Column::TagId)
            .from(video_tag::Entity)
            .and_where(video_tag::Column::VideoId.eq(of.id))
            .to_owned(),
    )
    .await?;
    let candidates = candidates(db, of, &tags).await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    // Score on the few columns that matter, then read the winners whole.
    type Light = (
        Uuid,
        Uuid,
        Option<Uuid>,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
    );
    let rows: Vec<Light> = video::Entity::find()
        .select_only()
        .columns([
            video::Column::Id,
            video::Column::ChannelId,
            video::Column::CategoryId,
            video::Column::PublishAt,
            video::Column::CreatedAt,
        ])
        .filter(video::Column::Id.is_in(candidates))
        .filter(visibility::videos(&Viewer::Public, Reach::Listed, now))
        .into_tuple()
        .all(db)
        .await?;
    let mut shared: HashMap<Uuid, usize> = HashMap::new();
    if !tags.is_empty() && !rows.is_empty() {
        for id in ids(
            db,
            &Query::select()
                .column(video_tag::Column::VideoId)
                .from(video_tag::Entity)
                .and_where(video_tag::Column::VideoId.is_in(rows.iter().map(|r| r.0)))
                .and_where(video_tag::Column::TagId.is_in(tags.clone()))
                .to_owned(),
        )
        .await?
        {
            *shared.entry(id).or_default() += 1;
        }
    }
    let mut scored: Vec<(f64, Uuid)> = rows
        .into_iter()
        .map(|(id, channel, category, publish_at, created_at)| {
            let s = score(
                shared.get(&id).copied().unwrap_or(0),
                of.category_id.is_some() && category == of.category_id,
                channel == of.channel_id,
                publish_at.unwrap_or(created_at),
                now,
            );
            (s, id)
        })
        .collect();
    scored.sort_by(|(a, ia), (b, ib)| b.total_cmp(a).then_with(|| ib.cmp(ia)));
    scored.truncate(usize::try_from(first).unwrap_or(0));
    let mut whole: HashMap<Uuid, video::Model> = video::Entity::find()
        .filter(video::Column::Id.is_in(scored.iter().map(|(_, id)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(scored
        .into_iter()
        .filter_map(|(_, id)| whole.remove(&id))
        .collect())
}

/// The videos sharing a signal with `of` (a tag, its category, its channel), the newest few of
/// each; never `of` itself.
async fn candidates(
    db: &impl ConnectionTrait,
    of: &video::Model,
    tags: &[Uuid],
) -> AppResult<HashSet<Uuid>> {
    let mut candidates: HashSet<Uuid> = HashSet::new();
    for tag in tags {
        candidates.extend(
            ids(
                db,
                &Query::select()
                    .column(video_tag::Column::VideoId)
                    .from(video_tag::Entity)
                    .and_where(video_tag::Column::TagId.eq(*tag))
                    .order_by(video_tag::Column::VideoId, sea_orm::Order::Desc)
                    .limit(PER_SIGNAL + 1)
                    .to_owned(),
            )
            .await?,
        );
    }
    let newest_where = |column: video::Column, value: Uuid| {
        Query::select()
            .column(video::Column::Id)
            .from(video::Entity)
            .and_where(Expr::col(column).eq(value))
            .order_by(video::Column::Id, sea_orm::Order::Desc)
            .limit(PER_SIGNAL + 1)
            .to_owned()
    };
    if let Some(category) = of.category_id {
        candidates.extend(ids(db, &newest_where(video::Column::CategoryId, category)).await?);
    }
    candidates.extend(ids(db, &newest_where(video::Column::ChannelId, of.channel_id)).await?);
    candidates.remove(&of.id);
    Ok(candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shared_signal_outweighs_any_recency() {
        let now = Utc::now();
        let old = now - chrono::TimeDelta::days(3650);
        assert!(score(1, false, false, old, now) > score(0, true, true, now, now));
        assert!(score(0, true, false, old, now) > score(0, false, true, now, now));
        assert!(score(0, false, true, old, now) > score(0, false, false, now, now));
        assert!(score(0, false, true, now, now) > score(0, false, true, old, now));
    }
}
