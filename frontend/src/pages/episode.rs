use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;

use crate::api::community::Likeable;
use crate::api::watching::{self as api, EpisodeDetails};
use crate::api::{channel_path, podcast_path};
use crate::components::{CommentsSection, ErrorNotice, LikeButton, Loading, NotFound};
use crate::format;
use crate::i18n::site::Missing;
use crate::i18n::watch::{self as text, Watch};
use crate::i18n::{I18n, t, use_i18n};
use crate::session::Session;

/// `/episodes/{uuid}`: a podcast episode with its audio player, chapters that seek it, and a
/// link to share.
#[component]
pub fn EpisodePage() -> impl IntoView {
    let params = use_params_map();
    let session = use_context::<Session>();
    let i18n = use_i18n();
    let episode = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        api::episode(session, id)
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    episode.await
                        .map(|found| match found {
                            Some(e) => loaded(e, i18n).into_any(),
                            None => view! { <NotFound what=Missing::Episode /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn loaded(e: EpisodeDetails, i18n: I18n) -> impl IntoView {
    super::set_title(&e.title);
    let link = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| format!("{origin}{}", api::episode_path(&e.uuid)))
        .unwrap_or_default();
    let (season, number) = (e.season, e.number);
    let published = e.published.clone();
    let podcast_title = e.podcast_title.clone();
    let item = api::global_id("Episode", &e.uuid).unwrap_or_default();
    let player = if e.audio.is_empty() {
        view! { <p class="empty">{t(Watch::AudioPreparing)}</p> }.into_any()
    } else {
        view! {
            <audio id="episode-audio" class="episode-audio" controls preload="metadata" aria-labelledby="episode-title">
                {e
                    .audio
                    .into_iter()
                    .map(|(url, mime)| view! { <source src=url type=mime /> })
                    .collect::<Vec<_>>()}
                {t(Watch::CannotPlayAudio)}
            </audio>
        }
        .into_any()
    };
    let chapters = (!e.chapters.is_empty()).then(|| {
        view! {
            <section class="chapters" aria-labelledby="chapters-heading">
                <h3 id="chapters-heading">{t(Watch::Chapters)}</h3>
                <ol>
                    {e
                        .chapters
                        .into_iter()
                        .map(|c| {
                            let at = c.start_secs;
                            view! {
                                <li>
                                    <button type="button" class="chapter" on:click=move |_| seek(at)>
                                        <span class="chapter-time">{format::duration(at)}</span>
                                        " "
                                        {c.title}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ol>
            </section>
        }
    });
    view! {
        <article class="episode-page">
            <header class="podcast-header">
                {e
                    .artwork_url
                    .map(|url| {
                        view! {
                            <img
                                class="artwork"
                                src=url
                                alt=move || text::cover_of(i18n.locale(), &podcast_title)
                                width="160"
                                height="160"
                            />
                        }
                    })}
                <div>
                    <h2 id="episode-title">{e.title}</h2>
                    <p class="episode-meta">
                        <span class="visually-hidden">{t(Watch::Podcast)} " "</span>
                        <a href=podcast_path(&e.channel_slug, &e.podcast_slug) id="episode-podcast">
                            {e.podcast_title}
                        </a>
                        " · "
                        <a href=channel_path(&e.channel_slug)>{e.channel_name}</a>
                    </p>
                    <p class="episode-meta">
                        {move || {
                            text::numbering(i18n.locale(), season, number).map(|n| format!("{n} · "))
                        }}
                        <time datetime=e.published.clone() id="episode-date">
                            {move || format::long_date(i18n.locale(), &published)}
                        </time>
                        {e
                            .duration
                            .map(|d| {
                                view! {
                                    " · "
                                    <span id="episode-duration">
                                        <span class="visually-hidden">{t(Watch::Length)} " "</span>
                                        {format::duration(d)}
                                    </span>
                                }
                            })}
                    </p>
                </div>
            </header>
            <div class="watch-actions">
                <LikeButton kind=Likeable::Episode uuid=e.uuid.clone() count=e.like_count liked=e.liked />
            </div>
            {player}
            {chapters}
            <div class="description" inner_html=e.description_html></div>
            <section class="share" aria-labelledby="share-heading">
                <h3 id="share-heading">{t(Watch::Share)}</h3>
                <div class="share-row">
                    <label for="share-link">{t(Watch::ShareLink)}</label>
                    <input id="share-link" type="text" readonly prop:value=link />
                </div>
            </section>
            <CommentsSection item />
        </article>
    }
}

/// Moves the episode's audio to `secs` and plays from there.
fn seek(secs: f64) {
    let audio = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("episode-audio"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok());
    if let Some(audio) = audio {
        audio.set_current_time(secs);
        let _ = audio.play();
    }
}
