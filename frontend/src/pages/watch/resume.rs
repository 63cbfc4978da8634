//! "Continue watching": for a signed-in viewer, the watch page saves where they are with
//! `saveWatchPosition` every few seconds of playback, when they go to another page of the app,
//! and when the browser leaves the page (`pagehide`, with a request that outlives the page);
//! the next visit starts there (`viewerPosition`).

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::api::community as api;
use crate::session::Session;

/// How often a position is saved while playing, in milliseconds.
const SAVE_EVERY_MS: f64 = 5_000.0;

/// Where the page starts: `?t=` when given, else where the viewer stopped, unless that was
/// at the very end (the last five seconds, or the last tenth of a short clip: then from the
/// start).
pub fn start_at(asked: Option<f64>, saved: Option<f64>, duration: Option<f64>) -> Option<f64> {
    let before_the_end = |at: f64| duration.is_none_or(|d| at < d - (d / 10.0).min(5.0));
    asked.or_else(|| saved.filter(|&at| at >= 1.0 && before_the_end(at)))
}

/// Where the viewer is and when it was last saved. Shared by plain handles rather than
/// reactive storage: the page's owner disposes its stored values as it is cleaned up, and the
/// save on leaving must still read them then.
struct Position {
    at: Option<f64>,
    saved_ms: f64,
}

/// Keeps the position of the item with global ID `id`: returns the callback for the player's
/// time updates, and saves on leaving. Does nothing for a visitor who is not signed in.
pub fn keep(session: Option<Session>, id: String) -> impl Fn(f64) + Clone + 'static {
    let session = session.filter(|s| s.signed_in());
    let position = Arc::new(Mutex::new(Position {
        at: None,
        saved_ms: js_sys::Date::now(),
    }));
    let id: Arc<str> = id.into();
    let save = {
        let id = id.clone();
        move |secs: f64| {
            if let Some(session) = session {
                let id = id.to_string();
                leptos::task::spawn_local(async move {
                    let _ = api::save_position(session, id, secs).await;
                });
            }
        }
    };
    // Leaving for another page of the app.
    {
        let position = position.clone();
        let save = save.clone();
        on_cleanup(move || {
            if let Some(secs) = lock(&position).at {
                save(secs);
            }
        });
    }
    // Leaving the app: the request must outlive the page, so it goes with `keepalive` and the
    // token at hand (no time to refresh one).
    {
        let position = position.clone();
        let id = id.clone();
        let hide = window_event_listener_untyped("pagehide", move |_| {
            let (Some(session), Some(secs)) = (session, lock(&position).at) else {
                return;
            };
            if let Some(token) = session.fresh_token() {
                send_keepalive(&token, api::save_position_body(id.to_string(), secs));
            }
        });
        on_cleanup(move || hide.remove());
    }
    move |secs: f64| {
        let now = js_sys::Date::now();
        let due = {
            let mut p = lock(&position);
            p.at = Some(secs);
            let due = now - p.saved_ms >= SAVE_EVERY_MS;
            if due {
                p.saved_ms = now;
            }
            due
        };
        if due {
            save(secs);
        }
    }
}

fn lock(position: &Mutex<Position>) -> std::sync::MutexGuard<'_, Position> {
    position.lock().unwrap_or_else(|p| p.into_inner())
}

/// POSTs `body` to the API with a request the browser finishes after the page is gone.
fn send_keepalive(token: &str, body: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(headers) = web_sys::Headers::new() else {
        return;
    };
    let _ = headers.set("Content-Type", "application/json");
    let _ = headers.set("Authorization", &format!("Bearer {token}"));
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    // `keepalive` has no setter in web-sys.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let _ = window.fetch_with_str_and_init("/graphql", &init);
}

#[cfg(test)]
mod tests {
    use super::start_at;

    #[test]
    fn the_page_resumes_where_the_viewer_stopped_unless_told_or_at_the_end() {
        assert_eq!(start_at(Some(10.0), Some(30.0), Some(60.0)), Some(10.0));
        assert_eq!(start_at(None, Some(30.0), Some(60.0)), Some(30.0));
        assert_eq!(start_at(None, Some(58.0), Some(60.0)), None);
        assert_eq!(start_at(None, Some(0.2), Some(60.0)), None);
        assert_eq!(start_at(None, None, Some(60.0)), None);
        // A short clip resumes from its middle, not only from before its last five seconds.
        assert_eq!(start_at(None, Some(4.3), Some(8.0)), Some(4.3));
        assert_eq!(start_at(None, Some(7.5), Some(8.0)), None);
    }
}
