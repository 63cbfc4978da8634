use crate::i18n::admin::editor;
use crate::i18n::admin::podcasts::{self as text, Podcasts as P};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::episode_type::EpisodeTypePanel;
use super::views_chart::{ViewsChart, ViewsOf};
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::notices::{Notices, error_view};
use super::podcast_api::{self, EditableEpisode, EpisodeState};
use super::session::{Session, use_session};
use super::upload_panel::{MediaTarget, UploadPanel, UploadProgress};
use super::{StateBadge, field};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::site::Missing;

/// `/admin/episodes/{id}`: an episode's editor. Upload its audio, change its title,
/// description, season and number, publish or unpublish it, delete it. "Not found" for an
/// episode the user may not manage.
#[component]
pub fn EditEpisodePage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let episode = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        podcast_api::editable_episode(session, id)
    });
    let progress = RwSignal::new(UploadProgress::Idle);
    let notices = Notices::new();
    Effect::new(move |_| {
        if matches!(progress.get(), UploadProgress::Done(_)) {
            episode.refetch();
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    episode
                        .await
                        .map(|found| match found {
                            Some(e) => editor(session, e, progress, notices, move || episode.refetch())
                                .into_any(),
                            None => view! { <NotFound what=Missing::Episode /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn editor(
    session: Session,
    episode: EditableEpisode,
    progress: RwSignal<UploadProgress>,
    notices: Notices,
    reload: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let state = episode.state.clone();
    crate::pages::set_title(&editor::edit_title(locale(), &state.title));
    let id = state.id.clone();
    view! {
        <article class="episode-editor video-editor">
            <header class="editor-header">
                <h2 id="edit-title">{state.title.clone()}</h2>
                <p class="video-meta">
                    <a href=super::podcast_path(&episode.podcast_id) id="podcast-link">
                        {episode.podcast_title.clone()}
                    </a>
                    " · "
                    <StateBadge phase=state.phase.clone() />
                    " · "
                    <span id="publication">{text::publication(locale(), state.publication)}</span>
                    " · "
                    <a href=episode.podcast_path.clone()>{t(P::ViewOnSite)}</a>
                </p>
                {move || {
                    notices.done.get().map(|m| view! { <p class="notice" id="notice" role="status">{m}</p> })
                }}
            </header>

            <UploadPanel target=MediaTarget::Episode(id.clone()) phase=state.phase.clone() progress />
            <ViewsChart of=ViewsOf::Episode(id.clone()) />
            <EpisodeTypePanel id=id.clone() />

            {details_section(session, &episode, notices, reload.clone())}
            {publish_section(session, &state, notices, reload)}
            {delete_section(session, &episode, notices)}
        </article>
    }
}

/// The details form: title, description, season, number and whether viewers may comment.
fn details_section<R: Fn() + Clone + Send + Sync + 'static>(
    session: Session,
    episode: &EditableEpisode,
    notices: Notices,
    reload: R,
) -> impl IntoView + use<R> {
    let id = episode.state.id.clone();
    let comments_were = episode.comments_enabled;
    let on_save = move |ev: SubmitEvent| {
        // Sent only when changed (null leaves it as it is).
        let comments = super::checked("episode-comments-enabled").filter(|&on| on != comments_were);
        ev.prevent_default();
        let change = podcast_api::update_episode(
            session,
            id.clone(),
            field("episode-title"),
            field("episode-description"),
            field("episode-season"),
            field("episode-number"),
            comments,
        );
        notices.run(
            notices.details,
            P::Saved.text(locale()),
            reload.clone(),
            change,
        );
    };
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let busy = move || notices.busy.get();
    view! {
        <section aria-labelledby="details-heading">
            <h3 id="details-heading">{t(P::Details)}</h3>
            <form id="details-form" class="admin-form" on:submit=on_save>
                <label for="episode-title">{t(P::Title)}</label>
                <input id="episode-title" name="title" type="text" value=episode.state.title.clone() />
                <label for="episode-description">{t(P::Description)}</label>
                <textarea id="episode-description" name="description" rows="5">
                    {episode.description.clone()}
                </textarea>
                <label for="episode-season">{t(P::Season)}</label>
                <input id="episode-season" name="season" type="text" inputmode="numeric" value=number(episode.season) />
                <label for="episode-number">{t(P::EpisodeNumber)}</label>
                <input id="episode-number" name="number" type="text" inputmode="numeric" value=number(episode.number) />
                <label class="check">
                    <input id="episode-comments-enabled" type="checkbox" checked=episode.comments_enabled />
                    " "
                    {t(crate::i18n::admin::moderation::Moderation::CommentsEnabled)}
                </label>
                {error_view("details-error", notices.details)}
                <button type="submit" id="save-episode" disabled=busy>
                    {t(P::Save)}
                </button>
            </form>
        </section>
    }
}

/// The publishing section: what the episode is now, publish now and unpublish.
fn publish_section<R: Fn() + Clone + Send + Sync + 'static>(
    session: Session,
    state: &EpisodeState,
    notices: Notices,
    reload: R,
) -> impl IntoView + use<R> {
    let publish = {
        let (id, reload) = (state.id.clone(), reload.clone());
        move |_| {
            let change = podcast_api::publish_episode(session, id.clone());
            notices.run(
                notices.publish,
                P::PublishedDone.text(locale()),
                reload.clone(),
                change,
            );
        }
    };
    let unpublish = {
        let id = state.id.clone();
        move |_| {
            let change = podcast_api::unpublish_episode(session, id.clone());
            notices.run(
                notices.publish,
                P::UnpublishedDone.text(locale()),
                reload.clone(),
                change,
            );
        }
    };
    let busy = move || notices.busy.get();
    view! {
        <section aria-labelledby="publish-heading">
            <h3 id="publish-heading">{t(P::Publishing)}</h3>
            <p>{t(P::ThisEpisodeIs)} <strong>{text::publication(locale(), state.publication)}</strong> "."</p>
            <button type="button" id="publish-episode" on:click=publish disabled=busy>
                {t(P::PublishNow)}
            </button>
            " "
            <button type="button" id="unpublish-episode" on:click=unpublish disabled=busy>
                {t(P::Unpublish)}
            </button>
            {error_view("publish-error", notices.publish)}
        </section>
    }
}

/// The delete section: a question naming the episode, then back to its podcast's page.
fn delete_section(
    session: Session,
    episode: &EditableEpisode,
    notices: Notices,
) -> impl IntoView + use<> {
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = {
        let (id, back) = (
            episode.state.id.clone(),
            super::podcast_path(&episode.podcast_id),
        );
        move |_| {
            if notices.busy.get_untracked() {
                return;
            }
            notices.clear();
            notices.busy.set(true);
            let (id, navigate, back) = (id.clone(), navigate.clone(), back.clone());
            spawn_local(async move {
                match podcast_api::delete_episode(session, id).await {
                    Ok(()) => navigate(&back, NavigateOptions::default()),
                    Err(e) => {
                        notices.delete.try_set(Some(e.to_string()));
                    }
                }
                notices.busy.try_set(false);
            });
        }
    };
    let busy = move || notices.busy.get();
    let title_for_confirm = episode.state.title.clone();
    view! {
        <section class="danger" aria-labelledby="delete-heading">
            <h3 id="delete-heading">{t(P::Delete)}</h3>
            {move || {
                if confirming.get() {
                    let delete = delete.clone();
                    view! {
                        <p role="alert">
                            {text::delete_episode_question(locale(), &title_for_confirm)}
                        </p>
                        <button type="button" id="confirm-delete" class="danger" on:click=delete disabled=busy>
                            {t(P::DeleteForGood)}
                        </button>
                        " "
                        <button type="button" id="cancel-delete" on:click=move |_| confirming.set(false)>
                            {t(P::Cancel)}
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" id="delete-episode" class="danger" on:click=move |_| confirming.set(true)>
                            {t(P::DeleteEpisode)}
                        </button>
                    }
                    .into_any()
                }
            }}
            {error_view("delete-error", notices.delete)}
        </section>
    }
}
