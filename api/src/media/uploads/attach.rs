//! Attaching a stored source to the video or episode an upload is for (made now for a direct
//! upload), and queueing its transcode.

use crate::error::AppResult;
use crate::media::entity::upload;
use crate::media::probe;
use crate::media::subject::{self, MediaChange};
use crate::state::Ctx;

/// Makes a stored source the media of the video or episode the upload is for, and queues its
/// transcode. Idempotent (a crash-recovery run may call it again): the job is not queued twice.
///
/// A subject with no ready media takes the new source at once (status `processing`), so it
/// becomes playable as soon as the first segments exist. A subject whose media is ready keeps
/// it, with its URLs, until the new transcode succeeds: the worker swaps the source then.
pub(super) async fn attach(
    ctx: &Ctx,
    upload: &upload::Model,
    found: &probe::Probe,
) -> AppResult<()> {
    use crate::transcode::queue;
    use crate::visibility::Status;
    // A direct upload's draft is made now that the file is in.
    let pointed = crate::media::direct::make_draft(ctx, upload, found).await?;
    let upload = pointed.as_ref().unwrap_or(upload);
    let Some(target) = upload.target() else {
        return Ok(());
    };
    let db = &ctx.db;
    let asset = upload.id;
    let max_attempts = ctx.config.transcode.max_attempts;
    let txn = crate::db::begin_write(db).await?;
    let Some(current) = subject::media_of(&txn, target).await? else {
        return Ok(());
    };
    if target.kind().needs_video() && found.kind != "video" {
        let reason = "this is an audio file: a video needs a video track";
        subject::set_media_error(&txn, target, reason).await?;
        txn.commit().await?;
        return Ok(());
    }
    let mut change = MediaChange::default();
    let mut replaced = None;
    if !current.has_ready() && current.asset != Some(asset) {
        replaced = current.asset;
        change.asset = Some(asset);
        change.status = Some(Status::Processing);
        change.duration = Some(found.duration_secs);
    }
    subject::set_media(&txn, target, change).await?;
    let job = queue::enqueue(&txn, asset, target, max_attempts).await?;
    txn.commit().await?;
    ctx.jobs.waiting.notify_waiters();
    ctx.webhooks.wake();
    tracing::info!(upload = %asset, job = %job.id, subject = %target.id(), "queued a transcode");
    if let Some(old) = replaced
        && let Err(e) = crate::media::assets::delete_asset(db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced source; the sweep will");
    }
    subject::media_changed(ctx, target).await;
    Ok(())
}
