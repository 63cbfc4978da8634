//! The dashboard's workspace: counts, and the queues of what needs attention (processing with
//! progress, stage and time left; failed with the reason and a way to retry; drafts;
//! scheduled; recently published), each row with its poster, length and views.
//!
//! Processing is followed live, not by polling: each processing row's video has a
//! `transcodeProgress` subscription on one WebSocket ([`Live`]); a job that ends reads the
//! queues once again (and tells the channel tables, through [`Finished`]).

use std::collections::HashMap;

use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::admin::api;
use crate::admin::live::{Live, Progress};
use crate::admin::session::{Session, use_session};
use crate::api::ApiError;
use crate::i18n::admin::shell::{self, Shell};
use crate::i18n::admin::{self as text, Admin};
use crate::i18n::{Message, locale, t};

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

/// The `WorkspaceQueue` operation (`graphql/admin/workspace.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/workspace.graphql",
    response_derives = "Debug"
)]
pub struct WorkspaceQueue;

/// The `RetryTranscode` operation (`graphql/admin/workspace.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/workspace.graphql",
    response_derives = "Debug"
)]
pub struct RetryTranscode;

/// How many processing jobs ended since the page opened: the channel tables read their
/// videos again when it moves. Provided by the dashboard page.
#[derive(Clone, Copy)]
pub struct Finished(pub RwSignal<u32>);

/// Live reports by video global ID.
type LiveMap = RwSignal<HashMap<String, Progress>>;

/// How many rows a queue shows.
const SHOWN: usize = 8;

/// A row of a queue.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    id: String,
    uuid: String,
    title: String,
    channel: String,
    poster: Option<String>,
    duration: Option<f64>,
    views: i64,
    publish_at: Option<String>,
    publication: &'static str,
    /// Percent, stage and seconds left, while processing.
    progress: Option<(f64, Option<String>, Option<f64>)>,
    /// Why it failed.
    reason: Option<String>,
}

/// The user's videos in `status`, newest first (at most 100).
async fn queue(session: Session, status: workspace_queue::Status) -> Result<Vec<Item>, ApiError> {
    let ready = matches!(status, workspace_queue::Status::READY);
    let failed = matches!(status, workspace_queue::Status::FAILED);
    let data = session
        .call::<WorkspaceQueue>(workspace_queue::Variables { status })
        .await?;
    Ok(data
        .videos
        .nodes
        .into_iter()
        .filter(|v| v.channel.viewer_can_manage)
        .map(|v| Item {
            publication: api::publication(
                ready,
                v.publish_at.as_deref(),
                v.unpublish_at.as_deref(),
            ),
            reason: v
                .processing
                .as_ref()
                .and_then(|p| p.error.clone())
                .or(v.media_error)
                .or_else(|| failed.then(|| Shell::ProcessingFailed.text(locale()).to_owned())),
            progress: v.processing.map(|p| (p.percent, p.stage, p.eta_secs)),
            id: v.id,
            uuid: v.uuid,
            title: v.title,
            channel: v.channel.name,
            poster: v.media.poster_url,
            duration: v.duration,
            views: v.view_count,
            publish_at: v.publish_at,
        })
        .collect())
}

/// The workspace: counts and queues.
#[component]
pub(super) fn Workspace() -> impl IntoView {
    use workspace_queue::Status;
    let session = use_session();
    let processing = LocalResource::new(move || queue(session, Status::PROCESSING));
    let failed = LocalResource::new(move || queue(session, Status::FAILED));
    let drafts = LocalResource::new(move || queue(session, Status::DRAFT));
    let ready = LocalResource::new(move || queue(session, Status::READY));
    let finished = use_context::<Finished>().map(|f| f.0);
    let live_map: LiveMap = RwSignal::new(HashMap::new());
    let live = Live::new(session, move |id, progress| {
        let over = progress.is_final();
        live_map.try_update(|m| m.insert(id, progress));
        if over {
            // Its state changed for good: read the queues once more.
            processing.refetch();
            failed.refetch();
            ready.refetch();
            if let Some(f) = finished {
                f.try_update(|n| *n += 1);
            }
        }
    });
    let live = StoredValue::new_local(live);
    Effect::new(move |_| {
        let ids: Vec<String> = processing
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.id)
            .collect();
        live.with_value(|l| l.follow(ids));
    });
    on_cleanup(move || {
        live.try_with_value(|l| l.close());
    });
    let retried = move || {
        processing.refetch();
        failed.refetch();
    };
    let list = |r: LocalResource<Result<Vec<Item>, ApiError>>| {
        move || r.get().and_then(Result::ok).unwrap_or_default()
    };
    let scheduled = move || {
        let mut items: Vec<Item> = list(ready)()
            .into_iter()
            .filter(|i| i.publication == "scheduled")
            .collect();
        items.sort_by(|a, b| a.publish_at.cmp(&b.publish_at));
        items
    };
    let published = move || {
        let mut items: Vec<Item> = list(ready)()
            .into_iter()
            .filter(|i| i.publication == "published")
            .collect();
        items.sort_by(|a, b| b.publish_at.cmp(&a.publish_at));
        items
    };
    view! {
        <section class="workspace" id="workspace" aria-label=t(Shell::NeedsAttention)>
            <ul class="counts" id="counts">
                {count("processing", Shell::Processing, Signal::derive(move || list(processing)().len()))}
                {count("failed", Shell::Failed, Signal::derive(move || list(failed)().len()))}
                {count("drafts", Shell::Drafts, Signal::derive(move || list(drafts)().len()))}
                {count("scheduled", Shell::Scheduled, Signal::derive(move || scheduled().len()))}
                {count("published", Shell::Published, Signal::derive(move || published().len()))}
            </ul>
            <div class="queues">
                {queue_view("queue-processing", Shell::Processing, Signal::derive(list(processing)), live_map, retried)}
                {queue_view("queue-failed", Shell::Failed, Signal::derive(list(failed)), live_map, retried)}
                {queue_view("queue-drafts", Shell::Drafts, Signal::derive(list(drafts)), live_map, retried)}
                {queue_view("queue-scheduled", Shell::Scheduled, Signal::derive(scheduled), live_map, retried)}
                {queue_view("queue-published", Shell::RecentlyPublished, Signal::derive(published), live_map, retried)}
            </div>
        </section>
    }
}

fn count(id: &'static str, label: Shell, n: Signal<usize>) -> impl IntoView {
    view! {
        <li class="count" id=format!("count-{id}")>
            <span class="count-number">{move || n.get()}</span>
            <span class="count-label">{t(label)}</span>
        </li>
    }
}

fn queue_view(
    id: &'static str,
    title: Shell,
    items: Signal<Vec<Item>>,
    live: LiveMap,
    retried: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="queue" id=id>
            <h3>{t(title)}</h3>
            {move || {
                let items = items.get();
                if items.is_empty() {
                    view! { <p class="hint">{t(Shell::NothingHere)}</p> }.into_any()
                } else {
                    let rows = items
                        .into_iter()
                        .take(SHOWN)
                        .map(|item| item_view(item, live, retried))
                        .collect::<Vec<_>>();
                    view! { <ul class="queue-list">{rows}</ul> }.into_any()
                }
            }}
        </section>
    }
}

fn item_view(
    item: Item,
    live: LiveMap,
    retried: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let edit = crate::admin::edit_path(&item.uuid);
    let poster = item
        .poster
        .clone()
        .map(|url| view! { <img class="row-poster" src=url alt="" loading="lazy" /> });
    let facts = shell::row_facts(locale(), &item.channel, item.duration, item.views);
    let shows_progress = item.reason.is_none()
        && item.publication != "published"
        && item.publication != "scheduled"
        && item.progress.is_some();
    let progress = shows_progress.then(|| {
        let (id, read) = (item.id.clone(), item.progress.clone());
        // The live report when there is one, else what the queue read.
        let now = move || {
            live.with(|m| m.get(&id).map(|p| (p.percent, p.stage.clone(), p.eta_secs)))
                .or_else(|| read.clone())
                .unwrap_or((0.0, None, None))
        };
        let now_words = now.clone();
        view! {
            <progress class="queue-bar" max="100" value=move || now().0></progress>
            <span class="queue-progress">
                {move || {
                    let (percent, stage, eta) = now_words();
                    text::progress_words(locale(), percent, stage.as_deref(), eta)
                }}
            </span>
        }
    });
    let failure = item.reason.clone().map(|reason| {
        view! {
            <span class="state-reason">{reason}</span>
            " "
            <RetryButton video_id=item.id.clone() retried />
            " "
            <a href=edit.clone() class="queue-upload-again">{t(Admin::UploadAgain)}</a>
        }
    });
    let when = match item.publication {
        "scheduled" | "published" => item
            .publish_at
            .as_deref()
            .map(|t| shell::publication_at(locale(), item.publication, &local_time(t))),
        _ => None,
    };
    view! {
        <li class="queue-row" data-uuid=item.uuid.clone()>
            {poster}
            <div class="queue-text">
                <a href=edit.clone() class="queue-title">{item.title.clone()}</a>
                <div class="hint">{facts}</div>
                {when.map(|w| view! { <div class="hint">{w}</div> })}
                {progress}
                {failure}
            </div>
        </li>
    }
}

/// An RFC 3339 time in the browser's words and time zone.
fn local_time(iso: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    date.to_locale_string(locale().tag(), &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_else(|| iso.to_owned())
}

/// Runs a failed transcode again; says why when the server refuses.
#[component]
fn RetryButton(
    /// The video's global ID.
    video_id: String,
    /// Called once the retry is queued.
    retried: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let retry = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let id = video_id.clone();
        spawn_local(async move {
            let outcome = session
                .call::<RetryTranscode>(retry_transcode::Variables { id })
                .await;
            busy.try_set(false);
            match outcome {
                Ok(_) => retried(),
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <button type="button" class="queue-retry" on:click=retry disabled=move || busy.get()>
            {move || if busy.get() { t(Admin::Retrying)() } else { t(Admin::Retry)() }}
        </button>
        {move || error.get().map(|m| view! { <span class="form-error" role="alert">{m}</span> })}
    }
}
