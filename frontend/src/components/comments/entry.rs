//! One thread of the comments section: a comment with its replies and a reply form, and each
//! comment's actions (edit and delete for its author, report for the other signed-in viewers).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::form::{CommentForm, refusal};
use crate::api::ApiError;
use crate::api::comments::{self as api, Comment, Thread};
use crate::format;
use crate::i18n::community::Comments as C;
use crate::i18n::{Message, locale, t};
use crate::session::Session;

/// What every comment of a section shares.
#[derive(Clone, Copy)]
pub(super) struct Context {
    /// The session, when the app has one.
    pub(super) session: Option<Session>,
    /// Whether someone is signed in (tracked).
    pub(super) signed_in: Signal<bool>,
    /// Whether viewers may comment.
    pub(super) enabled: Signal<bool>,
    /// The item's global ID.
    pub(super) item: StoredValue<String>,
}

/// A top-level comment, its replies and the form to reply. `removed` is told when the
/// comment is deleted.
#[component]
pub(super) fn ThreadView(thread: Thread, cx: Context, removed: Callback<String>) -> impl IntoView {
    let id = thread.comment.id.clone();
    let comment = RwSignal::new(thread.comment);
    let replies = RwSignal::new(thread.replies);
    let more = RwSignal::new(thread.more_replies);
    let replying = RwSignal::new(false);
    let remove_reply = Callback::new(move |gone: String| {
        replies.update(|r| r.retain(|c| c.id != gone));
    });
    let load_more = {
        let id = id.clone();
        move |_| {
            let (id, after) = (id.clone(), more.get_untracked());
            spawn_local(async move {
                if let Ok((list, next)) = api::replies(cx.session, id, after).await {
                    replies.update(|r| {
                        let fresh: Vec<Comment> = list
                            .into_iter()
                            .filter(|c| !r.iter().any(|o| o.id == c.id))
                            .collect();
                        r.extend(fresh);
                    });
                    more.set(next);
                }
            });
        }
    };
    let can_reply = move || cx.signed_in.get() && cx.enabled.get() && !comment.with(|c| c.held);
    let prefix = format!("reply-{}", short(&id));
    let reply_form = move || {
        let session = cx.session?;
        replying.get().then(|| {
            let posted = Callback::new(move |c: Comment| {
                replies.update(|r| r.push(c));
                replying.set(false);
            });
            view! {
                <CommentForm session item=cx.item.get_value() parent=id.clone() posted prefix=prefix.clone() />
            }
        })
    };
    view! {
        <li class="comment-thread">
            <CommentView comment cx removed>
                <Show when=can_reply>
                    <button
                        type="button"
                        class="comment-reply link-button"
                        aria-expanded=move || replying.get().to_string()
                        on:click=move |_| replying.update(|r| *r = !*r)
                    >
                        {t(C::Reply)}
                    </button>
                </Show>
            </CommentView>
            <ul class="comment-replies">
                <For each=move || replies.get() key=|c| c.id.clone() let:reply>
                    <li>
                        <CommentView comment=RwSignal::new(reply) cx removed=remove_reply>
                            ""
                        </CommentView>
                    </li>
                </For>
            </ul>
            <Show when=move || more.get().is_some()>
                <button type="button" class="more-replies link-button" on:click=load_more.clone()>
                    {t(C::MoreReplies)}
                </button>
            </Show>
            {reply_form}
        </li>
    }
}

/// The last characters of a global ID, enough to tell a page's comments apart in element IDs.
fn short(id: &str) -> &str {
    &id[id.len().saturating_sub(12)..]
}

/// What a comment's actions are doing.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Reading,
    Editing,
    ConfirmingDelete,
    Reporting,
    Reported,
}

type Change = std::pin::Pin<Box<dyn Future<Output = Result<Option<Comment>, ApiError>>>>;

/// One comment's state: the comment, what its actions are doing, and their inputs.
#[derive(Clone, Copy)]
struct Actions {
    comment: RwSignal<Comment>,
    cx: Context,
    removed: Callback<String>,
    mode: RwSignal<Mode>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    draft: RwSignal<String>,
    reason: RwSignal<String>,
}

impl Actions {
    fn id(self) -> String {
        self.comment.with_untracked(|c| c.id.clone())
    }

    /// Runs a change; on success shows the comment it returns (if any) and goes to `after`.
    fn run(self, change: Change, after: Mode) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        spawn_local(async move {
            match change.await {
                Ok(updated) => {
                    if let Some(updated) = updated {
                        self.comment.try_set(updated);
                    }
                    self.mode.try_set(after);
                }
                Err(e) => {
                    self.error.try_set(Some(e));
                }
            }
            self.busy.try_set(false);
        });
    }

    fn save(self) {
        let Some(session) = self.cx.session else {
            return;
        };
        let (id, body) = (self.id(), self.draft.get_untracked());
        self.run(
            Box::pin(async move { api::edit_comment(session, id, body).await.map(Some) }),
            Mode::Reading,
        );
    }

    fn delete(self) {
        let Some(session) = self.cx.session else {
            return;
        };
        let id = self.id();
        let removed = self.removed;
        self.run(
            Box::pin(async move {
                api::delete_comment(session, id.clone()).await?;
                removed.run(id);
                Ok(None)
            }),
            Mode::Reading,
        );
    }

    fn report(self) {
        let Some(session) = self.cx.session else {
            return;
        };
        let why = self.reason.get_untracked().trim().to_owned();
        let why = (!why.is_empty()).then_some(why);
        let id = self.id();
        self.run(
            Box::pin(async move { api::report_comment(session, id, why).await.map(|()| None) }),
            Mode::Reported,
        );
    }

    fn start_edit(self) {
        self.draft
            .set(self.comment.with_untracked(|c| c.body.clone()));
        self.error.set(None);
        self.mode.set(Mode::Editing);
    }

    /// The buttons (or the open confirmation or report form) under the comment.
    fn buttons(self) -> AnyView {
        let (mode, busy, reason) = (self.mode, self.busy, self.reason);
        let cancel = move || {
            view! { <button type="button" class="comment-cancel link-button" on:click=move |_| mode.set(Mode::Reading)>{t(C::Cancel)}</button> }
        };
        match mode.get() {
            Mode::Reading if self.comment.with(|c| c.mine) => view! {
                <button type="button" class="comment-edit link-button" on:click=move |_| self.start_edit()>{t(C::Edit)}</button>
                <button type="button" class="comment-delete link-button" on:click=move |_| mode.set(Mode::ConfirmingDelete)>{t(C::Delete)}</button>
            }
            .into_any(),
            Mode::Reading if self.cx.signed_in.get() => view! {
                <button type="button" class="comment-report link-button" on:click=move |_| mode.set(Mode::Reporting)>{t(C::Report)}</button>
            }
            .into_any(),
            Mode::ConfirmingDelete => view! {
                <span class="comment-confirm" role="alertdialog">
                    {t(C::ConfirmDelete)} " "
                    <button type="button" class="comment-confirm-delete danger" on:click=move |_| self.delete() disabled=move || busy.get()>{t(C::YesDelete)}</button>
                    {cancel()}
                </span>
            }
            .into_any(),
            Mode::Reporting => view! {
                <form class="comment-report-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); self.report() }>
                    <label>
                        {t(C::ReportReason)} " "
                        <input type="text" class="comment-report-reason" maxlength="500"
                            prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" class="comment-send-report" disabled=move || busy.get()>{t(C::SendReport)}</button>
                    {cancel()}
                </form>
            }
            .into_any(),
            Mode::Reported => view! { <span class="comment-reported" role="status">{t(C::Reported)}</span> }.into_any(),
            _ => ().into_any(),
        }
    }

    /// The comment's text, or the form that edits it.
    fn body(self) -> AnyView {
        let (mode, busy, draft, comment) = (self.mode, self.busy, self.draft, self.comment);
        if mode.get() == Mode::Editing {
            view! {
                <form class="comment-edit-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); self.save() }>
                    <textarea class="comment-edit-body" rows="3" aria-label=t(C::Edit)
                        prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="comment-save" disabled=move || busy.get()>{t(C::Save)}</button>
                    <button type="button" class="comment-cancel link-button" on:click=move |_| mode.set(Mode::Reading)>{t(C::Cancel)}</button>
                </form>
            }
            .into_any()
        } else {
            view! { <div class="comment-body" inner_html=move || comment.with(|c| c.body_html.clone())></div> }.into_any()
        }
    }
}

/// One comment: author, date, text, and the viewer's actions on it; `children` go after
/// the actions (the thread's Reply button).
#[component]
fn CommentView(
    comment: RwSignal<Comment>,
    cx: Context,
    removed: Callback<String>,
    children: Children,
) -> impl IntoView {
    let actions = Actions {
        comment,
        cx,
        removed,
        mode: RwSignal::new(Mode::Reading),
        busy: RwSignal::new(false),
        error: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        reason: RwSignal::new(String::new()),
    };
    let c = comment.get_untracked();
    let author = c.author.clone();
    let when = c.created_at.clone();
    view! {
        <article class="comment" class:comment-held=move || comment.with(|c| c.held) data-id=c.id.clone()>
            <header class="comment-head">
                <strong class="comment-author">
                    {move || author.clone().unwrap_or_else(|| C::Deleted.text(locale()).to_owned())}
                </strong>
                " · "
                <time class="comment-date" datetime=c.created_at.clone()>
                    {move || {
                        format::parse_time(&when)
                            .map(|then| format::relative_time(locale(), then, format::now_secs()))
                            .unwrap_or_default()
                    }}
                </time>
                <Show when=move || comment.with(|c| c.edited)>
                    " · " <span class="comment-edited">{t(C::Edited)}</span>
                </Show>
                <Show when=move || comment.with(|c| c.held)>
                    " " <span class="comment-awaiting badge" title=t(C::HeldNotice)>{t(C::AwaitingReview)}</span>
                </Show>
            </header>
            {move || actions.body()}
            <div class="comment-actions">{move || actions.buttons()} {children()}</div>
            <p class="form-error comment-action-error" role="alert">{move || actions.error.get().map(|e| refusal(&e))}</p>
        </article>
    }
}
