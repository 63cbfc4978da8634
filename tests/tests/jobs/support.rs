//! Helpers shared by the job tests.

use std::path::Path;
use std::time::{Duration, Instant};

use projector_tests::TestApp;
use projector_tests::tus::{self, metadata};
use serde_json::{Value, json};

/// Creates a channel and a draft video in it; returns the video's global ID.
pub async fn draft_video(app: &TestApp, token: &str) -> String {
    let channel = app.create_channel(token, "Jobs").await;
    let channel = channel["id"].as_str().unwrap();
    app.create_video(token, channel, "Clip", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Uploads a whole file over tus with the given metadata; returns the upload's location once
/// the server has settled it, and its final status.
pub async fn upload(
    app: &TestApp,
    token: &str,
    file: &Path,
    meta: &[(&str, &str)],
) -> (String, String) {
    let bytes = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    let mut pairs = vec![("filename", name)];
    pairs.extend_from_slice(meta);
    let location = tus::create_ok(app, token, bytes.len() as u64, &metadata(&pairs)).await;
    let res = tus::patch(app, token, &location, 0, bytes, true).await;
    assert_eq!(res.status(), 204, "{:?}", res.text().await);
    let status = tus::wait_until_settled(app, token, &location).await;
    (location, status)
}

/// The fields of a video the job tests look at.
pub const VIDEO: &str = "query($id: ID!) { video(id: $id) { id status mediaError duration \
    processing { status percent stage attempts maxAttempts error } } }";

/// Reads a video as `token` sees it.
pub async fn video(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_ok(Some(token), VIDEO, json!({ "id": id }))
        .await["video"]
        .clone()
}

/// Polls a video until `done` holds (or panics after `timeout`); returns the last reading.
pub async fn wait_for(
    app: &TestApp,
    token: &str,
    id: &str,
    timeout: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let v = video(app, token, id).await;
        if done(&v) {
            return v;
        }
        assert!(started.elapsed() < timeout, "timed out; last reading: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
