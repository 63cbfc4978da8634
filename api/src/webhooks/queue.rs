//! The database side of sending: events become deliveries (one per subscribed, enabled
//! endpoint), due deliveries are claimed under a lease, and each attempt's outcome is recorded.
//!
//! Both steps that take rows do so `FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of API
//! nodes share the work without one row going to two of them; SQLite has one writer at a time,
//! and the same statements without the lock clause are as safe there.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait as _, FromQueryResult as _, IntoActiveModel as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Set, Statement, Value,
};
use uuid::Uuid;

use super::entity::{attempt, delivery, endpoint, outbox_event};
use super::status;
use crate::error::{AppError, AppResult};

/// Events turned into deliveries per transaction.
const DISPATCH_BATCH: u64 = 200;

/// Delays before each retry, in multiples of `retry_base_ms`: the Standard Webhooks schedule
/// (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h when the base is 5 s).
const RETRY_FACTORS: [u32; 7] = [1, 60, 360, 1440, 3600, 7200, 7200];

/// Attempts before a delivery fails for good.
pub const MAX_ATTEMPTS: i32 = RETRY_FACTORS.len() as i32 + 1;

/// The delay after failed attempt `attempts` (1 for the first), or `None` after the last.
pub fn retry_delay(base: Duration, attempts: i32) -> Option<Duration> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    RETRY_FACTORS.get(index).map(|f| base * *f)
}

/// Turns undispatched events into deliveries for the enabled endpoints that want them; returns
/// how many events it handled.
pub async fn dispatch(db: &DatabaseConnection) -> AppResult<usize> {
    // A read first: an idle poll takes no write lock (SQLite has only one).
    let waiting = outbox_event::Entity::find()
        .select_only()
        .column(outbox_event::Column::Id)
        .filter(outbox_event::Column::DispatchedAt.is_null())
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let events = outbox_event::Entity::find()
        .filter(outbox_event::Column::DispatchedAt.is_null())
        .order_by_asc(outbox_event::Column::Id)
        .limit(DISPATCH_BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if events.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    let endpoints = endpoint::Entity::find()
        .filter(endpoint::Column::Enabled.eq(true))
        .all(&txn)
        .await?;
    let subscriptions: Vec<(Uuid, Vec<String>)> =
        endpoints.iter().map(|e| (e.id, e.types())).collect();
    let now = Utc::now();
    let mut rows = Vec::new();
    for event in &events {
        for (endpoint_id, types) in &subscriptions {
            if types.contains(&event.event_type) {
                let named = (event.id, event.event_type.clone());
                rows.push(new_delivery(*endpoint_id, named, now));
            }
        }
    }
    for chunk in rows.chunks(200) {
        delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    outbox_event::Entity::update_many()
        .col_expr(outbox_event::Column::DispatchedAt, Some(now).into())
        .filter(outbox_event::Column::Id.is_in(events.iter().map(|e| e.id)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(events.len())
}

/// A pending delivery of event `event_id` (of type `event_type`) to an endpoint, due `now`.
pub(super) fn new_delivery(
    endpoint_id: Uuid,
    (event_id, event_type): (Uuid, String),
    now: DateTime<Utc>,
) -> delivery::ActiveModel {
    delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint_id),
        event_id: Set(event_id),
        event_type: Set(event_type),
        status: Set(status::PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_by: Set(None),
        locked_until: Set(None),
        last_response_code: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    }
}

/// A statement written with PostgreSQL's `$n` placeholders, rewritten to `?` (each value
/// repeated where its placeholder is) for SQLite.
fn statement(backend: DatabaseBackend, sql: &str, values: &[Value]) -> Statement {
    if backend == DatabaseBackend::Postgres {
        return Statement::from_sql_and_values(backend, sql, values.to_vec());
    }
    let mut out = String::with_capacity(sql.len());
    let mut ordered = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                chars.next();
            }
            out.push('?');
            if let Some(v) = n.checked_sub(1).and_then(|i| values.get(i)) {
                ordered.push(v.clone());
            }
        } else {
            out.push(c);
        }
    }
    Statement::from_sql_and_values(backend, out, ordered)
}

/// Takes up to `limit` due deliveries of enabled endpoints for `sender`, with a lease of
/// `lease`, counting the attempt about to be made.
pub async fn claim(
    db: &DatabaseConnection,
    sender: &str,
    lease: Duration,
    limit: usize,
) -> AppResult<Vec<delivery::Model>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    // A read first: an idle poll takes no write lock (SQLite has only one).
    let due = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::Status.eq(status::PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            delivery::Column::EndpointId.in_subquery(
                Query::select()
                    .column(endpoint::Column::Id)
                    .from(endpoint::Entity)
                    .and_where(endpoint::Column::Enabled.eq(true))
                    .to_owned(),
            ),
        )
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let lock = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET locked_by = $1, locked_until = $2, \
         attempts = attempts + 1, updated_at = $3 \
         WHERE id IN (SELECT id FROM webhook_deliveries \
           WHERE status = '{pending}' AND next_attempt_at <= $3 \
             AND (locked_until IS NULL OR locked_until < $3) \
             AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = $4) \
           ORDER BY next_attempt_at, id LIMIT $5{lock}) \
         RETURNING *",
        pending = status::PENDING,
    );
    let limit = i64::try_from(limit).unwrap_or(1);
    let values: [Value; 5] = [
        sender.into(),
        until.into(),
        now.into(),
        true.into(),
        limit.into(),
    ];
    let rows = db.query_all(statement(backend, &sql, &values)).await?;
    rows.iter()
        .map(|row| delivery::Model::from_query_result(row, "").map_err(AppError::from))
        .collect()
}

/// What one attempt came to.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration: Duration,
    /// The status answered, if any.
    pub response_code: Option<u16>,
    /// Why it failed; `None` for a 2xx answer.
    pub error: Option<String>,
}

/// When an attempt's outcome says a failed delivery is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Delivered, or failed for good, or no longer held by this sender.
    Done,
    /// Tried again after this delay.
    RetryIn(Duration),
}

/// Records an attempt `sender` made on a delivery it holds: the attempt row, the delivery's
/// new state (succeeded, failed for good or due again after the backoff), and on the endpoint
/// when it started failing; an endpoint whose deliveries have all failed for `disable_after`
/// is disabled, with the reason.
pub async fn record(
    db: &DatabaseConnection,
    sender: &str,
    held: &delivery::Model,
    outcome: &Outcome,
    retry_base: Duration,
    disable_after: Duration,
) -> AppResult<Next> {
    let txn = crate::db::begin_write(db).await?;
    // The endpoint's row first, as deleting an endpoint takes it (and then its deliveries, by
    // cascade): taking the delivery first would deadlock with a delete, and PostgreSQL would
    // abort one of the two. On SQLite `begin_write` already holds the database's write lock.
    let mut endpoint_row = endpoint::Entity::find_by_id(held.endpoint_id);
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        endpoint_row = endpoint_row.lock_exclusive();
    }
    if endpoint_row.one(&txn).await?.is_none() {
        return Ok(Next::Done);
    }
    let Some(current) = delivery::Entity::find_by_id(held.id).one(&txn).await? else {
        return Ok(Next::Done);
    };
    if current.locked_by.as_deref() != Some(sender) || current.status != status::PENDING {
        // The lease ran out and another sender took it: its attempt is the one that counts.
        return Ok(Next::Done);
    }
    let now = Utc::now();
    let code = outcome.response_code.map(i32::from);
    attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        delivery_id: Set(current.id),
        number: Set(current.attempts),
        started_at: Set(outcome.started_at),
        duration_ms: Set(i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX)),
        response_code: Set(code),
        error: Set(outcome.error.clone()),
    }
    .insert(&txn)
    .await?;
    let attempts = current.attempts;
    let endpoint_id = current.endpoint_id;
    let mut active = current.into_active_model();
    active.locked_by = Set(None);
    active.locked_until = Set(None);
    active.last_response_code = Set(code);
    active.last_error = Set(outcome.error.clone());
    active.updated_at = Set(now);
    let next = if outcome.error.is_none() {
        active.status = Set(status::SUCCEEDED.into());
        active.finished_at = Set(Some(now));
        Next::Done
    } else {
        match retry_delay(retry_base, attempts) {
            Some(delay) => {
                let delay_chrono = chrono::Duration::from_std(delay).map_err(AppError::internal)?;
                active.next_attempt_at = Set(now + delay_chrono);
                Next::RetryIn(delay)
            }
            None => {
                active.status = Set(status::FAILED.into());
                active.finished_at = Set(Some(now));
                Next::Done
            }
        }
    };
    active.update(&txn).await?;
    endpoint_health(
        &txn,
        endpoint_id,
        outcome.error.is_none(),
        now,
        disable_after,
    )
    .await?;
    txn.commit().await?;
    Ok(next)
}

/// A success clears the endpoint's failing streak; a failure starts one, or disables the
/// endpoint once the streak is `disable_after` old.
async fn endpoint_health(
    db: &impl ConnectionTrait,
    id: Uuid,
    succeeded: bool,
    now: DateTime<Utc>,
    disable_after: Duration,
) -> AppResult<()> {
    let Some(found) = endpoint::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    if succeeded {
        if found.failing_since.is_some() {
            let mut active = found.into_active_model();
            active.failing_since = Set(None);
            active.update(db).await?;
        }
        return Ok(());
    }
    let since = found.failing_since.unwrap_or(now);
    let limit = chrono::Duration::from_std(disable_after).map_err(AppError::internal)?;
    let disable = found.enabled && now - since >= limit;
    let mut active = found.into_active_model();
    active.failing_since = Set(Some(since));
    if disable {
        active.enabled = Set(false);
        active.disabled_at = Set(Some(now));
        active.disabled_reason = Set(Some(format!(
            "disabled automatically at {}: every delivery failed since {} ({} s or more)",
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            disable_after.as_secs()
        )));
        active.updated_at = Set(now);
        tracing::warn!(endpoint = %id, "disabled a webhook endpoint that keeps failing");
    }
    active.update(db).await?;
    Ok(())
}

/// Removes events older than `days` days, with their deliveries and attempts.
pub async fn prune(db: &DatabaseConnection, days: u32) -> AppResult<u64> {
    let before = Utc::now() - chrono::Duration::days(i64::from(days.max(1)));
    let deleted = outbox_event::Entity::delete_many()
        .filter(outbox_event::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_standard_webhooks_schedule() {
        let base = Duration::from_secs(5);
        let secs: Vec<u64> = (1..=8)
            .filter_map(|n| retry_delay(base, n))
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(secs, [5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert_eq!(MAX_ATTEMPTS, 8);
    }

    #[test]
    fn sqlite_placeholders_repeat_their_values() {
        let s = statement(
            DatabaseBackend::Sqlite,
            "a = $2 AND b = $1 AND c = $2",
            &[1.into(), 2.into()],
        );
        assert_eq!(s.sql, "a = ? AND b = ? AND c = ?");
        assert_eq!(
            s.values.unwrap().0,
            vec![Value::from(2), 1.into(), 2.into()]
        );
    }
}
