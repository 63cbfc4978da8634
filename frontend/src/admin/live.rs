//! Live processing progress over one WebSocket: the `transcodeProgress` subscription, spoken in
//! the graphql-transport-ws protocol on the server's `/graphql/ws`.
//!
//! Browsers cannot set headers on a WebSocket, so the session's access token travels in the
//! `connection_init` payload (`{"authorization": "Bearer …"}`), as the server expects. Each
//! followed video is one subscription on the same socket (its id is the video's global ID). A
//! closed socket (lost connection, server restart, expired token) is opened again with a fresh
//! token after a pause that grows, and the subscriptions are sent again.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::session::Session;
use crate::api::sleep;

/// The subscription each followed video gets.
const PROGRESS: &str = "subscription($v: ID!) { transcodeProgress(videoId: $v) { subjectId status percent stage etaSecs } }";

/// One progress report.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELLED`.
    pub status: String,
    /// 0 to 100.
    pub percent: f64,
    /// Pipeline stage.
    pub stage: Option<String>,
    /// Seconds left, estimated.
    pub eta_secs: Option<f64>,
}

impl Progress {
    /// Whether the job is over (the item's state changed for good).
    pub fn is_final(&self) -> bool {
        matches!(self.status.as_str(), "SUCCEEDED" | "FAILED" | "CANCELLED")
    }
}

type OnProgress = Rc<dyn Fn(String, Progress)>;

struct Inner {
    session: Session,
    on_progress: OnProgress,
    socket: Option<web_sys::WebSocket>,
    acked: bool,
    /// Videos to follow.
    wanted: BTreeSet<String>,
    /// Videos subscribed on the open socket.
    sent: BTreeSet<String>,
    /// The page went: no more reconnecting.
    closed: bool,
    connecting: bool,
    failures: u32,
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
    }
}

/// A live connection; cheap to clone. Close it when the page goes ([`Live::close`]).
#[derive(Clone)]
pub struct Live(Rc<RefCell<Inner>>);

impl Live {
    /// A connection that calls `on_progress(video global ID, report)` for each report; it
    /// opens once there is something to follow.
    pub fn new(session: Session, on_progress: impl Fn(String, Progress) + 'static) -> Self {
        Self(Rc::new(RefCell::new(Inner {
            session,
            on_progress: Rc::new(on_progress),
            socket: None,
            acked: false,
            wanted: BTreeSet::new(),
            sent: BTreeSet::new(),
            closed: false,
            connecting: false,
            failures: 0,
            handlers: Vec::new(),
        })))
    }

    /// Follows exactly these videos (global IDs): new ones are subscribed, the others ended.
    pub fn follow(&self, ids: impl IntoIterator<Item = String>) {
        let wanted: BTreeSet<String> = ids.into_iter().collect();
        let needs_socket = {
            let mut inner = self.0.borrow_mut();
            inner.wanted = wanted;
            !inner.wanted.is_empty() && inner.socket.is_none() && !inner.connecting
        };
        if needs_socket {
            self.connect(0);
        } else {
            self.sync();
        }
    }

    /// Ends every subscription and closes the socket for good.
    pub fn close(&self) {
        let mut inner = self.0.borrow_mut();
        inner.closed = true;
        if let Some(socket) = inner.socket.take() {
            // Unhooked first: the handlers go with this connection.
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        inner.handlers.clear();
    }

    /// Sends `subscribe` for wanted videos and `complete` for the others, once acknowledged.
    fn sync(&self) {
        let mut inner = self.0.borrow_mut();
        if !inner.acked {
            return;
        }
        let Some(socket) = inner.socket.clone() else {
            return;
        };
        let start: Vec<String> = inner.wanted.difference(&inner.sent).cloned().collect();
        let stop: Vec<String> = inner.sent.difference(&inner.wanted).cloned().collect();
        for id in start {
            let message = json!({
                "id": id,
                "type": "subscribe",
                "payload": { "query": PROGRESS, "variables": { "v": id } },
            });
            let _ = socket.send_with_str(&message.to_string());
            inner.sent.insert(id);
        }
        for id in stop {
            let _ = socket.send_with_str(&json!({ "id": id, "type": "complete" }).to_string());
            inner.sent.remove(&id);
        }
    }

    /// Opens the socket after `delay_ms`, with a fresh access token.
    fn connect(&self, delay_ms: i32) {
        self.0.borrow_mut().connecting = true;
        let weak = Rc::downgrade(&self.0);
        leptos::task::spawn_local(async move {
            if delay_ms > 0 {
                sleep(delay_ms).await;
            }
            let Some(session) = weak.upgrade().map(|i| i.borrow().session) else {
                return;
            };
            let token = session.access_token().await;
            let Some(inner) = weak.upgrade() else { return };
            let live = Live(inner);
            live.0.borrow_mut().connecting = false;
            if live.0.borrow().closed {
                return;
            }
            match token {
                Ok(token) => live.open(&token),
                Err(_) => live.closed_by_server(),
            }
        });
    }

    fn open(&self, token: &str) {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss",
            _ => "ws",
        };
        let host = location.host().unwrap_or_default();
        let url = format!("{scheme}://{host}/graphql/ws");
        let Ok(socket) = web_sys::WebSocket::new_with_str(&url, "graphql-transport-ws") else {
            self.closed_by_server();
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let init = json!({
            "type": "connection_init",
            "payload": { "authorization": format!("Bearer {token}") },
        })
        .to_string();
        let on_open = {
            let socket = socket.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let _ = socket.send_with_str(&init);
            })
        };
        let on_message = {
            let weak = weak.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(data) = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                if let Some(inner) = weak.upgrade() {
                    Live(inner).message(&data);
                }
            })
        };
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                Live(inner).closed_by_server();
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.handlers = vec![on_open, on_message, on_close];
        inner.socket = Some(socket);
        inner.acked = false;
        inner.sent.clear();
    }

    fn message(&self, data: &str) {
        let Ok(message) = serde_json::from_str::<Value>(data) else {
            return;
        };
        match message["type"].as_str() {
            Some("connection_ack") => {
                {
                    let mut inner = self.0.borrow_mut();
                    inner.acked = true;
                    inner.failures = 0;
                }
                self.sync();
            }
            Some("ping") => {
                if let Some(socket) = self.0.borrow().socket.clone() {
                    let _ = socket.send_with_str(r#"{"type":"pong"}"#);
                }
            }
            Some("next") => {
                let Some(id) = message["id"].as_str() else {
                    return;
                };
                let report = &message["payload"]["data"]["transcodeProgress"];
                let Some(percent) = report["percent"].as_f64() else {
                    return;
                };
                let progress = Progress {
                    status: report["status"].as_str().unwrap_or_default().to_owned(),
                    percent,
                    stage: report["stage"].as_str().map(str::to_owned),
                    eta_secs: report["etaSecs"].as_f64(),
                };
                let on_progress = self.0.borrow().on_progress.clone();
                on_progress(id.to_owned(), progress);
            }
            // The server ended or refused one subscription: not sent any more.
            Some("complete" | "error") => {
                if let Some(id) = message["id"].as_str() {
                    self.0.borrow_mut().sent.remove(id);
                }
            }
            _ => {}
        }
    }

    /// The socket closed: open it again after a pause, unless the page went.
    fn closed_by_server(&self) {
        let delay = {
            let mut inner = self.0.borrow_mut();
            inner.socket = None;
            inner.acked = false;
            inner.sent.clear();
            if inner.closed || inner.wanted.is_empty() || inner.connecting {
                return;
            }
            inner.failures += 1;
            1000 * (1_i32 << inner.failures.min(5))
        };
        self.connect(delay);
    }
}
