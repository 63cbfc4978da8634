//! Like and subscriber counts, kept as columns (`videos.like_count`, `episodes.like_count`,
//! `channels.subscriber_count`) and added to in batches, like view counts: a like that really
//! inserted a row (or an unlike that really deleted one) adds +1 (or -1) here, in memory, and
//! the view flush (`delivery.view_flush_ms`, and at graceful shutdown) writes the sums with one
//! `UPDATE` per (counter, increment). Reads never count rows.
//!
//! As with views, what a node holds when it dies without a graceful shutdown is lost (at most
//! one flush interval of changes); the rows in `video_likes`, `episode_likes` and
//! `channel_subscriptions` stay the truth.

use std::collections::HashMap;
use std::sync::Mutex;

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use crate::error::AppResult;

/// Which count a change is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    /// `videos.like_count`.
    VideoLikes,
    /// `episodes.like_count`.
    EpisodeLikes,
    /// `channels.subscriber_count`.
    ChannelSubscribers,
}

impl Counter {
    fn column(self) -> (&'static str, &'static str) {
        match self {
            Self::VideoLikes => ("videos", "like_count"),
            Self::EpisodeLikes => ("episodes", "like_count"),
            Self::ChannelSubscribers => ("channels", "subscriber_count"),
        }
    }
}

/// Changes to the counts not yet written.
#[derive(Debug, Default)]
pub struct Counters {
    pending: Mutex<HashMap<(Counter, Uuid), i64>>,
}

impl Counters {
    /// Adds `delta` to the count of `id`, to be written by the next flush.
    pub fn add(&self, counter: Counter, id: Uuid, delta: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry((counter, id)).or_default();
        *entry += delta;
        if *entry == 0 {
            pending.remove(&(counter, id));
        }
    }

    /// Writes the pending changes in one transaction; what cannot be written stays pending.
    /// Returns how many items changed.
    pub async fn flush<C>(&self, db: &C) -> AppResult<usize>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        let pending = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut *pending)
        };
        if pending.is_empty() {
            return Ok(0);
        }
        match write(db, &pending).await {
            Ok(()) => Ok(pending.len()),
            Err(e) => {
                for ((counter, id), delta) in pending {
                    self.add(counter, id, delta);
                }
                Err(e)
            }
        }
    }
}

async fn write<C>(db: &C, pending: &HashMap<(Counter, Uuid), i64>) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    // One UPDATE per (counter, increment): a burst of likes on a few items is a few statements.
    let mut batches: HashMap<(Counter, i64), Vec<Uuid>> = HashMap::new();
    for ((counter, id), delta) in pending {
        batches.entry((*counter, *delta)).or_default().push(*id);
    }
    let txn = crate::db::begin_write(db).await?;
    for ((counter, delta), ids) in batches {
        let (table, column) = counter.column();
        for chunk in ids.chunks(500) {
            let mut update = Query::update();
            update
                .table(Alias::new(table))
                .value(Alias::new(column), Expr::col(Alias::new(column)).add(delta))
                .and_where(Expr::col(Alias::new("id")).is_in(chunk.to_vec()));
            txn.execute(txn.get_database_backend().build(&update))
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Writes a node's pending counts (the flush loop and graceful shutdown call it).
pub async fn flush_logged(counters: &Counters, db: &sea_orm::DatabaseConnection) {
    match counters.flush(db).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(items = n, "wrote like and subscriber counts"),
        Err(e) => {
            tracing::warn!(error = %e, "could not write like and subscriber counts; will retry")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_like_and_an_unlike_before_a_flush_cancel_out() {
        let counters = Counters::default();
        let v = Uuid::now_v7();
        counters.add(Counter::VideoLikes, v, 1);
        counters.add(Counter::VideoLikes, v, -1);
        counters.add(Counter::ChannelSubscribers, v, 1);
        let pending = counters.pending.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(pending.len(), 1);
        assert_eq!(pending.get(&(Counter::ChannelSubscribers, v)), Some(&1));
    }
}
