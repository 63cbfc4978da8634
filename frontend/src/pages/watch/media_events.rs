//! The watch page's ears on the player: the `<video>` events it needs (metadata loaded, time
//! update, ended), heard in the capture phase on the frame around the player, since media
//! events do not bubble and the player component is not the page's to change.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The page's player, `<video id="player">`, once it is in the document.
pub fn player() -> Option<web_sys::HtmlMediaElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("player"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok())
}

/// What the page does on the player's events.
pub struct Handlers<T, E> {
    /// Where to start once the metadata is in (`?t=`).
    pub start: Option<f64>,
    /// Called with the playback position as it moves.
    pub on_time: T,
    /// Called when playback reaches the end.
    pub on_ended: E,
    /// Start playing as soon as possible (the page moved on to this video by itself).
    pub play_now: bool,
}

/// Listens to the player inside `frame` once it is mounted.
pub fn listen_once<T, E>(frame: NodeRef<html::Div>, handlers: Handlers<T, E>)
where
    T: Fn(f64) + 'static,
    E: Fn() + 'static,
{
    let handlers = StoredValue::new_local(Some(handlers));
    Effect::new(move |_| {
        let Some(frame) = frame.get() else {
            return;
        };
        let Some(Handlers {
            start,
            on_time,
            on_ended,
            play_now,
        }) = handlers.try_update_value(Option::take).flatten()
        else {
            return;
        };
        // Runs once, when the metadata is in (now, if it already is).
        let ready = move |video: &web_sys::HtmlMediaElement| {
            if let Some(at) = start {
                video.set_current_time(at);
            }
            if play_now {
                let _ = video.play();
            }
        };
        let ready = std::rc::Rc::new(std::cell::Cell::new(Some(ready)));
        if let Some(video) = player().filter(|v| v.ready_state() >= 1)
            && let Some(ready) = ready.take()
        {
            ready(&video);
        }
        let ready_later = ready.clone();
        capture(&frame, "loadedmetadata", move |_| {
            if let (Some(video), Some(ready)) = (player(), ready_later.take()) {
                ready(&video);
            }
        });
        capture(&frame, "timeupdate", move |_| {
            if let Some(video) = player() {
                on_time(video.current_time());
            }
        });
        capture(&frame, "ended", move |_| on_ended());
    });
}

/// Adds a capturing listener that lives as long as the element (a page's frame is dropped with
/// its page, and its listeners with it).
fn capture(target: &web_sys::Element, event: &str, handler: impl FnMut(JsValue) + 'static) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(handler);
    let _ = target.add_event_listener_with_callback_and_bool(
        event,
        closure.as_ref().unchecked_ref(),
        true,
    );
    closure.forget();
}
