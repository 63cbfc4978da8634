//! Attaching an HLS stream to a `<video>`, and what the player's controls need of it.
//!
//! Where the browser has Media Source Extensions (Chromium, Firefox, desktop Safari) the stream
//! plays through the hls.js the server vendors for its embed page (loaded only then): it gives
//! the quality menu its renditions and lets it pick one, which a browser's own HLS does not.
//! Without MSE (iPhone Safari) the browser's own HLS plays it, on automatic quality.
//!
//! hls.js starts at the beginning even while the transcode still runs: its media playlists are
//! then `EVENT` playlists without an end, which hls.js would otherwise play from the live edge.

pub mod controls;
pub mod prefs;
pub mod storyboard;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlMediaElement;

/// Where the server serves its vendored hls.js (the embed page uses the same file).
const HLS_JS: &str = "/embed/assets/hls.light.min.js";

/// The property of the `<video>` element that keeps its hls.js instance.
const HLS_PROPERTY: &str = "__projectorHls";

/// One rendition of the stream, as hls.js lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// Height in pixels (0 when the playlist does not say).
    pub height: u32,
    /// Peak bits per second.
    pub bitrate: u32,
}

/// Plays `src` (an HLS master playlist) in `video`; [`detach`] stops it again.
pub fn attach(video: &HtmlMediaElement, src: &str) {
    attach_with(video, src, |_| {});
}

/// Like [`attach`], and calls `started` with the hls.js instance once hls.js plays the stream
/// (never when the browser's own HLS does).
pub fn attach_with(video: &HtmlMediaElement, src: &str, started: impl FnOnce(&JsValue) + 'static) {
    let has_mse =
        Reflect::has(&js_sys::global(), &JsValue::from_str("MediaSource")).unwrap_or(false);
    if !has_mse {
        video.set_src(src);
        return;
    }
    if hls_constructor().is_some() {
        start_hls(video, src, started);
        return;
    }
    // Load hls.js once, then attach; without it try the browser's own HLS.
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        video.set_src(src);
        return;
    };
    let Some(script) = document
        .create_element("script")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlScriptElement>().ok())
    else {
        video.set_src(src);
        return;
    };
    script.set_src(HLS_JS);
    let (on_load_video, on_load_src) = (video.clone(), src.to_owned());
    let on_load = Closure::once_into_js(move || start_hls(&on_load_video, &on_load_src, started));
    let (on_error_video, on_error_src) = (video.clone(), src.to_owned());
    let on_error = Closure::once_into_js(move || on_error_video.set_src(&on_error_src));
    script.set_onload(on_load.dyn_ref::<Function>());
    script.set_onerror(on_error.dyn_ref::<Function>());
    if let Some(head) = document.head() {
        let _ = head.append_child(&script);
    } else {
        video.set_src(src);
    }
}

/// Stops whatever [`attach`] started on `video`: the hls.js instance, or the native stream.
pub fn detach(video: &HtmlMediaElement) {
    if let Some(hls) = hls_of(video) {
        let _ = call(&hls, "destroy", &[]);
        let _ = Reflect::delete_property(video, &JsValue::from_str(HLS_PROPERTY));
    }
    video.remove_attribute("src").ok();
    video.load();
}

/// The hls.js instance playing in `video`, if any.
pub fn hls_of(video: &HtmlMediaElement) -> Option<JsValue> {
    Reflect::get(video, &JsValue::from_str(HLS_PROPERTY))
        .ok()
        .filter(|h| h.is_object())
}

/// The renditions hls.js knows, in its order (the index is what [`set_level`] takes).
pub fn levels(hls: &JsValue) -> Vec<Level> {
    let Ok(levels) = Reflect::get(hls, &JsValue::from_str("levels")) else {
        return Vec::new();
    };
    Array::from(&levels)
        .iter()
        .map(|level| {
            let number = |name: &str| {
                Reflect::get(&level, &JsValue::from_str(name))
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0) as u32
            };
            Level {
                height: number("height"),
                bitrate: number("bitrate"),
            }
        })
        .collect()
}

/// Plays rendition `index` from now on (flushing what was buffered of another), or lets
/// hls.js choose by bandwidth again with `None`.
pub fn set_level(hls: &JsValue, index: Option<usize>) {
    let value = index.map_or(-1.0, |i| i as f64);
    let _ = Reflect::set(
        hls,
        &JsValue::from_str("currentLevel"),
        &JsValue::from_f64(value),
    );
}

/// Calls `handler(data)` for each hls.js event `name` (e.g. `hlsManifestParsed`) until the
/// instance is destroyed.
pub fn on_event(hls: &JsValue, name: &str, handler: impl Fn(JsValue) + 'static) {
    let closure =
        Closure::<dyn Fn(JsValue, JsValue)>::new(move |_event: JsValue, data: JsValue| {
            handler(data)
        });
    let _ = call(
        hls,
        "on",
        &[JsValue::from_str(name), closure.into_js_value()],
    );
}

fn hls_constructor() -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("Hls"))
        .ok()
        .and_then(|v| v.dyn_into::<Function>().ok())
}

fn start_hls(video: &HtmlMediaElement, src: &str, started: impl FnOnce(&JsValue)) {
    let hls = (|| {
        let ctor = hls_constructor()?;
        if !call(&ctor, "isSupported", &[])?.is_truthy() {
            return None;
        }
        let config = Object::new();
        Reflect::set(&config, &"startPosition".into(), &JsValue::from_f64(0.0)).ok()?;
        let hls = Reflect::construct(&ctor, &Array::of1(&config)).ok()?;
        Reflect::set(video, &JsValue::from_str(HLS_PROPERTY), &hls).ok()?;
        started(&hls);
        call(&hls, "loadSource", &[JsValue::from_str(src)])?;
        call(&hls, "attachMedia", &[JsValue::from(video.clone())])?;
        Some(())
    })();
    if hls.is_none() {
        video.set_src(src);
    }
}

/// Calls `target[name](...args)`.
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Option<JsValue> {
    let method = Reflect::get(target, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    method.apply(target, &args.iter().collect::<Array>()).ok()
}
