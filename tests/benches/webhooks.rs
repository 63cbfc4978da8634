//! Webhook delivery, in one run: 1,000 events committed in one transaction (as a bulk change
//! writes them), delivered by the server's sender to a local receiver, against a plain reqwest
//! client POSTing the same 1,000 signed bodies to the same receiver at the same concurrency
//! (`webhooks.concurrency`), alternately. Reports events per second and the time from the
//! commit (or, for the baseline, the start) to each event's arrival, p50 and p99.
//!
//! Run with `cargo bench -p projector-tests --bench webhooks` (SQLite).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures::StreamExt as _;
use hmac::{Hmac, Mac as _};
use projector_api::webhooks::outbox;
use projector_tests::receiver::endpoint;
use projector_tests::{Backend, spawn_app_with};
use serde_json::json;
use sha2::Sha256;

const EVENTS: usize = 1000;
const ROUNDS: usize = 3;

type Arrivals = Arc<Mutex<Vec<Instant>>>;

/// A receiver that only notes when each request arrived and answers 200.
async fn receiver() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    let seen = arrivals.clone();
    let app = axum::Router::new().fallback(move |_headers: HeaderMap, _body: String| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(Instant::now());
            StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://127.0.0.1:{port}/hook"), arrivals)
}

/// Events per second and the p50 and p99 from `start` to arrival, once `EVENTS` arrived.
async fn measure(arrivals: &Arrivals, start: Instant) -> (f64, f64, f64) {
    let deadline = start + Duration::from_secs(120);
    loop {
        if arrivals.lock().unwrap().len() >= EVENTS {
            break;
        }
        assert!(Instant::now() < deadline, "the events did not all arrive");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut times: Vec<f64> = arrivals
        .lock()
        .unwrap()
        .iter()
        .map(|t| t.duration_since(start).as_secs_f64() * 1000.0)
        .collect();
    arrivals.lock().unwrap().clear();
    times.sort_by(f64::total_cmp);
    let last = times[EVENTS - 1];
    let pick = |q: f64| times[((EVENTS as f64 * q) as usize).min(EVENTS - 1)];
    (EVENTS as f64 / (last / 1000.0), pick(0.5), pick(0.99))
}

fn signature(key: &[u8], id: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{id}.{ts}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The baseline: the same bodies, signed the same way, POSTed `concurrency` at a time.
async fn baseline(
    url: &str,
    secret: &str,
    concurrency: usize,
    arrivals: &Arrivals,
) -> (f64, f64, f64) {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(2)
        .build()
        .unwrap();
    let start = Instant::now();
    futures::stream::iter(0..EVENTS)
        .for_each_concurrent(concurrency, |n| {
            let (client, key) = (&client, &key);
            async move {
                let body =
                    json!({ "type": "video.updated", "timestamp": "2026-12-07T00:00:00.000Z",
                                   "data": { "id": format!("VmlkZW86{n}"), "n": n } })
                    .to_string();
                let id = format!("msg_{}", uuid::Uuid::now_v7());
                let ts = chrono::Utc::now().timestamp();
                let res = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("webhook-id", &id)
                    .header("webhook-timestamp", ts.to_string())
                    .header("webhook-signature", signature(key, &id, ts, &body))
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
            }
        })
        .await;
    measure(arrivals, start).await
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.webhooks.allow_private_targets = true;
        c.rate_limits.enabled = false;
    })
    .await;
    let concurrency = app.config.webhooks.concurrency as usize;
    let admin = app.admin_token().await;
    let (url, arrivals) = receiver().await;
    let (_, secret) = endpoint(&app, &admin, &url, &["video.updated"]).await;
    let db = app.db().await;
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let txn = projector_api::db::begin_write(&db).await.unwrap();
        for n in 0..EVENTS {
            let data = json!({ "id": format!("VmlkZW86{n}"), "n": n });
            outbox::record(&txn, "video.updated", data).await.unwrap();
        }
        txn.commit().await.unwrap();
        let committed = Instant::now();
        // Any mutation wakes the sender, as the change's own mutation would have.
        app.graphql_ok(Some(&admin), "mutation { __typename }", json!({}))
            .await;
        let o = measure(&arrivals, committed).await;
        let b = baseline(&url, &secret, concurrency, &arrivals).await;
        println!(
            "round {round}: sender {:.0} events/s (p50 {:.1} ms, p99 {:.1} ms); reqwest {:.0} events/s (p50 {:.1} ms, p99 {:.1} ms)",
            o.0, o.1, o.2, b.0, b.1, b.2
        );
        ours.push(o);
        base.push(b);
    }
    let (o_rate, b_rate) = (
        median(ours.iter().map(|o| o.0).collect()),
        median(base.iter().map(|b| b.0).collect()),
    );
    println!(
        "webhooks: {EVENTS} events queued at once, {concurrency} at a time: {o_rate:.0} events/s vs {b_rate:.0} for a bare reqwest client, {:.2}×; commit to delivery p50 {:.1} ms, p99 {:.1} ms (medians of {ROUNDS} rounds)",
        o_rate / b_rate,
        median(ours.iter().map(|o| o.1).collect()),
        median(ours.iter().map(|o| o.2).collect()),
    );
}
