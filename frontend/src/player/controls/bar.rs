//! The button bar: play, volume, time, the menus' buttons and full screen.

use leptos::prelude::*;

use super::{Menu, PlayerState};
use crate::format;
use crate::i18n::player::{self as texts, Player};
use crate::i18n::{locale, t};

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="vp-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path></path>
        </svg>
    }
}

const PLAY: &str = "M8 5v14l11-7z";
const PAUSE: &str = "M6 5h4v14H6zM14 5h4v14h-4z";
const SOUND: &str = "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 7.97v8.05A4.5 4.5 0 0 0 16.5 12zM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06A9 9 0 0 0 14 3.23z";
const MUTED: &str = "M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.7-2.7-1.2-1.2-2.7 2.7-2.7-2.7-1.2 1.2 2.7 2.7-2.7 2.7 1.2 1.2 2.7-2.7 2.7 2.7 1.2-1.2z";
const FULL: &str = "M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z";
const EXIT_FULL: &str = "M8 4h2v6H4V8h4zm6 0h2v4h4v2h-6zM4 14h6v6H8v-4H4zm10 0h6v2h-4v4h-2z";

/// The bar under the timeline: play, mute and volume, time, then the menus' buttons, the
/// keyboard help and full screen.
pub fn bar(state: PlayerState) -> impl IntoView {
    let play_label = move || {
        if state.playing.get() {
            Player::Pause
        } else {
            Player::Play
        }
    };
    let mute_label = move || {
        if state.muted.get() || state.volume.get() == 0.0 {
            Player::Unmute
        } else {
            Player::Mute
        }
    };
    let full_label = move || {
        if state.fullscreen.get() {
            Player::ExitFullscreen
        } else {
            Player::Fullscreen
        }
    };
    let text = move |key: Player| {
        use crate::i18n::Message;
        key.text(locale())
    };
    let quality_label = move || {
        let levels = state.levels.get();
        match state.chosen_level.get().and_then(|i| levels.get(i)) {
            Some(level) => texts::rendition(locale(), level.height, level.bitrate),
            None => text(Player::Auto).to_owned(),
        }
    };
    let menu_button = move |menu: Menu, class: &'static str, label: Player| {
        view! {
            <button
                type="button"
                class=format!("vp-button vp-menu-button {class}")
                aria-haspopup="menu"
                aria-expanded=move || (state.menu.get() == Some(menu)).to_string()
                aria-label=move || text(label)
                title=move || text(label)
                on:click=move |_| state.toggle_menu(menu)
            >
                {move || match menu {
                    Menu::Speed => texts::rate_text(locale(), state.rate.get()),
                    Menu::Captions => "CC".to_owned(),
                    Menu::Quality => quality_label(),
                    Menu::Help => "?".to_owned(),
                }}
            </button>
        }
    };
    view! {
        <div class="vp-bar">
            <button
                type="button"
                class="vp-button vp-play"
                aria-label=move || text(play_label())
                title=move || text(play_label())
                on:click=move |_| state.toggle_play()
            >
                {move || icon(if state.playing.get() { PAUSE } else { PLAY })}
            </button>
            <button
                type="button"
                class="vp-button vp-mute"
                aria-label=move || text(mute_label())
                title=move || text(mute_label())
                aria-pressed=move || state.muted.get().to_string()
                on:click=move |_| state.toggle_mute()
            >
                {move || icon(if state.muted.get() || state.volume.get() == 0.0 { MUTED } else { SOUND })}
            </button>
            <input
                type="range"
                class="vp-volume"
                min="0"
                max="1"
                step="0.05"
                prop:value=move || {
                    if state.muted.get() { 0.0 } else { state.volume.get() }.to_string()
                }
                aria-label=t(Player::Volume)
                title=t(Player::Volume)
                on:input=move |ev| {
                    if let (Ok(v), Some(media)) = (
                        event_target_value(&ev).parse::<f64>(),
                        state.video.get_untracked(),
                    ) {
                        media.set_volume(v.clamp(0.0, 1.0));
                        media.set_muted(v == 0.0);
                    }
                }
            />
            <span class="vp-time" aria-hidden="true">
                {move || format::duration(state.current.get())}
                " / "
                {move || format::duration(state.length.get())}
            </span>
            <span class="vp-spacer"></span>
            {menu_button(Menu::Speed, "vp-speed", Player::Speed)}
            {(state.caption_count > 0).then(|| menu_button(Menu::Captions, "vp-captions", Player::Captions))}
            {move || (state.levels.get().len() > 1).then(|| menu_button(Menu::Quality, "vp-quality", Player::Quality))}
            {menu_button(Menu::Help, "vp-help-button", Player::Shortcuts)}
            <button
                type="button"
                class="vp-button vp-fullscreen-button"
                aria-label=move || text(full_label())
                title=move || text(full_label())
                on:click=move |_| state.toggle_fullscreen()
            >
                {move || icon(if state.fullscreen.get() { EXIT_FULL } else { FULL })}
            </button>
        </div>
    }
}
