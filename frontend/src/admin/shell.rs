use crate::i18n::admin::shell::Shell;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use super::session::{AuthState, use_session};
use crate::components::Loading;

/// Which of the shell's three faces shows; a memo, so a refreshed session (same user) does not
/// re-render the page inside.
#[derive(Clone, Copy, PartialEq)]
enum Face {
    Waiting,
    SignIn,
    App,
}

/// Every `/admin/...` page: the admin bar and the page, for signed-in users only. Anyone else
/// is sent to the sign-in form, which brings them back here afterwards.
#[component]
pub fn AdminShell() -> impl IntoView {
    let session = use_session();
    session.ensure_restored();
    super::moderation::provide_waiting();
    let location = use_location();
    let face = Memo::new(move |_| match session.state.get() {
        AuthState::Unknown | AuthState::Restoring => Face::Waiting,
        AuthState::SignedOut => Face::SignIn,
        AuthState::SignedIn(_) => Face::App,
    });
    let user = move || match session.state.get() {
        AuthState::SignedIn(user) => Some(user),
        _ => None,
    };
    let sign_out = move |_| {
        spawn_local(async move { session.sign_out().await });
    };
    move || match face.get() {
        Face::Waiting => view! { <Loading /> }.into_any(),
        Face::SignIn => {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let here = String::from(js_sys::encode_uri_component(&here));
            view! { <Redirect path=format!("/admin/sign-in?next={here}") /> }.into_any()
        }
        Face::App => view! {
            <div class="admin">
                <nav class="admin-bar" aria-label=t(Shell::AdminNav)>
                    <a href="/admin" class="admin-home">{t(Shell::Dashboard)}</a>
                    <a href="/admin/library" id="library-link">{t(Shell::Library)}</a>
                    <a href="/admin/videos/new" id="new-video-link">{t(Shell::NewVideo)}</a>
                    {super::site_nav::links(session)}
                    <span class="admin-user" id="admin-user">
                        {move || user().map(|u| u.email)}
                    </span>
                    <button type="button" id="sign-out" on:click=sign_out>
                        {t(Shell::SignOut)}
                    </button>
                </nav>
                <Outlet />
            </div>
        }
        .into_any(),
    }
}
