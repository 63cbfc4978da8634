use leptos::html;
use leptos::prelude::*;

use crate::api::Caption;
use crate::player;

/// The video player: a `<video id="player">` playing the HLS stream (natively, else through
/// hls.js), with the poster and caption tracks, that reports the first playback as a view.
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
) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    Effect::new(move |_| {
        if let Some(element) = video.get() {
            player::attach(&element, &src);
        }
    });
    on_cleanup(move || {
        if let Some(element) = video.get_untracked() {
            player::detach(&element);
        }
    });
    let reported = StoredValue::new(false);
    let on_playing = move |_| {
        if reported.get_value() {
            return;
        }
        reported.set_value(true);
        if let Some(navigator) = web_sys::window().map(|w| w.navigator()) {
            let _ = navigator.send_beacon(&views_path);
        }
    };
    view! {
        <video
            id="player"
            class="player"
            node_ref=video
            controls
            playsinline
            preload="metadata"
            poster=poster
            on:playing=on_playing
        >
            {captions
                .into_iter()
                .map(|c| {
                    view! {
                        <track kind="subtitles" srclang=c.language.clone() label=c.language src=c.url />
                    }
                })
                .collect::<Vec<_>>()}
            "Your browser cannot play this video."
        </video>
    }
}
