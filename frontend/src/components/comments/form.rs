//! The form that posts a comment or a reply, and the words for a refused change.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::comments::{self as api, Comment};
use crate::i18n::community::{self as text, Comments as C};
use crate::i18n::{Message, locale, t};
use crate::session::Session;

/// What to tell the viewer when the server refuses a change: a sentence for the codes we
/// know, else the server's own words.
pub(super) fn refusal(error: &ApiError) -> String {
    let message = match error {
        ApiError::GraphQl { message, .. } => message.as_str(),
        _ => "",
    };
    match text::comment_error(error.code(), message) {
        Some(key) => key.text(locale()).to_owned(),
        None => error.to_string(),
    }
}

/// A textarea with a submit button that posts a comment on `item` (a reply to `parent` when
/// given); `posted` gets the new comment as the server returns it.
#[component]
pub(super) fn CommentForm(
    session: Session,
    /// The video's or the episode's global ID.
    item: String,
    /// The comment this replies to.
    #[prop(optional)]
    parent: Option<String>,
    /// Told about the new comment.
    posted: Callback<Comment>,
    /// The prefix of the controls' IDs (`comment` gives `comment-body`, `comment-submit`...).
    prefix: String,
) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let is_reply = parent.is_some();
    let (item, parent) = (StoredValue::new(item), StoredValue::new(parent));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let text = body.get_untracked();
        spawn_local(async move {
            match api::post_comment(session, item.get_value(), parent.get_value(), text).await {
                Ok(comment) => {
                    body.try_set(String::new());
                    posted.run(comment);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let label = if is_reply {
        C::YourReply
    } else {
        C::AddComment
    };
    let submit = if is_reply { C::Reply } else { C::Post };
    let field = format!("{prefix}-body");
    let error_id = format!("{prefix}-error");
    view! {
        <form class="comment-form" id=format!("{prefix}-form") on:submit=on_submit>
            <label for=field.clone()>{t(label)}</label>
            <textarea
                id=field
                rows=if is_reply { "2" } else { "3" }
                prop:value=move || body.get()
                on:input=move |ev| {
                    body.set(event_target_value(&ev));
                    error.set(None);
                }
                aria-describedby=error_id.clone()
            ></textarea>
            <p class="form-error" id=error_id role="alert">{move || error.get().map(|e| refusal(&e))}</p>
            <button type="submit" id=format!("{prefix}-submit") disabled=move || busy.get()>
                {move || if busy.get() { C::Posting.text(locale()) } else { submit.text(locale()) }}
            </button>
        </form>
    }
}
