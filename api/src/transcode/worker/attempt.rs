//! One attempt at a job, in steps: read the source and its probe, fetch the source to disk if
//! the store is remote, start the pipeline on a blocking thread, follow it (store each file as
//! it is reported, beat the heartbeat), then store what is left and record the result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sea_orm::EntityTrait as _;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{HEARTBEAT, Stop, publish_changed, publish_progress, record};
use crate::error::{AppError, AppResult};
use crate::media::content_type;
use crate::media::entity::media_asset;
use crate::media::key::ObjectKey;
use crate::media::probe::Probe;
use crate::media::subject::Subject;
use crate::state::Ctx;
use crate::transcode::entity::job;
use crate::transcode::pipeline::{self, Event, Output, PipelineError};
use crate::transcode::queue::{self, Progress};

/// The pipeline's thread: its outputs, or why it stopped.
type Run = tokio::task::JoinHandle<Result<Vec<Output>, PipelineError>>;

/// Runs one attempt of a claimed job in `scratch`, to the recorded result or the reason it
/// stopped.
pub(super) async fn attempt(
    ctx: &Arc<Ctx>,
    worker: &str,
    job: &job::Model,
    scratch: &Path,
) -> Result<(), Stop> {
    let subject = job.subject();
    let (asset, probe) = source_of(ctx, job).await?;
    let _ = tokio::fs::remove_dir_all(scratch).await;
    let out_dir = scratch.join("out");
    tokio::fs::create_dir_all(&out_dir)
        .await
        .map_err(AppError::internal)?;
    let source = fetch(ctx, &asset, scratch).await?;
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::unbounded_channel::<Event>();
    let video = subject_is_video(subject, &probe);
    let run = start(ctx, video, source, &probe, &out_dir, &cancel, tx);
    let mut follow = Follow::new(ctx, worker, job, &out_dir, &cancel);
    follow.run(rx).await;
    let result = run.await.map_err(|e| Stop::Failed {
        message: format!("the transcoder crashed: {e}"),
        permanent: false,
    })?;
    if let Some(stop) = follow.stop {
        return Err(stop);
    }
    let outputs = result.map_err(|e| stop_of(ctx, e))?;
    // Anything the pipeline did not report as it went (audio files, pictures) is stored now.
    for output in &outputs {
        if !follow.stored.contains(&output.path) {
            store(ctx, job.asset_id, &out_dir, &output.path).await?;
            follow.stored.insert(output.path.clone());
        }
    }
    if !queue::still_held(&ctx.db, job.id, worker).await? {
        return Err(Stop::Cancelled);
    }
    record::finish(ctx, worker, job, &probe, &outputs, follow.announced).await
}

/// The job's source asset and its probe; a job without them cannot succeed.
async fn source_of(ctx: &Ctx, job: &job::Model) -> Result<(media_asset::Model, Probe), Stop> {
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
    Ok((asset, probe))
}

/// The source as a local file: the stored file itself on a local store, else a download into
/// `scratch`.
async fn fetch(ctx: &Ctx, asset: &media_asset::Model, scratch: &Path) -> AppResult<PathBuf> {
    let key = ObjectKey::parse(&asset.storage_key)?;
    Ok(match ctx.storage.local_path(&key) {
        Some(path) => path,
        None => {
            let path = scratch.join("source");
            crate::media::uploads::download(ctx.storage.as_ref(), &key, &path).await?;
            path
        }
    })
}

/// Starts the video or audio pipeline on a blocking thread; its events go to `tx`.
fn start(
    ctx: &Ctx,
    video: bool,
    source: PathBuf,
    probe: &Probe,
    out_dir: &Path,
    cancel: &Arc<AtomicBool>,
    tx: mpsc::UnboundedSender<Event>,
) -> Run {
    let t = &ctx.config.transcode;
    let video_spec = pipeline::VideoSpec {
        ladder: t.ladder.clone(),
        preset: t.preset.clone(),
        gop_secs: t.gop_secs,
        segment_secs: t.segment_secs,
        audio_kbps: t.hls_audio_kbps,
        nice: t.nice,
    };
    let audio_spec = pipeline::AudioSpec {
        m4a_kbps: t.m4a_kbps,
        mp3_kbps: t.mp3_kbps,
        nice: t.nice,
    };
    let cancel = cancel.clone();
    let out_dir = out_dir.to_path_buf();
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
}

/// Why the pipeline stopped, as the attempt's end.
fn stop_of(ctx: &Ctx, error: PipelineError) -> Stop {
    match error {
        PipelineError::Cancelled if ctx.shutdown.is_cancelled() => Stop::ShuttingDown,
        PipelineError::Cancelled => Stop::Cancelled,
        PipelineError::Unsupported(message) => Stop::Failed {
            message,
            permanent: true,
        },
        PipelineError::Failed(message) => Stop::Failed {
            message,
            permanent: false,
        },
    }
}

fn subject_is_video(subject: Subject, probe: &Probe) -> bool {
    subject.kind().needs_video() && probe.video.is_some()
}

/// Stores one file of `out_dir` under the asset's prefix.
async fn store(ctx: &Ctx, asset: Uuid, out_dir: &Path, rel: &Path) -> AppResult<()> {
    let rel_str = rel
        .to_str()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("non-UTF-8 output path")))?;
    let key = ObjectKey::for_asset(asset, rel_str)?;
    ctx.storage
        .put_file(&key, &out_dir.join(rel), content_type::of_name(rel_str))
        .await?;
    Ok(())
}

/// Follows a running pipeline: stores each file it reports, records the master playlist as
/// soon as it exists, and beats the heartbeat (which carries progress and notices a cancel).
struct Follow<'a> {
    ctx: &'a Ctx,
    worker: &'a str,
    job: &'a job::Model,
    out_dir: &'a Path,
    cancel: &'a AtomicBool,
    /// Files stored so far, relative to `out_dir`.
    stored: BTreeSet<PathBuf>,
    playable: bool,
    /// Whether `.media.playable` went out with the early master playlist.
    announced: bool,
    progress: Progress,
    started: Instant,
    /// Why the attempt must stop; the pipeline is told to cancel and its last events ignored.
    stop: Option<Stop>,
}

impl<'a> Follow<'a> {
    fn new(
        ctx: &'a Ctx,
        worker: &'a str,
        job: &'a job::Model,
        out_dir: &'a Path,
        cancel: &'a AtomicBool,
    ) -> Self {
        Self {
            ctx,
            worker,
            job,
            out_dir,
            cancel,
            stored: BTreeSet::new(),
            playable: false,
            announced: false,
            progress: Progress::default(),
            started: Instant::now(),
            stop: None,
        }
    }

    /// Runs until the pipeline's thread drops its sender.
    async fn run(&mut self, mut rx: mpsc::UnboundedReceiver<Event>) {
        let mut last_beat = Instant::now();
        let mut beat = tokio::time::interval(HEARTBEAT);
        loop {
            tokio::select! {
                event = rx.recv() => {
                    let Some(event) = event else { break };
                    if self.stop.is_some() {
                        continue;
                    }
                    self.on_event(event).await;
                }
                _ = beat.tick() => {}
            }
            if last_beat.elapsed() >= HEARTBEAT {
                last_beat = Instant::now();
                self.heartbeat().await;
            }
        }
    }

    fn stop(&mut self, stop: Stop) {
        self.cancel.store(true, Ordering::Relaxed);
        self.stop = Some(stop);
    }

    async fn on_event(&mut self, event: Event) {
        let (ctx, job) = (self.ctx, self.job);
        match event {
            Event::FileReady(rel) => {
                if let Err(e) = store(ctx, job.asset_id, self.out_dir, &rel).await {
                    self.stop(e.into());
                } else {
                    self.stored.insert(rel);
                }
            }
            Event::PlaylistsUpdated(paths) => {
                for rel in paths {
                    if let Err(e) = store(ctx, job.asset_id, self.out_dir, &rel).await {
                        self.stop(e.into());
                        break;
                    }
                    if !self.playable && rel == Path::new("hls/master.m3u8") {
                        self.playable = true;
                        match record::mark_playable(ctx, job, self.out_dir, &rel).await {
                            Ok(announced) => self.announced = announced,
                            Err(e) => tracing::warn!(
                                error = %e,
                                "could not record the master playlist early"
                            ),
                        }
                        publish_changed(ctx, job).await;
                    }
                    self.stored.insert(rel);
                }
            }
            Event::Progress { percent, stage } => {
                let elapsed = self.started.elapsed().as_secs_f64();
                self.progress.eta_secs =
                    (percent > 1.0).then(|| elapsed * (100.0 - percent) / percent);
                self.progress.percent = percent;
                self.progress.stage = Some(stage.to_string());
            }
        }
    }

    async fn heartbeat(&mut self) {
        let (ctx, job) = (self.ctx, self.job);
        if ctx.shutdown.is_cancelled() && self.stop.is_none() {
            self.stop(Stop::ShuttingDown);
        }
        let lease = Duration::from_secs(ctx.config.transcode.lease_secs);
        match queue::heartbeat(&ctx.db, job.id, self.worker, lease, &self.progress).await {
            Ok(true) => {
                let p = &self.progress;
                let status = queue::status::RUNNING;
                publish_progress(ctx, job, status, p.percent, p.stage.clone(), p.eta_secs).await;
            }
            Ok(false) if self.stop.is_none() => {
                self.cancel.store(true, Ordering::Relaxed);
                let cancelled = job::Entity::find_by_id(job.id)
                    .one(&ctx.db)
                    .await
                    .ok()
                    .flatten()
                    .is_none_or(|j| j.status == queue::status::CANCELLED);
                self.stop = Some(if cancelled {
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
