//! Many uploads finishing at once while a transcode runs (issue 13, finding 3): every upload
//! ends in a final state, none is left `processing` with no job, and no response tells of a
//! locked database. Also: uploads that create drafts with one long title get distinct slugs
//! (finding 6).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::future::join_all;
use projector_tests::media::{Clip, mp4};
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use serde_json::{Value, json};

/// Uploads finishing at once.
const BURST: usize = 16;
/// How long an upload may take to settle once its bytes are in (retries included).
const SETTLE_WITHIN: Duration = Duration::from_secs(90);

/// The videos of a channel with their transcode state.
const CHANNEL_VIDEOS: &str = "query($c: ID!) { node(id: $c) { ... on Channel { \
    videos(first: 50) { nodes { id title slug status processing { status percent } } } } } }";

async fn channel_videos(app: &TestApp, token: &str, channel: &str) -> Vec<Value> {
    let data = app
        .graphql_ok(Some(token), CHANNEL_VIDEOS, json!({ "c": channel }))
        .await;
    data["node"]["videos"]["nodes"]
        .as_array()
        .expect("a list of videos")
        .clone()
}

/// Polls every upload until it leaves `uploading`/`processing` or `timeout` passes; returns
/// the last status of each (still `processing` for one that never settled).
async fn settle_all(
    app: &TestApp,
    token: &str,
    locations: &[String],
    timeout: Duration,
) -> Vec<String> {
    let started = Instant::now();
    let mut states = vec![String::new(); locations.len()];
    loop {
        let mut open = 0;
        for (i, location) in locations.iter().enumerate() {
            if !states[i].is_empty() && states[i] != "uploading" && states[i] != "processing" {
                continue;
            }
            let (code, _, status) = tus::head(app, token, location).await;
            states[i] = status.unwrap_or_else(|| format!("HEAD answered {code}"));
            if states[i] == "uploading" || states[i] == "processing" {
                open += 1;
            }
        }
        if open == 0 || started.elapsed() > timeout {
            return states;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn sixteen_uploads_finishing_at_once_while_a_transcode_runs_all_reach_a_final_state(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![360, 240];
    })
    .await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&token, "Burst").await["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A long transcode first: its worker writes progress and heartbeats all through the burst.
    let long = app.dir.path().join("long.mp4");
    Clip::new(640, 360, 40.0).write(&long);
    let res = tus::create_with_upload(
        &app,
        &token,
        std::fs::read(&long).unwrap(),
        &metadata(&[("filename", "long.mp4"), ("channelId", &channel)]),
    )
    .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let long_location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        tus::wait_until_settled(&app, &token, &long_location).await,
        "complete"
    );
    let started = Instant::now();
    while !channel_videos(&app, &token, &channel)
        .await
        .iter()
        .any(|v| v["processing"]["status"] == "RUNNING")
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the transcode never started"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The burst: sixteen creation-with-upload POSTs at once, each creating a draft video that
    // its file is attached to, so every finish writes while the others and the worker do.
    let clip = app.dir.path().join("clip.mp4");
    mp4(&clip, 1);
    let bytes = std::fs::read(&clip).unwrap();
    let metas: Vec<String> = (0..BURST)
        .map(|i| {
            metadata(&[
                ("filename", &format!("clip {i}.mp4")),
                ("channelId", &channel),
            ])
        })
        .collect();
    let responses = join_all(
        metas
            .iter()
            .map(|meta| tus::create_with_upload(&app, &token, bytes.clone(), meta)),
    )
    .await;
    let mut locations = Vec::new();
    let mut refused = Vec::new();
    for res in responses {
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().await.unwrap_or_default();
        assert!(
            !body.to_lowercase().contains("locked"),
            "a response tells of a locked database: {status} {body}"
        );
        match (status, location) {
            (201, Some(location)) => locations.push(location),
            _ => refused.push(format!("{status} {body}")),
        }
    }
    assert!(refused.is_empty(), "POSTs refused: {refused:?}");
    let videos = channel_videos(&app, &token, &channel).await;
    let long_video = videos
        .iter()
        .find(|v| v["title"] == "long")
        .expect("the long upload's video");
    assert_eq!(
        long_video["processing"]["status"], "RUNNING",
        "the transcode ran all through the burst: {long_video}"
    );

    let states = settle_all(&app, &token, &locations, SETTLE_WITHIN).await;
    let stuck: Vec<_> = locations
        .iter()
        .zip(&states)
        .filter(|(_, s)| s.as_str() != "complete")
        .collect();
    assert!(
        stuck.is_empty(),
        "{} of {BURST} uploads did not complete within {SETTLE_WITHIN:?}: {stuck:?}",
        stuck.len()
    );
    let uploads = app
        .graphql_ok(Some(&token), "{ myUploads { status error } }", json!({}))
        .await;
    for upload in uploads["myUploads"].as_array().unwrap() {
        assert_eq!(upload["status"], "COMPLETE", "{upload}");
        assert!(upload["error"].is_null(), "{upload}");
    }
    // Each upload's video holds its media and has its transcode queued (or done): none is
    // `processing` with no job behind it.
    let videos = channel_videos(&app, &token, &channel).await;
    assert_eq!(videos.len(), BURST + 1, "{videos:?}");
    for v in &videos {
        assert!(
            !v["processing"].is_null(),
            "a video without a transcode job: {v}"
        );
    }
    assert_eq!(app.count("jobs").await, (BURST + 1) as i64);
}

async fn uploads_that_create_drafts_with_one_long_title_get_distinct_slugs(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&token, "Long titles").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // 150 characters: its slug is cut to the 100-byte limit, and suffixes go on a shorter stem.
    let title = "A very long title about the many ways uploads can collide ".repeat(3);
    let title: String = title.chars().take(150).collect();
    let metas: Vec<String> = (0..10)
        .map(|_| {
            metadata(&[
                ("filename", "clip.mp4"),
                ("title", &title),
                ("channelId", &channel),
            ])
        })
        .collect();
    let responses = join_all(
        metas
            .iter()
            .map(|meta| tus::create(&app, &token, 1000, meta)),
    )
    .await;
    for res in responses {
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    let videos = channel_videos(&app, &token, &channel).await;
    assert_eq!(videos.len(), 10, "{videos:?}");
    let slugs: HashSet<&str> = videos.iter().map(|v| v["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 10, "slugs repeat: {slugs:?}");
    for slug in &slugs {
        assert!(slug.len() <= 100, "{slug}");
        assert!(slug.starts_with("a-very-long-title-about"), "{slug}");
    }
}

both_databases!(
    sixteen_uploads_finishing_at_once_while_a_transcode_runs_all_reach_a_final_state,
    uploads_that_create_drafts_with_one_long_title_get_distinct_slugs,
);
