//! A webhook receiver started by a test: an axum server on port 0 that records what arrives and
//! answers as told (a success, failures, a redirect, nothing at all, a huge body), and a
//! signature check with the Standard Webhooks specification's own library (not the server's
//! code).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::TestApp;
use projector_api::Config;
use serde_json::json;

/// How the receiver answers.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// 200 at once.
    Ok,
    /// 200 after a pause (widens races between senders).
    SlowOk(Duration),
    /// 500 for the first `n` requests, then 200.
    FailFirst(usize),
    /// Always 500.
    AlwaysFail,
    /// 302 to the given port on loopback.
    RedirectTo(u16),
    /// Never answers.
    Hang,
    /// Never answers the first `n` requests, then 200.
    HangFirst(usize),
    /// 200 with 10 MB of body, then a body that never ends.
    Huge,
}

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// The raw body.
    pub body: String,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    /// The event type in the body.
    pub fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap().to_string()
    }
}

#[derive(Clone)]
struct Shared {
    behaviour: Behaviour,
    seen: Arc<Mutex<Vec<Received>>>,
}

/// A running receiver.
pub struct Receiver {
    /// `http://127.0.0.1:<port>/hook`.
    pub url: String,
    /// Its port.
    pub port: u16,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Starts a receiver that answers as `behaviour` says.
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            behaviour,
            seen: seen.clone(),
        };
        let app = axum::Router::new().fallback(handle).with_state(shared);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            port,
            seen,
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (at most 20 s); returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let seen = self.received();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} webhook requests, got {}: {:?}",
            self.received().len(),
            self.received()
                .iter()
                .map(Received::event_type)
                .collect::<Vec<_>>()
        );
    }
}

async fn handle(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let count = {
        let mut seen = shared.seen.lock().unwrap();
        seen.push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            body,
        });
        seen.len()
    };
    match shared.behaviour {
        Behaviour::Ok => StatusCode::OK.into_response(),
        Behaviour::SlowOk(pause) => {
            tokio::time::sleep(pause).await;
            StatusCode::OK.into_response()
        }
        Behaviour::FailFirst(n) if count <= n => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Behaviour::FailFirst(_) => StatusCode::OK.into_response(),
        Behaviour::AlwaysFail => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Behaviour::RedirectTo(port) => (
            StatusCode::FOUND,
            [("location", format!("http://127.0.0.1:{port}/hook"))],
        )
            .into_response(),
        Behaviour::Hang => std::future::pending().await,
        Behaviour::HangFirst(n) if count <= n => std::future::pending().await,
        Behaviour::HangFirst(_) => StatusCode::OK.into_response(),
        Behaviour::Huge => {
            let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
            let body = futures::stream::iter(
                (0..160).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
            )
            .chain(futures::stream::pending());
            Response::new(Body::from_stream(body))
        }
    }
}

use futures::StreamExt as _;

/// Whether `received` carries a valid Standard Webhooks signature made with `secret`
/// (`whsec_<base64>`), as the specification's own Rust library (`standardwebhooks`) checks it
/// on a receiver: the signature over `id.timestamp.body`, any of the space-separated ones, and a
/// timestamp within five minutes.
pub fn signed_with(received: &Received, secret: &str) -> bool {
    let webhook = standardwebhooks::Webhook::new(secret).expect("a whsec_ secret");
    let mut headers = axum::http::HeaderMap::new();
    for (name, value) in [
        ("webhook-id", &received.id),
        ("webhook-timestamp", &received.timestamp),
        ("webhook-signature", &received.signature),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    webhook.verify(received.body.as_bytes(), &headers).is_ok()
}

/// Loopback receivers, quick retries (1 ms, 60 ms, 360 ms, ...) and a short poll.
pub fn fast(c: &mut Config) {
    c.webhooks.allow_private_targets = true;
    c.webhooks.retry_base_ms = 1;
    c.webhooks.poll_ms = 50;
    c.webhooks.timeout_ms = 2000;
}

/// Registers an endpoint as `token`; returns its ID and secret.
pub async fn endpoint(app: &TestApp, token: &str, url: &str, types: &[&str]) -> (String, String) {
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url enabled eventTypes } } }",
            json!({ "i": { "url": url, "eventTypes": types, "description": "test receiver" } }),
        )
        .await;
    let created = &data["createWebhookEndpoint"];
    assert_eq!(created["endpoint"]["enabled"], true);
    assert_eq!(created["endpoint"]["eventTypes"], json!(types));
    (
        created["endpoint"]["id"].as_str().unwrap().to_string(),
        created["secret"].as_str().unwrap().to_string(),
    )
}
