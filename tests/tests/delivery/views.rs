//! View counting through `POST /views/{videoId}`: once per viewer per window, written in
//! batches, kept across a graceful shutdown.

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

async fn statements(app: &TestApp) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("projector_db_statements_total "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

async fn view(app: &TestApp, id: &str, agent: &str, token: Option<&str>) -> StatusCode {
    let mut r = app
        .client
        .post(app.url(&format!("/views/{id}")))
        .header("user-agent", agent);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status()
}

async fn a_viewer_counts_once_per_video_per_window(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        c.delivery.view_flush_ms = 100;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Viewed").await;
    let a = support::video(&app, &admin, &channel, "A", json!({})).await;
    let b = support::video(&app, &admin, &channel, "B", json!({})).await;
    // The same browser five times, a second browser, the same browser on another video, and a
    // signed-in user (counted by account, whatever their browser says).
    for _ in 0..5 {
        assert_eq!(
            view(&app, &a, "browser-1", None).await,
            StatusCode::NO_CONTENT
        );
    }
    view(&app, &a, "browser-2", None).await;
    view(&app, &b, "browser-1", None).await;
    view(&app, &a, "browser-3", Some(&admin)).await;
    view(&app, &a, "browser-4", Some(&admin)).await;
    // Global IDs and raw UUIDs name the same video.
    view(&app, &support::uuid_of(&a).to_string(), "browser-1", None).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(view_count(&app, &a).await, 3);
    assert_eq!(view_count(&app, &b).await, 1);

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
        with_secret(c);
        // No timed flush during the burst: the batch is written once, at the shutdown below
        // (timed flushes are exercised by the dedupe test).
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Popular").await;
    let id = support::video(&app, &admin, &channel, "Hit", json!({})).await;
    view(&app, &id, "warm-up", None).await;
    let before = statements(&app).await;
    let url = app.url(&format!("/views/{id}"));
    let client = app.client.clone();
    futures::future::join_all((0..16).map(|worker| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            for i in 0..625 {
                let r = client
                    .post(&url)
                    .header("user-agent", format!("viewer-{worker}-{i}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::NO_CONTENT);
            }
        }
    }))
    .await;
    // Only the cached visibility check goes to the database, once per few seconds.
    let cost = statements(&app).await - before;
    assert!(
        cost <= 5,
        "10 000 views cost {cost} statements before the flush"
    );
    eprintln!("10 000 views cost {cost} statements before the flush");
    // The whole batch is one UPDATE: count the statements of a flush on a fresh server.
    let app = app.restart().await;
    assert_eq!(view_count(&app, &id).await, 10_001);
}

async fn pending_views_survive_a_graceful_shutdown(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        // Never on a timer during this test: only the shutdown can write them.
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Durable").await;
    let id = support::video(&app, &admin, &channel, "Kept", json!({})).await;
    for i in 0..7 {
        view(&app, &id, &format!("agent-{i}"), None).await;
    }
    assert_eq!(
        view_count(&app, &id).await,
        0,
        "written before the shutdown"
    );
    let app = app.restart().await;
    assert_eq!(view_count(&app, &id).await, 7);
}

both_databases!(
    a_viewer_counts_once_per_video_per_window,
    ten_thousand_views_cost_a_few_statements,
    pending_views_survive_a_graceful_shutdown,
);
