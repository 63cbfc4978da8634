//! `/admin/moderation`: the queue of held and reported comments on the channels the user
//! edits. Rows are selected and approved or rejected together (each refusal shows on its
//! row), an author is banned from a channel's comments after a confirmation, the list is
//! narrowed to one channel and paged. The admin bar's link shows how many comments wait.

use std::collections::{HashMap, HashSet};

use crate::i18n::admin::moderation::{self as text, Moderation as M};
use crate::i18n::{I18n, Message, locale, t, use_i18n};
use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::session::{AuthState, Session, use_session};
use crate::api::ApiError;
use crate::format;

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin/moderation.graphql",
            response_derives = "Debug, Clone",
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    ModerationQueue,
    ModerationChannels,
    ModerationWaiting,
    ApproveComments,
    RejectComments,
    BanFromChannelComments,
    UnbanFromChannelComments,
    CommentBans
);

/// How many comments wait for the user, shared by the admin bar and the page.
#[derive(Clone, Copy)]
pub(super) struct Waiting(RwSignal<Option<i64>>);

/// Provides the waiting count to the admin app (the shell calls it once).
pub(super) fn provide_waiting() {
    provide_context(Waiting(RwSignal::new(None)));
}

/// Reads the waiting count again (into the bar's count, taken from the context when the
/// page was made: there is none in a task).
fn refresh_waiting(session: Session, waiting: Option<Waiting>) {
    let Some(Waiting(count)) = waiting else {
        return;
    };
    spawn_local(async move {
        if let Ok(data) = session
            .call::<ModerationWaiting>(moderation_waiting::Variables)
            .await
        {
            count.try_set(Some(data.moderation_queue.total_count));
        }
    });
}

/// The admin bar's link to the queue, with the waiting count, for editors and admins.
pub(super) fn nav_link(session: Session) -> impl IntoView {
    let moderates = move || matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN" || u.role == "EDITOR");
    let waiting = use_context::<Waiting>();
    let count = waiting.map(|w| w.0);
    if matches!(session.state.get_untracked(), AuthState::SignedIn(u) if u.role != "VIEWER") {
        refresh_waiting(session, waiting);
    }
    view! {
        <Show when=moderates>
            <a href="/admin/moderation" id="nav-moderation">
                {move || text::nav(locale(), count.and_then(|c| c.get()))}
            </a>
        </Show>
    }
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    body_html: String,
    held: bool,
    author: Option<String>,
    author_id: Option<String>,
    reply: bool,
    reports: i64,
    /// The reasons the reporters gave (reports without one are only counted).
    reasons: Vec<String>,
    created_at: String,
    /// The item's title and public path, and its channel's ID and name.
    item: Option<(String, String, String, String)>,
}

impl From<moderation_queue::ModerationQueueModerationQueueNodes> for Row {
    fn from(n: moderation_queue::ModerationQueueModerationQueueNodes) -> Self {
        use moderation_queue::ModerationQueueModerationQueueNodesItem as Item;
        let item = n.item.and_then(|i| match i {
            Item::Video(v) => Some((
                v.title,
                crate::api::watch_path(&v.uuid),
                v.channel.id,
                v.channel.name,
            )),
            Item::Episode(e) => Some((
                e.title,
                crate::api::watching::episode_path(&crate::api::watching::uuid_of(&e.id)?),
                e.podcast.channel.id,
                e.podcast.channel.name,
            )),
        });
        Self {
            id: n.id,
            body_html: n.body_html,
            held: format!("{:?}", n.status) == "HELD",
            author: n.author_name,
            author_id: n.author_id,
            reply: n.parent_id.is_some(),
            reports: n.report_count.unwrap_or(0),
            reasons: n
                .reports
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.reason.filter(|r| !r.trim().is_empty()))
                .collect(),
            created_at: n.created_at,
            item,
        }
    }
}

/// The words for a row the server refused.
fn refusal(i18n: I18n, code: Option<&str>, message: Option<&str>) -> String {
    match code {
        Some("FORBIDDEN") => M::ErrForbidden.text(i18n.locale()).to_owned(),
        Some("NOT_FOUND") => M::ErrGone.text(i18n.locale()).to_owned(),
        _ => message.unwrap_or_default().to_owned(),
    }
}

/// One comment's result of a bulk action: its ID, whether it was done, and why not.
type Outcome = (String, bool, Option<String>, Option<String>);

/// The page's state.
#[derive(Clone, Copy)]
struct Queue {
    session: Session,
    rows: RwSignal<Vec<Row>>,
    total: RwSignal<Option<i64>>,
    next: RwSignal<Option<String>>,
    channel: RwSignal<String>,
    selected: RwSignal<HashSet<String>>,
    row_errors: RwSignal<HashMap<String, String>>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    waiting: Option<Waiting>,
    /// Counts bans and unbans made on the page, so the list of banned users reads again.
    bans_changed: RwSignal<u32>,
    /// The language, for words made in tasks (which have no context).
    i18n: I18n,
}

impl Queue {
    fn load(self, more: bool) {
        let after = if more {
            self.next.get_untracked()
        } else {
            None
        };
        let channel_id = Some(self.channel.get_untracked()).filter(|c| !c.is_empty());
        let session = self.session;
        spawn_local(async move {
            let variables = moderation_queue::Variables { channel_id, after };
            match session.call::<ModerationQueue>(variables).await {
                Ok(data) => {
                    let q = data.moderation_queue;
                    self.total.try_set(Some(q.total_count));
                    self.next
                        .try_set(q.page_info.end_cursor.filter(|_| q.page_info.has_next_page));
                    let fresh: Vec<Row> = q.nodes.into_iter().map(Row::from).collect();
                    self.rows.try_update(|rows| {
                        if !more {
                            rows.clear();
                        }
                        rows.extend(fresh);
                    });
                }
                Err(e) => {
                    self.error.try_set(Some(e.to_string()));
                }
            }
        });
    }

    /// Approves (or rejects) the selected rows; the done ones leave the list, the refused
    /// ones stay with the reason.
    fn moderate(self, approve: bool) {
        let ids: Vec<String> = self
            .rows
            .with_untracked(|rows| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
            .into_iter()
            .filter(|id| self.selected.with_untracked(|s| s.contains(id)))
            .collect();
        self.notice.set(None);
        self.error.set(None);
        if ids.is_empty() {
            self.error
                .set(Some(M::SelectFirst.text(self.i18n.locale()).into()));
            return;
        }
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let (session, of) = (self.session, ids.len());
        spawn_local(async move {
            let results: Result<Vec<Outcome>, ApiError> = if approve {
                session
                    .call::<ApproveComments>(approve_comments::Variables { ids })
                    .await
                    .map(|d| {
                        d.approve_comments
                            .results
                            .into_iter()
                            .map(|r| (r.id, r.ok, r.code, r.message))
                            .collect()
                    })
            } else {
                session
                    .call::<RejectComments>(reject_comments::Variables { ids })
                    .await
                    .map(|d| {
                        d.reject_comments
                            .results
                            .into_iter()
                            .map(|r| (r.id, r.ok, r.code, r.message))
                            .collect()
                    })
            };
            match results {
                Ok(results) => {
                    let done: HashSet<String> = results
                        .iter()
                        .filter(|r| r.1)
                        .map(|r| r.0.clone())
                        .collect();
                    let refused: HashMap<String, String> = results
                        .iter()
                        .filter(|r| !r.1)
                        .map(|r| {
                            (
                                r.0.clone(),
                                refusal(self.i18n, r.2.as_deref(), r.3.as_deref()),
                            )
                        })
                        .collect();
                    self.rows
                        .try_update(|rows| rows.retain(|r| !done.contains(&r.id)));
                    self.selected
                        .try_update(|s| s.retain(|id| !done.contains(id)));
                    self.total
                        .try_update(|t| *t = t.map(|n| (n - done.len() as i64).max(0)));
                    self.row_errors.try_set(refused);
                    self.notice.try_set(Some(text::bulk_done(
                        locale(),
                        approve,
                        done.len() as i64,
                        of,
                    )));
                    refresh_waiting(session, self.waiting);
                }
                Err(e) => {
                    self.error.try_set(Some(e.to_string()));
                }
            }
            self.busy.try_set(false);
        });
    }
}

/// `/admin/moderation`.
#[component]
pub fn ModerationPage() -> impl IntoView {
    crate::pages::set_title(M::Title.text(locale()));
    let session = use_session();
    let q = Queue {
        session,
        rows: RwSignal::new(Vec::new()),
        total: RwSignal::new(None),
        next: RwSignal::new(None),
        channel: RwSignal::new(String::new()),
        selected: RwSignal::new(HashSet::new()),
        row_errors: RwSignal::new(HashMap::new()),
        notice: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
        waiting: use_context::<Waiting>(),
        bans_changed: RwSignal::new(0),
        i18n: use_i18n(),
    };
    let channels = LocalResource::new(move || {
        session.call::<ModerationChannels>(moderation_channels::Variables)
    });
    Effect::new(move |_| {
        q.channel.track();
        q.selected.set(HashSet::new());
        q.row_errors.set(HashMap::new());
        q.load(false);
    });
    let all_selected = move || {
        q.rows.with(|rows| {
            !rows.is_empty() && q.selected.with(|s| rows.iter().all(|r| s.contains(&r.id)))
        })
    };
    let toggle_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let ids: HashSet<String> = if on {
            q.rows
                .with_untracked(|rows| rows.iter().map(|r| r.id.clone()).collect())
        } else {
            HashSet::new()
        };
        q.selected.set(ids);
    };
    let channel_options = move || {
        channels.get().and_then(Result::ok).map(|data| {
            data.channels
                .nodes
                .into_iter()
                .map(|c| view! { <option value=c.id>{c.name}</option> })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <article class="site-page moderation-page">
            <h2 id="page-title">{t(M::Title)}</h2>
            <p class="site-muted">{t(M::Hint)}</p>
            <div class="moderation-tools">
                <label for="moderation-channel">{t(M::ChannelFilter)}</label>
                <select id="moderation-channel" on:change=move |ev| q.channel.set(event_target_value(&ev))>
                    <option value="">{t(M::EveryChannel)}</option>
                    {channel_options}
                </select>
                <label class="select-all">
                    <input type="checkbox" id="moderation-select-all" prop:checked=all_selected on:change=toggle_all />
                    " " {t(M::SelectAll)}
                </label>
                <button type="button" id="approve-selected" disabled=move || q.busy.get() on:click=move |_| q.moderate(true)>
                    {t(M::ApproveSelected)}
                </button>
                <button type="button" id="reject-selected" class="danger" disabled=move || q.busy.get() on:click=move |_| q.moderate(false)>
                    {t(M::RejectSelected)}
                </button>
            </div>
            {move || q.notice.get().map(|n| view! { <p class="notice" id="moderation-notice" role="status">{n}</p> })}
            {move || q.error.get().map(|e| view! { <p class="form-error" id="moderation-error" role="alert">{e}</p> })}
            <Show when=move || q.total.get().is_some() && q.rows.with(Vec::is_empty)>
                <p class="empty" id="moderation-empty">{t(M::QueueEmpty)}</p>
            </Show>
            <ul class="site-rows" id="moderation-list">
                <For each=move || q.rows.get() key=|r| r.id.clone() let:row>
                    {row_view(q, row)}
                </For>
            </ul>
            <Show when=move || q.next.get().is_some()>
                <button type="button" id="moderation-more" on:click=move |_| q.load(true)>{t(M::NextPage)}</button>
            </Show>
            <super::moderation_bans::BannedUsers session channel=q.channel changed=q.bans_changed />
        </article>
    }
}

fn row_view(q: Queue, row: Row) -> impl IntoView {
    let id = StoredValue::new(row.id.clone());
    let confirming = RwSignal::new(false);
    let banned = RwSignal::new(None::<String>);
    let ban_error = RwSignal::new(None::<String>);
    let who = row
        .author
        .clone()
        .unwrap_or_else(|| M::AccountGone.text(locale()).to_owned());
    let channel_name = row.item.as_ref().map(|i| i.3.clone()).unwrap_or_default();
    let ban_target = row
        .author_id
        .clone()
        .zip(row.item.as_ref().map(|i| i.2.clone()));
    let selected = move || q.selected.with(|s| s.contains(&id.get_value()));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        q.selected.update(|s| {
            if on {
                s.insert(id.get_value());
            } else {
                s.remove(&id.get_value());
            }
        });
    };
    let item = match row.item.clone() {
        Some((title, path, _, channel)) => view! {
            <a class="moderation-item" href=path target="_blank">{title}</a>
            <span class="site-muted">" · " {channel}</span>
        }
        .into_any(),
        None => view! { <span class="site-muted">{t(M::ItemGone)}</span> }.into_any(),
    };
    let created = row.created_at.clone();
    let datetime = row.created_at.clone();
    view! {
        <li class="site-row moderation-row" data-id=row.id.clone()>
            <div class="site-row-head">
                <input type="checkbox" class="moderation-select" aria-label=t(M::SelectThis)
                    prop:checked=selected on:change=toggle />
                {item}
            </div>
            <p class="moderation-meta">
                <strong class="moderation-author">{who.clone()}</strong>
                " · "
                <time datetime=datetime>
                    {move || format::parse_time(&created)
                        .map(|then| format::relative_time(locale(), then, format::now_secs()))
                        .unwrap_or_default()}
                </time>
                {row.reply.then(|| view! { " · " <span>{t(M::InReply)}</span> })}
                {row.held.then(|| view! { " " <span class="badge moderation-held">{t(M::HeldBadge)}</span> })}
                {(row.reports > 0).then(|| {
                    let n = row.reports;
                    view! { " " <span class="badge moderation-reports">{move || text::reports(locale(), n)}</span> }
                })}
            </p>
            <div class="comment-body" inner_html=row.body_html.clone()></div>
            {(!row.reasons.is_empty()).then(|| view! {
                <ul class="moderation-reasons" aria-label=t(M::ReportReasons)>
                    {row.reasons.iter().map(|r| view! { <li>{format!("“{r}”")}</li> }).collect::<Vec<_>>()}
                </ul>
            })}
            {move || q.row_errors.with(|e| e.get(&id.get_value()).cloned()).map(|e| view! { <p class="form-error row-error" role="alert">{e}</p> })}
            {ban_target.clone().map(|target| ban_view(q, target, who.clone(), channel_name.clone(), confirming, banned, ban_error))}
            {move || banned.get().map(|b| {
                let undo = ban_target.clone().map(|(user_id, channel_id)| {
                    let unban = move |_| {
                        let target = (channel_id.clone(), user_id.clone());
                        let done = move || {
                            banned.try_set(None);
                        };
                        super::moderation_bans::unban(q.session, target, q.bans_changed, done, ban_error);
                    };
                    view! { " " <button type="button" class="unban-author" on:click=unban>{t(M::Undo)}</button> }
                });
                view! { <p class="notice ban-notice" role="status">{b}{undo}</p> }
            })}
            {move || ban_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </li>
    }
}

/// "Ban from channel" for a row's author, with its confirmation; `banned` and `error` get
/// the outcome.
fn ban_view(
    q: Queue,
    (user_id, channel_id): (String, String),
    who: String,
    channel_name: String,
    confirming: RwSignal<bool>,
    banned: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let question = text::ban_question(locale(), &who, &channel_name);
    let (session, i18n, changed) = (q.session, q.i18n, q.bans_changed);
    let ban = move |_| {
        let variables = ban_from_channel_comments::Variables {
            channel_id: channel_id.clone(),
            user_id: user_id.clone(),
        };
        let (who, channel_name) = (who.clone(), channel_name.clone());
        spawn_local(async move {
            match session.call::<BanFromChannelComments>(variables).await {
                Ok(_) => {
                    confirming.try_set(false);
                    error.try_set(None);
                    banned.try_set(Some(text::banned(i18n.locale(), &who, &channel_name)));
                    changed.try_update(|n| *n += 1);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <div class="site-row-actions" hidden=move || banned.with(Option::is_some)>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="ban-author danger" on:click=move |_| confirming.set(true)>{t(M::BanAuthor)}</button>
            }>
                <span class="site-confirm" role="alertdialog">
                    {question.clone()} " "
                    <button type="button" class="confirm-ban danger" on:click=ban.clone()>{t(M::YesBan)}</button>
                    <button type="button" class="cancel-ban" on:click=move |_| confirming.set(false)>{t(M::KeepAuthor)}</button>
                </span>
            </Show>
        </div>
    }
}
