//! `/watch/{uuid}`: the player, the video's details, a share box, and what to watch next.
//!
//! `?t=SECONDS` starts the video there (else a signed-in viewer resumes where they stopped,
//! see `resume`); `?list={playlist}` shows the playlist beside the player
//! and goes on to its next video at the end. Without a list, "up next" is the first related
//! video, played at the end while autoplay is on (the viewer's choice is kept in
//! `localStorage`). The page reads the player's `<video id="player">` through its events
//! (listened to on the frame around it), never through the player's own code.

mod media_events;
mod resume;
mod share;
mod side;

use std::cell::Cell;

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::community::Likeable;
use crate::api::watching::{self as api, PlaylistDetails, WatchVideo};
use crate::api::{VideoSummary, channel_path, views_path};
use crate::components::{
    CommentsSection, ErrorNotice, LikeButton, Loading, NotFound, SubscribeButton, VideoPlayer,
};
use crate::format;
use crate::i18n::site::Missing;
use crate::i18n::watch::{self as text, Watch};
use crate::i18n::{I18n, t, use_i18n};
use crate::session::Session;

/// Where the viewer's autoplay choice is kept.
const AUTOPLAY_KEY: &str = "projector.autoplay";

thread_local! {
    /// Set when the page moves on to the next video by itself: that one starts playing too.
    static PLAY_ON_LOAD: Cell<bool> = const { Cell::new(false) };
}

/// `/watch/{id}`: a video's player and details; "not found" for a video that does not exist
/// or that the visitor may not see (an editor signed in sees their drafts and private videos).
#[component]
pub fn WatchPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let session = use_context::<Session>();
    let i18n = use_i18n();
    let autoplay = RwSignal::new(autoplay_saved());
    let video = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        api::video(session, id)
    });
    let list = Memo::new(move |_| query.read().get("list"));
    let playlist = LocalResource::new(move || {
        let list = list.get();
        async move {
            match list {
                // A playlist that cannot be read leaves the page without it, not broken.
                Some(list) => api::playlist(session, list).await.ok().flatten(),
                None => None,
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let found = video.await;
                    let playlist = playlist.await;
                    let start = query
                        .read_untracked()
                        .get("t")
                        .and_then(|t| parse_start(&t));
                    found
                        .map(|found| match found {
                            Some(video) => {
                                Page { video, playlist, start, autoplay, i18n, session }
                                    .view()
                                    .into_any()
                            }
                            None => view! { <NotFound what=Missing::Video /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// What one watch page is made of.
struct Page {
    video: WatchVideo,
    playlist: Option<PlaylistDetails>,
    start: Option<f64>,
    autoplay: RwSignal<bool>,
    i18n: I18n,
    session: Option<Session>,
}

impl Page {
    fn view(self) -> impl IntoView {
        let Page {
            video,
            playlist,
            start,
            autoplay,
            i18n,
            session,
        } = self;
        super::set_title(&video.title);
        let start = resume::start_at(start, video.position, video.duration);
        let keep_position = resume::keep(session, video.id.clone());
        // Within a playlist the next video is its next item (none after the last); else the
        // best related video.
        let list = playlist
            .filter(|p| p.videos.iter().any(|v| v.uuid == video.uuid))
            .map(|p| {
                let at = p
                    .videos
                    .iter()
                    .position(|v| v.uuid == video.uuid)
                    .unwrap_or(0);
                (p, at)
            });
        let next = match &list {
            Some((p, at)) => p
                .videos
                .get(at + 1)
                .map(|v| (v.clone(), api::watch_in_list_path(&v.uuid, &p.uuid))),
            None => video
                .related
                .first()
                .map(|v| (v.clone(), crate::api::watch_path(&v.uuid))),
        };
        let current = RwSignal::new(0.0_f64);
        let frame = NodeRef::<html::Div>::new();
        let navigate = use_navigate();
        let next_path = next.as_ref().map(|(_, path)| path.clone());
        media_events::listen_once(
            frame,
            media_events::Handlers {
                start,
                on_time: move |secs: f64| {
                    keep_position(secs);
                    if current.get_untracked().floor() != secs.floor() {
                        current.set(secs);
                    }
                },
                on_ended: move || {
                    if let Some(path) = &next_path
                        && autoplay.get_untracked()
                    {
                        PLAY_ON_LOAD.with(|p| p.set(true));
                        navigate(path, Default::default());
                    }
                },
                play_now: PLAY_ON_LOAD.with(|p| p.replace(false)),
            },
        );
        let uuid = video.uuid.clone();
        let title = video.title.clone();
        let item = video.id.clone();
        let related: Vec<_> = video
            .related
            .iter()
            .filter(|v| list.is_some() || next.as_ref().is_none_or(|(n, _)| n.uuid != v.uuid))
            .cloned()
            .collect();
        view! {
            <div class="watch-layout">
                <article class="watch">
                    <div class="player-frame" node_ref=frame>{player(&video)}</div>
                    <h2 class="video-title" id="video-title">{video.title.clone()}</h2>
                    {actions(&video)}
                    {details(&video, i18n)}
                    <share::ShareBox uuid title current />
                    <CommentsSection item />
                </article>
                <aside class="watch-side">
                    {list.map(|(p, at)| side::playlist_panel(p, at, i18n))}
                    {next.map(|(v, path)| up_next(v, path, autoplay))}
                    {related_section(related)}
                </aside>
            </div>
        }
    }
}

/// The player, or a note that the video is still being prepared.
fn player(video: &WatchVideo) -> AnyView {
    match video.hls_url.clone() {
        Some(src) => view! {
            <VideoPlayer
                src
                poster=video.poster_url.clone()
                captions=video.captions.clone()
                views_path=views_path(&video.uuid)
                chapters=video.chapters.clone()
                sprite_url=video.sprite_url.clone()
                sprite_vtt_url=video.sprite_vtt_url.clone()
                duration=video.duration
            />
        }
        .into_any(),
        None => view! {
            <div class="player-pending" role="status">
                <p>{t(Watch::StillPreparing)}</p>
            </div>
        }
        .into_any(),
    }
}

/// "Up next": the video that plays at the end, and the autoplay switch (remembered).
fn up_next(video: VideoSummary, path: String, autoplay: RwSignal<bool>) -> impl IntoView {
    let on_autoplay = move |ev: leptos::ev::Event| {
        let on = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|i| i.checked());
        autoplay.set(on);
        save_autoplay(on);
    };
    view! {
        <section class="up-next" id="up-next" aria-labelledby="up-next-heading">
            <div class="up-next-header">
                <h3 id="up-next-heading">{t(Watch::UpNext)}</h3>
                <label class="autoplay">
                    <input
                        type="checkbox"
                        id="autoplay"
                        role="switch"
                        prop:checked=move || autoplay.get()
                        on:change=on_autoplay
                    />
                    " "
                    {t(Watch::Autoplay)}
                </label>
            </div>
            <ul class="side-list">{side::side_card(video, path)}</ul>
        </section>
    }
}

/// The related videos (without the one up next).
fn related_section(related: Vec<VideoSummary>) -> impl IntoView {
    view! {
        <section class="related" id="related" aria-labelledby="related-heading">
            <h3 id="related-heading">{t(Watch::Related)}</h3>
            {if related.is_empty() {
                view! { <p class="empty">{t(Watch::NoRelated)}</p> }.into_any()
            } else {
                view! {
                    <ul class="side-list">
                        {related
                            .into_iter()
                            .map(|v| {
                                let path = crate::api::watch_path(&v.uuid);
                                side::side_card(v, path)
                            })
                            .collect::<Vec<_>>()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Under the title: the like button and the channel's subscribe button.
fn actions(video: &WatchVideo) -> impl IntoView + use<> {
    view! {
        <div class="watch-actions">
            <LikeButton
                kind=Likeable::Video
                uuid=video.uuid.clone()
                count=video.like_count
                liked=video.liked
            />
            <SubscribeButton
                channel=video.channel_id.clone()
                count=video.subscriber_count
                subscribed=video.subscribed
            />
        </div>
    }
}

/// The lines under the title: channel, date, views, length, category, tags, description and
/// chapters.
fn details(video: &WatchVideo, i18n: I18n) -> impl IntoView + use<> {
    let views = video.view_count;
    let published = video.published.clone();
    let chapters = (!video.chapters.is_empty()).then(|| {
        view! {
            <section class="chapters" aria-labelledby="chapters-heading">
                <h3 id="chapters-heading">{t(Watch::Chapters)}</h3>
                <ol>
                    {video
                        .chapters
                        .iter()
                        .map(|c| {
                            let at = c.start_secs;
                            view! {
                                <li>
                                    <button type="button" class="chapter" on:click=move |_| seek(at)>
                                        <span class="chapter-time">{format::duration(at)}</span>
                                        " "
                                        {c.title.clone()}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ol>
            </section>
        }
    });
    let category = video.category.clone().map(|c| {
        view! {
            <span class="watch-category">
                <span class="visually-hidden">{t(Watch::Category)} " "</span>
                <a href=format!("/categories/{}", c.slug) id="video-category">{c.name}</a>
            </span>
        }
    });
    let tags = (!video.tags.is_empty()).then(|| {
        view! {
            <ul class="watch-tags" id="video-tags" aria-label=t(Watch::Tags)>
                {video
                    .tags
                    .iter()
                    .map(|tag| {
                        view! {
                            <li>
                                <a class="watch-tag" href=format!("/tags/{}", tag.slug)>
                                    "#"
                                    {tag.name.clone()}
                                </a>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ul>
        }
    });
    view! {
        <p class="video-meta">
            <a href=channel_path(&video.channel_slug) class="channel-link">
                {video.channel_name.clone()}
            </a>
            " · "
            <time datetime=video.published.clone() id="video-date">
                {move || format::long_date(i18n.locale(), &published)}
            </time>
            " · "
            <span class="views" id="video-views">{move || text::views(i18n.locale(), views)}</span>
            {video
                .duration
                .map(|d| {
                    view! {
                        " · "
                        <span>
                            <span class="visually-hidden">{t(Watch::Length)} " "</span>
                            {format::duration(d)}
                        </span>
                    }
                })}
            {category.map(|c| view! { " · " {c} })}
        </p>
        {tags}
        <div class="description" inner_html=video.description_html.clone()></div>
        {chapters}
    }
}

/// `?t=` as seconds: `90`, `90s` or `1m30s`; `None` for anything else.
fn parse_start(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if let Ok(secs) = raw.trim_end_matches('s').parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then_some(secs);
    }
    let (m, s) = raw.split_once('m')?;
    let m: u32 = m.parse().ok()?;
    let s: u32 = if s.is_empty() {
        0
    } else {
        s.strip_suffix('s')?.parse().ok()?
    };
    Some(f64::from(m * 60 + s))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Autoplay is on unless the viewer turned it off.
fn autoplay_saved() -> bool {
    storage()
        .and_then(|s| s.get_item(AUTOPLAY_KEY).ok().flatten())
        .is_none_or(|v| v != "off")
}

fn save_autoplay(on: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(AUTOPLAY_KEY, if on { "on" } else { "off" });
    }
}

/// Moves the player to `secs` and plays from there.
fn seek(secs: f64) {
    if let Some(player) = media_events::player() {
        player.set_current_time(secs);
        let _ = player.play();
    }
}

#[cfg(test)]
mod tests {
    use super::parse_start;

    #[test]
    fn start_times_read_as_seconds_or_minutes_and_seconds() {
        assert_eq!(parse_start("90"), Some(90.0));
        assert_eq!(parse_start("90s"), Some(90.0));
        assert_eq!(parse_start("1m30s"), Some(90.0));
        assert_eq!(parse_start("2m"), Some(120.0));
        assert_eq!(parse_start("-4"), None);
        assert_eq!(parse_start("soon"), None);
    }
}
