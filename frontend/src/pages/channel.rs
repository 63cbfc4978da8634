use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ChannelDetails, VideoSummary};
use crate::components::{ErrorNotice, Loading, NotFound, PodcastCard, VideoCard};
use crate::i18n::site::Missing;

/// `/channels/{slug}`: a channel, its videos (a page at a time) and its feed.
#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let channel = LocalResource::new(move || api::channel(slug(), None));
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    channel.await
                        .map(|found| match found {
                            Some(channel) => loaded(channel).into_any(),
                            None => view! { <NotFound what=Missing::Channel /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// A loaded channel (with the first page of its videos); later pages are fetched with the
/// "More videos" button.
fn loaded(channel: ChannelDetails) -> impl IntoView {
    super::set_title(&channel.name);
    let videos: RwSignal<Vec<VideoSummary>> = RwSignal::new(channel.videos);
    let cursor = RwSignal::new(channel.next_cursor);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let slug = channel.slug.clone();
    let more = move |_| {
        let Some(after) = cursor.get_untracked() else {
            return;
        };
        loading.set(true);
        let slug = slug.clone();
        spawn_local(async move {
            match api::channel(slug, Some(after)).await {
                Ok(Some(page)) => {
                    videos.update(|v| v.extend(page.videos));
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Ok(None) => error.set(Some("The channel is gone.".into())),
                Err(e) => error.set(Some(e.to_string())),
            }
            loading.set(false);
        });
    };
    view! {
        <article class="channel">
            {channel
                .banner_url
                .map(|url| view! { <img class="banner" src=url alt="" /> })}
            <header class="channel-header">
                {channel
                    .avatar_url
                    .map(|url| {
                        view! {
                            <img class="avatar" src=url alt=format!("{}'s avatar", channel.name) width="96" height="96" />
                        }
                    })}
                <div>
                    <h2 id="channel-name">{channel.name.clone()}</h2>
                    <p>
                        <a class="feed-link" href=channel.feed_url type="application/rss+xml">
                            "RSS feed"
                        </a>
                    </p>
                </div>
            </header>
            <div class="description" inner_html=channel.description_html></div>
            <section aria-labelledby="channel-videos">
                <h3 id="channel-videos">"Videos"</h3>
                <Show
                    when=move || !videos.read().is_empty()
                    fallback=|| view! { <p class="empty">"No videos yet."</p> }
                >
                    <ul class="card-grid" id="videos">
                        <For
                            each=move || videos.get()
                            key=|video| video.uuid.clone()
                            children=|video| view! { <VideoCard video /> }
                        />
                    </ul>
                </Show>
                <Show when=move || cursor.read().is_some()>
                    <button type="button" class="more" id="more-videos" on:click=more.clone() disabled=loading>
                        {move || if loading.get() { "Loading…" } else { "More videos" }}
                    </button>
                </Show>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </section>
            {(!channel.podcasts.is_empty())
                .then(|| {
                    view! {
                        <section aria-labelledby="channel-podcasts">
                            <h3 id="channel-podcasts">"Podcasts"</h3>
                            <ul class="card-grid">
                                {channel
                                    .podcasts
                                    .into_iter()
                                    .map(|podcast| view! { <PodcastCard podcast /> })
                                    .collect::<Vec<_>>()}
                            </ul>
                        </section>
                    }
                })}
        </article>
    }
}
