//! Beside the player: the playlist being played, "up next" and related videos as small cards.

use leptos::prelude::*;

use crate::api::VideoSummary;
use crate::api::watching::{self as api, PlaylistDetails};
use crate::format;
use crate::i18n::watch::{self as text, Watch};
use crate::i18n::{I18n, t};

/// A video as a row beside the player: poster, title, channel and length, linking to `href`.
pub fn side_card(video: VideoSummary, href: String) -> impl IntoView {
    view! {
        <li class="side-card">
            <a class="side-link" href=href>
                <span class="side-thumb">
                    {match video.poster_url {
                        Some(url) => view! { <img src=url alt="" loading="lazy" width="160" height="90" /> }.into_any(),
                        None => view! { <span class="no-picture" aria-hidden="true"></span> }.into_any(),
                    }}
                    {video.duration.map(|d| view! { <span class="duration">{format::duration(d)}</span> })}
                </span>
                <span class="side-text">
                    <span class="side-title">{video.title}</span>
                    <span class="side-channel">{video.channel_name}</span>
                </span>
            </a>
        </li>
    }
}

/// The playlist beside the player, the video at `at` marked as playing.
pub fn playlist_panel(playlist: PlaylistDetails, at: usize, i18n: I18n) -> impl IntoView {
    let count = playlist.videos.len();
    let list = playlist.uuid.clone();
    view! {
        <section class="playlist-panel" id="playlist-panel" aria-labelledby="playlist-panel-heading">
            <h3 id="playlist-panel-heading">
                <span class="visually-hidden">{t(Watch::Playlist)} " "</span>
                <a href=api::playlist_path(&playlist.uuid)>{playlist.title}</a>
            </h3>
            <p class="playlist-position">
                {move || text::position(i18n.locale(), at + 1, count)}
            </p>
            <ol class="playlist-items">
                {playlist
                    .videos
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let href = api::watch_in_list_path(&v.uuid, &list);
                        let current = (i == at).then_some("true");
                        view! {
                            <li class="playlist-entry" class:current=i == at>
                                <a href=href aria-current=current>
                                    <span class="playlist-index">{i + 1}</span>
                                    <span class="side-title">{v.title}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ol>
        </section>
    }
}
