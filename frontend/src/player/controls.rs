//! The player's controls: the timeline (chapter marks, storyboard preview), the button bar,
//! the menus (speed, captions, quality, keyboard help) and the keyboard shortcuts.
//!
//! Every control is a real `<button>` or `<input type="range">`, so it works with Tab, Enter
//! and Space; menus are lists of `menuitemradio` buttons that the up and down arrows move
//! through and Escape closes.

use js_sys::Reflect;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlMediaElement, KeyboardEvent, MouseEvent};

use super::storyboard::{self, Tile};
use super::{Level, hls_of, set_level};
use crate::api::{Caption, Chapter};
use crate::format;
use crate::i18n::player::{self as texts, Player};
use crate::i18n::{locale, t};

/// The playback rates of the speed menu.
pub const SPEEDS: [f64; 6] = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0];

/// Seconds an arrow key seeks.
const SEEK_STEP: f64 = 5.0;
/// How much an arrow key changes the volume.
const VOLUME_STEP: f64 = 0.1;

/// Which popup is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    /// Playback speed.
    Speed,
    /// Caption tracks.
    Captions,
    /// Renditions.
    Quality,
    /// The keyboard shortcuts.
    Help,
}

/// What the controls show, kept in step with the `<video>` by its events.
#[derive(Clone, Copy)]
pub struct PlayerState {
    /// The `<video>`.
    pub video: NodeRef<html::Video>,
    /// The player's frame (what goes full screen and takes the keys).
    pub frame: NodeRef<html::Div>,
    /// Whether it plays.
    pub playing: RwSignal<bool>,
    /// The current second.
    pub current: RwSignal<f64>,
    /// The length in seconds (0 until known).
    pub length: RwSignal<f64>,
    /// Volume, 0 to 1.
    pub volume: RwSignal<f64>,
    /// Muted.
    pub muted: RwSignal<bool>,
    /// Playback rate.
    pub rate: RwSignal<f64>,
    /// The renditions hls.js offers (empty with the browser's own HLS).
    pub levels: RwSignal<Vec<Level>>,
    /// The rendition the viewer picked; `None` is automatic.
    pub chosen_level: RwSignal<Option<usize>>,
    /// The rendition hls.js plays now.
    pub playing_level: RwSignal<Option<usize>>,
    /// How many caption tracks there are.
    pub caption_count: usize,
    /// The caption track shown, by index.
    pub caption: RwSignal<Option<usize>>,
    /// The track `c` turns back on.
    pub last_caption: RwSignal<usize>,
    /// The open popup.
    pub menu: RwSignal<Option<Menu>>,
    /// The storyboard's tiles.
    pub tiles: RwSignal<Vec<Tile>>,
    /// Where the pointer is over the timeline: pixels from its left edge, and its width.
    pub hover: RwSignal<Option<(f64, f64)>>,
    /// Whether the frame is full screen.
    pub fullscreen: RwSignal<bool>,
}

impl PlayerState {
    /// Fresh state for a player whose length the API gives as `length` (0 when unknown).
    pub fn new(
        video: NodeRef<html::Video>,
        frame: NodeRef<html::Div>,
        length: f64,
        caption_count: usize,
    ) -> Self {
        Self {
            video,
            frame,
            playing: RwSignal::new(false),
            current: RwSignal::new(0.0),
            length: RwSignal::new(length),
            volume: RwSignal::new(1.0),
            muted: RwSignal::new(false),
            rate: RwSignal::new(1.0),
            levels: RwSignal::new(Vec::new()),
            chosen_level: RwSignal::new(None),
            playing_level: RwSignal::new(None),
            caption_count,
            caption: RwSignal::new(None),
            last_caption: RwSignal::new(0),
            menu: RwSignal::new(None),
            tiles: RwSignal::new(Vec::new()),
            hover: RwSignal::new(None),
            fullscreen: RwSignal::new(false),
        }
    }

    fn media(self) -> Option<HtmlMediaElement> {
        self.video.get_untracked().map(|v| v.unchecked_into())
    }

    /// Plays or pauses.
    pub fn toggle_play(self) {
        if let Some(media) = self.media() {
            if media.paused() {
                let _ = media.play();
            } else {
                let _ = media.pause();
            }
        }
    }

    /// Moves to second `at` (kept inside the video).
    pub fn seek(self, at: f64) {
        if let Some(media) = self.media() {
            let length = media.duration();
            let end = if length.is_finite() {
                length
            } else {
                self.length.get_untracked()
            };
            let at = if end > 0.0 { at.min(end) } else { at };
            media.set_current_time(at.max(0.0));
            self.current.set(media.current_time());
        }
    }

    /// Changes the volume by `delta`, unmuting when it goes up.
    pub fn change_volume(self, delta: f64) {
        if let Some(media) = self.media() {
            let volume = (media.volume() + delta).clamp(0.0, 1.0);
            media.set_volume((volume * 100.0).round() / 100.0);
            if delta > 0.0 {
                media.set_muted(false);
            }
        }
    }

    /// Mutes or unmutes.
    pub fn toggle_mute(self) {
        if let Some(media) = self.media() {
            media.set_muted(!media.muted());
        }
    }

    /// Shows caption track `index`, or none.
    pub fn show_captions(self, index: Option<usize>) {
        self.caption.set(index);
        if let Some(i) = index {
            self.last_caption.set(i);
        }
        let Some(media) = self.media() else {
            return;
        };
        let Ok(tracks) = Reflect::get(&media, &JsValue::from_str("textTracks")) else {
            return;
        };
        let tracks: web_sys::TextTrackList = tracks.unchecked_into();
        for i in 0..tracks.length() {
            if let Some(track) = tracks.get(i) {
                track.set_mode(if Some(i as usize) == index {
                    web_sys::TextTrackMode::Showing
                } else {
                    web_sys::TextTrackMode::Disabled
                });
            }
        }
    }

    /// Turns captions off, or back on (the last track shown, else the first).
    pub fn toggle_captions(self) {
        if self.caption_count == 0 {
            return;
        }
        if self.caption.get_untracked().is_some() {
            self.show_captions(None);
        } else {
            let last = self
                .last_caption
                .get_untracked()
                .min(self.caption_count - 1);
            self.show_captions(Some(last));
        }
    }

    /// Sets the playback rate.
    pub fn set_rate(self, rate: f64) {
        if let Some(media) = self.media() {
            media.set_playback_rate(rate);
            media.set_default_playback_rate(rate);
        }
    }

    /// Plays rendition `index` from now on, or lets hls.js choose with `None`.
    pub fn choose_level(self, index: Option<usize>) {
        self.chosen_level.set(index);
        if let Some(hls) = self.media().and_then(|m| hls_of(&m)) {
            set_level(&hls, index);
        }
    }

    /// Enters or leaves full screen.
    pub fn toggle_fullscreen(self) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if document.fullscreen_element().is_some() {
            document.exit_fullscreen();
        } else if let Some(frame) = self.frame.get_untracked() {
            let _ = frame.request_fullscreen();
        }
    }

    /// Opens `menu`, or closes it when it is open.
    fn toggle_menu(self, menu: Menu) {
        self.menu.update(|open| {
            *open = if *open == Some(menu) {
                None
            } else {
                Some(menu)
            }
        });
        if self.menu.get_untracked().is_some() {
            focus_checked_item();
        }
    }

    /// Closes the open menu and gives the focus back to the player.
    pub fn close_menu(self) {
        self.menu.set(None);
        if let Some(frame) = self.frame.get_untracked() {
            let _ = frame.focus();
        }
    }
}

/// Focuses the checked item of the menu that is about to render.
fn focus_checked_item() {
    request_animation_frame(|| {
        let item = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(
                    ".vp-menu [aria-checked=\"true\"], .vp-menu button, .vp-help button",
                )
                .ok()
                .flatten()
            })
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(item) = item {
            let _ = item.focus();
        }
    });
}

/// The keyboard shortcuts, on the player's frame: space or `k` play and pause, the left and
/// right arrows seek 5 s, up and down change the volume, `f` full screen, `m` mute, `c`
/// captions, `?` this help, Escape closes a menu.
pub fn on_key(state: PlayerState, ev: KeyboardEvent) {
    if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
        return;
    }
    let target = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok());
    let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
    let in_menu = target
        .as_ref()
        .is_some_and(|t| t.get_attribute("role").as_deref() == Some("menuitemradio"));
    let on_volume = target
        .as_ref()
        .is_some_and(|t| t.class_list().contains("vp-volume"));
    let key = ev.key();
    let handled = match key.as_str() {
        // A focused button takes space (and Enter) for itself.
        " " if tag == "BUTTON" => false,
        " " | "k" | "K" => {
            state.toggle_play();
            true
        }
        "ArrowDown" | "ArrowUp" if in_menu => {
            move_in_menu(target.as_ref(), key == "ArrowDown");
            true
        }
        "ArrowLeft" | "ArrowRight" if on_volume || in_menu => false,
        "ArrowLeft" => {
            state.seek(state.current.get_untracked() - SEEK_STEP);
            true
        }
        "ArrowRight" => {
            state.seek(state.current.get_untracked() + SEEK_STEP);
            true
        }
        "ArrowUp" => {
            state.change_volume(VOLUME_STEP);
            true
        }
        "ArrowDown" => {
            state.change_volume(-VOLUME_STEP);
            true
        }
        "f" | "F" => {
            state.toggle_fullscreen();
            true
        }
        "m" | "M" => {
            state.toggle_mute();
            true
        }
        "c" | "C" => {
            state.toggle_captions();
            true
        }
        "?" => {
            state.toggle_menu(Menu::Help);
            true
        }
        "Escape" if state.menu.get_untracked().is_some() => {
            state.close_menu();
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
        ev.stop_propagation();
    }
}

/// Focuses the next (or previous) item of the menu holding `item`, wrapping around.
fn move_in_menu(item: Option<&HtmlElement>, forward: bool) {
    let Some(item) = item else { return };
    let Some(parent) = item.parent_element() else {
        return;
    };
    let items = parent.children();
    let count = items.length();
    if count == 0 {
        return;
    }
    let here = (0..count)
        .find(|&i| items.item(i).is_some_and(|e| e == **item))
        .unwrap_or(0);
    let next = if forward {
        (here + 1) % count
    } else {
        (here + count - 1) % count
    };
    if let Some(next) = items
        .item(next)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = next.focus();
    }
}

/// The timeline: a range input to seek, the chapters marked on it, and over it, where the
/// pointer is, the storyboard tile, the time and the chapter of that moment.
pub fn timeline(
    state: PlayerState,
    chapters: Vec<Chapter>,
    sprite_url: Option<String>,
) -> impl IntoView {
    let chapters = StoredValue::new(chapters);
    let at_hover = move || {
        let (x, width) = state.hover.get()?;
        let length = state.length.get();
        (length > 0.0 && width > 0.0).then(|| (x, width, (x / width).clamp(0.0, 1.0) * length))
    };
    let marks = move || {
        let length = state.length.get();
        chapters.with_value(|chapters| {
            chapters
                .iter()
                .filter(|c| length > 0.0 && c.start_secs > 0.0 && c.start_secs < length)
                .map(|c| {
                    let left = format!("{:.3}%", c.start_secs / length * 100.0);
                    view! { <span class="vp-mark" style:left=left title=c.title.clone()></span> }
                })
                .collect::<Vec<_>>()
        })
    };
    let on_move = move |ev: MouseEvent| {
        let Some(target) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let rect = target.get_bounding_client_rect();
        state
            .hover
            .set(Some((f64::from(ev.client_x()) - rect.left(), rect.width())));
    };
    let sprite = StoredValue::new(sprite_url);
    let preview = move || {
        let (x, width, at) = at_hover()?;
        let tile = sprite
            .with_value(|s| s.clone())
            .and_then(|url| Some((url, storyboard::tile_at(&state.tiles.get(), at)?)));
        let box_width = tile.as_ref().map_or(64.0, |(_, t)| f64::from(t.w));
        let left = (x - box_width / 2.0).clamp(0.0, (width - box_width).max(0.0));
        let chapter = chapters.with_value(|chapters| {
            chapters
                .iter()
                .rev()
                .find(|c| c.start_secs <= at)
                .map(|c| c.title.clone())
        });
        let picture = tile.map(|(url, tile)| {
            view! {
                <div
                    class="vp-thumb"
                    style:background-image=format!("url(\"{}\")", url.replace('"', "%22"))
                    style:background-position=format!("-{}px -{}px", tile.x, tile.y)
                    style:width=format!("{}px", tile.w)
                    style:height=format!("{}px", tile.h)
                ></div>
            }
        });
        Some(view! {
            <div class="vp-preview" aria-hidden="true" style:left=format!("{left:.0}px")>
                {picture}
                {chapter.map(|c| view! { <span class="vp-preview-chapter">{c}</span> })}
                <span class="vp-preview-time">{format::duration(at)}</span>
            </div>
        })
    };
    let progress = move || {
        let length = state.length.get();
        if length > 0.0 {
            format!(
                "{:.3}%",
                (state.current.get() / length * 100.0).clamp(0.0, 100.0)
            )
        } else {
            "0%".to_owned()
        }
    };
    view! {
        <div
            class="vp-timeline"
            on:mousemove=on_move
            on:mouseleave=move |_| state.hover.set(None)
        >
            <div class="vp-track" aria-hidden="true">
                <div class="vp-progress" style:width=progress></div>
                {marks}
            </div>
            <input
                type="range"
                class="vp-seek"
                min="0"
                step="any"
                max=move || state.length.get().max(0.0).to_string()
                prop:value=move || state.current.get().to_string()
                aria-label=t(Player::Seek)
                title=t(Player::Seek)
                aria-valuetext=move || {
                    format!(
                        "{} / {}",
                        format::duration(state.current.get()),
                        format::duration(state.length.get()),
                    )
                }
                on:input=move |ev| {
                    if let Ok(at) = event_target_value(&ev).parse::<f64>() {
                        state.seek(at);
                    }
                }
            />
            {preview}
        </div>
    }
}

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

/// One choice of a menu.
fn item(
    label: String,
    checked: bool,
    data: String,
    pick: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="vp-menu-item"
            role="menuitemradio"
            aria-checked=checked.to_string()
            data-value=data
            on:click=move |_| pick()
        >
            {label}
        </button>
    }
}

/// The open popup: a menu of choices, or the keyboard help.
pub fn menu(state: PlayerState, menu: Menu, captions: &[Caption]) -> AnyView {
    let language = locale();
    let close = move || state.close_menu();
    let (title, items) = match menu {
        Menu::Speed => (
            Player::Speed,
            SPEEDS
                .iter()
                .map(|&rate| {
                    let checked = (state.rate.get_untracked() - rate).abs() < 1e-6;
                    item(
                        texts::speed(language, rate),
                        checked,
                        rate.to_string(),
                        move || {
                            state.set_rate(rate);
                            close();
                        },
                    )
                    .into_any()
                })
                .collect::<Vec<_>>(),
        ),
        Menu::Captions => {
            let shown = state.caption.get_untracked();
            let mut items = vec![
                item(
                    crate::i18n::Message::text(Player::CaptionsOff, language).to_owned(),
                    shown.is_none(),
                    "off".to_owned(),
                    move || {
                        state.show_captions(None);
                        close();
                    },
                )
                .into_any(),
            ];
            items.extend(captions.iter().enumerate().map(|(i, c)| {
                item(
                    texts::language_name(language, &c.language),
                    shown == Some(i),
                    c.language.clone(),
                    move || {
                        state.show_captions(Some(i));
                        close();
                    },
                )
                .into_any()
            }));
            (Player::Captions, items)
        }
        Menu::Quality => {
            let chosen = state.chosen_level.get_untracked();
            let playing = state.playing_level.get_untracked();
            let levels = state.levels.get_untracked();
            let auto = match playing.and_then(|i| levels.get(i)) {
                Some(l) if chosen.is_none() => format!(
                    "{} ({})",
                    crate::i18n::Message::text(Player::Auto, language),
                    texts::rendition(language, l.height, l.bitrate)
                ),
                _ => crate::i18n::Message::text(Player::Auto, language).to_owned(),
            };
            let mut order: Vec<usize> = (0..levels.len()).collect();
            // Best first, as the API lists renditions.
            order.sort_by_key(|&i| std::cmp::Reverse((levels[i].height, levels[i].bitrate)));
            let mut items = vec![
                item(auto, chosen.is_none(), "auto".to_owned(), move || {
                    state.choose_level(None);
                    close();
                })
                .into_any(),
            ];
            items.extend(order.into_iter().map(|i| {
                let level = &levels[i];
                item(
                    texts::rendition(language, level.height, level.bitrate),
                    chosen == Some(i),
                    i.to_string(),
                    move || {
                        state.choose_level(Some(i));
                        close();
                    },
                )
                .into_any()
            }));
            (Player::Quality, items)
        }
        Menu::Help => return help(state).into_any(),
    };
    let class = match menu {
        Menu::Speed => "vp-menu vp-menu-speed",
        Menu::Captions => "vp-menu vp-menu-captions",
        Menu::Quality => "vp-menu vp-menu-quality",
        Menu::Help => "vp-menu",
    };
    view! {
        <div class=class role="menu" aria-label=t(title)>
            {items}
        </div>
    }
    .into_any()
}

/// The keyboard help.
fn help(state: PlayerState) -> impl IntoView {
    // What to press (a key's name, or the letter itself) and what it does.
    let rows: [(Result<Player, &str>, Player); 7] = [
        (Ok(Player::KeySpace), Player::KeyPlay),
        (Ok(Player::KeyArrows), Player::KeySeek),
        (Ok(Player::KeyUpDown), Player::KeyVolume),
        (Err("f"), Player::KeyFullscreen),
        (Err("m"), Player::KeyMute),
        (Err("c"), Player::KeyCaptions),
        (Err("?"), Player::KeyHelp),
    ];
    view! {
        <div class="vp-help" role="dialog" aria-labelledby="vp-help-title">
            <h3 id="vp-help-title">{t(Player::ShortcutsTitle)}</h3>
            <dl>
                {rows
                    .into_iter()
                    .map(|(key, what)| {
                        let key_text = move || match key {
                            Ok(name) => t(name)(),
                            Err(letter) => letter,
                        };
                        view! {
                            <div>
                                <dt><kbd>{key_text}</kbd></dt>
                                <dd>{t(what)}</dd>
                            </div>
                        }
                    })
                    .collect::<Vec<_>>()}
            </dl>
            <button type="button" class="vp-menu-item" on:click=move |_| state.close_menu()>
                {t(Player::Close)}
            </button>
        </div>
    }
}
