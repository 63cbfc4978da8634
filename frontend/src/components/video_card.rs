use leptos::prelude::*;

use crate::api::{self, VideoSummary};
use crate::format;

/// A video in a grid: poster, title, channel and length, linking to its watch page.
#[component]
pub fn VideoCard(
    /// The video to show.
    video: VideoSummary,
) -> impl IntoView {
    let href = api::watch_path(&video.uuid);
    let channel_href = api::channel_path(&video.channel_slug);
    view! {
        <li class="card video-card">
            <a class="card-link" href=href>
                <div class="thumb">
                    {match video.poster_url {
                        Some(url) => {
                            view! { <img src=url alt="" loading="lazy" width="320" height="180" /> }
                                .into_any()
                        }
                        None => view! { <div class="no-picture" aria-hidden="true"></div> }.into_any(),
                    }}
                    {video
                        .duration
                        .map(|d| {
                            view! {
                                <span class="duration">
                                    <span class="visually-hidden">"Length "</span>
                                    {format::duration(d)}
                                </span>
                            }
                        })}
                </div>
                <h3 class="card-title">{video.title}</h3>
            </a>
            <a class="card-channel" href=channel_href>
                {video.channel_name}
            </a>
        </li>
    }
}
