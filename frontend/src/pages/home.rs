use leptos::prelude::*;

use crate::api;
use crate::components::{ErrorNotice, Loading, PodcastCard, VideoCard};

/// `/`: the latest public videos and podcasts.
#[component]
pub fn HomePage() -> impl IntoView {
    super::set_title("");
    let home = LocalResource::new(api::home);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    home.await
                        .map(|data| {
                            view! {
                                <section aria-labelledby="latest-videos">
                                    <h2 id="latest-videos">"Latest videos"</h2>
                                    {if data.videos.is_empty() {
                                        view! { <p class="empty">"No videos yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="card-grid" id="videos">
                                                {data
                                                    .videos
                                                    .into_iter()
                                                    .map(|video| view! { <VideoCard video /> })
                                                    .collect::<Vec<_>>()}
                                            </ul>
                                        }
                                            .into_any()
                                    }}
                                </section>
                                {(!data.podcasts.is_empty())
                                    .then(|| {
                                        view! {
                                            <section aria-labelledby="podcasts-heading">
                                                <h2 id="podcasts-heading">"Podcasts"</h2>
                                                <ul class="card-grid" id="podcasts">
                                                    {data
                                                        .podcasts
                                                        .into_iter()
                                                        .map(|podcast| view! { <PodcastCard podcast /> })
                                                        .collect::<Vec<_>>()}
                                                </ul>
                                            </section>
                                        }
                                    })}
                            }
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
