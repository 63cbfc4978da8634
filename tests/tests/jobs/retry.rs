//! `retryTranscode`: an editor runs a failed transcode again.

use std::time::Duration;

use projector_api::media::ObjectKey;
use projector_tests::media::mp4;
use projector_tests::{Backend, both_databases, error_code, spawn_app_with};
use serde_json::json;
use uuid::Uuid;

use super::support::{draft_video, upload, video, wait_for};

const RETRY: &str = "mutation($id: ID!) { retryTranscode(input: { videoId: $id }) { processing { status attempts maxAttempts } } }";

async fn a_failed_transcode_retried_by_an_editor_of_its_channel_runs_again_and_the_video_becomes_ready(
    backend: Backend,
) {
    let mut app = spawn_app_with(backend, |c| {
        c.workers = 0;
        c.transcode.max_attempts = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    // Nothing has failed yet: a video without media has nothing to retry.
    let refused = app.graphql(Some(&token), RETRY, json!({ "id": id })).await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    assert_eq!(video(&app, &token, &id).await["status"], "DRAFT");

    let file = app.dir.path().join("clip.mp4");
    mp4(&file, 2);
    let (location, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    // Take the source away behind the worker's back, so its only attempt fails.
    let storage = projector_api::media::open_storage(&app.config.storage, &app.config.media_dir)
        .await
        .unwrap();
    let key = ObjectKey::for_asset(asset, "source").unwrap();
    let source = projector_api::media::storage::read_all(storage.as_ref(), &key)
        .await
        .unwrap();
    storage.delete(&key).await.unwrap();
    app.config.workers = 1;
    let app = app.restart().await;
    let token = app.admin_token().await;
    let failed = wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "FAILED" || v["status"] == "READY"
    })
    .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert_eq!(failed["processing"]["status"], "FAILED", "{failed}");

    // An editor of another channel may not retry it, and nothing changes.
    let stranger = app.user_token("stranger@example.com", "EDITOR").await;
    let refused = app
        .graphql(Some(&stranger), RETRY, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(video(&app, &token, &id).await, failed);

    // With the source back, the editor retries: queued with fresh attempts, processing again,
    // the old reason gone, and then ready.
    storage
        .put_bytes(&key, source.into(), "video/mp4")
        .await
        .unwrap();
    let retried = app
        .graphql_ok(Some(&token), RETRY, json!({ "id": id }))
        .await;
    let processing = &retried["retryTranscode"]["processing"];
    assert_eq!(processing["attempts"], 0, "{retried}");
    assert_eq!(processing["maxAttempts"], 1, "{retried}");
    let ready = wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY" || v["status"] == "FAILED"
    })
    .await;
    assert_eq!(ready["status"], "READY", "{ready}");
    assert!(ready["mediaError"].is_null(), "{ready}");

    // A transcode that succeeded is not retried, and the video stays as it is.
    let refused = app.graphql(Some(&token), RETRY, json!({ "id": id })).await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("only a failed transcode"), "{message}");
    assert_eq!(video(&app, &token, &id).await, ready);
}

both_databases!(
    a_failed_transcode_retried_by_an_editor_of_its_channel_runs_again_and_the_video_becomes_ready
);
