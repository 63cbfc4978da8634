//! View counting through `POST /views/{videoId}`: once per viewer (user, else address) per
//! window whatever the user agent, shared by the nodes of one database, rate limited per
//! address, written in batches, kept across a graceful shutdown.

use std::time::Duration;

use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{self, with_secret};

async fn view_count(app: &TestApp, id: &str) -> i64 {
    let data = app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { viewCount } }",
            json!({ "id": id }),
        )
        .await;
    data["video"]["viewCount"].as_i64().unwrap()
}

async fn view(app: &TestApp, id: &str, agent: &str, token: Option<&str>) -> StatusCode {
    view_from(app, id, "127.0.0.1", agent, token).await
}

/// A beacon from client address `from` (the test servers trust `X-Forwarded-For`).
async fn view_from(
    app: &TestApp,
    id: &str,
    from: &str,
    agent: &str,
    token: Option<&str>,
) -> StatusCode {
    let mut r = app
        .client
        .post(app.url(&format!("/views/{id}")))
        .header("x-forwarded-for", from)
        .header("user-agent", agent);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status()
}

/// The configuration of these tests: a known secret, client addresses from `X-Forwarded-For`.
fn views_config(c: &mut projector_api::Config) {
    with_secret(c);
    c.auth.trust_forwarded_for = true;
}

async fn a_viewer_counts_once_per_video_per_window(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        c.delivery.view_flush_ms = 100;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Viewed").await;
    let a = support::video(&app, &admin, &channel, "A", json!({})).await;
    let b = support::video(&app, &admin, &channel, "B", json!({})).await;
    // The same browser five times, a second browser at the same address (not another
    // viewer), a browser at another address, the first on another video, and a signed-in user
    // (counted by account, whatever their browser says).
    for _ in 0..5 {
        assert_eq!(
            view(&app, &a, "browser-1", None).await,
            StatusCode::NO_CONTENT
        );
    }
    view(&app, &a, "browser-2", None).await;
    view_from(&app, &a, "198.51.100.2", "browser-2", None).await;
    view(&app, &b, "browser-1", None).await;
    view(&app, &a, "browser-3", Some(&admin)).await;
    view(&app, &a, "browser-4", Some(&admin)).await;
    // Global IDs and raw UUIDs name the same video.
    view(&app, &support::uuid_of(&a).to_string(), "browser-1", None).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(view_count(&app, &a).await, 3);
    assert_eq!(view_count(&app, &b).await, 1);
    // The dedupe rows of the window are shared state, keyed by hashes only.
    assert_eq!(app.count("view_dedupe").await, 4);

    // Unknown, private (for the public) and malformed ids are 404 and count nothing.
    let private = support::video(
        &app,
        &admin,
        &channel,
        "P",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    assert_eq!(view(&app, &private, "x", None).await, StatusCode::NOT_FOUND);
    assert_eq!(
        view(&app, &uuid::Uuid::now_v7().to_string(), "x", None).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        view(&app, "garbage", "x", None).await,
        StatusCode::NOT_FOUND
    );
    // A member of the channel may count a view of a private video.
    assert_eq!(
        view(&app, &private, "x", Some(&admin)).await,
        StatusCode::NO_CONTENT
    );
}

async fn ten_thousand_views_cost_a_few_statements(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        // No timed flush during the burst: the batch is written once, at the shutdown below
        // (timed flushes are exercised by the dedupe test).
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Popular").await;
    let id = support::video(&app, &admin, &channel, "Hit", json!({})).await;
    view(&app, &id, "warm-up", None).await;
    let before = app.statements().await;
    let started = std::time::Instant::now();
    let url = app.url(&format!("/views/{id}"));
    let client = app.client.clone();
    futures::future::join_all((0..16).map(|worker| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            for i in 0..625 {
                // 10 000 viewers: one address each.
                let r = client
                    .post(&url)
                    .header(
                        "x-forwarded-for",
                        format!("10.{worker}.{}.{}", i / 256, i % 256),
                    )
                    .header("user-agent", "the same browser")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::NO_CONTENT);
            }
        }
    }))
    .await;
    // Only the cached visibility check goes to the database, once each time its 5 s entry
    // expires (the 16 senders that miss it at once wait for one lookup), and the server's
    // timers: a cost that grows with the burst's duration on a loaded machine, never with the
    // number of views.
    let burst = started.elapsed();
    let cost = app.statements().await - before;
    let allowed = 3 + burst.as_secs() / 2;
    assert!(
        cost <= allowed,
        "10 000 views in {burst:?} cost {cost} statements before the flush (allowed {allowed})"
    );
    eprintln!("10 000 views cost {cost} statements before the flush");
    // The whole batch is one UPDATE: count the statements of a flush on a fresh server.
    let app = app.restart().await;
    assert_eq!(view_count(&app, &id).await, 10_001);
}

async fn pending_views_survive_a_graceful_shutdown(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        // Never on a timer during this test: only the shutdown can write them.
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Durable").await;
    let id = support::video(&app, &admin, &channel, "Kept", json!({})).await;
    for i in 0..7 {
        view_from(&app, &id, &format!("192.0.2.{i}"), "agent", None).await;
    }
    assert_eq!(
        view_count(&app, &id).await,
        0,
        "written before the shutdown"
    );
    let app = app.restart().await;
    assert_eq!(view_count(&app, &id).await, 7);
}

async fn fifty_user_agents_from_one_address_are_one_view(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        c.delivery.view_flush_ms = 100;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Inflated").await;
    let id = support::video(&app, &admin, &channel, "Target", json!({})).await;
    for i in 0..50 {
        let status = view_from(
            &app,
            &id,
            "203.0.113.5",
            &format!("Mozilla/5.0 (bot {i})"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    // An IPv6 client rotating addresses inside its /64 is one viewer too.
    for i in 1..=10 {
        view_from(&app, &id, &format!("2001:db8:1:2::{i:x}"), "agent", None).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(view_count(&app, &id).await, 2);
}

async fn beacons_are_rate_limited_per_address(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        c.delivery.view_beacons_per_minute = 5;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Limited").await;
    let id = support::video(&app, &admin, &channel, "Hammered", json!({})).await;
    // The budget is per calendar minute: start well inside one.
    let second = chrono::Utc::now().timestamp().rem_euclid(60);
    if second >= 55 {
        tokio::time::sleep(Duration::from_secs(61 - second as u64)).await;
    }
    for _ in 0..5 {
        assert_eq!(
            view_from(&app, &id, "203.0.113.6", "a", None).await,
            StatusCode::NO_CONTENT
        );
    }
    let refused = app
        .client
        .post(app.url(&format!("/views/{id}")))
        .header("x-forwarded-for", "203.0.113.6")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Unknown videos count against the budget as well (it is checked first).
    assert_eq!(
        view_from(&app, "garbage", "203.0.113.6", "a", None).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other addresses are not affected.
    assert_eq!(
        view_from(&app, &id, "203.0.113.7", "a", None).await,
        StatusCode::NO_CONTENT
    );
}

async fn two_nodes_count_a_viewer_once(backend: Backend) {
    let a = spawn_app_with(backend, |c| {
        views_config(c);
        c.delivery.view_flush_ms = 100;
    })
    .await;
    let b = a.spawn_sibling(|_| {}).await;
    let admin = a.admin_token().await;
    let channel = support::channel(&a, &admin, "Balanced").await;
    let id = support::video(&a, &admin, &channel, "Spread", json!({})).await;
    // The load balancer sends one viewer's beacons to both nodes, several times each, and
    // both nodes at once for a second viewer.
    for _ in 0..3 {
        view_from(&a, &id, "198.51.100.20", "a", None).await;
        view_from(&b, &id, "198.51.100.20", "b", None).await;
    }
    let (ra, rb) = tokio::join!(
        view_from(&a, &id, "198.51.100.21", "a", None),
        view_from(&b, &id, "198.51.100.21", "b", None)
    );
    assert_eq!((ra, rb), (StatusCode::NO_CONTENT, StatusCode::NO_CONTENT));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(view_count(&a, &id).await, 2);
}

async fn old_windows_are_swept_from_the_dedupe_table(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        views_config(c);
        c.delivery.view_flush_ms = 100;
        c.delivery.view_window_secs = 1;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Swept").await;
    let id = support::video(&app, &admin, &channel, "Often", json!({})).await;
    view_from(&app, &id, "198.51.100.30", "a", None).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(app.count("view_dedupe").await >= 1);
    // A new window counts the viewer again, and two windows on the old rows are gone.
    tokio::time::sleep(Duration::from_millis(2600)).await;
    view_from(&app, &id, "198.51.100.30", "a", None).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(view_count(&app, &id).await, 2);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(app.count("view_dedupe").await, 0);
}

/// Not a view, but the other half of "revocation waits": whoever holds a signed URL of private
/// media can read it until it expires, so it must expire in minutes.
async fn a_signed_url_for_private_media_lasts_minutes_not_hours(backend: Backend) {
    let app = spawn_app_with(backend, views_config).await;
    let admin = app.admin_token().await;
    let (id, _) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 100).await;
    let q = "query($id: ID!) { video(id: $id) { media { hlsUrl posterUrl } } }";
    let data = app.graphql_ok(Some(&admin), q, json!({ "id": id })).await;
    let now = chrono::Utc::now().timestamp();
    for field in ["hlsUrl", "posterUrl"] {
        let url = support::local(&app, data["video"]["media"][field].as_str().unwrap());
        let token = url
            .split("/media/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        let expires: i64 = token[1..].split('.').next().unwrap().parse().unwrap();
        let lifetime = expires - now;
        // Ten minutes, rounded up to the next ten (so at most twenty).
        assert!(
            (9 * 60..=20 * 60 + 5).contains(&lifetime),
            "{field} lives {lifetime} s"
        );
        let r = app.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{field}");
        assert!(!r.bytes().await.unwrap().is_empty());
    }
}

both_databases!(
    a_viewer_counts_once_per_video_per_window,
    ten_thousand_views_cost_a_few_statements,
    pending_views_survive_a_graceful_shutdown,
    fifty_user_agents_from_one_address_are_one_view,
    beacons_are_rate_limited_per_address,
    two_nodes_count_a_viewer_once,
    old_windows_are_swept_from_the_dedupe_table,
    a_signed_url_for_private_media_lasts_minutes_not_hours,
);
