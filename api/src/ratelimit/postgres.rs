//! Buckets shared by every node on one PostgreSQL database: the `rate_limits` table (migration
//! `m0017_rate_limits`), one row per key that is not full.
//!
//! One statement per request takes from a bucket: an UPSERT that does [`Policy::decide`] in
//! SQL against the database's clock (nodes' clocks need not agree), under the row's lock, so
//! concurrent requests on any node are counted one after the other and never let more than the
//! burst through. The table is `UNLOGGED` (no write-ahead log: a request waits for no disk
//! flush; a crash forgets the buckets, which only gives everyone a full budget) and has no
//! index besides its key, so the update is HOT. A full bucket's row is the same as none, so
//! the sweep deletes rows whose time has passed, losing nothing: the table holds only the keys
//! seen within the last window (`burst / per_sec` seconds) plus a minute.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use super::{Decision, Policy};

/// `$1` key, `$2` interval, `$3` tolerance. `seen` is now (seconds since the epoch, the
/// database's clock); `allowed` and `tat` are computed from the row before the update.
const TAKE: &str = "\
INSERT INTO rate_limits AS r (key, tat, seen, allowed) \
VALUES ($1, extract(epoch FROM now())::float8 + $2, extract(epoch FROM now())::float8, TRUE) \
ON CONFLICT (key) DO UPDATE SET \
  allowed = GREATEST(r.tat, EXCLUDED.seen) + $2 - EXCLUDED.seen <= $3, \
  tat = CASE WHEN GREATEST(r.tat, EXCLUDED.seen) + $2 - EXCLUDED.seen <= $3 \
        THEN GREATEST(r.tat, EXCLUDED.seen) + $2 ELSE r.tat END, \
  seen = EXCLUDED.seen \
RETURNING tat, seen, allowed";

const SWEEP: &str = "DELETE FROM rate_limits WHERE tat < extract(epoch FROM now())::float8";

/// Takes one request from `key`'s bucket.
pub async fn take(db: &DatabaseConnection, key: &str, policy: &Policy) -> Result<Decision, DbErr> {
    let row = db
        .query_one(Statement::from_sql_and_values(
            DbBackend::Postgres,
            TAKE,
            [key.into(), policy.interval.into(), policy.tolerance.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the rate limit upsert returned no row".into()))?;
    let tat: f64 = row.try_get("", "tat")?;
    let seen: f64 = row.try_get("", "seen")?;
    let allowed: bool = row.try_get("", "allowed")?;
    Ok(policy.describe(allowed, tat, seen))
}

/// Deletes the rows of full buckets.
pub async fn sweep(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute(Statement::from_string(DbBackend::Postgres, SWEEP))
        .await
        .map(|_| ())
}
