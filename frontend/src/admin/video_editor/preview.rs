//! The preview player: plays the video as soon as its media is playable (HLS natively or
//! through hls.js, as the watch page does), without counting views.

use crate::i18n::admin::editor::Editor as E;
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;

use crate::player;

/// The preview's element id (the chapters editor reads its current time).
pub(super) const PREVIEW_ID: &str = "preview";

/// The preview, or a line saying it comes once the media plays.
#[component]
pub(super) fn Preview(
    /// The HLS master playlist, once playable.
    src: Option<String>,
    /// The poster.
    poster: Option<String>,
) -> impl IntoView {
    let Some(src) = src else {
        return view! { <p class="hint preview-waiting">{t(E::PreviewLater)}</p> }.into_any();
    };
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
    view! {
        <video node_ref=video id=PREVIEW_ID class="preview" controls playsinline preload="metadata" poster=poster></video>
    }
    .into_any()
}
