//! Writing the sightings: inserted into `view_dedupe` (so every node agrees on what counted),
//! the counted ones added to the items, the day's rows, the channels and the trending scores in
//! one transaction; past windows swept.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::{Sighting, Views};
use crate::delivery::daily_views::{self, Item};
use crate::error::{AppError, AppResult};
use crate::videos::entity::video;

/// Rows per `INSERT` into `view_dedupe` (three parameters each, well below every limit).
const INSERT_CHUNK: usize = 1000;

impl Views {
    /// Writes the pending sightings: inserts them into `view_dedupe` and adds the ones no node
    /// had counted to the videos' view counts, in one transaction. What cannot be written stays
    /// pending for the next flush. Returns the views counted.
    pub async fn flush<C>(&self, db: &C) -> AppResult<i64>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        let now = self.window_at(Utc::now().timestamp());
        let today = daily_views::today();
        let rescore = self.rescore.due(today);
        let (pending, sweep) = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.seen.retain(|_, w| *w >= now);
            let sweep = state.swept < now;
            (std::mem::take(&mut state.pending), sweep)
        };
        if pending.is_empty() && !sweep && !rescore {
            return Ok(0);
        }
        match self
            .write(db, &pending, now, sweep, rescore.then_some(today))
            .await
        {
            Ok(counted) => {
                if rescore {
                    self.rescore.done(today);
                }
                if sweep {
                    let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                    state.swept = state.swept.max(now);
                }
                Ok(counted)
            }
            Err(e) => {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                let mut restored = pending;
                restored.append(&mut state.pending);
                state.pending = restored;
                Err(e)
            }
        }
    }

    async fn write<C>(
        &self,
        db: &C,
        pending: &[Sighting],
        now: i64,
        sweep: bool,
        rescore: Option<chrono::NaiveDate>,
    ) -> AppResult<i64>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        let txn = crate::db::begin_write(db).await?;
        // Insert first: on SQLite the transaction then holds the write lock from its first
        // statement (a read first would fail with `database is locked` under contention).
        let kinds: HashMap<Uuid, Item> = pending.iter().map(|s| (s.video, s.item)).collect();
        let mut counted: HashMap<Uuid, i64> = HashMap::new();
        let mut episodes: HashMap<Uuid, i64> = HashMap::new();
        for chunk in pending.chunks(INSERT_CHUNK) {
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new("view_dedupe"))
                .columns([
                    Alias::new("video_id"),
                    Alias::new("viewer_hash"),
                    Alias::new("window_index"),
                ])
                .on_conflict(
                    OnConflict::columns([
                        Alias::new("video_id"),
                        Alias::new("viewer_hash"),
                        Alias::new("window_index"),
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .returning_col(Alias::new("video_id"));
            for s in chunk {
                insert
                    .values([s.video.into(), s.viewer.into(), s.window.into()])
                    .map_err(AppError::internal)?;
            }
            let rows = txn
                .query_all(txn.get_database_backend().build(&insert))
                .await?;
            for row in rows {
                let id: Uuid = row.try_get("", "video_id")?;
                match kinds.get(&id) {
                    Some(Item::Episode) => *episodes.entry(id).or_default() += 1,
                    _ => *counted.entry(id).or_default() += 1,
                }
            }
        }
        let mut written = 0;
        let batches = batches(&counted);
        for (n, videos) in &batches {
            let n = *n;
            // Today's views weigh 1 in the trending score (see `videos::ranking`).
            video::Entity::update_many()
                .col_expr(
                    video::Column::ViewCount,
                    Expr::col(video::Column::ViewCount).add(n),
                )
                .col_expr(
                    video::Column::TrendingScore,
                    Expr::col(video::Column::TrendingScore).add(n as f64),
                )
                .filter(video::Column::Id.is_in(videos.clone()))
                .exec(&txn)
                .await?;
            written += n * i64::try_from(videos.len()).unwrap_or(i64::MAX);
        }
        let today = daily_views::today();
        daily_views::add_to_channels(&txn, &batches).await?;
        daily_views::add(&txn, Item::Video, &counted, today).await?;
        daily_views::add(&txn, Item::Episode, &episodes, today).await?;
        written += episodes.values().sum::<i64>();
        if let Some(day) = rescore {
            daily_views::rescore(&txn, day).await?;
        }
        if sweep {
            // Keep the previous window too: a sighting from just before the turn may still be
            // pending on another node.
            let mut delete = Query::delete();
            delete
                .from_table(Alias::new("view_dedupe"))
                .and_where(Expr::col(Alias::new("window_index")).lt(now - 1));
            txn.execute(txn.get_database_backend().build(&delete))
                .await?;
        }
        txn.commit().await?;
        Ok(written)
    }
}

/// The counts as `UPDATE` batches: one per distinct increment (most flushes have a handful),
/// each naming every video that gets that increment.
pub fn batches(counts: &HashMap<Uuid, i64>) -> Vec<(i64, Vec<Uuid>)> {
    let mut by_increment: HashMap<i64, Vec<Uuid>> = HashMap::new();
    for (video, n) in counts {
        by_increment.entry(*n).or_default().push(*video);
    }
    let mut batches: Vec<(i64, Vec<Uuid>)> = by_increment.into_iter().collect();
    batches.sort_by_key(|(n, _)| *n);
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_views_is_a_handful_of_updates() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut counts = HashMap::new();
        counts.insert(a, 10_000);
        counts.insert(b, 10_000);
        counts.insert(c, 1);
        let batches = batches(&counts);
        assert_eq!(batches.len(), 2, "{batches:?}");
        assert_eq!(batches[0], (1, vec![c]));
        assert_eq!(batches[1].0, 10_000);
        assert_eq!(batches[1].1.len(), 2);
    }
}
