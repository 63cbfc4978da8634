//! The public response cache ends when a change could alter what anonymous readers see, over
//! every transport, and only then: a new draft, its upload and its transcode leave it, so
//! editors at work do not empty the cache that carries the public site.

use std::time::Duration;

use futures_util::SinkExt as _;
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::subscriptions::{clip, connect, next_json};
use super::support::{upload, wait_for};

const READ: &str =
    "query($id: ID!) { video(id: $id) { title } videos(first: 20) { nodes { title } } }";

/// What an anonymous reader is answered: the watched video's title and the public list's titles.
async fn read(app: &TestApp, id: &str) -> (String, Vec<String>) {
    let data = app.graphql_ok(None, READ, json!({ "id": id })).await;
    let titles = data["videos"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["title"].as_str().unwrap().to_string())
        .collect();
    (data["video"]["title"].as_str().unwrap().to_string(), titles)
}

/// Changes a title in the database without the server knowing: only a cached answer still
/// shows the old one.
async fn retitle_behind_its_back(app: &TestApp, id: &str, title: &str) {
    let uuid = projector_api::graphql::relay::from_global(&id.into(), "Video").unwrap();
    let db = app.db().await;
    db.execute_unprepared(&format!(
        "UPDATE videos SET title = '{title}' WHERE id = '{uuid}'"
    ))
    .await
    .unwrap();
    db.close().await.ok();
}

async fn uploaded_and_ready(app: &TestApp, token: &str, id: &str, file: &std::path::Path) {
    let (_, status) = upload(app, token, file, &[("videoId", id)]).await;
    assert_eq!(status, "complete");
    let done = |v: &Value| v["status"] == "READY" || v["status"] == "FAILED";
    let v = wait_for(app, token, id, Duration::from_secs(120), done).await;
    assert_eq!(v["status"], "READY", "{v}");
}

async fn publish(app: &TestApp, token: &str, id: &str) {
    app.graphql_ok(
        Some(token),
        "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id } }),
    )
    .await;
}

async fn drafts_leave_the_public_cache_and_public_changes_end_it_over_post_and_websocket(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
        c.graphql.public_cache_ttl_ms = 600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Cached").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = app.dir.path().join("clip.mp4");
    clip(&file);
    let shown = app.create_video(&admin, &channel, "Shown", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    uploaded_and_ready(&app, &admin, &shown, &file).await;
    publish(&app, &admin, &shown).await;

    // Cached: a change behind the server's back does not show.
    assert_eq!(read(&app, &shown).await.0, "Shown");
    retitle_behind_its_back(&app, &shown, "Behind").await;
    assert_eq!(read(&app, &shown).await.0, "Shown", "the cache is not on");

    // A new draft, its upload and its transcode: nothing the public sees, and the cache stays.
    let draft = app.create_video(&admin, &channel, "Draft", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    uploaded_and_ready(&app, &admin, &draft, &file).await;
    let (title, list) = read(&app, &shown).await;
    assert_eq!(
        title, "Shown",
        "a draft's creation, upload or transcode emptied the cache"
    );
    assert_eq!(list, ["Shown"]);
    // Its editor still plays it: who may read its media follows every change.
    let media = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { media { hlsUrl } } }",
            json!({ "id": draft }),
        )
        .await;
    let hls = media["video"]["media"]["hlsUrl"]
        .as_str()
        .unwrap()
        .replacen(
            app.config.public_url.as_str().trim_end_matches('/'),
            &app.base,
            1,
        );
    let r = app.client.get(&hls).send().await.unwrap();
    assert_eq!(r.status(), 200, "{hls}");
    assert!(r.text().await.unwrap().starts_with("#EXTM3U"));

    // An editor's change over WebSocket ends the cache, as one over POST does.
    let mut ws = connect(&app, Some(&admin)).await;
    ws.send(Message::text(
        json!({ "id": "m", "type": "subscribe", "payload": {
            "query": "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { title } } }",
            "variables": { "i": { "id": shown, "title": "After" } } } })
        .to_string(),
    ))
    .await
    .unwrap();
    let answer = next_json(&mut ws, Duration::from_secs(10))
        .await
        .expect("an answer to the mutation");
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(
        answer["payload"]["data"]["updateVideo"]["video"]["title"],
        "After"
    );
    assert_eq!(
        read(&app, &shown).await.0,
        "After",
        "a mutation over WebSocket left the public cache as it was"
    );

    // A video published while its media is processing goes out when its transcode ends,
    // without waiting for the cache to expire.
    let early = app.create_video(&admin, &channel, "Early", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, status) = upload(&app, &admin, &file, &[("videoId", &early)]).await;
    assert_eq!(status, "complete");
    publish(&app, &admin, &early).await;
    let before = read(&app, &shown).await.1;
    let done = |v: &Value| v["status"] == "READY" || v["status"] == "FAILED";
    let v = wait_for(&app, &admin, &early, Duration::from_secs(120), done).await;
    assert_eq!(v["status"], "READY", "{v}");
    let after = read(&app, &shown).await.1;
    assert!(
        after.contains(&"Early".to_string()),
        "a published video that became ready stayed out of the cached list: before {before:?}, after {after:?}"
    );
}

both_databases!(drafts_leave_the_public_cache_and_public_changes_end_it_over_post_and_websocket);
