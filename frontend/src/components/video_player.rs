use leptos::html;
use leptos::prelude::*;

use crate::api::{Caption, Chapter};
use crate::i18n::player::{self as texts, Player};
use crate::i18n::{locale, t};
use crate::player::controls::{self, PlayerState};
use crate::player::{self, prefs, storyboard};

/// The video player: a `<video id="player">` playing the HLS stream (through hls.js where the
/// browser has Media Source Extensions, else natively) under controls of our own: play, seek
/// with chapter marks and storyboard previews, volume (remembered), speed, captions, quality,
/// full screen, and keyboard shortcuts while it has focus. It reports the first playback as a
/// view.
#[component]
pub fn VideoPlayer(
    /// The HLS master playlist.
    src: String,
    /// The poster shown before playback.
    poster: Option<String>,
    /// Caption tracks.
    captions: Vec<Caption>,
    /// Where to `POST` once playback starts (the view beacon).
    views_path: String,
    /// Chapters, marked on the timeline.
    #[prop(optional)]
    chapters: Vec<Chapter>,
    /// The storyboard sprite (`VideoMedia.spriteUrl`), for previews over the timeline.
    #[prop(default = None)]
    sprite_url: Option<String>,
    /// The sprite's WebVTT index (`VideoMedia.spriteVttUrl`).
    #[prop(default = None)]
    sprite_vtt_url: Option<String>,
    /// The length in seconds as the API knows it, until the stream tells.
    #[prop(default = None)]
    duration: Option<f64>,
) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let frame = NodeRef::<html::Div>::new();
    let state = PlayerState::new(video, frame, duration.unwrap_or(0.0), captions.len());
    attach_stream(state, video, src);
    // The storyboard index, once (the picture itself loads when a preview first shows).
    if let Some(vtt_url) = sprite_vtt_url.filter(|_| sprite_url.is_some()) {
        load_storyboard(state, vtt_url);
    }
    follow_fullscreen(state);

    view! {
        <div
            class="vp"
            class:vp-fullscreen=move || state.fullscreen.get()
            node_ref=frame
            tabindex="0"
            role="region"
            aria-label=t(Player::Region)
            on:keydown=move |ev| controls::on_key(state, ev)
        >
            {video_element(state, video, poster, &captions, views_path)}
            {controls::timeline(state, chapters, sprite_url)}
            {controls::bar(state)}
            {move || state.menu.get().map(|menu| controls::menu(state, menu, &captions))}
        </div>
    }
}

/// Plays `src` in the video element once it is mounted (with the volume remembered), follows
/// hls.js's quality levels, and lets go of the stream when the player goes.
fn attach_stream(state: PlayerState, video: NodeRef<html::Video>, src: String) {
    Effect::new(move |_| {
        let Some(element) = video.get() else {
            return;
        };
        let (volume, muted) = prefs::load();
        if let Some(volume) = volume {
            element.set_volume(volume);
        }
        if let Some(muted) = muted {
            element.set_muted(muted);
        }
        state.volume.set(element.volume());
        state.muted.set(element.muted());
        let levels = state.levels;
        let playing_level = state.playing_level;
        player::attach_with(&element, &src, move |hls| {
            let on_parsed = hls.clone();
            player::on_event(hls, "hlsManifestParsed", move |_| {
                levels.try_set(player::levels(&on_parsed));
            });
            player::on_event(hls, "hlsLevelSwitched", move |data| {
                let level = js_sys::Reflect::get(&data, &"level".into())
                    .ok()
                    .and_then(|l| l.as_f64());
                playing_level.try_set(level.map(|l| l as usize));
            });
        });
    });
    on_cleanup(move || {
        if let Some(element) = video.get_untracked() {
            player::detach(&element);
        }
    });
}

/// Fetches the storyboard's WebVTT index into the player's tiles.
fn load_storyboard(state: PlayerState, vtt_url: String) {
    let tiles = state.tiles;
    leptos::task::spawn_local(async move {
        let text = match gloo_net::http::Request::get(&vtt_url).send().await {
            Ok(response) if response.ok() => response.text().await.unwrap_or_default(),
            _ => String::new(),
        };
        tiles.try_set(storyboard::parse(&text));
    });
}

/// Keeps the player's full-screen flag in step with the document's, while the player lives.
fn follow_fullscreen(state: PlayerState) {
    let fullscreen_listener = window_event_listener_untyped("fullscreenchange", move |_| {
        let on = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.fullscreen_element())
            .is_some();
        state.fullscreen.try_set(on);
    });
    on_cleanup(move || fullscreen_listener.remove());
}

/// The `<video id="player">` with its caption tracks, reporting what it does to the player's
/// state (playing, time, length, volume, speed) and the first playback to `views_path`.
fn video_element(
    state: PlayerState,
    video: NodeRef<html::Video>,
    poster: Option<String>,
    captions: &[Caption],
    views_path: String,
) -> impl IntoView + use<> {
    let reported = StoredValue::new(false);
    let on_playing = move |_| {
        state.playing.set(true);
        if reported.get_value() {
            return;
        }
        reported.set_value(true);
        if let Some(navigator) = web_sys::window().map(|w| w.navigator()) {
            let _ = navigator.send_beacon(&views_path);
        }
    };
    let on_volume = move |_| {
        if let Some(element) = video.get_untracked() {
            state.volume.set(element.volume());
            state.muted.set(element.muted());
            prefs::save(element.volume(), element.muted());
        }
    };
    let on_time = move |_| {
        if let Some(element) = video.get_untracked() {
            state.current.set(element.current_time());
        }
    };
    let on_duration = move |_| {
        if let Some(element) = video.get_untracked() {
            let d = element.duration();
            if d.is_finite() && d > 0.0 {
                state.length.set(d);
            }
        }
    };
    let on_rate = move |_| {
        if let Some(element) = video.get_untracked() {
            state.rate.set(element.playback_rate());
        }
    };

    let language = locale();
    let tracks = captions
        .iter()
        .map(|c| {
            view! {
                <track
                    kind="subtitles"
                    srclang=c.language.clone()
                    label=texts::language_name(language, &c.language)
                    src=c.url.clone()
                />
            }
        })
        .collect::<Vec<_>>();
    view! {
        <video
            id="player"
            class="player"
            node_ref=video
            playsinline
            preload="metadata"
            poster=poster
            on:playing=on_playing
            on:play=move |_| state.playing.set(true)
            on:pause=move |_| state.playing.set(false)
            on:ended=move |_| state.playing.set(false)
            on:timeupdate=on_time
            on:durationchange=on_duration
            on:loadedmetadata=on_duration
            on:volumechange=on_volume
            on:ratechange=on_rate
            on:click=move |_| {
                if state.menu.get_untracked().is_some() {
                    state.close_menu();
                } else {
                    state.toggle_play();
                }
            }
            on:dblclick=move |_| state.toggle_fullscreen()
        >
            {tracks}
            {t(Player::Unsupported)}
        </video>
    }
}
