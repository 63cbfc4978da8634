//! `/settings`: the signed-in viewer's own account. Four independent forms, each saying what
//! happened next to its button: the display name (saved only when it changed), the avatar, the
//! password (the other devices are signed out; this one goes on), and deleting the account
//! (viewers only, confirmed with the password and a dialog).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::ApiError;
use crate::api::profile as api;
use crate::components::sign_in_path;
use crate::dom::{chosen_file, clear_input, input_value};
use crate::i18n::community::{Community, error_text};
use crate::i18n::settings::Settings;
use crate::i18n::{Message, locale, t};
use crate::session::{AuthState, Session, SessionUser, use_session};

/// What a form last said: a confirmation or an error, in the current language.
#[derive(Clone, Copy, PartialEq)]
enum Said {
    Done(Settings),
    Failed(Settings),
    FailedCommunity(Community),
}

fn said_line(id: &'static str, said: RwSignal<Option<Said>>) -> impl IntoView {
    move || {
        said.get().map(|s| {
            let (class, text) = match s {
                Said::Done(k) => ("form-done", k.text(locale())),
                Said::Failed(k) => ("form-error", k.text(locale())),
                Said::FailedCommunity(k) => ("form-error", k.text(locale())),
            };
            view! { <p class=class id=id role="status">{text}</p> }
        })
    }
}

/// The sentence for an error of these forms.
fn failure(e: &ApiError) -> Said {
    let message = e.to_string();
    match e.code() {
        Some("VALIDATION") if message.contains("not the account's password") => {
            Said::Failed(Settings::WrongPassword)
        }
        Some("VALIDATION") if message.starts_with("newPassword") => Said::FailedCommunity(
            error_text(e.code(), &message.replacen("newPassword", "password", 1)),
        ),
        Some("UNSUPPORTED_MEDIA" | "PAYLOAD_TOO_LARGE") => Said::Failed(Settings::NotAPicture),
        Some("CONFLICT") => Said::Failed(Settings::StaffCannotDelete),
        code => Said::FailedCommunity(error_text(code, &message)),
    }
}

/// `/settings`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    super::set_title(Settings::Title.text(locale()));
    let session = use_session();
    session.ensure_restored();
    let signed_in = Memo::new(move |_| match session.state.get() {
        AuthState::SignedIn(_) => Some(true),
        AuthState::SignedOut => Some(false),
        AuthState::Unknown | AuthState::Restoring => None,
    });
    view! {
        <section class="account-page settings-page">
            <h2>{t(Settings::Title)}</h2>
            // Drawn again only when someone signs in or out: a change to the user (a new name
            // or avatar) must not wipe what the forms just said.
            {move || match signed_in.get() {
                Some(true) => match session.state.get_untracked() {
                    AuthState::SignedIn(user) => forms(session, user).into_any(),
                    _ => ().into_any(),
                },
                Some(false) => view! {
                    <p class="empty" id="must-sign-in">
                        {t(Community::MustSignIn)} " "
                        <a href=sign_in_path()>{t(Community::SignIn)}</a>
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

fn forms(session: Session, user: SessionUser) -> impl IntoView {
    view! {
        {profile_form(session, user.display_name.clone())}
        {avatar_form(session, user.id.clone())}
        {password_form(session)}
        {(user.role == "VIEWER").then(|| delete_form(session))}
    }
}

fn profile_form(session: Session, name: String) -> impl IntoView {
    let said = RwSignal::new(None::<Said>);
    let saved = StoredValue::new(name.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let name = input_value("settings-name");
        if name.trim() == saved.get_value() {
            said.set(Some(Said::Done(Settings::NothingChanged)));
            return;
        }
        spawn_local(async move {
            match api::update_profile(session, name).await {
                Ok(stored) => {
                    saved.set_value(stored.clone());
                    said.set(Some(Said::Done(Settings::Saved)));
                    session.update_user(|u| u.display_name = stored);
                }
                Err(e) => said.set(Some(failure(&e))),
            }
        });
    };
    view! {
        <form id="settings-profile" class="account-form" on:submit=on_submit>
            <h3>{t(Settings::Profile)}</h3>
            <label for="settings-name">{t(Community::DisplayName)}</label>
            <input id="settings-name" type="text" maxlength="100" value=name required />
            {said_line("settings-profile-said", said)}
            <button type="submit" id="settings-save-name">{t(Settings::Save)}</button>
        </form>
    }
}

/// The signed-in user's avatar, as the session knows it.
fn avatar_url(session: Session) -> Option<String> {
    match session.state.get() {
        AuthState::SignedIn(user) => user.avatar_url,
        _ => None,
    }
}

fn avatar_form(session: Session, id: String) -> impl IntoView {
    let said = RwSignal::new(None::<Said>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(file) = chosen_file("settings-avatar-file") else {
            said.set(Some(Said::Failed(Settings::ChoosePicture)));
            return;
        };
        let id = id.clone();
        busy.set(true);
        spawn_local(async move {
            match api::set_avatar(session, id, &file).await {
                Ok(url) => {
                    said.set(Some(Said::Done(Settings::AvatarSaved)));
                    session.update_user(|u| u.avatar_url = url);
                }
                Err(e) => said.set(Some(failure(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form id="settings-avatar" class="account-form" on:submit=on_submit>
            <h3>{t(Settings::Avatar)}</h3>
            {move || {
                avatar_url(session)
                    .map(|src| view! { <img class="settings-avatar" id="settings-avatar-img" src=src alt="" /> })
            }}
            <label for="settings-avatar-file">{t(Settings::Avatar)}</label>
            <input
                id="settings-avatar-file"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                aria-describedby="settings-avatar-hint"
            />
            <p class="hint" id="settings-avatar-hint">{t(Settings::AvatarHint)}</p>
            {said_line("settings-avatar-said", said)}
            <button type="submit" id="settings-upload-avatar" disabled=move || busy.get()>
                {move || {
                    let key = if busy.get() { Settings::Uploading } else { Settings::Upload };
                    key.text(locale())
                }}
            </button>
        </form>
    }
}

fn password_form(session: Session) -> impl IntoView {
    let said = RwSignal::new(None::<Said>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (current, new) = (
            input_value("settings-current-password"),
            input_value("settings-new-password"),
        );
        spawn_local(async move {
            match session.change_password(current, new).await {
                Ok(()) => {
                    clear_input("settings-current-password");
                    clear_input("settings-new-password");
                    said.set(Some(Said::Done(Settings::PasswordChanged)));
                }
                Err(e) => said.set(Some(failure(&e))),
            }
        });
    };
    view! {
        <form id="settings-password" class="account-form" on:submit=on_submit>
            <h3>{t(Settings::PasswordTitle)}</h3>
            <label for="settings-current-password">{t(Settings::CurrentPassword)}</label>
            <input
                id="settings-current-password"
                type="password"
                autocomplete="current-password"
                required
            />
            <label for="settings-new-password">{t(Settings::NewPassword)}</label>
            <input
                id="settings-new-password"
                type="password"
                autocomplete="new-password"
                aria-describedby="settings-new-password-hint"
                required
            />
            <p class="hint" id="settings-new-password-hint">{t(Community::PasswordHint)}</p>
            {said_line("settings-password-said", said)}
            <button type="submit" id="settings-change-password">{t(Settings::ChangePassword)}</button>
        </form>
    }
}

fn delete_form(session: Session) -> impl IntoView {
    let said = RwSignal::new(None::<Said>);
    let navigate = use_navigate();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(Settings::ConfirmDelete.text(locale()))
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let password = input_value("settings-delete-password");
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::delete_account(session, password).await {
                Ok(()) => {
                    session.forget_here();
                    navigate("/?deleted=1", Default::default());
                }
                Err(e) => said.set(Some(failure(&e))),
            }
        });
    };
    view! {
        <form id="settings-delete" class="account-form danger-zone" on:submit=on_submit>
            <h3>{t(Settings::DeleteTitle)}</h3>
            <p class="hint">{t(Settings::DeleteHint)}</p>
            <label for="settings-delete-password">{t(Community::Password)}</label>
            <input
                id="settings-delete-password"
                type="password"
                autocomplete="current-password"
                required
            />
            {said_line("settings-delete-said", said)}
            <button type="submit" id="settings-delete-account" class="danger">
                {t(Settings::DeleteAccount)}
            </button>
        </form>
    }
}
