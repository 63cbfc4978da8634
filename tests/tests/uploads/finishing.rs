//! Finishing an upload that fails (issue 13, finding 3): it is tried again, an upload that
//! cannot be finished ends `failed` where its uploader sees it, and one a stop left unfinished
//! is finished at the next start. Nothing stays `processing` with nothing happening.

use std::path::Path;
use std::time::{Duration, Instant};

use projector_tests::media::mp4;
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use serde_json::json;

/// Makes the local media store refuse every write: its staging directory becomes a file (root
/// ignores permissions, so a read-only directory would not do).
fn break_store(app: &TestApp) {
    let staging = app.config.media_dir.join(".staging");
    std::fs::remove_dir_all(&staging).unwrap();
    std::fs::write(&staging, b"not a directory").unwrap();
}

/// Undoes [`break_store`].
fn mend_store(app: &TestApp) {
    let staging = app.config.media_dir.join(".staging");
    std::fs::remove_file(&staging).unwrap();
    std::fs::create_dir_all(&staging).unwrap();
}

/// Creates a channel and uploads a short clip that makes a draft video in it; returns the
/// upload's location and the channel's ID.
async fn upload_clip(app: &TestApp, token: &str, dir: &Path) -> (String, String) {
    let channel = app.create_channel(token, "Clips").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let clip = dir.join("clip.mp4");
    mp4(&clip, 1);
    let res = tus::create_with_upload(
        app,
        token,
        std::fs::read(&clip).unwrap(),
        &metadata(&[("filename", "clip.mp4"), ("channelId", &channel)]),
    )
    .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    (location, channel)
}

/// The upload's status after `wait`, checking it is still `processing` (being retried).
async fn still_processing_after(app: &TestApp, token: &str, location: &str, wait: Duration) {
    tokio::time::sleep(wait).await;
    let (_, _, status) = tus::head(app, token, location).await;
    assert_eq!(status.as_deref(), Some("processing"));
}

async fn a_finish_that_fails_is_tried_again_and_completes_once_the_store_is_back(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    break_store(&app);
    let (location, _) = upload_clip(&app, &token, app.dir.path()).await;
    // Long enough for the probe and the first tries, all failing.
    still_processing_after(&app, &token, &location, Duration::from_secs(3)).await;
    mend_store(&app);
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "complete"
    );
}

async fn an_upload_that_cannot_be_stored_ends_failed_with_a_reason_on_its_video(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    break_store(&app);
    let (location, channel) = upload_clip(&app, &token, app.dir.path()).await;
    let started = Instant::now();
    let status = tus::wait_until_settled(&app, &token, &location).await;
    assert_eq!(status, "failed");
    assert!(
        started.elapsed() > Duration::from_secs(5),
        "given up without retrying: {:?}",
        started.elapsed()
    );
    let shown = app
        .graphql_ok(Some(&token), "{ myUploads { status error } }", json!({}))
        .await;
    assert_eq!(shown["myUploads"][0]["status"], "FAILED", "{shown}");
    let error = shown["myUploads"][0]["error"].as_str().unwrap();
    assert!(error.contains("send it again"), "{error}");
    let videos = app
        .graphql_ok(
            Some(&token),
            "query($c: ID!) { node(id: $c) { ... on Channel { videos(first: 5) { nodes { status mediaError } } } } }",
            json!({ "c": channel }),
        )
        .await;
    let video = &videos["node"]["videos"]["nodes"][0];
    assert_eq!(video["status"], "DRAFT", "{video}");
    assert!(
        video["mediaError"]
            .as_str()
            .is_some_and(|e| e.contains("upload failed")),
        "{video}"
    );
    // Final: a later PATCH cannot revive it.
    let res = tus::patch(&app, &token, &location, 0, vec![0u8; 10], false).await;
    assert_eq!(res.status(), 409, "{:?}", res.text().await);
}

async fn an_upload_a_stop_left_unfinished_is_finished_at_the_next_start(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    break_store(&app);
    let (location, _) = upload_clip(&app, &token, app.dir.path()).await;
    still_processing_after(&app, &token, &location, Duration::from_secs(2)).await;
    // The server stops while it waits to try again; the store is mended meanwhile.
    let app = {
        let mut app = app;
        app.shutdown().await;
        mend_store(&app);
        app.restart().await
    };
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "complete"
    );
}

both_databases!(
    a_finish_that_fails_is_tried_again_and_completes_once_the_store_is_back,
    an_upload_that_cannot_be_stored_ends_failed_with_a_reason_on_its_video,
    an_upload_a_stop_left_unfinished_is_finished_at_the_next_start,
);
