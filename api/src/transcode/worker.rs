//! Workers: claim a job, run its pipeline on a blocking thread, store every file as the pipeline
//! reports it, record the outputs, and keep the lease alive with a heartbeat that also carries
//! progress. They run inside `projector serve` and as `projector worker` processes alike.
//!
//! Crash safety comes from the queue and from deterministic keys: a worker killed mid-job loses
//! its lease, another claims the job, and the retry writes the same keys, so nothing is
//! duplicated or orphaned. A failed or cancelled attempt deletes what it wrote.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, Set,
};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::entity::job;
use super::pipeline::{self, Event, Output, OutputKind, PipelineError};
use super::queue::{self, AfterFailure, Progress, Subject};
use crate::error::{AppError, AppResult};
use crate::events;
use crate::media::entity::{media_asset, media_output};
use crate::media::key::ObjectKey;
use crate::media::probe::Probe;
use crate::state::Ctx;
use crate::visibility::Status;

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
    ctx.workers_running.fetch_add(1, Ordering::Relaxed);
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
                    () = ctx.jobs_waiting.notified() => {}
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
    ctx.workers_running.fetch_sub(1, Ordering::Relaxed);
    tracing::info!(worker = %name, "worker stopped");
}

/// Jobs whose worker died on their last attempt fail for good, with their partial outputs gone.
async fn reap(ctx: &Ctx) -> AppResult<()> {
    for dead in queue::reap_exhausted(&ctx.db).await? {
        tracing::warn!(job = %dead.id, "a worker died on the job's last attempt");
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
    let result = attempt(ctx, worker, &job, &scratch).await;
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    // What happened, for the log, and the job state subscribers are told.
    let (outcome, status) = match result {
        Ok(()) => ("succeeded", queue::status::SUCCEEDED),
        Err(Stop::Cancelled) => {
            tracing::info!(job = %job.id, "job cancelled");
            if let Err(e) =
                crate::media::assets::delete_outputs(&ctx.db, &ctx.storage, job.asset_id).await
            {
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
                Ok(AfterFailure::Failed) => {
                    if let Err(e) = cleanup_failed(ctx, &job, &message).await {
                        tracing::error!(job = %job.id, error = %e, "could not record a failure");
                    }
                    ("failed", queue::status::FAILED)
                }
                Ok(AfterFailure::Retry) => {
                    let _ =
                        crate::media::assets::delete_outputs(&ctx.db, &ctx.storage, job.asset_id)
                            .await;
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
    ctx.public_cache.invalidate();
    tracing::info!(job = %job.id, outcome, secs = started.elapsed().as_secs_f64(), "job finished");
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

async fn attempt(
    ctx: &Arc<Ctx>,
    worker: &str,
    job: &job::Model,
    scratch: &Path,
) -> Result<(), Stop> {
    let subject = Subject::of(job)?;
    let asset = media_asset::Entity::find_by_id(job.asset_id)
        .one(&ctx.db)
        .await
        .map_err(AppError::from)?
        .ok_or(Stop::Failed {
            message: "the source file is gone".into(),
            permanent: true,
        })?;
    let probe: Probe = asset
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or(Stop::Failed {
            message: "the source was never probed".into(),
            permanent: true,
        })?;
    let _ = tokio::fs::remove_dir_all(scratch).await;
    let out_dir = scratch.join("out");
    tokio::fs::create_dir_all(&out_dir)
        .await
        .map_err(AppError::internal)?;
    let source_key = ObjectKey::parse(&asset.storage_key)?;
    let source = match ctx.storage.local_path(&source_key) {
        Some(path) => path,
        None => {
            let path = scratch.join("source");
            crate::media::uploads::download(ctx.storage.as_ref(), &source_key, &path).await?;
            path
        }
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let video = subject_is_video(subject, &probe);
    let t = &ctx.config.transcode;
    let video_spec = pipeline::VideoSpec {
        ladder: t.ladder.clone(),
        preset: t.preset.clone(),
        gop_secs: t.gop_secs,
        segment_secs: t.segment_secs,
        audio_kbps: t.hls_audio_kbps,
    };
    let audio_spec = pipeline::AudioSpec {
        m4a_kbps: t.m4a_kbps,
        mp3_kbps: t.mp3_kbps,
    };
    let run = {
        let cancel = cancel.clone();
        let out_dir = out_dir.clone();
        let probe = probe.clone();
        tokio::task::spawn_blocking(move || {
            let mut on_event = |e: Event| {
                let _ = tx.send(e);
            };
            if video {
                pipeline::transcode_video(
                    &source,
                    &probe,
                    &out_dir,
                    &video_spec,
                    &cancel,
                    &mut on_event,
                )
            } else {
                pipeline::transcode_audio(
                    &source,
                    &probe,
                    &out_dir,
                    &audio_spec,
                    &cancel,
                    &mut on_event,
                )
            }
        })
    };

    let mut stored: BTreeSet<PathBuf> = BTreeSet::new();
    let mut playable = false;
    let mut progress = Progress::default();
    let mut last_beat = Instant::now();
    let mut beat = tokio::time::interval(HEARTBEAT);
    let mut stop: Option<Stop> = None;
    let started = Instant::now();
    loop {
        tokio::select! {
            event = rx.recv() => {
                let Some(event) = event else { break };
                if stop.is_some() {
                    continue;
                }
                match event {
                    Event::FileReady(rel) => {
                        if let Err(e) = store(ctx, job.asset_id, &out_dir, &rel).await {
                            cancel.store(true, Ordering::Relaxed);
                            stop = Some(e.into());
                        } else {
                            stored.insert(rel);
                        }
                    }
                    Event::PlaylistsUpdated(paths) => {
                        for rel in paths {
                            if let Err(e) = store(ctx, job.asset_id, &out_dir, &rel).await {
                                cancel.store(true, Ordering::Relaxed);
                                stop = Some(e.into());
                                break;
                            }
                            if !playable && rel == Path::new("hls/master.m3u8") {
                                playable = true;
                                if let Err(e) = mark_playable(ctx, job, &out_dir, &rel).await {
                                    tracing::warn!(error = %e, "could not record the master playlist early");
                                }
                                publish_changed(ctx, job).await;
                            }
                            stored.insert(rel);
                        }
                    }
                    Event::Progress { percent, stage } => {
                        let elapsed = started.elapsed().as_secs_f64();
                        progress.eta_secs = (percent > 1.0)
                            .then(|| elapsed * (100.0 - percent) / percent);
                        progress.percent = percent;
                        progress.stage = Some(stage.to_string());
                    }
                }
            }
            _ = beat.tick() => {}
        }
        if last_beat.elapsed() >= HEARTBEAT {
            last_beat = Instant::now();
            if ctx.shutdown.is_cancelled() && stop.is_none() {
                cancel.store(true, Ordering::Relaxed);
                stop = Some(Stop::ShuttingDown);
            }
            let lease = Duration::from_secs(ctx.config.transcode.lease_secs);
            match queue::heartbeat(&ctx.db, job.id, worker, lease, &progress).await {
                Ok(true) => {
                    publish_progress(
                        ctx,
                        job,
                        queue::status::RUNNING,
                        progress.percent,
                        progress.stage.clone(),
                        progress.eta_secs,
                    )
                    .await;
                }
                Ok(false) if stop.is_none() => {
                    cancel.store(true, Ordering::Relaxed);
                    let cancelled = job::Entity::find_by_id(job.id)
                        .one(&ctx.db)
                        .await
                        .ok()
                        .flatten()
                        .is_none_or(|j| j.status == queue::status::CANCELLED);
                    stop = Some(if cancelled {
                        Stop::Cancelled
                    } else {
                        Stop::LostLease
                    });
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(job = %job.id, error = %e, "heartbeat failed"),
            }
        }
    }
    let result = run.await.map_err(|e| Stop::Failed {
        message: format!("the transcoder crashed: {e}"),
        permanent: false,
    })?;
    if let Some(stop) = stop {
        return Err(stop);
    }
    let outputs = match result {
        Ok(outputs) => outputs,
        Err(PipelineError::Cancelled) => {
            return Err(if ctx.shutdown.is_cancelled() {
                Stop::ShuttingDown
            } else {
                Stop::Cancelled
            });
        }
        Err(PipelineError::Unsupported(message)) => {
            return Err(Stop::Failed {
                message,
                permanent: true,
            });
        }
        Err(PipelineError::Failed(message)) => {
            return Err(Stop::Failed {
                message,
                permanent: false,
            });
        }
    };
    // Anything the pipeline did not report as it went (audio files, pictures) is stored now.
    for output in &outputs {
        if !stored.contains(&output.path) {
            store(ctx, job.asset_id, &out_dir, &output.path).await?;
            stored.insert(output.path.clone());
        }
    }
    if !queue::still_held(&ctx.db, job.id, worker).await? {
        return Err(Stop::Cancelled);
    }
    finish(ctx, worker, job, subject, &probe, &outputs).await
}

fn subject_is_video(subject: Subject, probe: &Probe) -> bool {
    matches!(subject, Subject::Video(_)) && probe.video.is_some()
}

/// Stores one file of `out_dir` under the asset's prefix.
async fn store(ctx: &Ctx, asset: Uuid, out_dir: &Path, rel: &Path) -> AppResult<()> {
    let rel_str = rel
        .to_str()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("non-UTF-8 output path")))?;
    let key = ObjectKey::for_asset(asset, rel_str)?;
    ctx.storage
        .put_file(&key, &out_dir.join(rel), content_type_of(rel_str))
        .await?;
    Ok(())
}

/// The MIME type of an output, by its extension.
pub fn content_type_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("m3u8") => "application/vnd.apple.mpegurl",
        Some("ts") => "video/mp2t",
        Some("m4s") | Some("mp4") => "video/mp4",
        Some("m4a") => "audio/mp4",
        Some("mp3") => "audio/mpeg",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        Some("vtt") => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Records the master playlist as soon as it exists, so the video reads as playable while the
/// rest is still being encoded (the final row replaces it at the end).
async fn mark_playable(ctx: &Ctx, job: &job::Model, out_dir: &Path, rel: &Path) -> AppResult<()> {
    let bytes = tokio::fs::metadata(out_dir.join(rel))
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let output = Output {
        kind: OutputKind::HlsMaster,
        name: "master".into(),
        path: rel.to_path_buf(),
        content_type: content_type_of("m3u8").into(),
        bytes,
        bitrate: None,
        width: None,
        height: None,
        duration_secs: None,
        extra: serde_json::Value::Null,
    };
    let txn = crate::db::begin_write(&ctx.db).await?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq(OutputKind::HlsMaster.as_str()))
        .exec(&txn)
        .await?;
    insert_output(&txn, job.asset_id, &output).await?;
    txn.commit().await?;
    ctx.public_cache.invalidate();
    Ok(())
}

async fn insert_output(
    db: &impl sea_orm::ConnectionTrait,
    asset: Uuid,
    output: &Output,
) -> AppResult<()> {
    let rel = output
        .path
        .to_str()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("non-UTF-8 output path")))?;
    let key = ObjectKey::for_asset(asset, rel)?;
    let to_i32 = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    media_output::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(asset),
        kind: Set(output.kind.as_str().into()),
        name: Set(output.name.chars().take(64).collect()),
        storage_key: Set(key.as_str().into()),
        content_type: Set(output.content_type.clone()),
        bytes: Set(i64::try_from(output.bytes).unwrap_or(i64::MAX)),
        bitrate: Set(output.bitrate.and_then(|b| i64::try_from(b).ok())),
        width: Set(to_i32(output.width)),
        height: Set(to_i32(output.height)),
        duration_secs: Set(output.duration_secs),
        extra: Set((!output.extra.is_null()).then(|| output.extra.to_string())),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records the outputs and makes the asset the subject's media, in one transaction; a source it
/// replaces is deleted afterwards.
async fn finish(
    ctx: &Ctx,
    worker: &str,
    job: &job::Model,
    subject: Subject,
    probe: &Probe,
    outputs: &[Output],
) -> Result<(), Stop> {
    let txn = crate::db::begin_write(&ctx.db)
        .await
        .map_err(AppError::from)?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.ne("caption"))
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    for output in outputs {
        insert_output(&txn, job.asset_id, output).await?;
    }
    let duration = outputs
        .iter()
        .filter_map(|o| o.duration_secs)
        .fold(None, |acc: Option<f64>, d| {
            Some(acc.map_or(d, |a| a.max(d)))
        })
        .unwrap_or(probe.duration_secs);
    let Some((current, _)) = subject_media(&txn, subject).await? else {
        return Err(Stop::Cancelled);
    };
    let replaced = current.filter(|c| *c != job.asset_id);
    set_subject_media(
        &txn,
        subject,
        SubjectMedia {
            asset: Some(job.asset_id),
            // The pipeline is the only writer of the status: playable media makes it READY.
            status: Some(Status::Ready),
            duration: Some(duration),
            error: None,
        },
    )
    .await?;
    // Captions outlive the media they were written for, and the pipeline's master knows none:
    // both are settled before the switch commits, so no reader sees a master without them.
    let mut captions = 0;
    if let Some(old) = replaced {
        captions += super::captions::carry_over(&txn, &ctx.storage, old, job.asset_id).await?;
    }
    let own = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq("caption"))
        .count(&txn)
        .await
        .map_err(AppError::from)?;
    if captions > 0 || own > 0 {
        super::captions::rewrite_master(&txn, &ctx.storage, job.asset_id).await?;
    }
    if !queue::succeed(&txn, job.id, worker).await? {
        // Cancelled (or taken over) at the last moment: keep nothing of this attempt.
        return Err(Stop::Cancelled);
    }
    txn.commit().await.map_err(AppError::from)?;
    if let Some(old) = replaced
        && let Err(e) = crate::media::assets::delete_asset(&ctx.db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced source; the sweep will");
    }
    Ok(())
}

/// The media asset and status of a video or episode, `None` when it is gone.
async fn subject_media(
    db: &impl sea_orm::ConnectionTrait,
    subject: Subject,
) -> AppResult<Option<(Option<Uuid>, String)>> {
    use crate::podcasts::entity::episode;
    use crate::videos::entity::video;
    Ok(match subject {
        Subject::Video(id) => video::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|v| (v.source_asset_id, v.status)),
        Subject::Episode(id) => episode::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|e| (e.media_asset_id, e.status)),
    })
}

/// What a transcode's end changes on its video or episode; `media_error` is always written.
struct SubjectMedia {
    asset: Option<Uuid>,
    status: Option<Status>,
    duration: Option<f64>,
    error: Option<String>,
}

/// Writes [`SubjectMedia`] to a video or episode (the same columns under other names).
async fn set_subject_media(
    db: &impl sea_orm::ConnectionTrait,
    subject: Subject,
    change: SubjectMedia,
) -> AppResult<()> {
    use crate::podcasts::entity::episode;
    use crate::videos::entity::video;
    macro_rules! write {
        ($entity:ident, $asset_col:ident, $id:expr) => {{
            let mut update = $entity::Entity::update_many()
                .col_expr($entity::Column::MediaError, change.error.clone().into())
                .col_expr($entity::Column::UpdatedAt, Utc::now().into());
            if let Some(asset) = change.asset {
                update = update.col_expr($entity::Column::$asset_col, Some(asset).into());
            }
            if let Some(status) = change.status {
                update = update.col_expr($entity::Column::Status, status.as_str().into());
            }
            if let Some(duration) = change.duration {
                update = update.col_expr($entity::Column::DurationSecs, Some(duration).into());
            }
            update.filter($entity::Column::Id.eq($id)).exec(db).await?;
        }};
    }
    match subject {
        Subject::Video(id) => write!(video, SourceAssetId, id),
        Subject::Episode(id) => write!(episode, MediaAssetId, id),
    }
    Ok(())
}

/// A job failed for good: its partial outputs go, and the video or episode shows why. A subject
/// whose media was being replaced keeps its current media (and shows the error).
async fn cleanup_failed(ctx: &Ctx, job: &job::Model, message: &str) -> AppResult<()> {
    crate::media::assets::delete_outputs(&ctx.db, &ctx.storage, job.asset_id).await?;
    let reason = format!("transcoding failed: {message}");
    let subject = Subject::of(job)?;
    if let Some((current, _)) = subject_media(&ctx.db, subject).await? {
        // A subject whose media was being replaced keeps the media it has.
        let is_current = current == Some(job.asset_id);
        set_subject_media(
            &ctx.db,
            subject,
            SubjectMedia {
                asset: None,
                status: is_current.then_some(Status::Failed),
                duration: None,
                error: Some(reason),
            },
        )
        .await?;
    }
    Ok(())
}

/// Gives a job back to the queue at shutdown without spending an attempt.
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
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LockedBy.eq(worker))
        .filter(job::Column::Status.eq(queue::status::RUNNING))
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
            subject_kind: job.subject_kind.clone(),
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
            subject_kind: job.subject_kind.clone(),
            subject_id: job.subject_id,
        })
        .await;
}
