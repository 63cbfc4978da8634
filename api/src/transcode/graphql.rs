//! GraphQL of transcoding: a video's or episode's processing state, and live subscriptions.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Subscription};
use futures::Stream;
use futures::StreamExt as _;
use uuid::Uuid;

use super::entity::job;
use super::queue;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::graphql::relay::from_global;
use crate::graphql::{WsCredentials, app, viewer};
use crate::media::subject::{Subject, links};
use crate::state::Ctx;
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// The state of a transcode job.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for a worker (or for its retry delay).
    Queued,
    /// A worker is on it.
    Running,
    /// Finished.
    Succeeded,
    /// Gave up; `error` says why.
    Failed,
    /// Cancelled (deleted, or replaced by newer media).
    Cancelled,
}

impl JobStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            queue::status::RUNNING => Self::Running,
            queue::status::SUCCEEDED => Self::Succeeded,
            queue::status::FAILED => Self::Failed,
            queue::status::CANCELLED => Self::Cancelled,
            _ => Self::Queued,
        }
    }
}

/// The latest processing of a video's or episode's media.
#[derive(SimpleObject, Debug, Clone)]
pub struct Processing {
    /// Job state.
    pub status: JobStatus,
    /// 0 to 100.
    pub percent: f64,
    /// Pipeline stage (`video`, `pictures`, `audio`).
    pub stage: Option<String>,
    /// Seconds left, estimated.
    pub eta_secs: Option<f64>,
    /// Attempts made so far.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl From<job::Model> for Processing {
    fn from(j: job::Model) -> Self {
        Self {
            status: JobStatus::parse(&j.status),
            percent: j.progress,
            stage: j.stage,
            eta_secs: j.eta_secs,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            error: j.last_error,
        }
    }
}

/// The latest job of a subject, for its `processing` field.
pub async fn processing_of(ctx: &Context<'_>, subject: Uuid) -> AppResult<Option<Processing>> {
    let app = app(ctx)?;
    Ok(queue::latest_for_subject(&app.db, subject)
        .await?
        .map(Processing::from))
}

/// Input of `retryTranscode`: the video or the episode whose transcode failed (give exactly
/// one).
#[derive(InputObject, Debug)]
pub struct RetryTranscodeInput {
    /// The video.
    pub video_id: Option<ID>,
    /// The episode.
    pub episode_id: Option<ID>,
}

/// What `retryTranscode` queued.
#[derive(SimpleObject, Debug)]
pub struct RetryTranscodePayload {
    /// The new processing, queued.
    pub processing: Processing,
}

/// Mutations of transcoding.
#[derive(Default, Debug)]
pub struct TranscodeMutation;

#[Object]
impl TranscodeMutation {
    /// Runs a failed transcode of a video's or episode's media again, with a fresh set of
    /// attempts (editors of its channel). `VALIDATION` when its latest transcode did not fail.
    #[graphql(guard = "crate::accounts::auth::RoleGuard(crate::accounts::Role::Editor)")]
    async fn retry_transcode(
        &self,
        ctx: &Context<'_>,
        input: RetryTranscodeInput,
    ) -> AppResult<RetryTranscodePayload> {
        let subject = match (input.video_id, input.episode_id) {
            (Some(v), None) => Subject::Video(from_global(&v, "Video")?),
            (None, Some(e)) => Subject::Episode(from_global(&e, "Episode")?),
            _ => return Err(AppError::validation("give videoId or episodeId")),
        };
        let job = super::retry::retry(app(ctx)?, &viewer(ctx), subject).await?;
        Ok(RetryTranscodePayload {
            processing: job.into(),
        })
    }
}

/// A progress report of a transcode.
#[derive(SimpleObject, Debug, Clone)]
pub struct TranscodeProgress {
    /// The video or episode.
    pub subject_id: ID,
    /// Job state.
    pub status: JobStatus,
    /// 0 to 100.
    pub percent: f64,
    /// Pipeline stage.
    pub stage: Option<String>,
    /// Seconds left, estimated.
    pub eta_secs: Option<f64>,
}

/// A broadcast receiver as a stream; a subscriber that falls behind skips what it missed
/// (progress is a level, not a log).
fn events_of(
    rx: tokio::sync::broadcast::Receiver<Event>,
) -> impl Stream<Item = Result<Event, ()>> + Send + 'static {
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => return Some((Ok(e), rx)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// Live updates over WebSocket (`/graphql/ws`, graphql-transport-ws or graphql-ws).
#[derive(Default, Debug)]
pub struct SubscriptionRoot;

/// Which subject a subscription follows, checked against what the caller may see.
async fn subject_for(
    ctx: &Context<'_>,
    video_id: Option<ID>,
    episode_id: Option<ID>,
    manage: bool,
) -> AppResult<Subject> {
    let app = app(ctx)?;
    let subject = match (video_id, episode_id) {
        (Some(v), None) => Subject::Video(from_global(&v, "Video")?),
        (None, Some(e)) => Subject::Episode(from_global(&e, "Episode")?),
        _ => return Err(AppError::validation("give videoId or episodeId")),
    };
    links::check(&app.db, &viewer(ctx), subject, manage).await?;
    Ok(subject)
}

/// What a subscription does with one event.
enum Step<T> {
    /// Send this.
    Emit(T),
    /// Nothing for this caller.
    Skip,
    /// The caller's credentials no longer hold: end the subscription.
    End,
}

/// What a subscription checks each event with: the app, the caller as they subscribed, and the
/// connection's credentials.
#[derive(Clone)]
struct Listener {
    app: Arc<Ctx>,
    who: Viewer,
    credentials: Option<WsCredentials>,
}

impl Listener {
    fn of(ctx: &Context<'_>) -> AppResult<Self> {
        Ok(Self {
            app: app(ctx)?.clone(),
            who: viewer(ctx),
            credentials: ctx.data_opt::<WsCredentials>().cloned(),
        })
    }

    /// Who the caller is at this event. Over WebSocket the connection's credentials are checked
    /// again, so a session that ended, a revoked token or a disabled account ends the
    /// subscription (`None`); a principal whose role changed sees what the new role sees.
    async fn caller_now(&self) -> Option<Viewer> {
        match &self.credentials {
            Some(c) if c.0.contains_key(axum::http::header::AUTHORIZATION) => {
                crate::accounts::auth::authenticate(&self.app, &c.0)
                    .await
                    .ok()
                    .map(|p| Viewer::of(&p))
            }
            _ => Some(self.who.clone()),
        }
    }
}

/// Runs `step` for each event until it says [`Step::End`].
fn steps<T, F, Fut>(
    rx: tokio::sync::broadcast::Receiver<Event>,
    step: F,
) -> impl Stream<Item = T> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(Event) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Step<T>> + Send + 'static,
{
    events_of(rx)
        .filter_map(|e| futures::future::ready(e.ok()))
        .then(step)
        .take_while(|s| futures::future::ready(!matches!(s, Step::End)))
        .filter_map(|s| {
            futures::future::ready(match s {
                Step::Emit(t) => Some(t),
                Step::Skip | Step::End => None,
            })
        })
}

#[Subscription]
impl SubscriptionRoot {
    /// Progress of the media processing of a video (or episode) the caller manages, about once
    /// a second, ending with the job's final state. Each report is checked again against what
    /// the caller may manage, so one who loses access stops hearing.
    async fn transcode_progress(
        &self,
        ctx: &Context<'_>,
        video_id: Option<ID>,
        episode_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = TranscodeProgress> + use<>> {
        let subject = subject_for(ctx, video_id, episode_id, true).await?;
        let listener = Listener::of(ctx)?;
        let rx = listener.app.events.subscribe();
        Ok(steps(rx, move |event| {
            let listener = listener.clone();
            async move {
                let Event::Progress {
                    subject_id,
                    status,
                    percent,
                    stage,
                    eta_secs,
                    ..
                } = event
                else {
                    return Step::Skip;
                };
                if subject_id != subject.id() {
                    return Step::Skip;
                }
                let Some(who) = listener.caller_now().await else {
                    return Step::End;
                };
                if links::check(&listener.app.db, &who, subject, true)
                    .await
                    .is_err()
                {
                    return Step::Skip;
                }
                Step::Emit(TranscodeProgress {
                    subject_id: subject.global_id(),
                    status: JobStatus::parse(&status),
                    percent,
                    stage,
                    eta_secs,
                })
            }
        }))
    }

    /// The video, each time it changes (status, media, playable), for callers who may see it.
    /// Each event reloads the video under the visibility rules of `visibility.rs`: while the
    /// caller may not see it (made private, unpublished, deleted) nothing is sent. A caller
    /// whose session ended or whose token was revoked is no longer served.
    async fn video_updated(
        &self,
        ctx: &Context<'_>,
        video_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = crate::videos::graphql::Video> + use<>> {
        let subject = subject_for(ctx, Some(video_id), None, false).await?.id();
        let listener = Listener::of(ctx)?;
        let rx = listener.app.events.subscribe();
        Ok(steps(rx, move |event| {
            let listener = listener.clone();
            async move {
                match event {
                    Event::SubjectChanged { subject_id, .. } if subject_id == subject => {
                        let Some(who) = listener.caller_now().await else {
                            return Step::End;
                        };
                        match crate::content::find::<video::Entity>(&listener.app.db, &who, subject)
                            .await
                        {
                            Ok(Some(v)) => Step::Emit(crate::videos::graphql::Video(v)),
                            _ => Step::Skip,
                        }
                    }
                    _ => Step::Skip,
                }
            }
        }))
    }
}
