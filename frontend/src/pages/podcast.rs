use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::watching::{episode_path, uuid_of};
use crate::api::{self, EpisodeSummary, PodcastDetails};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::format;
use crate::i18n::site::Missing;
use crate::i18n::watch::{self as text, Watch};
use crate::i18n::{I18n, t, use_i18n};

/// `/podcasts/{channel}/{slug}`: a podcast (slugs are unique within a channel, as in its feed
/// URL), its cover art and feed, and its episodes, each with an audio player.
#[component]
pub fn PodcastPage() -> impl IntoView {
    let params = use_params_map();
    let i18n = use_i18n();
    let podcast = LocalResource::new(move || {
        let params = params.read();
        api::podcast(
            params.get("channel").unwrap_or_default(),
            params.get("slug").unwrap_or_default(),
        )
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    podcast.await
                        .map(|found| match found {
                            Some(podcast) => loaded(podcast, i18n).into_any(),
                            None => view! { <NotFound what=Missing::Podcast /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn loaded(podcast: PodcastDetails, i18n: I18n) -> impl IntoView {
    super::set_title(&podcast.title);
    let title = podcast.title.clone();
    let episodes = if podcast.episodes.is_empty() {
        view! { <p class="empty">{t(Watch::NoEpisodes)}</p> }.into_any()
    } else {
        view! {
            <ol class="episodes" id="episodes">
                {podcast.episodes.into_iter().map(|e| episode(e, i18n)).collect::<Vec<_>>()}
            </ol>
        }
        .into_any()
    };
    view! {
        <article class="podcast">
            <header class="podcast-header">
                {podcast
                    .artwork_url
                    .map(|url| {
                        view! {
                            <img
                                class="artwork"
                                src=url
                                alt=move || text::cover_of(i18n.locale(), &title)
                                width="200"
                                height="200"
                            />
                        }
                    })}
                <div>
                    <h2 id="podcast-title">{podcast.title.clone()}</h2>
                    <p class="podcast-meta">
                        {t(Watch::By)} " " {podcast.author} " · "
                        <a href=api::channel_path(&podcast.channel_slug)>{podcast.channel_name}</a>
                        {podcast.explicit.then(|| view! { " · " {t(Watch::Explicit)} })}
                    </p>
                    {podcast
                        .feed_url
                        .map(|url| {
                            view! {
                                <p>
                                    <a class="feed-link" href=url type="application/rss+xml">
                                        {t(Watch::Subscribe)}
                                    </a>
                                </p>
                            }
                        })}
                </div>
            </header>
            <div class="description" inner_html=podcast.description_html></div>
            <section aria-labelledby="episodes-heading">
                <h3 id="episodes-heading">{t(Watch::Episodes)}</h3>
                {episodes}
            </section>
        </article>
    }
}

fn episode(e: EpisodeSummary, i18n: I18n) -> impl IntoView {
    let heading = format!("episode-{}", e.id);
    let (season, number) = (e.season, e.number);
    let numbering =
        move || text::numbering(i18n.locale(), season, number).map(|n| format!("{n} · "));
    let published = e.published.clone();
    let page = uuid_of(&e.id).map(|uuid| episode_path(&uuid));
    let player = if e.audio.is_empty() {
        view! { <p class="empty">{t(Watch::AudioPreparing)}</p> }.into_any()
    } else {
        view! {
            <audio controls preload="none" aria-labelledby=heading.clone()>
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
    view! {
        <li class="episode">
            <h4 id=heading>
                {match page {
                    Some(href) => view! { <a class="episode-link" href=href>{e.title}</a> }.into_any(),
                    None => e.title.into_any(),
                }}
            </h4>
            <p class="episode-meta">
                {numbering}
                <time datetime=e.published.clone()>
                    {move || format::long_date(i18n.locale(), &published)}
                </time>
                {e.duration.map(|d| view! { " · " <span>{format::duration(d)}</span> })}
            </p>
            {player}
            <div class="description" inner_html=e.description_html></div>
        </li>
    }
}
