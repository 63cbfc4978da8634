use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::session::{AuthState, use_session};

/// Where to go after signing in: the `next` parameter when it is an admin path, else the
/// dashboard (never another site).
fn next_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with("/admin") && !n.starts_with("/admin/sign-in"))
        .unwrap_or_else(|| "/admin".into())
}

/// `/admin/sign-in`: email and password. A wrong password shows the API's message and stays
/// here; success goes on to the page that sent the user here.
#[component]
pub fn SignInPage() -> impl IntoView {
    crate::pages::set_title(Shell::SignIn.text(locale()));
    let session = use_session();
    session.ensure_restored();
    let query = use_query_map();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Already signed in (a restored session, or a successful sign-in): go on.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if matches!(session.state.get(), AuthState::SignedIn(_)) {
                let next = next_path(query.get_untracked().get("next"));
                navigate(
                    &next,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let email = super::field("sign-in-email");
        let password = super::field("sign-in-password");
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = session.sign_in(email, password).await {
                error.set(Some(e.to_string()));
            }
            busy.set(false);
        });
    };
    view! {
        <section class="admin sign-in">
            <h2>{t(Shell::SignIn)}</h2>
            <p class="hint">{t(Shell::SignInHint)}</p>
            <form id="sign-in-form" class="admin-form" on:submit=on_submit>
                <label for="sign-in-email">{t(Shell::Email)}</label>
                <input id="sign-in-email" type="email" name="email" autocomplete="username" required />
                <label for="sign-in-password">{t(Shell::Password)}</label>
                <input
                    id="sign-in-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                />
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="form-error" id="sign-in-error" role="alert">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button type="submit" id="sign-in-submit" disabled=move || busy.get()>
                    {move || Shell::text(if busy.get() { Shell::SigningIn } else { Shell::SignIn }, locale())}
                </button>
            </form>
        </section>
    }
}
