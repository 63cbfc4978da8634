//! The player's controls: the timeline (chapter marks, storyboard preview), the button bar,
//! the menus (speed, captions, quality, keyboard help) and the keyboard shortcuts.
//!
//! Every control is a real `<button>` or `<input type="range">`, so it works with Tab, Enter
//! and Space; menus are lists of `menuitemradio` buttons that the up and down arrows move
//! through and Escape closes.

mod bar;
mod keys;
mod menus;
mod timeline;

pub use bar::bar;
use keys::focus_checked_item;
pub use keys::on_key;
pub use menus::menu;
pub use timeline::timeline;

use js_sys::Reflect;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlMediaElement;

use super::storyboard::Tile;
use super::{Level, hls_of, set_level};

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
