use leptos::prelude::*;

use crate::api::{self, VideoSummary};
use crate::format;
use crate::i18n::discovery::{Discovery, views_and_age};
use crate::i18n::{locale, t};

/// A video in a grid: poster, title, channel and length, linking to its watch page; with
/// `views` and `published`, also how often it was watched and how long ago it came out.
#[component]
pub fn VideoCard(
    /// The video to show.
    video: VideoSummary,
    /// Its all-time views, when the list has them.
    #[prop(optional)]
    views: Option<i64>,
    /// When it was published (RFC 3339), when the list has it.
    #[prop(optional)]
    published: Option<String>,
) -> impl IntoView {
    let href = api::watch_path(&video.uuid);
    let channel_href = api::channel_path(&video.channel_slug);
    let meta = views.map(|views| {
        let published = published.unwrap_or_default();
        let now = format::now_secs();
        view! {
            <p class="card-meta">
                {move || views_and_age(locale(), views, &published, now)}
            </p>
        }
    });
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
                                    <span class="visually-hidden">{t(Discovery::Length)} " "</span>
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
            {meta}
        </li>
    }
}
