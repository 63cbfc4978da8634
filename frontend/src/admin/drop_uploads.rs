//! Several video files at once on the new-video page: each dropped (or chosen) file becomes a
//! draft video and is sent with tus, side by side, each with its progress, speed and time left,
//! then followed through processing.
//!
//! Each file's upload address is kept in `localStorage` under its name, size and last change
//! ([`tus::remember`]) until its last byte is in. After a reload or a closed tab, the page lists
//! the user's unfinished uploads (`myUploads`); choosing (or dropping) the same file again
//! sends the rest from the server's offset (`HEAD`), never from byte 0.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::StateBadge;
use super::api::{self, Phase, Unfinished};
use super::session::{Session, use_session};
use super::tus::{self, Remembered, TusError};
use crate::api::sleep;
use crate::i18n::admin::{self as text, Admin};
use crate::i18n::{Message, locale, t};

/// How often a video is read while its media is processed.
const POLL_MS: i32 = 1000;
/// How long a row follows the processing before leaving it to the dashboard (30 min).
const POLL_LIMIT: u32 = 1800;
/// Progress samples kept for the rate.
const SAMPLES: usize = 64;

/// Where one file is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Its draft video is being created.
    Creating,
    /// Bytes on the way; the rate and time left once there are two samples.
    Sending {
        sent: f64,
        total: f64,
        rate: Option<(f64, f64)>,
    },
    /// Every byte is in; the server checks the file.
    Checking,
    /// Sent, and its video unknown here (an upload resumed from another browser's start).
    Uploaded,
    /// The video's media: processing, ready or refused.
    Media(Phase),
    /// The upload failed: why.
    Error(String),
}

/// One file on the page.
#[derive(Clone)]
struct Row {
    key: usize,
    filename: String,
    uuid: RwSignal<Option<String>>,
    step: RwSignal<Step>,
}

/// The title a file gives its draft: its name without the extension.
fn title_of(filename: &str) -> String {
    match filename.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.to_owned(),
        _ => filename.to_owned(),
    }
}

/// Sends `file` for `row`: goes on with the upload this browser remembers for it, else creates
/// a draft in `channel` and a new upload. Returns once the server has checked the file.
async fn send(
    session: Session,
    file: &web_sys::File,
    row: &Row,
    channel: String,
    visibility: String,
) -> Result<(), TusError> {
    let mut location = None;
    if let Some(known) = tus::recall(file) {
        match tus::offset(session, &known.url).await {
            Ok(_) => {
                row.uuid.try_set(known.video_uuid.clone());
                location = Some(known.url);
            }
            Err(e @ TusError::Network(_)) => return Err(e),
            // Gone (finished, expired or cancelled): start again.
            Err(_) => tus::forget(file),
        }
    }
    let location = match location {
        Some(url) => url,
        None => {
            let (id, uuid) = api::create_draft(
                session,
                channel,
                title_of(&file.name()),
                String::new(),
                visibility,
            )
            .await?;
            row.uuid.try_set(Some(uuid.clone()));
            let url = tus::create(session, file, &[("videoId", id.as_str())]).await?;
            tus::remember(
                file,
                &Remembered {
                    url: url.clone(),
                    video_uuid: Some(uuid),
                    filename: file.name(),
                },
            );
            url
        }
    };
    resume(session, file, row, &location).await
}

/// Sends `file` to the upload at `location` from the server's offset, then waits for the check.
async fn resume(
    session: Session,
    file: &web_sys::File,
    row: &Row,
    location: &str,
) -> Result<(), TusError> {
    let samples = Rc::new(RefCell::new(Vec::<(f64, f64)>::new()));
    let step = row.step;
    tus::send_file(
        session,
        location,
        file,
        move |sent, total| {
            let mut samples = samples.borrow_mut();
            samples.push((js_sys::Date::now(), sent));
            if samples.len() > SAMPLES {
                samples.remove(0);
            }
            let rate = tus::rate(&samples, total);
            step.try_set(Step::Sending { sent, total, rate });
        },
        || false,
    )
    .await?;
    // Every byte is in: nothing is left to resume.
    tus::forget(file);
    step.try_set(Step::Checking);
    tus::settled(session, location).await?;
    Ok(())
}

/// Follows the row's video until its media is ready or refused.
async fn follow(session: Session, row: &Row) {
    let Some(uuid) = row.uuid.try_get_untracked().flatten() else {
        row.step.try_set(Step::Uploaded);
        return;
    };
    for _ in 0..POLL_LIMIT {
        match api::video_state(session, uuid.clone()).await {
            Ok(Some(video)) => {
                let done = matches!(video.phase, Phase::Ready(_) | Phase::Failed(_));
                // Draft: not attached yet; shown as still being checked.
                if video.phase != Phase::Draft
                    && row.step.try_set(Step::Media(video.phase)).is_some()
                {
                    // The page is gone.
                    return;
                }
                if done {
                    return;
                }
            }
            Ok(None) => return,
            // A passing network error: read again.
            Err(_) => {}
        }
        sleep(POLL_MS).await;
    }
}

/// Starts one file: as a new draft, or as the rest of an upload begun before.
///
/// The row's signals belong to `owner`, the drop zone's: a file chosen in the list of
/// unfinished uploads leaves that list, and signals made under the list would go with it.
fn start(
    owner: StoredValue<Owner>,
    session: Session,
    rows: RwSignal<Vec<Row>>,
    file: web_sys::File,
    resuming: Option<String>,
) {
    let key = rows.with_untracked(|r| r.iter().map(|r| r.key + 1).max().unwrap_or(0));
    let (uuid, step) = owner
        .with_value(|owner| owner.with(|| (RwSignal::new(None), RwSignal::new(Step::Creating))));
    let row = Row {
        key,
        filename: file.name(),
        uuid,
        step,
    };
    rows.update(|r| r.push(row.clone()));
    let (channel, visibility) = (
        super::field("new-video-channel"),
        super::field("new-video-visibility"),
    );
    spawn_local(async move {
        let outcome = match resuming {
            // Chosen again for an upload this browser no longer remembers: the server's.
            Some(url) => {
                tus::remember(
                    &file,
                    &Remembered {
                        url: url.clone(),
                        video_uuid: None,
                        filename: file.name(),
                    },
                );
                resume(session, &file, &row, &url).await
            }
            None => send(session, &file, &row, channel, visibility).await,
        };
        match outcome {
            Ok(()) => follow(session, &row).await,
            Err(e) => {
                row.step.try_set(Step::Error(e.to_string()));
            }
        }
    });
}

/// The files of a file list.
fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// One file's line: name, state, progress with speed and time left, and its editor's link.
fn row_view(row: Row) -> impl IntoView {
    let Row {
        filename,
        uuid,
        step,
        ..
    } = row;
    let state = move || {
        let l = locale();
        match step.get() {
            Step::Creating => view! {
                <span class="state state-processing">{Admin::CreatingDraft.text(l)}</span>
            }
            .into_any(),
            Step::Sending { sent, total, rate } => {
                let percent = if total > 0.0 {
                    sent * 100.0 / total
                } else {
                    100.0
                };
                let pace = match rate {
                    Some((speed, left)) => text::speed_and_time_left(l, speed, left),
                    None => Admin::Stalled.text(l).to_owned(),
                };
                view! {
                    <progress class="upload-bar" max="100" value=percent></progress>
                    <span class="upload-text">{text::sent_of(l, sent, total)}</span>
                    <span class="upload-pace">{pace}</span>
                }
                .into_any()
            }
            Step::Checking => view! {
                <span class="state state-processing">{Admin::CheckingFile.text(l)}</span>
            }
            .into_any(),
            Step::Uploaded => view! {
                <span class="state state-draft">{Admin::Uploaded.text(l)}</span>
            }
            .into_any(),
            Step::Media(phase) => view! { <StateBadge phase /> }.into_any(),
            Step::Error(message) => view! {
                <span class="state state-failed">{Admin::UploadFailed.text(l)}</span>
                <span class="state-reason" role="alert">{message}</span>
            }
            .into_any(),
        }
    };
    let edit = move || {
        uuid.get().map(|uuid| {
            view! {
                <a class="upload-edit" href=super::edit_path(&uuid)>
                    {t(Admin::EditVideo)}
                </a>
            }
        })
    };
    let data_file = filename.clone();
    view! {
        <li class="upload-row" data-file=data_file>
            <span class="upload-name">{filename}</span>
            <span class="upload-state" aria-live="polite">{state}</span>
            {edit}
        </li>
    }
}

/// The drop zone, the files on their way, and the uploads a reload or a closed tab left
/// unfinished. Reads the channel and visibility from the new-video form around it.
#[component]
pub fn DropUploads() -> impl IntoView {
    let session = use_session();
    let owner = StoredValue::new(Owner::current().unwrap_or_default());
    let rows = RwSignal::new(Vec::<Row>::new());
    // What the server has unfinished, joined with what this browser remembers.
    let unfinished = LocalResource::new(move || async move {
        // Unreadable now (offline): nothing is forgotten, nothing offered.
        let Ok(server) = api::unfinished_uploads(session).await else {
            return Vec::new();
        };
        let local = tus::remembered();
        // What the server no longer waits for (finished, expired) is forgotten here too.
        for (key, entry) in &local {
            if !server
                .iter()
                .any(|u| tus::upload_id(&u.url) == tus::upload_id(&entry.url))
            {
                tus::forget_key(key);
            }
        }
        server
    });
    view! {
        <section class="drop-uploads" aria-labelledby="drop-uploads-heading">
            <h3 id="drop-uploads-heading">{t(Admin::UploadsHeading)}</h3>
            <p class="hint">{t(Admin::UploadsHint)}</p>
            {drop_zone(owner, session, rows)}
            {unfinished_uploads(owner, session, rows, unfinished)}
            <Show when=move || rows.with(|r| !r.is_empty())>
                <h4>{t(Admin::UploadsList)}</h4>
                <ul id="uploads" class="upload-rows">
                    <For each=move || rows.get() key=|row| row.key children=row_view />
                </ul>
            </Show>
        </section>
    }
}

/// The zone that takes dropped files, with the input that chooses several; each file starts
/// its upload at once.
fn drop_zone(
    owner: StoredValue<Owner>,
    session: Session,
    rows: RwSignal<Vec<Row>>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let take = move |files: Vec<web_sys::File>| {
        for file in files {
            // A file this browser was sending goes on where the server stands.
            start(owner, session, rows, file, None);
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        take(files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let on_choose = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            take(files_of(input.files()));
            input.set_value("");
        }
    };
    view! {
        <div
            id="drop-zone"
            class="drop-zone"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label for="upload-files">
                {t(Admin::DropFiles)}
                " "
                {t(Admin::ChooseFiles)}
            </label>
            <input
                id="upload-files"
                type="file"
                multiple
                accept="video/*,audio/*"
                on:change=on_choose
            />
        </div>
    }
}

/// The uploads the server still waits for that this page has not started again, each with
/// how much is in and a file input that resumes it (refusing a different file).
fn unfinished_uploads(
    owner: StoredValue<Owner>,
    session: Session,
    rows: RwSignal<Vec<Row>>,
    unfinished: LocalResource<Vec<Unfinished>>,
) -> impl IntoView {
    let resume_error = RwSignal::new(None::<String>);
    let resume_with = move |upload: Unfinished, ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(input) = input else { return };
        let Some(file) = files_of(input.files()).into_iter().next() else {
            return;
        };
        input.set_value("");
        if file.name() != upload.filename || file.size() != upload.length {
            resume_error.set(Some(text::not_the_same_file(
                locale(),
                &upload.filename,
                upload.length,
            )));
            return;
        }
        resume_error.set(None);
        let resuming = match tus::recall(&file) {
            Some(known) if tus::upload_id(&known.url) == tus::upload_id(&upload.url) => None,
            _ => Some(upload.url.clone()),
        };
        start(owner, session, rows, file, resuming);
    };
    move || {
        let started: Vec<String> = rows.with(|r| r.iter().map(|r| r.filename.clone()).collect());
        let list: Vec<Unfinished> = unfinished
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|u| !started.contains(&u.filename))
            .collect();
        (!list.is_empty()).then(|| {
            view! {
                <section id="unfinished-uploads" aria-labelledby="unfinished-heading">
                    <h4 id="unfinished-heading">{t(Admin::Unfinished)}</h4>
                    <p class="hint">{t(Admin::UnfinishedHint)}</p>
                    <ul class="upload-rows">
                        {list
                            .into_iter()
                            .enumerate()
                            .map(|(i, upload)| unfinished_row(i, upload, resume_with))
                            .collect_view()}
                    </ul>
                    {move || {
                        resume_error
                            .get()
                            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                    }}
                </section>
            }
        })
    }
}

/// One unfinished upload: its name, how much the server has, and "Resume" (a file input).
fn unfinished_row(
    i: usize,
    upload: Unfinished,
    resume_with: impl Fn(Unfinished, leptos::ev::Event) + 'static,
) -> impl IntoView {
    let id = format!("resume-file-{i}");
    let (name, offset, length) = (upload.filename.clone(), upload.offset, upload.length);
    let data_file = name.clone();
    view! {
        <li class="upload-row" data-file=data_file>
            <span class="upload-name">{name}</span>
            <progress
                class="upload-bar"
                max="100"
                value=offset * 100.0 / length.max(1.0)
            ></progress>
            <span class="upload-text">
                {move || text::already_sent(locale(), offset, length)}
            </span>
            <label class="resume-label" for=id.clone()>
                {t(Admin::Resume)}
            </label>
            <input
                id=id
                class="resume-file"
                type="file"
                on:change=move |ev| resume_with(upload.clone(), ev)
            />
        </li>
    }
}
