//! The durable job queue: rows in `jobs`, claimed with a lease that a heartbeat extends.
//!
//! queued → running → succeeded | failed | cancelled. A claim is one `UPDATE … RETURNING`; on
//! PostgreSQL its subquery takes the row `FOR UPDATE SKIP LOCKED`, so any number of workers on
//! any number of machines share the queue without handing one job to two of them. SQLite
//! serialises writers, so the same statement without the lock clause is just as safe there.
//! A job whose lease ran out (its worker died) is claimed again like a queued one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, EntityTrait as _, FromQueryResult as _, QueryFilter as _, QueryOrder as _,
    Set, Statement, Value,
};
use uuid::Uuid;

use super::entity::job;
use crate::error::{AppError, AppResult};
use crate::media::subject::Subject;

/// Stored job states.
pub mod status {
    /// Waiting for a worker (or for its backoff to pass).
    pub const QUEUED: &str = "queued";
    /// Held by a worker under a lease.
    pub const RUNNING: &str = "running";
    /// Done.
    pub const SUCCEEDED: &str = "succeeded";
    /// Failed for good; `last_error` says why.
    pub const FAILED: &str = "failed";
    /// Cancelled (its subject was deleted or its media replaced).
    pub const CANCELLED: &str = "cancelled";
}

/// Job kinds.
pub mod kind {
    /// Turn a source asset into HLS, audio files and pictures.
    pub const TRANSCODE: &str = "transcode";
    /// Make a ready video's MP4 and M4A downloads from its highest rung (`transcode::downloads`).
    pub const DOWNLOADS: &str = "downloads";
}

/// The jobs of `subject` queued or running.
fn active_of(subject: Subject) -> sea_orm::Select<job::Entity> {
    job::Entity::find()
        .filter(job::Column::SubjectId.eq(subject.id()))
        .filter(job::Column::Status.is_in([status::QUEUED, status::RUNNING]))
}

/// Queues a transcode of `asset` for `subject`, unless one is already queued or running for that
/// pair. Jobs of the same subject for another asset (media being replaced again) are cancelled.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    asset: Uuid,
    subject: Subject,
    max_attempts: u32,
) -> AppResult<job::Model> {
    let active = active_of(subject).all(db).await?;
    for existing in active {
        if existing.asset_id == asset {
            if existing.kind == kind::TRANSCODE {
                return Ok(existing);
            }
            continue;
        }
        cancel(db, existing.id).await?;
    }
    insert(db, kind::TRANSCODE, asset, subject, max_attempts).await
}

/// Queues the downloads of `asset` for `subject`, unless such a job is already queued or
/// running.
pub async fn enqueue_downloads(
    db: &impl ConnectionTrait,
    asset: Uuid,
    subject: Subject,
    max_attempts: u32,
) -> AppResult<job::Model> {
    let active = active_of(subject)
        .filter(job::Column::AssetId.eq(asset))
        .filter(job::Column::Kind.eq(kind::DOWNLOADS))
        .one(db)
        .await?;
    match active {
        Some(existing) => Ok(existing),
        None => insert(db, kind::DOWNLOADS, asset, subject, max_attempts).await,
    }
}

async fn insert(
    db: &impl ConnectionTrait,
    kind: &str,
    asset: Uuid,
    subject: Subject,
    max_attempts: u32,
) -> AppResult<job::Model> {
    let now = Utc::now();
    let created = job::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.into()),
        asset_id: Set(asset),
        subject_kind: Set(subject.kind()),
        subject_id: Set(subject.id()),
        status: Set(status::QUEUED.into()),
        attempts: Set(0),
        max_attempts: Set(i32::try_from(max_attempts).unwrap_or(i32::MAX)),
        run_at: Set(now),
        locked_by: Set(None),
        locked_until: Set(None),
        progress: Set(0.0),
        stage: Set(None),
        eta_secs: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(created)
}

/// Takes the next runnable job for `worker` with a lease of `lease`, if there is one.
pub async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    lease: Duration,
) -> AppResult<Option<job::Model>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let (p, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2", "$3"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?"], ""),
    };
    // SQLite numbers `?` by position, so the values repeat where a placeholder does.
    let sql = format!(
        "UPDATE jobs SET status = '{running}', locked_by = {w}, locked_until = {until}, \
         attempts = attempts + 1, updated_at = {now}, stage = NULL, eta_secs = NULL \
         WHERE id = (SELECT id FROM jobs \
           WHERE ((status = '{queued}' AND run_at <= {now2}) \
              OR (status = '{running}' AND locked_until < {now2})) \
             AND attempts < max_attempts \
           ORDER BY run_at, id LIMIT 1{lock}) \
         RETURNING *",
        running = status::RUNNING,
        queued = status::QUEUED,
        w = p[0],
        until = p[1],
        now = p[2],
        now2 = if backend == DatabaseBackend::Postgres {
            "$3"
        } else {
            "?"
        },
    );
    let mut values: Vec<Value> = vec![worker.into(), until.into(), now.into()];
    if backend != DatabaseBackend::Postgres {
        values.push(now.into());
        values.push(now.into());
    }
    let row = db
        .query_one(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    match row {
        Some(row) => Ok(Some(
            job::Model::from_query_result(&row, "").map_err(AppError::from)?,
        )),
        None => Ok(None),
    }
}

/// Jobs whose worker died on their last attempt: failed for good, so they stop looking busy.
/// Returns them so the caller can clean up after them.
pub async fn reap_exhausted(db: &impl ConnectionTrait) -> AppResult<Vec<job::Model>> {
    let now = Utc::now();
    let stale = job::Entity::find()
        .filter(job::Column::Status.eq(status::RUNNING))
        .filter(job::Column::LockedUntil.lt(now))
        .all(db)
        .await?;
    let mut reaped = Vec::new();
    for j in stale.into_iter().filter(|j| j.attempts >= j.max_attempts) {
        let updated = job::Entity::update_many()
            .col_expr(job::Column::Status, status::FAILED.into())
            .col_expr(
                job::Column::LastError,
                Some("the worker stopped responding on the last attempt".to_string()).into(),
            )
            .col_expr(job::Column::FinishedAt, Some(now).into())
            .col_expr(job::Column::UpdatedAt, now.into())
            .filter(job::Column::Id.eq(j.id))
            .filter(job::Column::Status.eq(status::RUNNING))
            .filter(job::Column::LockedUntil.lt(now))
            .exec(db)
            .await?;
        if updated.rows_affected == 1 {
            reaped.push(j);
        }
    }
    Ok(reaped)
}

/// Progress to store with a heartbeat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// 0 to 100.
    pub percent: f64,
    /// The pipeline stage.
    pub stage: Option<String>,
    /// Seconds left, estimated.
    pub eta_secs: Option<f64>,
}

/// Extends the lease of a job `worker` holds and stores its progress. `false` when the worker no
/// longer holds it (cancelled, or the lease ran out and another worker took it): stop working.
pub async fn heartbeat(
    db: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    lease: Duration,
    progress: &Progress,
) -> AppResult<bool> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let updated = job::Entity::update_many()
        .col_expr(job::Column::LockedUntil, Some(until).into())
        .col_expr(
            job::Column::Progress,
            progress.percent.clamp(0.0, 100.0).into(),
        )
        .col_expr(job::Column::Stage, progress.stage.clone().into())
        .col_expr(job::Column::EtaSecs, progress.eta_secs.into())
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(held_by(id, worker))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The job `id` while `worker` holds it (running under its lease).
pub fn held_by(id: Uuid, worker: &str) -> Condition {
    Condition::all()
        .add(job::Column::Id.eq(id))
        .add(job::Column::LockedBy.eq(worker))
        .add(job::Column::Status.eq(status::RUNNING))
}

/// Marks a job `worker` holds as done.
pub async fn succeed(db: &impl ConnectionTrait, id: Uuid, worker: &str) -> AppResult<bool> {
    let now = Utc::now();
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, status::SUCCEEDED.into())
        .col_expr(job::Column::Progress, 100.0.into())
        .col_expr(job::Column::EtaSecs, Some(0.0).into())
        .col_expr(
            job::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(job::Column::FinishedAt, Some(now).into())
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(held_by(id, worker))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// What happened to a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Queued again after a backoff.
    Retry,
    /// Failed for good.
    Failed,
    /// The worker no longer held the job; nothing changed.
    Lost,
}

/// Records a failed attempt: queued again with exponential backoff, or failed for good when
/// `permanent` or out of attempts. The error is kept for editors either way.
pub async fn fail(
    db: &impl ConnectionTrait,
    job: &job::Model,
    worker: &str,
    error: &str,
    permanent: bool,
    backoff_base: Duration,
) -> AppResult<AfterFailure> {
    let now = Utc::now();
    let last = permanent || job.attempts >= job.max_attempts;
    let error: String = error.chars().take(2000).collect();
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::LastError, Some(error).into())
        .col_expr(job::Column::LockedBy, Option::<String>::None.into())
        .col_expr(
            job::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(job::Column::UpdatedAt, now.into());
    if last {
        update = update
            .col_expr(job::Column::Status, status::FAILED.into())
            .col_expr(job::Column::FinishedAt, Some(now).into());
    } else {
        update = update
            .col_expr(job::Column::Status, status::QUEUED.into())
            .col_expr(job::Column::Progress, 0.0.into())
            .col_expr(
                job::Column::RunAt,
                (now + backoff(job.attempts, backoff_base)).into(),
            );
    }
    let updated = update.filter(held_by(job.id, worker)).exec(db).await?;
    Ok(match (updated.rows_affected, last) {
        (0, _) => AfterFailure::Lost,
        (_, true) => AfterFailure::Failed,
        (_, false) => AfterFailure::Retry,
    })
}

/// `base · 2^(attempt-1)`, at most an hour.
pub fn backoff(attempts: i32, base: Duration) -> chrono::Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(16));
    let delay = base.saturating_mul(factor).min(Duration::from_secs(3600));
    chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
}

/// Cancels a job that has not finished. Its worker notices at its next heartbeat.
pub async fn cancel(db: &impl ConnectionTrait, id: Uuid) -> AppResult<bool> {
    Ok(cancel_where(db, job::Column::Id.eq(id)).await? == 1)
}

/// Cancels every unfinished job of a subject (it is being deleted).
pub async fn cancel_for_subject(db: &impl ConnectionTrait, subject: Uuid) -> AppResult<u64> {
    cancel_where(db, job::Column::SubjectId.eq(subject)).await
}

/// Cancels the unfinished jobs `which` selects; how many.
async fn cancel_where(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
) -> AppResult<u64> {
    let now = Utc::now();
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, status::CANCELLED.into())
        .col_expr(job::Column::FinishedAt, Some(now).into())
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(which)
        .filter(job::Column::Status.is_in([status::QUEUED, status::RUNNING]))
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}

/// The most recent job of a subject.
pub async fn latest_for_subject(
    db: &impl ConnectionTrait,
    subject: Uuid,
) -> AppResult<Option<job::Model>> {
    Ok(job::Entity::find()
        .filter(job::Column::SubjectId.eq(subject))
        .filter(job::Column::Kind.eq(kind::TRANSCODE))
        .order_by_desc(job::Column::CreatedAt)
        .order_by_desc(job::Column::Id)
        .one(db)
        .await?)
}

/// Whether a job is still wanted (not cancelled) and held by `worker`.
pub async fn still_held(db: &impl ConnectionTrait, id: Uuid, worker: &str) -> AppResult<bool> {
    Ok(job::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|j| j.status == status::RUNNING && j.locked_by.as_deref() == Some(worker)))
}
