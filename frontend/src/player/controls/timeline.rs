//! The timeline: progress, buffered ranges, chapter marks and the storyboard preview.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;

use super::super::storyboard::{self};
use super::PlayerState;
use crate::api::Chapter;
use crate::format;
use crate::i18n::player::Player;
use crate::i18n::t;

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
