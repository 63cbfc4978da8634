use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::channel_path;
use crate::api::watching::{self as api, PlaylistDetails};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::format;
use crate::i18n::site::Missing;
use crate::i18n::watch::{self as text, Watch};
use crate::i18n::{I18n, t, use_i18n};
use crate::session::Session;

/// `/playlists/{uuid}`: a playlist's videos in order, with "Play all" (its first video on the
/// watch page, which then goes through the list).
#[component]
pub fn PlaylistPage() -> impl IntoView {
    let params = use_params_map();
    let session = use_context::<Session>();
    let i18n = use_i18n();
    let playlist = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        api::playlist(session, id)
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    playlist.await
                        .map(|found| match found {
                            Some(p) => loaded(p, i18n).into_any(),
                            None => view! { <NotFound what=Missing::Playlist /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn loaded(playlist: PlaylistDetails, i18n: I18n) -> impl IntoView {
    super::set_title(&playlist.title);
    let count = playlist.videos.len();
    let list = playlist.uuid.clone();
    let play_all = playlist
        .videos
        .first()
        .map(|v| api::watch_in_list_path(&v.uuid, &list));
    view! {
        <article class="playlist-page">
            <header class="playlist-header">
                <h2 id="playlist-title">{playlist.title}</h2>
                <p class="playlist-meta">
                    <a href=channel_path(&playlist.channel_slug)>{playlist.channel_name}</a>
                    " · "
                    <span id="playlist-count">{move || text::videos(i18n.locale(), count)}</span>
                </p>
                {play_all
                    .map(|href| {
                        view! {
                            <a class="button play-all" id="play-all" href=href>
                                "▶ "
                                {t(Watch::PlayAll)}
                            </a>
                        }
                    })}
            </header>
            <div class="description" inner_html=playlist.description_html></div>
            {if playlist.videos.is_empty() {
                view! { <p class="empty">{t(Watch::EmptyPlaylist)}</p> }.into_any()
            } else {
                view! {
                    <ol class="playlist-videos" id="playlist-videos">
                        {playlist
                            .videos
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| {
                                let href = api::watch_in_list_path(&v.uuid, &list);
                                view! {
                                    <li class="playlist-video">
                                        <a class="playlist-video-link" href=href>
                                            <span class="playlist-index">{i + 1}</span>
                                            <span class="side-thumb">
                                                {match v.poster_url {
                                                    Some(url) => view! { <img src=url alt="" loading="lazy" width="160" height="90" /> }.into_any(),
                                                    None => view! { <span class="no-picture" aria-hidden="true"></span> }.into_any(),
                                                }}
                                                {v.duration.map(|d| view! { <span class="duration">{format::duration(d)}</span> })}
                                            </span>
                                            <span class="side-text">
                                                <span class="side-title">{v.title}</span>
                                                <span class="side-channel">{v.channel_name}</span>
                                            </span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </ol>
                }
                    .into_any()
            }}
        </article>
    }
}
