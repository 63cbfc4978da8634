//! The comments section under a video or an episode: the count, newest or top first, the
//! threads with one level of replies, "load more", and the form to comment for signed-in
//! viewers ("Sign in to comment" for the others, a line when comments are off).
//!
//! It reads its comments on its own, once the page around it has shown (it mounts after its
//! item loaded), so the page's first paint never waits for them.

mod entry;
mod form;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::comments::{self as api, Comment, Thread};
use crate::components::sign_in_path;
use crate::i18n::community::{self as text, Comments as C};
use crate::i18n::{Message, locale, t};
use crate::session::{AuthState, Session};
use entry::{Context, ThreadView};
use form::{CommentForm, refusal};

/// The comments of the video or episode with this global ID.
#[component]
pub fn CommentsSection(
    /// The item's global ID.
    item: String,
) -> impl IntoView {
    let session = use_context::<Session>();
    let top = RwSignal::new(false);
    let count = RwSignal::new(None::<i64>);
    let enabled = RwSignal::new(true);
    let threads = RwSignal::new(Vec::<Thread>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<crate::api::ApiError>);
    let item = StoredValue::new(item);
    let signed_in = Signal::derive(move || {
        session.is_some_and(|s| matches!(s.state.get(), AuthState::SignedIn(_)))
    });
    // Each load is numbered, so an answer to an older one (the order changed meanwhile) is
    // dropped.
    let generation = StoredValue::new(0_u32);
    let load = move |more: bool| {
        let after = if more { next.get_untracked() } else { None };
        let order_top = top.get_untracked();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            let result = api::comments(session, item.get_value(), order_top, after).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(page) => {
                    count.try_set(Some(page.count));
                    enabled.try_set(page.enabled);
                    next.try_set(page.next);
                    threads.try_update(|t| {
                        if !more {
                            t.clear();
                        }
                        let fresh: Vec<Thread> = page
                            .threads
                            .into_iter()
                            .filter(|n| !t.iter().any(|o| o.comment.id == n.comment.id))
                            .collect();
                        t.extend(fresh);
                    });
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            loading.try_set(false);
        });
    };
    // Loads now (the item has loaded), again when the order changes or the viewer signs in
    // or out (they see their own held comments).
    Effect::new(move |_| {
        top.track();
        signed_in.track();
        load(false);
    });
    let cx = Context {
        session,
        signed_in,
        enabled: enabled.into(),
        item,
    };
    let removed = Callback::new(move |gone: String| {
        threads.update(|t| t.retain(|th| th.comment.id != gone));
    });
    let posted = Callback::new(move |c: Comment| {
        threads.update(|t| {
            t.insert(
                0,
                Thread {
                    comment: c,
                    replies: Vec::new(),
                    more_replies: None,
                },
            )
        });
    });
    let composer = move || composer(session, enabled.get(), item.get_value(), posted);
    view! {
        <section class="comments" id="comments" aria-labelledby="comments-heading" aria-busy=move || loading.get().to_string()>
            {header(top, count)}
            {composer}
            <p class="form-error" id="comments-error" role="alert">{move || error.get().map(|e| refusal(&e))}</p>
            <ul class="comment-list" id="comment-list">
                <For each=move || threads.get() key=|th| th.comment.id.clone() let:thread>
                    <ThreadView thread cx removed />
                </For>
            </ul>
            <Show when=move || count.get().is_some() && threads.with(Vec::is_empty) && !loading.get()>
                <p class="empty" id="no-comments">{t(C::NoneYet)}</p>
            </Show>
            <Show when=move || next.get().is_some()>
                <button type="button" id="comments-more" disabled=move || loading.get() on:click=move |_| load(true)>
                    {move || C::LoadMore.text(locale())}
                </button>
            </Show>
        </section>
    }
}

/// The heading with the count, and the newest / top order buttons.
fn header(top: RwSignal<bool>, count: RwSignal<Option<i64>>) -> impl IntoView {
    let order_button = move |value: bool, key: C, id: &'static str| {
        view! {
            <button
                type="button"
                id=id
                class="comment-order"
                aria-pressed=move || (top.get() == value).to_string()
                on:click=move |_| top.set(value)
            >
                {t(key)}
            </button>
        }
    };
    view! {
        <div class="comments-header">
            <h3 id="comments-heading">
                {t(C::Heading)}
                <span class="comment-count" id="comment-count">
                    {move || count.get().map(|n| format!(" · {}", text::comments(locale(), n)))}
                </span>
            </h3>
            <div class="comment-orders" role="group" aria-label=t(C::OrderLabel)>
                {order_button(false, C::Newest, "comments-newest")}
                {order_button(true, C::Top, "comments-top")}
            </div>
        </div>
    }
}

/// The form for a signed-in viewer, "Sign in to comment" for a visitor, or the line saying
/// comments are off.
fn composer(
    session: Option<Session>,
    enabled: bool,
    item: String,
    posted: Callback<Comment>,
) -> AnyView {
    if !enabled {
        return view! { <p class="comments-off" id="comments-off">{t(C::Off)}</p> }.into_any();
    }
    match session.map(|s| (s, s.state.get())) {
        Some((s, AuthState::SignedIn(_))) => {
            view! { <CommentForm session=s item posted prefix="comment".into() /> }.into_any()
        }
        Some((_, AuthState::Unknown | AuthState::Restoring)) => ().into_any(),
        _ => view! {
            <p class="comment-sign-in">
                <a id="comment-sign-in" href=sign_in_path()>{t(C::SignInToComment)}</a>
            </p>
        }
        .into_any(),
    }
}
