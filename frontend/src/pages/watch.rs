use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;

use crate::api::{self, VideoDetails};
use crate::components::{ErrorNotice, Loading, NotFound, VideoPlayer};
use crate::format;
use crate::i18n::site::Missing;

/// `/watch/{id}`: a video's player and details; "not found" for a video that does not exist
/// or is not public.
#[component]
pub fn WatchPage() -> impl IntoView {
    let params = use_params_map();
    let video = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        api::video(id)
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    video.await
                        .map(|found| match found {
                            Some(video) => details(video).into_any(),
                            None => view! { <NotFound what=Missing::Video /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn details(video: VideoDetails) -> impl IntoView {
    super::set_title(&video.title);
    let player = match video.hls_url {
        Some(src) => view! {
            <VideoPlayer
                src
                poster=video.poster_url
                captions=video.captions
                views_path=api::views_path(&video.uuid)
                chapters=video.chapters.clone()
                sprite_url=video.sprite_url
                sprite_vtt_url=video.sprite_vtt_url
                duration=video.duration
            />
        }
        .into_any(),
        None => view! {
            <div class="player-pending" role="status">
                <p>"This video is still being prepared. Try again in a moment."</p>
            </div>
        }
        .into_any(),
    };
    let chapters = (!video.chapters.is_empty()).then(|| {
        view! {
            <section class="chapters" aria-labelledby="chapters-heading">
                <h3 id="chapters-heading">"Chapters"</h3>
                <ol>
                    {video
                        .chapters
                        .into_iter()
                        .map(|c| {
                            let at = c.start_secs;
                            view! {
                                <li>
                                    <button type="button" class="chapter" on:click=move |_| seek(at)>
                                        <span class="chapter-time">{format::duration(at)}</span>
                                        " "
                                        {c.title}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ol>
            </section>
        }
    });
    view! {
        <article class="watch">
            <div class="player-frame">{player}</div>
            <h2 class="video-title" id="video-title">{video.title}</h2>
            <p class="video-meta">
                <a href=api::channel_path(&video.channel_slug) class="channel-link">
                    {video.channel_name}
                </a>
                " · "
                <time datetime=video.published.clone()>
                    {format::date(&video.published).to_owned()}
                </time>
                " · "
                <span class="views">{format::count(video.view_count, "view", "views")}</span>
                {video.duration.map(|d| view! { " · " <span>{format::duration(d)}</span> })}
            </p>
            <div class="description" inner_html=video.description_html></div>
            {chapters}
        </article>
    }
}

/// Moves the player to `secs` and plays from there.
fn seek(secs: f64) {
    let player = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("player"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok());
    if let Some(player) = player {
        player.set_current_time(secs);
        let _ = player.play();
    }
}
