//! Workers: claim a job, run its pipeline on a blocking thread, store every file as the pipeline
//! reports it, record the outputs, and keep the lease alive with a heartbeat that also carries
//! progress. They run inside `projector serve` and as `projector worker` processes alike.
//!
//! Crash safety comes from the queue and from deterministic keys: a worker killed mid-job loses
//! its lease, another claims the job, and the retry writes the same keys, so nothing is
//! duplicated or orphaned. A failed or cancelled attempt deletes what it wrote.
//!
//! This file runs the workers and decides what a job's end means; `attempt.rs` runs one attempt
//! (fetch the source, run the pipeline, store what it writes, keep the lease) and `record.rs`
//! records the outputs and switches the video's or episode's media.

mod attempt;
mod downloads;
mod record;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

use self::attempt::attempt;
use self::record::cleanup_failed;
use super::entity::job;
use super::queue::{self, AfterFailure};
use crate::error::{AppError, AppResult};
use crate::events;
use crate::state::Ctx;

/// How often a running job stores progress and extends its lease (and notices a cancel).
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How often an idle worker looks for work when nobody wakes it.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// First retry delay; doubled for each attempt.
const BACKOFF_BASE: Duration = Duration::from_secs(5);

/// Starts `count` workers on this runtime; they stop taking jobs when `ctx.shutdown` is
/// cancelled and give back the job they hold.
pub fn spawn(ctx: &Arc<Ctx>, count: u32) -> Vec<tokio::task::JoinHandle<()>> {
    let host = hostname();
    (0..count)
        .map(|i| {
            let ctx = ctx.clone();
            let name = format!("{host}:{}:{i}:{}", std::process::id(), Uuid::now_v7());
            tokio::spawn(async move { run_worker(ctx, name).await })
        })
        .collect()
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into())
}

async fn run_worker(ctx: Arc<Ctx>, name: String) {
    ctx.jobs.running.fetch_add(1, Ordering::Relaxed);
    tracing::info!(worker = %name, "transcode worker running");
    let lease = Duration::from_secs(ctx.config.transcode.lease_secs);
    // A lease can only run out once per lease period: no need to look more often.
    let mut last_reap: Option<Instant> = None;
    loop {
        if ctx.shutdown.is_cancelled() {
            break;
        }
        if last_reap.is_none_or(|t| t.elapsed() >= lease) {
            last_reap = Some(Instant::now());
            if let Err(e) = reap(&ctx).await {
                tracing::warn!(error = %e, "could not reap abandoned jobs");
            }
        }
        match queue::claim(&ctx.db, &name, lease).await {
            Ok(Some(job)) => {
                use tracing::Instrument as _;
                let span = tracing::info_span!("job", id = %job.id, attempt = job.attempts);
                run_job(&ctx, &name, job).instrument(span).await;
            }
            Ok(None) => {
                tokio::select! {
                    () = ctx.jobs.waiting.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                    () = ctx.shutdown.cancelled() => break,
                }
            }
            Err(e) => {
                tracing::warn!(worker = %name, error = %e, "cannot claim a job");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    ctx.jobs.running.fetch_sub(1, Ordering::Relaxed);
    tracing::info!(worker = %name, "worker stopped");
}

/// Jobs whose worker died on their last attempt fail for good, with their partial outputs gone.
async fn reap(ctx: &Ctx) -> AppResult<()> {
    for dead in queue::reap_exhausted(&ctx.db).await? {
        tracing::warn!(job = %dead.id, "a worker died on the job's last attempt");
        if dead.kind == queue::kind::DOWNLOADS {
            discard(ctx, &dead).await?;
            continue;
        }
        cleanup_failed(
            ctx,
            &dead,
            "the worker stopped responding on the last attempt",
        )
        .await?;
    }
    Ok(())
}

/// Runs one claimed job to its end; every error is recorded on the job, never propagated.
async fn run_job(ctx: &Arc<Ctx>, worker: &str, job: job::Model) {
    let started = Instant::now();
    let scratch = scratch_dir(ctx).join(job.id.to_string());
    let result = if job.kind == queue::kind::DOWNLOADS {
        downloads::attempt(ctx, worker, &job, &scratch).await
    } else {
        attempt(ctx, worker, &job, &scratch).await
    };
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    // What happened, for the log, and the job state subscribers are told.
    let (outcome, status) = match result {
        Ok(()) => ("succeeded", queue::status::SUCCEEDED),
        Err(Stop::Cancelled) => {
            tracing::info!(job = %job.id, "job cancelled");
            if let Err(e) = discard(ctx, &job).await {
                tracing::warn!(job = %job.id, error = %e, "could not remove a cancelled job's outputs");
            }
            ("cancelled", queue::status::CANCELLED)
        }
        Err(Stop::ShuttingDown) => {
            // Give the job back without spending an attempt; another worker resumes it.
            let _ = release(ctx, &job, worker).await;
            ("released", queue::status::QUEUED)
        }
        Err(Stop::LostLease) => ("lost", queue::status::QUEUED),
        Err(Stop::Failed { message, permanent }) => {
            tracing::warn!(job = %job.id, error = %message, permanent, "job attempt failed");
            match queue::fail(&ctx.db, &job, worker, &message, permanent, BACKOFF_BASE).await {
                Ok(AfterFailure::Failed) if job.kind == queue::kind::DOWNLOADS => {
                    // The video plays on; only its downloads are missing (the job says why).
                    let _ = discard(ctx, &job).await;
                    ("failed", queue::status::FAILED)
                }
                Ok(AfterFailure::Failed) => {
                    if let Err(e) = cleanup_failed(ctx, &job, &message).await {
                        tracing::error!(job = %job.id, error = %e, "could not record a failure");
                    }
                    ("failed", queue::status::FAILED)
                }
                Ok(AfterFailure::Retry) => {
                    let _ = discard(ctx, &job).await;
                    ("retrying", queue::status::QUEUED)
                }
                Ok(AfterFailure::Lost) => ("lost", queue::status::QUEUED),
                Err(e) => {
                    tracing::error!(job = %job.id, error = %e, "could not record a failed attempt");
                    ("error", queue::status::QUEUED)
                }
            }
        }
    };
    publish_progress(
        ctx,
        &job,
        status,
        if status == queue::status::SUCCEEDED {
            100.0
        } else {
            0.0
        },
        None,
        None,
    )
    .await;
    publish_changed(ctx, &job).await;
    crate::media::subject::media_changed(ctx, job.subject()).await;
    tracing::info!(job = %job.id, outcome, secs = started.elapsed().as_secs_f64(), "job finished");
}

/// Deletes what an attempt that will not be recorded wrote: a transcode's outputs, or a
/// downloads job's downloads (never the media it made them from).
async fn discard(ctx: &Ctx, job: &job::Model) -> AppResult<usize> {
    if job.kind == queue::kind::DOWNLOADS {
        crate::media::assets::delete_downloads(&ctx.db, &ctx.storage, job.asset_id).await
    } else {
        crate::media::assets::delete_outputs(&ctx.db, &ctx.storage, job.asset_id).await
    }
}

/// Why an attempt stopped early.
enum Stop {
    Cancelled,
    ShuttingDown,
    LostLease,
    Failed { message: String, permanent: bool },
}

impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Stop::Failed {
            message: match &e {
                AppError::UnsupportedMedia(reason) => reason.clone(),
                other => {
                    tracing::error!(error = ?other, "job step failed");
                    "an internal error stopped the transcode; it will be retried".into()
                }
            },
            permanent: matches!(e, AppError::UnsupportedMedia(_) | AppError::NotFound(_)),
        }
    }
}

fn scratch_dir(ctx: &Ctx) -> PathBuf {
    ctx.config
        .transcode
        .scratch_dir
        .clone()
        .unwrap_or_else(|| ctx.config.data_dir.join("transcode"))
}

async fn release(ctx: &Ctx, job: &job::Model, worker: &str) -> AppResult<()> {
    job::Entity::update_many()
        .col_expr(job::Column::Status, queue::status::QUEUED.into())
        .col_expr(job::Column::Attempts, (job.attempts - 1).max(0).into())
        .col_expr(job::Column::LockedBy, Option::<String>::None.into())
        .col_expr(
            job::Column::LockedUntil,
            Option::<chrono::DateTime<Utc>>::None.into(),
        )
        .col_expr(job::Column::UpdatedAt, Utc::now().into())
        .filter(queue::held_by(job.id, worker))
        .exec(&ctx.db)
        .await?;
    Ok(())
}

async fn publish_progress(
    ctx: &Ctx,
    job: &job::Model,
    status: &str,
    percent: f64,
    stage: Option<String>,
    eta_secs: Option<f64>,
) {
    ctx.events
        .publish(events::Event::Progress {
            job_id: job.id,
            subject_kind: job.subject_kind.as_str().into(),
            subject_id: job.subject_id,
            status: status.into(),
            percent,
            stage,
            eta_secs,
        })
        .await;
}

async fn publish_changed(ctx: &Ctx, job: &job::Model) {
    ctx.events
        .publish(events::Event::SubjectChanged {
            subject_kind: job.subject_kind.as_str().into(),
            subject_id: job.subject_id,
        })
        .await;
}
