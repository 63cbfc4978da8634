use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, EpisodeSummary, PodcastDetails};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::format;
use crate::i18n::site::Missing;

/// `/podcasts/{channel}/{slug}`: a podcast (slugs are unique within a channel, as in its feed
/// URL), its cover art and feed, and its episodes, each with an audio player.
#[component]
pub fn PodcastPage() -> impl IntoView {
    let params = use_params_map();
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
                            Some(podcast) => loaded(podcast).into_any(),
                            None => view! { <NotFound what=Missing::Podcast /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn loaded(podcast: PodcastDetails) -> impl IntoView {
    super::set_title(&podcast.title);
    let episodes = if podcast.episodes.is_empty() {
        view! { <p class="empty">"No episodes yet."</p> }.into_any()
    } else {
        view! {
            <ol class="episodes" id="episodes">
                {podcast.episodes.into_iter().map(episode).collect::<Vec<_>>()}
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
                                alt=format!("Cover art of {}", podcast.title)
                                width="200"
                                height="200"
                            />
                        }
                    })}
                <div>
                    <h2 id="podcast-title">{podcast.title.clone()}</h2>
                    <p class="podcast-meta">
                        "By " {podcast.author} " · "
                        <a href=api::channel_path(&podcast.channel_slug)>{podcast.channel_name}</a>
                        {podcast.explicit.then_some(" · Explicit")}
                    </p>
                    {podcast
                        .feed_url
                        .map(|url| {
                            view! {
                                <p>
                                    <a class="feed-link" href=url type="application/rss+xml">
                                        "Subscribe (RSS feed)"
                                    </a>
                                </p>
                            }
                        })}
                </div>
            </header>
            <div class="description" inner_html=podcast.description_html></div>
            <section aria-labelledby="episodes-heading">
                <h3 id="episodes-heading">"Episodes"</h3>
                {episodes}
            </section>
        </article>
    }
}

fn episode(e: EpisodeSummary) -> impl IntoView {
    let heading = format!("episode-{}", e.id);
    let numbering = match (e.season, e.number) {
        (Some(s), Some(n)) => Some(format!("S{s} E{n} · ")),
        (None, Some(n)) => Some(format!("E{n} · ")),
        _ => None,
    };
    let player = if e.audio.is_empty() {
        view! { <p class="empty">"The audio is being prepared."</p> }.into_any()
    } else {
        view! {
            <audio controls preload="none" aria-labelledby=heading.clone()>
                {e
                    .audio
                    .into_iter()
                    .map(|(url, mime)| view! { <source src=url type=mime /> })
                    .collect::<Vec<_>>()}
                "Your browser cannot play this episode."
            </audio>
        }
        .into_any()
    };
    view! {
        <li class="episode">
            <h4 id=heading>{e.title}</h4>
            <p class="episode-meta">
                {numbering}
                <time datetime=e.published.clone()>{format::date(&e.published).to_owned()}</time>
                {e.duration.map(|d| view! { " · " <span>{format::duration(d)}</span> })}
            </p>
            {player}
            <div class="description" inner_html=e.description_html></div>
        </li>
    }
}
