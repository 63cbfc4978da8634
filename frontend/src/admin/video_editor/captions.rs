//! Captions: the list with a delete button per language, and the upload of a WebVTT or SRT
//! file (a GraphQL multipart request).

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::calls;
use super::feedback::Feedbacks;
use crate::admin::session::Session;
use crate::admin::{api, chosen_file, field};

/// The captions panel.
#[component]
pub(super) fn CaptionsPanel(
    session: Session,
    /// The video's global ID.
    id: String,
    /// Languages of its caption tracks.
    captions: Vec<String>,
    /// Every panel's feedback.
    feedbacks: Feedbacks,
    /// Reads the video again.
    reload: Callback<()>,
) -> impl IntoView {
    let list = if captions.is_empty() {
        view! { <p class="hint" id="captions">{t(E::NoCaptions)}</p> }.into_any()
    } else {
        let items = captions
            .into_iter()
            .map(|language| {
                let (id, lang) = (id.clone(), language.clone());
                let delete = move |_| {
                    let change = calls::delete_caption(session, id.clone(), lang.clone());
                    feedbacks.run(
                        feedbacks.caption,
                        E::CaptionsDeleted.text(locale()),
                        move || reload.run(()),
                        change,
                    );
                };
                view! {
                    <li>
                        <span class="caption-language">{language.clone()}</span>
                        " "
                        <button type="button" class="caption-delete" data-language=language.clone()
                            aria-label=text::delete_captions(locale(), &language) on:click=delete>
                            {t(E::Delete)}
                        </button>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul id="captions">{items}</ul> }.into_any()
    };
    let upload = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(file) = chosen_file("caption-file") else {
            feedbacks.clear();
            feedbacks
                .caption
                .error
                .set(Some(E::ChooseCaptions.text(locale()).into()));
            return;
        };
        let (id, language) = (id.clone(), field("caption-language"));
        let change = async move { api::upload_caption(session, id, language, &file).await };
        feedbacks.run(
            feedbacks.caption,
            E::CaptionsAdded.text(locale()),
            move || reload.run(()),
            change,
        );
    };
    view! {
        <section aria-labelledby="captions-heading">
            <h3 id="captions-heading">{t(E::Captions)}</h3>
            {list}
            <form id="caption-form" class="admin-form inline" on:submit=upload>
                <label for="caption-language">{t(E::CaptionLanguage)}</label>
                <input id="caption-language" name="language" type="text" size="8" />
                <label for="caption-file">{t(E::CaptionFile)}</label>
                <input id="caption-file" type="file" accept=".vtt,.srt,text/vtt" />
                <button type="submit" id="caption-upload" disabled=move || feedbacks.busy.get()>
                    {t(E::AddCaptions)}
                </button>
            </form>
            {feedbacks.caption.view("caption")}
        </section>
    }
}
