//! The keyboard: the player's shortcuts and moving through an open menu.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use super::{Menu, PlayerState, SEEK_STEP, VOLUME_STEP};

/// Focuses the checked item of the menu that is about to render.
pub(super) fn focus_checked_item() {
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
