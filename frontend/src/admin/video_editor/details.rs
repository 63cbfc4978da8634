//! The details form: title, slug, description, visibility, language, license, category,
//! tags, chapters, the publish window, where it can play and downloads, saved together by one Save that
//! sends only what the editor changed.

use crate::i18n::admin::editor::Editor as E;
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::calls::{self, CategoryOption, EditorVideo, TagRef};
use super::chapters::ChaptersPanel;
use super::downloads::DownloadsFields;
use super::feedback::Feedbacks;
use super::form::Form;
use super::schedule::ScheduleFields;
use super::taxonomy::{CategoryField, TagsField};
use crate::admin::playback::PlaybackFields;
use crate::admin::session::Session;

/// The details form.
#[component]
pub(super) fn DetailsForm(
    session: Session,
    /// The video as loaded.
    video: EditorVideo,
    /// The form's edited lists.
    form: Form,
    /// Every tag there is.
    known_tags: RwSignal<Vec<TagRef>>,
    /// The category tree.
    categories: Vec<CategoryOption>,
    /// Every panel's feedback.
    feedbacks: Feedbacks,
    /// Reads the video again.
    reload: Callback<()>,
) -> impl IntoView {
    let details = feedbacks.details;
    let on_save = {
        let video = video.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let changes = match form.changes(&video) {
                Ok(changes) => changes,
                Err(message) => {
                    feedbacks.clear();
                    details.error.set(Some(message));
                    return;
                }
            };
            if changes.is_empty() {
                feedbacks.clear();
                details
                    .done
                    .set(Some(E::NothingToSave.text(locale()).into()));
                return;
            }
            let change = calls::patch_video(session, video.state.id.clone(), changes);
            feedbacks.run(
                details,
                E::Saved.text(locale()),
                move || reload.run(()),
                change,
            );
        }
    };
    let state = video.state.clone();
    let option = move |value: &'static str, label: E| {
        let selected = state.visibility == value;
        view! { <option value=value selected=selected>{t(label)}</option> }
    };
    view! {
        <section aria-labelledby="details-heading">
            <h3 id="details-heading">{t(E::Details)}</h3>
            <form id="details-form" class="admin-form" on:submit=on_save>
                <label for="video-title">{t(E::Title)}</label>
                <input id="video-title" name="title" type="text" value=video.state.title.clone() />
                {details.beside("title")}
                <label for="video-slug">{t(E::Slug)}</label>
                <input id="video-slug" name="slug" type="text" value=video.slug.clone() />
                {details.beside("slug")}
                <label for="video-description">{t(E::Description)}</label>
                <textarea id="video-description" name="description" rows="6">
                    {video.description.clone()}
                </textarea>
                {details.beside("description")}
                <label for="video-visibility">{t(E::Visibility)}</label>
                <select id="video-visibility" name="visibility">
                    {option("PUBLIC", E::Public)}
                    {option("UNLISTED", E::UnlistedLong)}
                    {option("PRIVATE", E::PrivateLong)}
                </select>
                <div class="field-pair">
                    <div>
                        <label for="video-language">{t(E::Language)}</label>
                        <input id="video-language" type="text" size="8" value=video.language.clone().unwrap_or_default() />
                        {details.beside("language")}
                    </div>
                    <div>
                        <label for="video-license">{t(E::License)}</label>
                        <input id="video-license" type="text" value=video.license.clone().unwrap_or_default() />
                        {details.beside("license")}
                    </div>
                </div>
                <label class="check">
                    <input id="video-comments-enabled" type="checkbox" checked=video.comments_enabled />
                    " "
                    {t(crate::i18n::admin::moderation::Moderation::CommentsEnabled)}
                </label>
                <CategoryField categories current=video.category_id.clone() feedback=details />
                <TagsField session tags=form.tags known=known_tags feedback=feedbacks.tags details />
                <ChaptersPanel chapters=form.chapters duration=video.duration feedback=details />
                <ScheduleFields state=video.state.clone() feedback=details />
                <PlaybackFields form=form.playback prefix="video" channel=video.channel_playback.clone() />
                {details.beside("playbackRestriction")}
                <DownloadsFields own=video.downloads_enabled channel=video.channel_downloads files=video.downloads.clone() />
                {details.beside("downloadsEnabled")}
                {details.view("details")}
                <button type="submit" id="save-video" disabled=move || feedbacks.busy.get()>
                    {t(E::Save)}
                </button>
            </form>
        </section>
    }
}
