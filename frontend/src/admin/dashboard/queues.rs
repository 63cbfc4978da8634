//! The dashboard's workspace: counts, and the queues of what needs attention (processing with
//! progress, stage and time left; failed with the reason and a way to retry; drafts;
//! scheduled; recently published), each row with its poster, length and views.
//!
//! Processing is followed by reading the queue every 2 s: the app has no WebSocket client
//! yet, so the `transcodeProgress` subscription is not used here.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::admin::api;
use crate::admin::session::{Session, use_session};
use crate::admin::tus::sleep;
use crate::api::ApiError;
use crate::format;

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

/// How often the processing queue is read again while something is in it.
const POLL_MS: i32 = 2000;
/// How many rows a queue shows.
const SHOWN: usize = 8;

/// A row of a queue.
#[derive(Debug, Clone, PartialEq)]
struct Item {
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
                .or_else(|| failed.then(|| "processing failed".to_owned())),
            progress: v.processing.map(|p| (p.percent, p.stage, p.eta_secs)),
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
    poll_while_processing(processing);
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
        <section class="workspace" id="workspace" aria-label="What needs attention">
            <ul class="counts" id="counts">
                {count("processing", "Processing", Signal::derive(move || list(processing)().len()))}
                {count("failed", "Failed", Signal::derive(move || list(failed)().len()))}
                {count("drafts", "Drafts", Signal::derive(move || list(drafts)().len()))}
                {count("scheduled", "Scheduled", Signal::derive(move || scheduled().len()))}
                {count("published", "Published", Signal::derive(move || published().len()))}
            </ul>
            <div class="queues">
                {queue_view("queue-processing", "Processing", Signal::derive(list(processing)))}
                {queue_view("queue-failed", "Failed", Signal::derive(list(failed)))}
                {queue_view("queue-drafts", "Drafts", Signal::derive(list(drafts)))}
                {queue_view("queue-scheduled", "Scheduled", Signal::derive(scheduled))}
                {queue_view("queue-published", "Recently published", Signal::derive(published))}
            </div>
        </section>
    }
}

fn poll_while_processing(processing: LocalResource<Result<Vec<Item>, ApiError>>) {
    let alive = Arc::new(AtomicBool::new(true));
    on_cleanup({
        let alive = alive.clone();
        move || alive.store(false, Ordering::Relaxed)
    });
    Effect::new(move |_| {
        let busy = processing
            .get()
            .and_then(Result::ok)
            .is_some_and(|v| !v.is_empty());
        if busy {
            let alive = alive.clone();
            spawn_local(async move {
                sleep(POLL_MS).await;
                if alive.load(Ordering::Relaxed) {
                    processing.refetch();
                }
            });
        }
    });
}

fn count(id: &'static str, label: &'static str, n: Signal<usize>) -> impl IntoView {
    view! {
        <li class="count" id=format!("count-{id}")>
            <span class="count-number">{move || n.get()}</span>
            <span class="count-label">{label}</span>
        </li>
    }
}

fn queue_view(id: &'static str, title: &'static str, items: Signal<Vec<Item>>) -> impl IntoView {
    view! {
        <section class="queue" id=id>
            <h3>{title}</h3>
            {move || {
                let items = items.get();
                if items.is_empty() {
                    view! { <p class="hint">"Nothing here."</p> }.into_any()
                } else {
                    let rows = items.into_iter().take(SHOWN).map(item_view).collect::<Vec<_>>();
                    view! { <ul class="queue-list">{rows}</ul> }.into_any()
                }
            }}
        </section>
    }
}

fn item_view(item: Item) -> impl IntoView {
    let edit = crate::admin::edit_path(&item.uuid);
    let poster = item
        .poster
        .clone()
        .map(|url| view! { <img class="row-poster" src=url alt="" loading="lazy" /> });
    let facts = format!(
        "{}{} · {} views",
        item.channel,
        item.duration
            .map(|d| format!(" · {}", format::duration(d)))
            .unwrap_or_default(),
        item.views
    );
    let progress = item
        .progress
        .clone()
        .filter(|_| {
            item.reason.is_none()
                && item.publication != "published"
                && item.publication != "scheduled"
        })
        .map(|(percent, stage, eta)| {
            let words = format!(
                "{percent:.0}%{}{}",
                stage.map(|s| format!(" · {s}")).unwrap_or_default(),
                eta.map(|e| format!(" · {} left", format::duration(e)))
                    .unwrap_or_default()
            );
            view! {
                <progress max="100" value=percent></progress>
                <span class="queue-progress">{words}</span>
            }
        });
    let failure = item.reason.clone().map(|reason| {
        view! {
            <span class="state-reason">{reason}</span>
            " "
            <a href=edit.clone() class="queue-retry">"Retry: upload the file again"</a>
        }
    });
    let when = match item.publication {
        "scheduled" | "published" => item
            .publish_at
            .as_deref()
            .map(|t| format!("{}: {}", item.publication, local_time(t))),
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
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_else(|| iso.to_owned())
}
