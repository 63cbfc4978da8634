use crate::i18n::admin::editor;
use crate::i18n::admin::podcasts::{self as text, Podcasts as P};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::notices::{Notices, error_view};
use super::podcast_api::{self, EditablePodcast, EpisodeState};
use super::podcast_apple::ApplePanels;
use super::session::{Session, use_session};
use super::{StateBadge, field};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::site::Missing;

/// `/admin/podcasts/{id}`: a podcast's details (title, description, author, visibility), its
/// episodes with their states, drafts included, and a form for a new episode. "Not found" for a
/// podcast the user may not manage.
#[component]
pub fn EditPodcastPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let podcast = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        podcast_api::editable_podcast(session, id)
    });
    let notices = Notices::new();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    podcast
                        .await
                        .map(|found| match found {
                            Some(p) => editor(session, p, notices, move || podcast.refetch())
                                .into_any(),
                            None => view! { <NotFound what=Missing::Podcast /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Whether the checkbox with this id is ticked.
fn checked(id: &str) -> bool {
    use wasm_bindgen::JsCast as _;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

fn editor(
    session: Session,
    mut podcast: EditablePodcast,
    notices: Notices,
    reload: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    crate::pages::set_title(&editor::edit_title(locale(), &podcast.title));
    let episodes = std::mem::take(&mut podcast.episodes);
    let podcast_id = podcast.id.clone();
    view! {
        <article class="podcast-editor">
            <header class="editor-header">
                <h2 id="edit-title">{podcast.title.clone()}</h2>
                <p class="video-meta">
                    {podcast.channel_name.clone()}
                    " · "
                    <a href=crate::api::podcast_path(&podcast.channel_slug, &podcast.slug)>
                        {t(P::ViewOnSite)}
                    </a>
                </p>
                {move || {
                    notices.done.get().map(|m| view! { <p class="notice" id="notice" role="status">{m}</p> })
                }}
            </header>

            {episodes_section(session, podcast.id.clone(), episodes, notices)}
            {details_section(session, &podcast, notices, reload)}
            <ApplePanels id=podcast_id />
        </article>
    }
}

/// The episodes: a table of them with their states, and the form that creates a draft (and
/// opens its editor).
fn episodes_section(
    session: Session,
    podcast_id: String,
    episodes: Vec<EpisodeState>,
    notices: Notices,
) -> impl IntoView {
    let navigate = use_navigate();
    let new_episode = move |ev: SubmitEvent| {
        ev.prevent_default();
        if notices.busy.get_untracked() {
            return;
        }
        notices.clear();
        notices.busy.set(true);
        let (id, navigate) = (podcast_id.clone(), navigate.clone());
        let title = field("new-episode-title");
        spawn_local(async move {
            match podcast_api::create_episode(session, id, title).await {
                Ok(episode) => navigate(&super::episode_path(&episode), NavigateOptions::default()),
                Err(e) => {
                    notices.publish.try_set(Some(e.to_string()));
                }
            }
            notices.busy.try_set(false);
        });
    };
    let table = if episodes.is_empty() {
        view! { <p class="empty">{t(P::NoEpisodes)}</p> }.into_any()
    } else {
        view! {
            <table class="admin-videos admin-episodes">
                <thead>
                    <tr>
                        <th scope="col">{t(P::Episode)}</th>
                        <th scope="col">{t(P::State)}</th>
                        <th scope="col">{t(P::Publication)}</th>
                    </tr>
                </thead>
                <tbody>{episodes.into_iter().map(episode_row).collect::<Vec<_>>()}</tbody>
            </table>
        }
        .into_any()
    };
    let busy = move || notices.busy.get();
    view! {
        <section aria-labelledby="episodes-heading">
            <h3 id="episodes-heading">{t(P::Episodes)}</h3>
            {table}
            <form id="new-episode-form" class="admin-form inline" on:submit=new_episode>
                <label for="new-episode-title">{t(P::NewEpisode)}</label>
                <input id="new-episode-title" name="title" type="text" placeholder=t(P::Title) />
                <button type="submit" id="new-episode-submit" disabled=busy>
                    {t(P::CreateDraft)}
                </button>
            </form>
            {error_view("new-episode-error", notices.publish)}
        </section>
    }
}

/// The details form: title, description, author, visibility and locked.
fn details_section<R: Fn() + Clone + Send + Sync + 'static>(
    session: Session,
    podcast: &EditablePodcast,
    notices: Notices,
    reload: R,
) -> impl IntoView + use<R> {
    let on_save = {
        let id = podcast.id.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let change = podcast_api::update_podcast(
                session,
                id.clone(),
                podcast_api::PodcastDetails {
                    title: field("podcast-title"),
                    description: field("podcast-description"),
                    author: field("podcast-author"),
                    visibility: field("podcast-visibility"),
                    locked: checked("podcast-locked"),
                },
            );
            notices.run(
                notices.details,
                P::Saved.text(locale()),
                reload.clone(),
                change,
            );
        }
    };
    let visibility = podcast.visibility.clone();
    let option = move |value: &'static str, label: P| {
        let selected = visibility == value;
        view! {
            <option value=value selected=selected>
                {t(label)}
            </option>
        }
    };
    let busy = move || notices.busy.get();
    view! {
        <section aria-labelledby="details-heading">
            <h3 id="details-heading">{t(P::Details)}</h3>
            <form id="details-form" class="admin-form" on:submit=on_save>
                <label for="podcast-title">{t(P::Title)}</label>
                <input id="podcast-title" name="title" type="text" value=podcast.title.clone() />
                <label for="podcast-description">{t(P::Description)}</label>
                <textarea id="podcast-description" name="description" rows="4">
                    {podcast.description.clone()}
                </textarea>
                <label for="podcast-author">{t(P::Author)}</label>
                <input id="podcast-author" name="author" type="text" value=podcast.author.clone() />
                <label for="podcast-visibility">{t(P::Visibility)}</label>
                <select id="podcast-visibility" name="visibility">
                    {option("PUBLIC", P::Public)}
                    {option("UNLISTED", P::UnlistedLong)}
                    {option("PRIVATE", P::PrivateLong)}
                </select>
                <label class="checkbox" for="podcast-locked">
                    <input
                        id="podcast-locked"
                        name="locked"
                        type="checkbox"
                        checked=podcast.locked
                    />
                    {t(P::Locked)}
                </label>
                {error_view("details-error", notices.details)}
                <button type="submit" id="save-podcast" disabled=busy>
                    {t(P::Save)}
                </button>
            </form>
        </section>
    }
}

fn episode_row(episode: EpisodeState) -> impl IntoView {
    view! {
        <tr class="admin-episode" data-id=episode.id.clone()>
            <td class="admin-video-title">
                <a href=super::episode_path(&episode.id)>{episode.title}</a>
            </td>
            <td>
                <StateBadge phase=episode.phase />
            </td>
            <td class="publication">{text::publication(locale(), episode.publication)}</td>
        </tr>
    }
}
