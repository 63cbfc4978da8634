//! The signed-in viewer's own pages: `/subscriptions` (the newest videos and episodes of the
//! channels they follow) and `/history` (what they watched, where they stopped, and "clear
//! history"). A visitor who is not signed in is asked to.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::community::{self as api, Item, ItemPage};
use crate::components::{ErrorNotice, Loading, sign_in_path};
use crate::format;
use crate::i18n::community::{self as text, Community};
use crate::i18n::site::Site;
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

/// The list's pages (the first one fetched by the page), and a "Show more" button (`#{more_id}`)
/// that appends the next page from `fetch` until there is none.
fn paged<T, Fut, V>(
    first: ItemPage<T>,
    list_id: &'static str,
    more_id: &'static str,
    fetch: impl Fn(String) -> Fut + Copy + Send + Sync + 'static,
    row: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<ItemPage<T>, ApiError>> + 'static,
    V: IntoView + 'static,
{
    let pages = RwSignal::new(vec![first.items]);
    let next = RwSignal::new(first.next);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let more = move |_| {
        let Some(after) = next.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        spawn_local(async move {
            match fetch(after).await {
                Ok(page) => {
                    pages.try_update(|p| p.push(page.items));
                    next.try_set(page.next);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            loading.try_set(false);
        });
    };
    view! {
        <ul class="item-list" id=list_id>
            <For
                each=move || pages.get().into_iter().enumerate()
                key=|(i, _)| *i
                children={move |(_, items): (usize, Vec<T>)| items.into_iter().map(row).collect::<Vec<_>>()}
            />
        </ul>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <Show when=move || next.get().is_some()>
            <button type="button" class="more" id=more_id disabled=move || loading.get() on:click=more>
                {move || if loading.get() { Site::Loading.text(locale()) } else { Community::ShowMore.text(locale()) }}
            </button>
        </Show>
    }
}

/// `/subscriptions`: the newest items of the followed channels, a page at a time.
#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    super::set_title(Community::Subscriptions.text(locale()));
    let session = use_session();
    view! {
        <section class="my-list">
            <h2>{t(Community::Subscriptions)}</h2>
            {for_viewers(session, move || {
                let feed = LocalResource::new(move || api::feed(session, None));
                let fetch = move |after| api::feed(session, Some(after));
                view! {
                    <Transition fallback=|| view! { <Loading /> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                            {move || Suspend::new(async move {
                                feed.await.map(|page| {
                                    if page.items.is_empty() {
                                        view! { <p class="empty" id="feed-empty">{t(Community::NoSubscriptions)}</p> }.into_any()
                                    } else {
                                        paged(page, "feed", "feed-more", fetch, |i| item_row(i, None)).into_any()
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

/// A history row: the item with where the viewer stopped, or a line saying it is gone.
fn history_row((item, secs): (Option<Item>, f64)) -> AnyView {
    let note = Some(text::stopped_at(locale(), secs));
    match item {
        Some(item) => item_row(item, note).into_any(),
        None => {
            view! { <li class="item-row unavailable">{t(Community::Unavailable)}</li> }.into_any()
        }
    }
}

/// `/history`: what the viewer watched, most recent first, with where they stopped, a page at
/// a time.
#[component]
pub fn HistoryPage() -> impl IntoView {
    super::set_title(Community::History.text(locale()));
    let session = use_session();
    view! {
        <section class="my-list">
            <h2>{t(Community::History)}</h2>
            {for_viewers(session, move || {
                let history = LocalResource::new(move || api::history(session, None));
                let fetch = move |after| api::history(session, Some(after));
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
                                    view! {
                                        <button type="button" id="clear-history" on:click=clear>
                                            {t(Community::ClearHistory)}
                                        </button>
                                        {paged(page, "history", "history-more", fetch, history_row)}
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
