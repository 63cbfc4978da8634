//! The signed-in viewer's own pages: `/subscriptions` (the newest videos and episodes of the
//! channels they follow) and `/history` (what they watched, where they stopped, and "clear
//! history"). A visitor who is not signed in is asked to.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::community::{self as api, Item};
use crate::components::{ErrorNotice, Loading, sign_in_path};
use crate::format;
use crate::i18n::community::{self as text, Community};
use crate::i18n::{Message, locale, t};
use crate::session::{AuthState, Session, use_session};

/// Shows `signed_in` once the session is known to be open, else asks to sign in.
fn for_viewers<V: IntoView + 'static>(
    session: Session,
    signed_in: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    session.ensure_restored();
    move || match session.state.get() {
        AuthState::SignedIn(_) => signed_in().into_any(),
        AuthState::SignedOut => view! {
            <p class="empty" id="must-sign-in">
                {t(Community::MustSignIn)} " "
                <a href=sign_in_path()>{t(Community::SignIn)}</a>
            </p>
        }
        .into_any(),
        AuthState::Unknown | AuthState::Restoring => view! { <Loading /> }.into_any(),
    }
}

/// A video or an episode as a row: picture, title, where it comes from, length, and `note`.
fn item_row(item: Item, note: Option<String>) -> impl IntoView {
    view! {
        <li class="item-row">
            <a class="item-link" href=item.href>
                <span class="side-thumb">
                    {match item.picture {
                        Some(url) => view! { <img src=url alt="" loading="lazy" width="160" height="90" /> }.into_any(),
                        None => view! { <span class="no-picture" aria-hidden="true"></span> }.into_any(),
                    }}
                    {item.duration.map(|d| view! { <span class="duration">{format::duration(d)}</span> })}
                </span>
                <span class="side-text">
                    <span class="side-title">{item.title}</span>
                    <span class="side-channel">
                        {item.episode.then(|| view! { {t(Community::Episode)} " · " })}
                        {item.from}
                    </span>
                    {note.map(|n| view! { <span class="item-note">{n}</span> })}
                </span>
            </a>
        </li>
    }
}

/// `/subscriptions`: the newest items of the followed channels.
#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    super::set_title(Community::Subscriptions.text(locale()));
    let session = use_session();
    view! {
        <section class="my-list">
            <h2>{t(Community::Subscriptions)}</h2>
            {for_viewers(session, move || {
                let feed = LocalResource::new(move || api::feed(session, None));
                view! {
                    <Transition fallback=|| view! { <Loading /> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                            {move || Suspend::new(async move {
                                feed.await.map(|page| {
                                    if page.items.is_empty() {
                                        view! { <p class="empty" id="feed-empty">{t(Community::NoSubscriptions)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="item-list" id="feed">
                                                {page.items.into_iter().map(|i| item_row(i, None)).collect::<Vec<_>>()}
                                            </ul>
                                        }
                                        .into_any()
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                }
            })}
        </section>
    }
}

/// `/history`: what the viewer watched, most recent first, with where they stopped.
#[component]
pub fn HistoryPage() -> impl IntoView {
    super::set_title(Community::History.text(locale()));
    let session = use_session();
    view! {
        <section class="my-list">
            <h2>{t(Community::History)}</h2>
            {for_viewers(session, move || {
                let history = LocalResource::new(move || api::history(session, None));
                let clear = move |_| {
                    spawn_local(async move {
                        if api::clear_history(session).await.is_ok() {
                            history.refetch();
                        }
                    });
                };
                view! {
                    <Transition fallback=|| view! { <Loading /> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                            {move || Suspend::new(async move {
                                history.await.map(|page| {
                                    if page.items.is_empty() {
                                        return view! { <p class="empty" id="history-empty">{t(Community::NoHistory)}</p> }.into_any();
                                    }
                                    let rows = page
                                        .items
                                        .into_iter()
                                        .map(|(item, secs)| {
                                            let note = Some(text::stopped_at(locale(), secs));
                                            match item {
                                                Some(item) => item_row(item, note).into_any(),
                                                None => view! {
                                                    <li class="item-row unavailable">{t(Community::Unavailable)}</li>
                                                }
                                                .into_any(),
                                            }
                                        })
                                        .collect::<Vec<_>>();
                                    view! {
                                        <button type="button" id="clear-history" on:click=clear>
                                            {t(Community::ClearHistory)}
                                        </button>
                                        <ul class="item-list" id="history">{rows}</ul>
                                    }
                                    .into_any()
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                }
            })}
        </section>
    }
}
