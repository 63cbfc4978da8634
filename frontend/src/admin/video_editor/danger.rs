//! Deleting the video, after a confirmation that names it.

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::{locale, t};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::feedback::Feedbacks;
use crate::admin::api;
use crate::admin::session::Session;

/// The delete panel.
#[component]
pub(super) fn DeletePanel(
    session: Session,
    /// The video's global ID.
    id: String,
    /// Its title, for the question.
    title: String,
    /// Every panel's feedback.
    feedbacks: Feedbacks,
    /// Called before leaving the page (drops the unsaved-changes guard: the video is gone).
    on_deleted: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = move |_| {
        if feedbacks.busy.get_untracked() {
            return;
        }
        feedbacks.clear();
        feedbacks.busy.set(true);
        let (id, navigate) = (id.clone(), navigate.clone());
        spawn_local(async move {
            match api::delete_video(session, id).await {
                Ok(()) => {
                    on_deleted.run(());
                    navigate("/admin", NavigateOptions::default());
                }
                Err(e) => {
                    feedbacks.delete.error.try_set(Some(e.to_string()));
                }
            }
            feedbacks.busy.try_set(false);
        });
    };
    let busy = move || feedbacks.busy.get();
    view! {
        <section class="danger" aria-labelledby="delete-heading">
            <h3 id="delete-heading">{t(E::Delete)}</h3>
            {move || {
                if confirming.get() {
                    let delete = delete.clone();
                    view! {
                        <p role="alert">
                            {text::delete_video_question(locale(), &title)}
                        </p>
                        <button type="button" id="confirm-delete" class="danger" on:click=delete disabled=busy>
                            {t(E::DeleteForGood)}
                        </button>
                        " "
                        <button type="button" id="cancel-delete" on:click=move |_| confirming.set(false)>
                            {t(E::Cancel)}
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" id="delete-video" class="danger" on:click=move |_| confirming.set(true)>
                            {t(E::DeleteVideo)}
                        </button>
                    }
                    .into_any()
                }
            }}
            {feedbacks.delete.view("delete")}
        </section>
    }
}
