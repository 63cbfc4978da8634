//! Running a failed transcode again, at an editor's request.

use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::media::subject::{self, MediaChange, Subject, links};
use crate::state::Ctx;
use crate::transcode::entity::job;
use crate::transcode::queue;
use crate::visibility::{Status, Viewer};

/// Queues the source of `subject`'s failed transcode again, with a fresh set of attempts. Only
/// a manager of the subject may; `VALIDATION` when its latest transcode did not fail (nothing to
/// retry: never started, still running, or done). A subject whose failed transcode was for its
/// current media goes back to `PROCESSING` and its error is cleared; one whose replacement
/// failed keeps its playable media while the new file is tried again.
pub async fn retry(ctx: &Ctx, who: &Viewer, subject: Subject) -> AppResult<job::Model> {
    let txn = crate::db::begin_write(&ctx.db).await?;
    links::check(&txn, who, subject, true).await?;
    let failed = queue::latest_for_subject(&txn, subject.id())
        .await?
        .filter(|j| j.status == queue::status::FAILED)
        .ok_or_else(|| {
            AppError::validation(
                "only a failed transcode can be retried, and this item's latest one did not fail",
            )
        })?;
    let current = subject::media_of(&txn, subject)
        .await?
        .ok_or(AppError::NotFound(subject.kind().as_str()))?;
    let is_current = current.asset == Some(failed.asset_id);
    subject::set_media(
        &txn,
        subject,
        MediaChange {
            status: is_current.then_some(Status::Processing),
            error: None,
            ..MediaChange::default()
        },
    )
    .await?;
    let job = queue::enqueue(
        &txn,
        failed.asset_id,
        subject,
        ctx.config.transcode.max_attempts,
    )
    .await?;
    txn.commit().await?;
    ctx.jobs.waiting.notify_waiters();
    crate::media::subject::media_changed(ctx, subject).await;
    ctx.events
        .publish(Event::SubjectChanged {
            subject_kind: subject.kind().as_str().into(),
            subject_id: subject.id(),
        })
        .await;
    tracing::info!(job = %job.id, subject = %subject.id(), "retrying a failed transcode");
    Ok(job)
}
