//! The community's controls: the account menu of the header, the like button and the
//! subscribe button. A signed-out click on a button leads to `/signin` and back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::community::{self as api, Likeable};
use crate::i18n::community::{self as text, Community};
use crate::i18n::settings::Settings;
use crate::i18n::{locale, t};
use crate::session::{AuthState, Session, use_session};

/// The `/signin` address that comes back to the current page.
pub fn sign_in_path() -> String {
    let here = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_else(|| "/".into());
    format!("/signin?next={}", js_sys::encode_uri_component(&here))
}

/// Runs `change` as the signed-in viewer, or sends a signed-out one to `/signin` and back.
/// `done` gets whether the change went through.
fn as_viewer<F, N>(session: Session, navigate: N, change: F, done: impl FnOnce(bool) + 'static)
where
    F: std::future::Future<Output = Result<(), crate::api::ApiError>> + 'static,
    N: Fn(&str, leptos_router::NavigateOptions) + 'static,
{
    if !session.may_be_signed_in() {
        navigate(&sign_in_path(), Default::default());
        return;
    }
    spawn_local(async move {
        match change.await {
            Ok(()) => done(true),
            Err(e) => {
                done(false);
                if e.code() == Some("UNAUTHENTICATED") {
                    navigate(&sign_in_path(), Default::default());
                }
            }
        }
    });
}

/// The header's account menu: "Sign in" for a visitor; the avatar (or initial) and display name
/// for a viewer, opening their subscriptions, history, settings, and the ways to sign out.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let session = use_session();
    session.ensure_restored();
    let open = RwSignal::new(false);
    let location = use_location();
    let sign_in = move || {
        // Tracked: the link follows the page it is on.
        location.pathname.track();
        location.search.track();
        let here = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        if here.starts_with("/signin") || here.starts_with("/signup") {
            "/signin".to_string()
        } else {
            sign_in_path()
        }
    };
    let sign_out = move |everywhere: bool| {
        open.set(false);
        spawn_local(async move {
            if everywhere {
                let _ = session.sign_out_everywhere().await;
            } else {
                session.sign_out().await;
            }
        });
    };
    move || match session.state.get() {
        AuthState::SignedIn(user) => {
            let initial = user
                .display_name
                .chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default();
            view! {
                <div class="account-menu" id="account-menu">
                    <button
                        type="button"
                        id="account-button"
                        aria-haspopup="true"
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {match user.avatar_url {
                            Some(src) => view! { <img class="account-avatar" id="account-avatar" src=src alt="" /> }.into_any(),
                            None => view! { <span class="account-initial" aria-hidden="true">{initial}</span> }.into_any(),
                        }}
                        <span id="account-name">{user.display_name}</span>
                    </button>
                    <ul class="account-items" hidden=move || !open.get() on:click=move |_| open.set(false)>
                        <li><a href="/subscriptions" id="menu-subscriptions">{t(Community::Subscriptions)}</a></li>
                        <li><a href="/history" id="menu-history">{t(Community::History)}</a></li>
                        <li><a href="/settings" id="menu-settings">{t(Settings::Menu)}</a></li>
                        <li>
                            <button type="button" id="account-sign-out" on:click=move |_| sign_out(false)>
                                {t(Community::SignOut)}
                            </button>
                        </li>
                        <li>
                            <button type="button" id="sign-out-everywhere" on:click=move |_| sign_out(true)>
                                {t(Community::SignOutEverywhere)}
                            </button>
                        </li>
                    </ul>
                </div>
            }
            .into_any()
        }
        AuthState::SignedOut => view! {
            <a class="sign-in-link" id="sign-in-link" href=sign_in>
                {t(Community::SignIn)}
            </a>
        }
        .into_any(),
        AuthState::Unknown | AuthState::Restoring => ().into_any(),
    }
}

/// The like button of a video or an episode, with its count. The count the server sends is
/// written in batches, so the page adds the viewer's own change to it at once.
#[component]
pub fn LikeButton(
    /// A video or an episode.
    kind: Likeable,
    /// Its UUID.
    uuid: String,
    /// `likeCount` as read.
    count: i64,
    /// `viewerHasLiked` as read.
    liked: bool,
) -> impl IntoView {
    let session = use_session();
    let liked = RwSignal::new(liked);
    let count = RwSignal::new(count);
    let busy = RwSignal::new(false);
    let uuid = StoredValue::new(uuid);
    let navigate = use_navigate();
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        let on = !liked.get_untracked();
        busy.set(true);
        let uuid = uuid.get_value();
        as_viewer(
            session,
            navigate.clone(),
            async move { api::set_like(session, kind, &uuid, on).await },
            move |ok| {
                busy.set(false);
                if ok {
                    liked.set(on);
                    count.update(|c| *c = (*c + if on { 1 } else { -1 }).max(0));
                }
            },
        );
    };
    view! {
        <span class="like">
            <button
                type="button"
                class="like-button"
                id="like-button"
                aria-pressed=move || liked.get().to_string()
                disabled=move || busy.get()
                on:click=on_click
            >
                <span aria-hidden="true">"♥ "</span>
                {t(Community::Like)}
            </button>
            " "
            <span class="like-count" id="like-count">{move || text::likes(locale(), count.get())}</span>
        </span>
    }
}

/// The subscribe button of a channel, with its subscriber count.
#[component]
pub fn SubscribeButton(
    /// The channel's global ID.
    channel: String,
    /// `subscriberCount` as read.
    count: i64,
    /// `viewerIsSubscribed` as read.
    subscribed: bool,
) -> impl IntoView {
    let session = use_session();
    let subscribed = RwSignal::new(subscribed);
    let count = RwSignal::new(count);
    let busy = RwSignal::new(false);
    let channel = StoredValue::new(channel);
    let navigate = use_navigate();
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        let on = !subscribed.get_untracked();
        busy.set(true);
        let id = channel.get_value();
        as_viewer(
            session,
            navigate.clone(),
            async move { api::set_subscription(session, id, on).await },
            move |ok| {
                busy.set(false);
                if ok {
                    subscribed.set(on);
                    count.update(|c| *c = (*c + if on { 1 } else { -1 }).max(0));
                }
            },
        );
    };
    view! {
        <span class="subscribe">
            <button
                type="button"
                class="subscribe-button"
                id="subscribe-button"
                aria-pressed=move || subscribed.get().to_string()
                disabled=move || busy.get()
                on:click=on_click
            >
                {move || {
                    let key = if subscribed.get() { Community::Subscribed } else { Community::Subscribe };
                    crate::i18n::Message::text(key, locale())
                }}
            </button>
            " "
            <span class="subscriber-count" id="subscriber-count">
                {move || text::subscribers(locale(), count.get())}
            </span>
        </span>
    }
}
