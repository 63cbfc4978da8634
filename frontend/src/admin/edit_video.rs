use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{self, EditableVideo};
use super::notices::{Notices, error_view};
use super::session::{Session, use_session};
use super::upload_panel::{MediaTarget, UploadPanel, UploadProgress};
use super::{StateBadge, field};
use crate::components::{ErrorNotice, Loading, NotFound};

/// `/admin/videos/{uuid}`: a video's editor. Upload its media, change its title, description
/// and visibility, publish or unpublish it, choose its poster among the generated thumbnails,
/// add captions, delete it. "Not found" for a video the user may not manage.
#[component]
pub fn EditVideoPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let video = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        api::editable_video(session, id)
    });
    let progress = RwSignal::new(UploadProgress::Idle);
    let notices = Notices::new();
    // The upload settled: read the video again (thumbnails, captions, state).
    Effect::new(move |_| {
        if matches!(progress.get(), UploadProgress::Done(_)) {
            video.refetch();
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    video
                        .await
                        .map(|found| match found {
                            Some(v) => editor(session, v, progress, notices, move || video.refetch())
                                .into_any(),
                            None => view! { <NotFound what="video" /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn editor(
    session: Session,
    video: EditableVideo,
    progress: RwSignal<UploadProgress>,
    notices: Notices,
    reload: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    crate::pages::set_title(&format!("Edit “{}”", video.state.title));
    let state = video.state.clone();
    let id = state.id.clone();

    let on_save = {
        let id = id.clone();
        let reload = reload.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let change = api::update_video(
                session,
                id.clone(),
                field("video-title"),
                field("video-description"),
                field("video-visibility"),
            );
            notices.run(notices.details, "Saved.", reload.clone(), change);
        }
    };
    let publish = {
        let (id, reload) = (id.clone(), reload.clone());
        move |_| {
            let change = api::publish_video(session, id.clone());
            notices.run(notices.publish, "Published.", reload.clone(), change);
        }
    };
    let unpublish = {
        let (id, reload) = (id.clone(), reload.clone());
        move |_| {
            let change = api::unpublish_video(session, id.clone());
            notices.run(notices.publish, "Unpublished.", reload.clone(), change);
        }
    };
    let upload_caption = {
        let (id, reload) = (id.clone(), reload.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let Some(file) = super::chosen_file("caption-file") else {
                notices.clear();
                notices
                    .caption
                    .set(Some("choose a WebVTT or SRT file first".into()));
                return;
            };
            let (id, language) = (id.clone(), field("caption-language"));
            let change = async move { api::upload_caption(session, id, language, &file).await };
            notices.run(notices.caption, "Captions added.", reload.clone(), change);
        }
    };

    let visibility = state.visibility.clone();
    let option = move |value: &'static str, label: &'static str| {
        let selected = visibility == value;
        view! {
            <option value=value selected=selected>
                {label}
            </option>
        }
    };
    let details_error = move || notices.details.get();
    let field_error = move |prefix: &'static str| {
        move || {
            details_error()
                .filter(|m| m.starts_with(prefix))
                .map(|m| view! { <span class="field-error">{m}</span> })
        }
    };

    let poster = state.poster_url.clone();
    let thumbnails = video
        .thumbnails
        .iter()
        .map(|t| {
            let current = poster.as_deref() == Some(t.url.as_str());
            let (id, reload, number) = (id.clone(), reload.clone(), t.number);
            let choose = move |_| {
                let change = api::choose_poster(session, id.clone(), number);
                notices.run(notices.poster, "Poster chosen.", reload.clone(), change);
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
                        <img src=t.url.clone() alt=format!("Thumbnail {number}") loading="lazy" />
                    </button>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let posters = if thumbnails.is_empty() {
        view! { <p class="hint">"Thumbnails appear once the video is processed."</p> }.into_any()
    } else {
        view! { <ul class="thumbnails" id="thumbnails">{thumbnails}</ul> }.into_any()
    };
    let captions = if video.captions.is_empty() {
        view! { <p class="hint" id="captions">"No captions yet."</p> }.into_any()
    } else {
        view! {
            <ul id="captions">
                {video.captions.iter().map(|c| view! { <li>{c.clone()}</li> }).collect::<Vec<_>>()}
            </ul>
        }
        .into_any()
    };

    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = {
        let id = id.clone();
        move |_| {
            if notices.busy.get_untracked() {
                return;
            }
            notices.clear();
            notices.busy.set(true);
            let (id, navigate) = (id.clone(), navigate.clone());
            spawn_local(async move {
                match api::delete_video(session, id).await {
                    Ok(()) => navigate("/admin", NavigateOptions::default()),
                    Err(e) => {
                        notices.delete.try_set(Some(e.to_string()));
                    }
                }
                notices.busy.try_set(false);
            });
        }
    };
    let title_for_confirm = state.title.clone();
    let busy = move || notices.busy.get();

    view! {
        <article class="video-editor">
            <header class="editor-header">
                <h2 id="edit-title">{state.title.clone()}</h2>
                <p class="video-meta">
                    {video.channel_name.clone()}
                    " · "
                    <StateBadge phase=state.phase.clone() />
                    " · "
                    <span id="publication">{state.publication()}</span>
                    " · "
                    <a href=crate::api::watch_path(&state.uuid) id="watch-link">
                        "View on the site"
                    </a>
                </p>
                {move || {
                    notices.done.get().map(|m| view! { <p class="notice" id="notice" role="status">{m}</p> })
                }}
            </header>

            <UploadPanel target=MediaTarget::Video(id.clone()) phase=state.phase.clone() progress />

            <section aria-labelledby="details-heading">
                <h3 id="details-heading">"Details"</h3>
                <form id="details-form" class="admin-form" on:submit=on_save>
                    <label for="video-title">"Title"</label>
                    <input id="video-title" name="title" type="text" value=state.title.clone() />
                    {field_error("title")}
                    <label for="video-description">"Description (Markdown)"</label>
                    <textarea id="video-description" name="description" rows="6">
                        {video.description.clone()}
                    </textarea>
                    {field_error("description")}
                    <label for="video-visibility">"Visibility"</label>
                    <select id="video-visibility" name="visibility">
                        {option("PUBLIC", "Public")}
                        {option("UNLISTED", "Unlisted (anyone with the link)")}
                        {option("PRIVATE", "Private (channel members only)")}
                    </select>
                    {error_view("details-error", notices.details)}
                    <button type="submit" id="save-video" disabled=busy>
                        "Save"
                    </button>
                </form>
            </section>

            <section aria-labelledby="publish-heading">
                <h3 id="publish-heading">"Publishing"</h3>
                <p>
                    "This video is " <strong>{state.publication()}</strong>
                    {format!(" and {}.", state.visibility.to_lowercase())}
                </p>
                <button type="button" id="publish-video" on:click=publish disabled=busy>
                    "Publish now"
                </button>
                " "
                <button type="button" id="unpublish-video" on:click=unpublish disabled=busy>
                    "Unpublish"
                </button>
                {error_view("publish-error", notices.publish)}
            </section>

            <section aria-labelledby="poster-heading">
                <h3 id="poster-heading">"Poster"</h3>
                {posters}
                {error_view("poster-error", notices.poster)}
            </section>

            <section aria-labelledby="captions-heading">
                <h3 id="captions-heading">"Captions"</h3>
                {captions}
                <form id="caption-form" class="admin-form inline" on:submit=upload_caption>
                    <label for="caption-language">"Language (e.g. en)"</label>
                    <input id="caption-language" name="language" type="text" size="8" />
                    <label for="caption-file">"WebVTT or SRT file"</label>
                    <input id="caption-file" type="file" accept=".vtt,.srt,text/vtt" />
                    <button type="submit" id="caption-upload" disabled=busy>
                        "Add captions"
                    </button>
                </form>
                {error_view("caption-error", notices.caption)}
            </section>

            <section class="danger" aria-labelledby="delete-heading">
                <h3 id="delete-heading">"Delete"</h3>
                {move || {
                    if confirming.get() {
                        let delete = delete.clone();
                        view! {
                            <p role="alert">
                                {format!(
                                    "Delete “{}” for good? Its media goes too; this cannot be undone.",
                                    title_for_confirm,
                                )}
                            </p>
                            <button type="button" id="confirm-delete" class="danger" on:click=delete disabled=busy>
                                "Delete for good"
                            </button>
                            " "
                            <button type="button" id="cancel-delete" on:click=move |_| confirming.set(false)>
                                "Cancel"
                            </button>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" id="delete-video" class="danger" on:click=move |_| confirming.set(true)>
                                "Delete video…"
                            </button>
                        }
                        .into_any()
                    }
                }}
                {error_view("delete-error", notices.delete)}
            </section>
        </article>
    }
}
