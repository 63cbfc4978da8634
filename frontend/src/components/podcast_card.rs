use leptos::prelude::*;

use crate::api::{self, PodcastSummary};

/// A podcast in a grid: cover art, title and author, linking to its page.
#[component]
pub fn PodcastCard(
    /// The podcast to show.
    podcast: PodcastSummary,
) -> impl IntoView {
    let href = api::podcast_path(&podcast.channel_slug, &podcast.slug);
    view! {
        <li class="card podcast-card">
            <a class="card-link" href=href>
                <div class="thumb square">
                    {match podcast.artwork_url {
                        Some(url) => {
                            view! { <img src=url alt="" loading="lazy" width="200" height="200" /> }
                                .into_any()
                        }
                        None => view! { <div class="no-picture" aria-hidden="true"></div> }.into_any(),
                    }}
                </div>
                <h3 class="card-title">{podcast.title}</h3>
            </a>
            <p class="card-channel">{podcast.author}</p>
        </li>
    }
}
