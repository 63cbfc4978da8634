//! The poster: one of the four generated thumbnails, or a picture of the editor's own
//! (uploaded as a GraphQL multipart request).

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::calls::{self, EditorVideo};
use super::feedback::Feedbacks;
use crate::admin::api;
use crate::admin::chosen_file;
use crate::admin::session::Session;

/// The poster panel.
#[component]
pub(super) fn PosterPanel(
    session: Session,
    /// The video as loaded.
    video: EditorVideo,
    /// Every panel's feedback.
    feedbacks: Feedbacks,
    /// Reads the video again.
    reload: Callback<()>,
) -> impl IntoView {
    let poster = video.state.poster_url.clone();
    let id = video.state.id.clone();
    let thumbnails = video
        .thumbnails
        .iter()
        .map(|t| {
            let current = poster.as_deref() == Some(t.url.as_str());
            let (id, number) = (id.clone(), t.number);
            let choose = move |_| {
                let change = api::choose_poster(session, id.clone(), number);
                feedbacks.run(
                    feedbacks.poster,
                    E::PosterChosen.text(locale()),
                    move || reload.run(()),
                    change,
                );
            };
            view! {
                <li>
                    <button
                        type="button"
                        class=if current { "poster-choice current" } else { "poster-choice" }
                        data-number=number
                        aria-pressed=if current { "true" } else { "false" }
                        on:click=choose
                    >
                        <img src=t.url.clone() alt=text::thumbnail(locale(), number) loading="lazy" />
                    </button>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let generated = if thumbnails.is_empty() {
        view! { <p class="hint">{t(E::ThumbnailsLater)}</p> }.into_any()
    } else {
        view! { <ul class="thumbnails" id="thumbnails">{thumbnails}</ul> }.into_any()
    };
    let upload = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(file) = chosen_file("poster-file") else {
            feedbacks.clear();
            feedbacks
                .poster
                .error
                .set(Some(E::ChoosePicture.text(locale()).into()));
            return;
        };
        let id = id.clone();
        let change = async move { calls::upload_poster(session, id, &file).await };
        feedbacks.run(
            feedbacks.poster,
            E::PosterUploaded.text(locale()),
            move || reload.run(()),
            change,
        );
    };
    let current = poster.map(|url| {
        view! {
            <figure class="current-poster">
                <img id="current-poster" src=url alt=t(E::CurrentPosterAlt) />
                <figcaption>{t(E::CurrentPoster)}</figcaption>
            </figure>
        }
    });
    view! {
        <section aria-labelledby="poster-heading">
            <h3 id="poster-heading">{t(E::Poster)}</h3>
            {current}
            <p class="hint">{t(E::PosterHint)}</p>
            {generated}
            <form id="poster-form" class="admin-form inline" on:submit=upload>
                <label for="poster-file">{t(E::OwnPoster)}</label>
                <input id="poster-file" type="file" accept="image/jpeg,image/png,image/webp" />
                <button type="submit" id="poster-upload" disabled=move || feedbacks.busy.get()>
                    {t(E::UploadPoster)}
                </button>
            </form>
            {feedbacks.poster.view("poster")}
        </section>
    }
}
