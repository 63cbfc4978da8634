//! `/signin` and `/signup`: the viewer's way into an account. Both use the session of the
//! admin app (`crate::session`); both go on to `?next=` (a path of this site) afterwards.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::community as api;
use crate::i18n::community::{Community, error_text};
use crate::i18n::{Message, locale, t};
use crate::session::{AuthState, use_session};

/// Where to go afterwards: `next` when it is a path of this site (never another site, never
/// back to these pages), else home.
fn next_path(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/signin")
            && !n.starts_with("/signup")
    })
    .unwrap_or_else(|| "/".into())
}

use crate::dom::input_value as field;

/// Goes on to `?next=` once someone is signed in (now, or already).
fn go_on_when_signed_in() {
    let session = use_session();
    session.ensure_restored();
    let query = use_query_map();
    let navigate = use_navigate();
    Effect::new(move |_| {
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
    });
}

/// The form's error line.
fn error_line(error: RwSignal<Option<Community>>) -> impl IntoView {
    move || {
        error.get().map(|key| {
            view! {
                <p class="form-error" id="account-error" role="alert">
                    {move || key.text(locale())}
                </p>
            }
        })
    }
}

/// `/signin`: email and password.
#[component]
pub fn ViewerSignInPage() -> impl IntoView {
    super::set_title(Community::SignIn.text(locale()));
    go_on_when_signed_in();
    let session = use_session();
    let query = use_query_map();
    let error = RwSignal::new(None::<Community>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (email, password) = (field("signin-email"), field("signin-password"));
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = session.sign_in(email, password).await {
                error.set(Some(error_text(e.code(), &e.to_string())));
            }
            busy.set(false);
        });
    };
    let signup = move || match query.read().get("next") {
        Some(next) => format!("/signup?next={}", js_sys::encode_uri_component(&next)),
        None => "/signup".into(),
    };
    view! {
        <section class="account-page">
            <h2>{t(Community::SignIn)}</h2>
            <p class="hint">{t(Community::SignInHint)}</p>
            <form id="signin-form" class="account-form" on:submit=on_submit>
                <label for="signin-email">{t(Community::Email)}</label>
                <input id="signin-email" type="email" name="email" autocomplete="username" required />
                <label for="signin-password">{t(Community::Password)}</label>
                <input
                    id="signin-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                />
                {error_line(error)}
                <button type="submit" id="signin-submit" disabled=move || busy.get()>
                    {move || {
                        let key = if busy.get() { Community::SigningIn } else { Community::SignIn };
                        key.text(locale())
                    }}
                </button>
            </form>
            <p>
                {t(Community::NoAccount)} " "
                <a href=signup id="signup-link">{t(Community::SignUp)}</a>
            </p>
        </section>
    }
}

/// `/signup`: email, display name and password; `?invitation=` carries an invitation's secret.
/// The account is signed in at once.
#[component]
pub fn SignUpPage() -> impl IntoView {
    super::set_title(Community::SignUp.text(locale()));
    go_on_when_signed_in();
    let session = use_session();
    let query = use_query_map();
    let invitation = query.read_untracked().get("invitation");
    let invited = invitation.is_some();
    let error = RwSignal::new(None::<Community>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let email = field("signup-email");
        let name = field("signup-name");
        let password = field("signup-password");
        let invitation = invitation.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match api::sign_up(email.clone(), password.clone(), name, invitation).await
            {
                Ok(()) => session.sign_in(email, password).await,
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                error.set(Some(error_text(e.code(), &e.to_string())));
            }
            busy.set(false);
        });
    };
    view! {
        <section class="account-page">
            <h2>{t(Community::SignUp)}</h2>
            {invited.then(|| view! { <p class="hint" id="invited">{t(Community::Invited)}</p> })}
            <form id="signup-form" class="account-form" on:submit=on_submit>
                <label for="signup-email">{t(Community::Email)}</label>
                <input id="signup-email" type="email" name="email" autocomplete="email" required />
                <label for="signup-name">{t(Community::DisplayName)}</label>
                <input id="signup-name" type="text" name="name" autocomplete="nickname" maxlength="100" required />
                <label for="signup-password">{t(Community::Password)}</label>
                <input
                    id="signup-password"
                    type="password"
                    name="password"
                    autocomplete="new-password"
                    aria-describedby="signup-password-hint"
                    required
                />
                <p class="hint" id="signup-password-hint">{t(Community::PasswordHint)}</p>
                {error_line(error)}
                <button type="submit" id="signup-submit" disabled=move || busy.get()>
                    {move || {
                        let key = if busy.get() { Community::SigningUp } else { Community::SignUp };
                        key.text(locale())
                    }}
                </button>
            </form>
            <p>
                {t(Community::HaveAccount)} " "
                <a href="/signin" id="signin-link">{t(Community::SignIn)}</a>
            </p>
        </section>
    }
}
