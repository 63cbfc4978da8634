//! The share box: the video's link, the link at the current time (`?t=SECONDS`, which the watch
//! page honours on load), and the code that embeds its player (`/embed/{uuid}`) in three sizes.

use leptos::prelude::*;

use crate::format;
use crate::i18n::t;
use crate::i18n::watch::Watch;

/// The sizes the embed code offers, width by height (16:9).
const SIZES: [(u32, u32); 3] = [(560, 315), (640, 360), (1280, 720)];

/// The share box of a video.
#[component]
pub fn ShareBox(
    /// The video's UUID.
    uuid: String,
    /// Its title (the iframe's accessible name).
    title: String,
    /// Where the player is, in seconds.
    current: RwSignal<f64>,
) -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let watch_url = format!("{origin}/watch/{uuid}");
    let embed_url = format!("{origin}/embed/{uuid}");
    let at_time = RwSignal::new(false);
    let size = RwSignal::new(0_usize);
    let copied = RwSignal::new(None::<&'static str>);
    let secs = move || current.get().max(0.0).floor() as u64;
    let link = {
        let watch_url = watch_url.clone();
        move || {
            if at_time.get() {
                format!("{watch_url}?t={}", secs())
            } else {
                watch_url.clone()
            }
        }
    };
    let title = html_attribute(&title);
    let code = move || {
        let (w, h) = SIZES[size.get().min(SIZES.len() - 1)];
        format!(
            "<iframe width=\"{w}\" height=\"{h}\" src=\"{embed_url}\" title=\"{title}\" \
             frameborder=\"0\" allow=\"autoplay; fullscreen; picture-in-picture\" \
             allowfullscreen></iframe>"
        )
    };
    let copy_link = {
        let link = link.clone();
        move |_| {
            copy(&link());
            copied.set(Some("link"));
        }
    };
    let copy_code = {
        let code = code.clone();
        move |_| {
            copy(&code());
            copied.set(Some("embed"));
        }
    };
    let label = move |which: &'static str| {
        move || {
            if copied.get() == Some(which) {
                t(Watch::Copied)()
            } else {
                t(Watch::Copy)()
            }
        }
    };
    view! {
        <section class="share" id="share" aria-labelledby="share-heading">
            <h3 id="share-heading">{t(Watch::Share)}</h3>
            <div class="share-row">
                <label for="share-link">{t(Watch::ShareLink)}</label>
                <input id="share-link" type="text" readonly prop:value=link />
                <button type="button" id="copy-link" on:click=copy_link>
                    {label("link")}
                </button>
            </div>
            <label class="share-at">
                <input
                    type="checkbox"
                    id="share-at-time"
                    prop:checked=move || at_time.get()
                    on:change=move |ev| {
                        at_time.set(event_target_checked(&ev));
                        copied.set(None);
                    }
                />
                " "
                {t(Watch::StartAt)}
                " "
                <span id="share-time">{move || format::duration(secs() as f64)}</span>
            </label>
            <div class="share-row share-embed">
                <label for="embed-code">{t(Watch::Embed)}</label>
                <textarea id="embed-code" readonly rows="3" prop:value=code></textarea>
                <button type="button" id="copy-embed" on:click=copy_code>
                    {label("embed")}
                </button>
            </div>
            <label class="embed-size">
                {t(Watch::EmbedSize)}
                " "
                <select
                    id="embed-size"
                    on:change=move |ev| {
                        size.set(event_target_value(&ev).parse().unwrap_or(0));
                        copied.set(None);
                    }
                >
                    {SIZES
                        .iter()
                        .enumerate()
                        .map(|(i, (w, h))| {
                            view! {
                                <option value=i.to_string() selected=move || size.get() == i>
                                    {format!("{w} × {h}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </section>
    }
}

/// Escapes text for a double-quoted HTML attribute.
fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Puts `text` on the clipboard, where the browser allows it.
fn copy(text: &str) {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| c.is_object());
    if let Some(clipboard) = clipboard
        && let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        && let Ok(write) = write.dyn_into::<js_sys::Function>()
    {
        let _ = write.call1(&clipboard, &JsValue::from_str(text));
    }
}

#[cfg(test)]
mod tests {
    use super::html_attribute;

    #[test]
    fn titles_are_escaped_in_the_embed_code() {
        assert_eq!(
            html_attribute("Tom & \"Jerry\" <3"),
            "Tom &amp; &quot;Jerry&quot; &lt;3"
        );
    }
}
