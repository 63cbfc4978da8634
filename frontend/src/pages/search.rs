use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, SearchHit};
use crate::components::{ErrorNotice, Loading, VideoCard};

/// `/search?q=`: the best matches for `q` across videos, episodes, channels, playlists and
/// podcasts (the search box is in the header).
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default().trim().to_owned();
    let results = LocalResource::new(move || {
        let q = q();
        super::set_title(if q.is_empty() { "Search" } else { &q });
        async move {
            if q.is_empty() {
                Ok(None)
            } else {
                api::search(q).await.map(Some)
            }
        }
    });
    view! {
        <section class="search" aria-labelledby="search-heading">
            <h2 id="search-heading">
                {move || {
                    let q = q();
                    if q.is_empty() { "Search".to_owned() } else { format!("Results for “{q}”") }
                }}
            </h2>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        results.await.map(|found| match found {
                            None => {
                                view! { <p>"Type a word in the search box above."</p> }.into_any()
                            }
                            Some(results) if results.hits.is_empty() => {
                                view! { <p class="empty" id="no-results">"Nothing matches."</p> }
                                    .into_any()
                            }
                            Some(results) => {
                                let (videos, others): (Vec<_>, Vec<_>) = results
                                    .hits
                                    .into_iter()
                                    .partition(|hit| matches!(hit, SearchHit::Video(_)));
                                view! {
                                    <p class="result-count">
                                        {format!(
                                            "{} {}",
                                            results.total,
                                            if results.total == 1 { "match" } else { "matches" },
                                        )}
                                    </p>
                                    {(!videos.is_empty())
                                        .then(|| {
                                            view! {
                                                <ul class="card-grid" id="search-videos">
                                                    {videos
                                                        .into_iter()
                                                        .filter_map(|hit| match hit {
                                                            SearchHit::Video(video) => {
                                                                Some(view! { <VideoCard video /> })
                                                            }
                                                            SearchHit::Other { .. } => None,
                                                        })
                                                        .collect::<Vec<_>>()}
                                                </ul>
                                            }
                                        })}
                                    {(!others.is_empty())
                                        .then(|| {
                                            view! {
                                                <ul class="result-list" id="search-others">
                                                    {others
                                                        .into_iter()
                                                        .filter_map(|hit| match hit {
                                                            SearchHit::Other { kind, title, href } => {
                                                                Some(
                                                                    view! {
                                                                        <li>
                                                                            <span class="kind">{kind}</span>
                                                                            " "
                                                                            <a href=href>{title}</a>
                                                                        </li>
                                                                    },
                                                                )
                                                            }
                                                            SearchHit::Video(_) => None,
                                                        })
                                                        .collect::<Vec<_>>()}
                                                </ul>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
