//! What the pages that run the site (users, tokens, channels, playlists, categories and tags)
//! share: an API error shown beside the field it names, a success notice where the action
//! happened, and one change at a time per page.

use crate::i18n::admin::people::People as P;
use crate::i18n::admin::shell::Shell;
use crate::i18n::{I18n, Message, locale, t, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use super::session::{AuthState, Session, use_session};
use crate::api::ApiError;

/// An API error as a form shows it: the field it names (the API's messages start with
/// `field: `, e.g. `password: must be at least 8 characters`) and the words for people.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FormError {
    /// The input field the message is about (`email`, `password`, `slug`...), if it names one.
    pub(super) field: Option<String>,
    /// The message, without the field's name when it has one.
    pub(super) message: String,
}

impl From<ApiError> for FormError {
    fn from(error: ApiError) -> Self {
        let text = error.to_string();
        if let ApiError::GraphQl { message, .. } = &error
            && let Some((field, rest)) = message.split_once(": ")
            && !field.is_empty()
            && field.chars().all(|c| c.is_ascii_alphanumeric())
        {
            let mut chars = rest.chars();
            let message = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or(text);
            return Self {
                field: Some(field.to_owned()),
                message,
            };
        }
        Self {
            field: None,
            message: text,
        }
    }
}

/// The last change of a page: which part of it (`scope`: a form, or a row's id) succeeded or
/// failed, and whether a change is on its way. Owned by the page, so a notice outlives the
/// re-render of the list it is in.
#[derive(Clone, Copy)]
pub(super) struct Status {
    done: RwSignal<Option<(String, String)>>,
    error: RwSignal<Option<(String, FormError)>>,
    /// A change is on its way; buttons are disabled meanwhile.
    pub(super) busy: RwSignal<bool>,
    /// The page's language, for the words said once a change is done: they are made after the
    /// answer, outside the page's reactive owner (and so out of reach of its context).
    i18n: I18n,
}

impl Status {
    /// Nothing said, nothing under way.
    pub(super) fn new() -> Self {
        Self {
            done: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            i18n: use_i18n(),
        }
    }

    /// Shows an error of the page's own for `scope` (a check made before anything is sent).
    pub(super) fn fail(self, scope: &str, field: Option<&str>, message: &str) {
        self.done.set(None);
        self.error.set(Some((
            scope.to_owned(),
            FormError {
                field: field.map(str::to_owned),
                message: message.to_owned(),
            },
        )));
    }

    /// Says something about `scope` that is not an error (e.g. that there was nothing to save).
    pub(super) fn say(self, scope: &str, message: &str) {
        self.error.set(None);
        self.done.set(Some((scope.to_owned(), message.to_owned())));
    }

    /// Runs a change for `scope`: on success says what `done` makes of the result and calls
    /// `then` with it; on failure shows the API's error beside its field. One at a time.
    pub(super) fn run<T: 'static>(
        self,
        scope: impl Into<String>,
        change: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(&T) -> String + 'static,
        then: impl FnOnce(T) + 'static,
    ) {
        if self.busy.get_untracked() {
            return;
        }
        let scope = scope.into();
        self.done.set(None);
        self.error.set(None);
        self.busy.set(true);
        spawn_local(async move {
            match change.await {
                Ok(value) => {
                    let said = Owner::new().with(|| {
                        provide_context(self.i18n);
                        done(&value)
                    });
                    self.done.try_set(Some((scope, said)));
                    then(value);
                }
                Err(e) => {
                    self.error.try_set(Some((scope, e.into())));
                }
            }
            self.busy.try_set(false);
        });
    }

    /// The success notice of `scope`, in an element with `id` (none when empty).
    pub(super) fn done_view(self, scope: impl Into<String>, id: String) -> impl IntoView {
        let scope = scope.into();
        move || {
            self.done
                .get()
                .filter(|(s, _)| *s == scope)
                .map(|(_, message)| {
                    view! {
                        <p class="notice" id=(!id.is_empty()).then(|| id.clone()) role="status">
                            {message}
                        </p>
                    }
                })
        }
    }

    /// The error of `scope` about `field`, in an element with `id` (beside that field).
    pub(super) fn field_error(
        self,
        scope: impl Into<String>,
        field: &'static str,
        id: String,
    ) -> impl IntoView {
        let scope = scope.into();
        self.error_where(id, move |s, e| {
            *s == scope && e.field.as_deref() == Some(field)
        })
    }

    /// The error of `scope` that is about none of the `fields` shown elsewhere.
    pub(super) fn other_error(
        self,
        scope: impl Into<String>,
        fields: &'static [&'static str],
        id: String,
    ) -> impl IntoView {
        let scope = scope.into();
        self.error_where(id, move |s, e| {
            *s == scope && !e.field.as_deref().is_some_and(|f| fields.contains(&f))
        })
    }

    fn error_where(
        self,
        id: String,
        show: impl Fn(&String, &FormError) -> bool + Send + Sync + 'static,
    ) -> impl IntoView {
        move || {
            self.error.get().filter(|(s, e)| show(s, e)).map(|(_, e)| {
                view! {
                    <p class="form-error" id=(!id.is_empty()).then(|| id.clone()) role="alert">
                        {e.message}
                    </p>
                }
            })
        }
    }
}

/// A GraphQL enum value from its name (the generated enums keep unknown names as `Other`).
pub(super) fn enum_value<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// `Some(text)` unless it is blank: an optional field left empty is not sent.
pub(super) fn non_blank(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// `Some(new)` when it differs from `old`: a Save sends only what the editor changed.
pub(super) fn changed(old: &str, new: String) -> Option<String> {
    (old != new).then_some(new)
}

/// Empties the form controls with these ids.
pub(super) fn clear_fields(ids: &[&str]) {
    use wasm_bindgen::JsCast as _;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for id in ids {
        if let Some(input) = document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_value("");
        } else if let Some(area) = document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            area.set_value("");
        }
    }
}

/// Copies text to the clipboard; `false` when the browser refuses (no secure context).
pub(super) fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::JsValue;
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")) else {
        return false;
    };
    js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .is_some_and(|write| write.call1(&clipboard, &JsValue::from_str(text)).is_ok())
}

/// The date part of an RFC 3339 time with its hour and minute (UTC), e.g. `2026-03-01 14:05 UTC`.
pub(super) fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

/// The "Delete" section of an item's page: a button that asks first, naming what goes
/// (`warning`), then `on_delete`; its errors show in the section. `what` names the item in the
/// ID (`delete-channel`), `button` is the button's text ("Delete this channel…").
pub(super) fn delete_section(
    status: Status,
    what: &'static str,
    button: &'static str,
    warning: String,
    confirm_label: &'static str,
    on_delete: impl Fn(leptos::ev::MouseEvent) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = move || status.busy.get();
    view! {
        <section aria-labelledby="delete-heading">
            <h3 id="delete-heading">{t(P::Delete)}</h3>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" id=format!("delete-{what}") class="danger" on:click=move |_| confirming.set(true)>
                        {button}
                    </button>
                }
            >
                <div class="site-confirm" role="alertdialog" aria-labelledby="delete-what">
                    <p id="delete-what">{warning.clone()}</p>
                    <button type="button" id="confirm-delete" class="danger" on:click=on_delete.clone() disabled=busy>
                        {confirm_label}
                    </button>
                    " "
                    <button type="button" id="cancel-delete" on:click=move |_| confirming.set(false)>
                        {t(P::KeepIt)}
                    </button>
                </div>
            </Show>
            {status.other_error("delete", &[], "delete-error".into())}
        </section>
    }
}

/// A page for admins only, titled `title`: `page` for them; anyone else is told (in
/// `#{what}-admins-only`, with `refusal`) that the page is theirs, and the API refuses them too.
pub(super) fn admins_only<M: Message + Send + Sync>(
    what: &'static str,
    title: Shell,
    refusal: M,
    page: impl Fn(Session) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    crate::pages::set_title(title.text(locale()));
    let session = use_session();
    let is_admin = Memo::new(
        move |_| matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN"),
    );
    move || {
        if is_admin.get() {
            page(session)
        } else {
            view! {
                <article class=format!("site-page {what}-page")>
                    <h2 id="page-title">{t(title)}</h2>
                    <p class="notice" id=format!("{what}-admins-only") role="alert">{t(refusal)}</p>
                </article>
            }
            .into_any()
        }
    }
}
