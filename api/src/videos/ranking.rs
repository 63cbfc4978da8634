//! How video lists are ordered: the publish time for `NEWEST`/`OLDEST`, the view count for
//! `MOST_VIEWED`, the trending score for `TRENDING`, the title for `TITLE`; always with the id
//! as tie-breaker, so every order is keyset-paged (see `pagination`).
//!
//! The publish time is `COALESCE(publish_at, created_at)`: a video imported or scheduled with
//! an earlier or later date takes its place by that date, not by when its row was made.
//! Migration `m0009_viewer` indexes that very expression (alone and after `channel_id`), so
//! page 1000 walks the index like page 1.
//!
//! The trending score is the sum of a video's daily views of the last [`TRENDING_DAYS`] days,
//! each day weighted `0.5^(age in days / 2)` (a half-life of two days). It is stored in
//! `videos.trending_score`: the view flush adds today's new views (weight 1) in the same
//! transaction that adds them to `video_daily_views`, and the first flush of each UTC day on
//! each node recomputes the scores of every video with recent views from the daily table
//! ([`rescore_statement`]); recomputing is idempotent, so nodes that do it twice agree. A
//! trending list is then an indexed `ORDER BY trending_score DESC, id DESC` like any other.

use chrono::{NaiveDate, TimeDelta};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};

use super::entity::video;
use crate::graphql::pagination::{Key, KeyOf, OrderBy, Sort};

/// Days of views that count towards the trending score (older ones weigh under 1/128).
pub const TRENDING_DAYS: i64 = 15;

/// Days over which a day's views lose half their weight in the trending score.
pub const HALF_LIFE_DAYS: f64 = 2.0;

/// `COALESCE(videos.publish_at, videos.created_at)`: the time `NEWEST` and `OLDEST` follow.
pub fn published_time() -> SimpleExpr {
    Func::coalesce([
        Expr::col((video::Entity, video::Column::PublishAt)).into(),
        Expr::col((video::Entity, video::Column::CreatedAt)).into(),
    ])
    .into()
}

/// The sort of a video list and the cursor key of its rows.
pub fn sort(order: OrderBy) -> (Sort, KeyOf<video::Model>) {
    let id: SimpleExpr = Expr::col((video::Entity, video::Column::Id)).into();
    match order {
        OrderBy::Newest | OrderBy::Oldest => (
            Sort::by(published_time(), id, order == OrderBy::Newest),
            |m| (Key::Time(m.publish_at.unwrap_or(m.created_at)), m.id),
        ),
        OrderBy::MostViewed => (
            Sort::by(
                Expr::col((video::Entity, video::Column::ViewCount)),
                id,
                true,
            ),
            |m| (Key::Int(m.view_count), m.id),
        ),
        OrderBy::Trending => (
            Sort::by(
                Expr::col((video::Entity, video::Column::TrendingScore)),
                id,
                true,
            ),
            |m| (Key::Float(m.trending_score), m.id),
        ),
        OrderBy::Title => (
            Sort::by(Expr::col((video::Entity, video::Column::Title)), id, false),
            |m| (Key::Text(m.title.clone()), m.id),
        ),
    }
}

/// The weight of views `age` days old in the trending score.
pub fn weight(age_days: i64) -> f64 {
    0.5_f64.powf(age_days as f64 / HALF_LIFE_DAYS)
}

/// The trending score of daily views (`(day, views)`) as seen on `today`.
pub fn score(today: NaiveDate, days: &[(NaiveDate, i64)]) -> f64 {
    days.iter()
        .map(|(day, views)| ((today - *day).num_days(), *views))
        .filter(|(age, _)| (0..TRENDING_DAYS).contains(age))
        .map(|(age, views)| views as f64 * weight(age))
        .sum()
}

/// The statement that recomputes every trending score as of `today` from `video_daily_views`:
/// videos with views in the last [`TRENDING_DAYS`] days get their weighted sum, videos whose
/// views all aged out drop to 0, the rest are not touched. The weights are literals of one
/// `CASE` (SQLite has no `POWER` without its math extension); days and weights are generated
/// here, never from input.
pub fn rescore_statement(today: NaiveDate) -> String {
    let oldest = today - TimeDelta::days(TRENDING_DAYS - 1);
    let cases: String = (0..TRENDING_DAYS)
        .map(|age| {
            let day = today - TimeDelta::days(age);
            format!(" WHEN '{day}' THEN {:.17}", weight(age))
        })
        .collect();
    format!(
        "UPDATE videos SET trending_score = COALESCE((\
           SELECT SUM(d.views * (CASE d.day{cases} ELSE 0.0 END)) FROM video_daily_views d \
           WHERE d.video_id = videos.id AND d.day >= '{oldest}'), 0.0) \
         WHERE trending_score <> 0.0 \
            OR id IN (SELECT video_id FROM video_daily_views WHERE day >= '{oldest}')"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    #[test]
    fn views_lose_half_their_weight_every_two_days() {
        assert!((weight(0) - 1.0).abs() < 1e-12);
        assert!((weight(2) - 0.5).abs() < 1e-12);
        assert!((weight(4) - 0.25).abs() < 1e-12);
        // 30 views today beat 100 views ten days ago (100 / 32 ≈ 3.1) and 40 two days ago (20).
        let today = day(20);
        let recent = score(today, &[(today, 30)]);
        let old = score(today, &[(day(10), 100)]);
        let middle = score(today, &[(day(18), 40)]);
        assert!(recent > middle && middle > old, "{recent} {middle} {old}");
        // Views older than the window and from the future count nothing.
        assert_eq!(score(today, &[(day(1), 1000), (day(21), 5)]), 0.0);
    }

    #[test]
    fn the_rescore_statement_names_each_day_of_the_window_once() {
        let sql = rescore_statement(day(20));
        assert_eq!(sql.matches(" WHEN '").count(), TRENDING_DAYS as usize);
        assert!(sql.contains("WHEN '2026-12-20' THEN 1.0"), "{sql}");
        assert!(sql.contains("WHEN '2026-12-18' THEN 0.5"), "{sql}");
        assert!(sql.contains("d.day >= '2026-12-06'"), "{sql}");
    }
}
