//! Attaching an HLS stream to a `<video>`: the browser's own HLS where it has one (Safari,
//! Chromium), else the hls.js the server vendors for its embed page, loaded only then.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlMediaElement;

/// Where the server serves its vendored hls.js (the embed page uses the same file).
const HLS_JS: &str = "/embed/assets/hls.light.min.js";

/// Plays `src` (an HLS master playlist) in `video`; [`detach`] stops it again.
pub fn attach(video: &HtmlMediaElement, src: &str) {
    if !video
        .can_play_type("application/vnd.apple.mpegurl")
        .is_empty()
    {
        video.set_src(src);
        return;
    }
    if hls_constructor().is_some() {
        start_hls(video, src);
        return;
    }
    // Load hls.js once, then attach; without it (or without MSE) try the URL as it is.
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        video.set_src(src);
        return;
    };
    let script = match document
        .create_element("script")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlScriptElement>().ok())
    {
        Some(script) => script,
        None => {
            video.set_src(src);
            return;
        }
    };
    script.set_src(HLS_JS);
    let (on_load_video, on_load_src) = (video.clone(), src.to_owned());
    let on_load = Closure::once_into_js(move || start_hls(&on_load_video, &on_load_src));
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
    if let Ok(hls) = Reflect::get(video, &JsValue::from_str(HLS_PROPERTY))
        && !hls.is_undefined()
    {
        let _ = call(&hls, "destroy", &[]);
    }
    video.remove_attribute("src").ok();
    video.load();
}

/// The property of the `<video>` element that keeps its hls.js instance.
const HLS_PROPERTY: &str = "__projectorHls";

fn hls_constructor() -> Option<Function> {
    let global = js_sys::global();
    Reflect::get(&global, &JsValue::from_str("Hls"))
        .ok()
        .and_then(|v| v.dyn_into::<Function>().ok())
}

fn start_hls(video: &HtmlMediaElement, src: &str) {
    let started = (|| {
        let ctor = hls_constructor()?;
        if !call(&ctor, "isSupported", &[])?.is_truthy() {
            return None;
        }
        let hls = Reflect::construct(&ctor, &Array::new()).ok()?;
        call(&hls, "loadSource", &[JsValue::from_str(src)])?;
        call(&hls, "attachMedia", &[JsValue::from(video.clone())])?;
        Reflect::set(video, &JsValue::from_str(HLS_PROPERTY), &hls).ok()
    })();
    if started.is_none() {
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
