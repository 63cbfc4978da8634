use crate::i18n::admin::library::{self as text, Library as L};
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::StateBadge;
use super::api::{self, Phase};
use super::podcast_api;
use super::session::{Session, use_session};
use super::tus;
use crate::api::ApiError;
use crate::api::sleep;

/// How often the video is read while its media is processed.
const POLL_MS: i32 = 1000;
/// How long the panel follows the processing before leaving it to the dashboard.
const POLL_LIMIT: u32 = 1800;

/// Where an upload started from the panel is.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadProgress {
    /// Nothing started here: the video's own state shows.
    Idle,
    /// Bytes on the way: how many the server has stored, of how many.
    Sending {
        /// Bytes stored.
        sent: f64,
        /// Bytes in the file.
        total: f64,
    },
    /// Every byte is in; the server is checking the file.
    Checking,
    /// The server processes the media (percent, once known).
    Processing(Option<f64>),
    /// Finished: ready, or refused with the API's reason.
    Done(Phase),
    /// The editor asked to stop: the chunk on the way ends, then the upload is terminated.
    Stopping,
    /// Stopped by the editor; the server dropped the bytes it had.
    Cancelled,
    /// The upload itself failed (refused, or the network gave out).
    Error(String),
}

/// What an upload's media is for.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaTarget {
    /// A video, by global ID.
    Video(String),
    /// A podcast episode, by global ID.
    Episode(String),
}

impl MediaTarget {
    /// The `Upload-Metadata` key naming the target.
    fn key(&self) -> &'static str {
        match self {
            Self::Video(_) => "videoId",
            Self::Episode(_) => "episodeId",
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::Video(id) | Self::Episode(id) => id,
        }
    }

    /// Where the target's media is now; `None` when it is gone.
    async fn phase(&self, session: Session) -> Result<Option<Phase>, ApiError> {
        match self {
            Self::Video(id) => Ok(api::video_state(session, id.clone())
                .await?
                .map(|v| v.phase)),
            Self::Episode(id) => podcast_api::episode_phase(session, id.clone()).await,
        }
    }
}

/// Uploads a video's or an episode's media from a file input with tus, shows the progress,
/// then follows it through processing until it is ready or refused.
#[component]
pub fn UploadPanel(
    /// What the media is for.
    target: MediaTarget,
    /// Its state when the page was read.
    phase: Phase,
    /// Where the upload is; owned by the page, so it outlives a re-render of the panel.
    progress: RwSignal<UploadProgress>,
) -> impl IntoView {
    let session = use_session();
    let busy = move || {
        matches!(
            progress.get(),
            UploadProgress::Sending { .. }
                | UploadProgress::Stopping
                | UploadProgress::Checking
                | UploadProgress::Processing(_)
        )
    };
    let label = match &target {
        MediaTarget::Video(_) => L::VideoFile,
        MediaTarget::Episode(_) => L::AudioFile,
    };
    let start = move |_| {
        let Some(file) = super::chosen_file("media-file") else {
            progress.set(UploadProgress::Error(
                L::ChooseFileFirst.text(locale()).into(),
            ));
            return;
        };
        let target = target.clone();
        progress.set(UploadProgress::Sending {
            sent: 0.0,
            total: file.size(),
        });
        spawn_local(async move {
            match send(session, &target, &file, progress).await {
                Ok(_) => {}
                Err(tus::TusError::Cancelled) => {
                    progress.try_set(UploadProgress::Cancelled);
                    return;
                }
                Err(e) => {
                    progress.try_set(UploadProgress::Error(e.to_string()));
                    return;
                }
            }
            follow(session, &target, progress).await;
        });
    };
    view! {
        <section class="upload-panel" aria-labelledby="media-heading">
            <h3 id="media-heading">{t(L::Media)}</h3>
            <div id="media-state" class="media-state" aria-live="polite">{progress_view(progress, phase)}</div>
            <div class="upload-controls">
                <label for="media-file">{t(label)}</label>
                <input id="media-file" type="file" disabled=busy />
                <button type="button" id="media-upload" on:click=start disabled=busy>
                    {t(L::Upload)}
                </button>
                <Show when=move || matches!(progress.get(), UploadProgress::Sending { .. })>
                    <button
                        type="button"
                        id="media-cancel"
                        on:click=move |_| {
                            progress
                                .update(|p| {
                                    if matches!(p, UploadProgress::Sending { .. }) {
                                        *p = UploadProgress::Stopping;
                                    }
                                })
                        }
                    >
                        {t(L::CancelUpload)}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// Sends `file` with tus as `target`'s media, reporting the bytes stored to `progress`, and
/// waits until the server has checked it; a stop asked for on the way terminates the upload.
async fn send(
    session: Session,
    target: &MediaTarget,
    file: &web_sys::File,
    progress: RwSignal<UploadProgress>,
) -> Result<tus::Settled, tus::TusError> {
    let location = tus::create(session, file, &[(target.key(), target.id())]).await?;
    let sent = tus::send_file(
        session,
        &location,
        file,
        |sent, total| {
            progress.try_update(|p| {
                if *p != UploadProgress::Stopping {
                    *p = UploadProgress::Sending { sent, total };
                }
            });
        },
        // Read from the page's state, so a re-rendered panel's button still stops it.
        || progress.try_get_untracked() == Some(UploadProgress::Stopping),
    )
    .await;
    if let Err(tus::TusError::Cancelled) = sent {
        tus::terminate(session, &location).await?;
        return Err(tus::TusError::Cancelled);
    }
    sent?;
    progress.try_set(UploadProgress::Checking);
    // Refused files are told apart by the poll below: the reason is on the video.
    tus::settled(session, &location).await
}

/// Follows the target's media through processing until it is ready or refused (or the page
/// is gone), reporting to `progress`.
async fn follow(session: Session, target: &MediaTarget, progress: RwSignal<UploadProgress>) {
    // Follow the video: processing, then ready, or the reason it was refused.
    for _ in 0..POLL_LIMIT {
        match target.phase(session).await {
            Ok(Some(phase)) => match phase {
                Phase::Processing(p) => {
                    if progress.try_set(UploadProgress::Processing(p)).is_some() {
                        // The page is gone.
                        return;
                    }
                }
                done @ (Phase::Ready(_) | Phase::Failed(_)) => {
                    progress.try_set(UploadProgress::Done(done));
                    return;
                }
                // Not attached yet.
                Phase::Draft => {}
            },
            Ok(None) => return,
            // A passing network error: read again.
            Err(_) => {}
        }
        sleep(POLL_MS).await;
    }
}

/// The panel's state: the media's own while nothing was started here, else the upload's
/// progress, its checking and processing, or why it stopped.
fn progress_view(progress: RwSignal<UploadProgress>, phase: Phase) -> impl IntoView {
    move || match progress.get() {
        UploadProgress::Idle => view! { <StateBadge phase=phase.clone() /> }.into_any(),
        UploadProgress::Done(phase) => view! { <StateBadge phase /> }.into_any(),
        UploadProgress::Sending { sent, total } => {
            let percent = if total > 0.0 {
                sent * 100.0 / total
            } else {
                100.0
            };
            view! {
                <progress id="upload-progress" max="100" value=percent></progress>
                <span class="upload-text">
                    {text::uploading(locale(), percent, sent, total)}
                </span>
            }
            .into_any()
        }
        UploadProgress::Stopping => {
            view! { <span class="state state-processing">{t(L::Cancelling)}</span> }.into_any()
        }
        UploadProgress::Cancelled => {
            view! { <span class="state state-draft">{t(L::Cancelled)}</span> }.into_any()
        }
        UploadProgress::Checking => {
            view! { <span class="state state-processing">{t(L::CheckingFile)}</span> }.into_any()
        }
        UploadProgress::Processing(p) => {
            view! { <StateBadge phase=Phase::Processing(p) /> }.into_any()
        }
        UploadProgress::Error(message) => view! {
            <span class="state state-failed">{t(L::UploadFailed)}</span>
            <span class="state-reason" role="alert">{message}</span>
        }
        .into_any(),
    }
}
