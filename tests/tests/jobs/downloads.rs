//! MP4 downloads: a video whose downloads are on (its own setting, else its channel's) gets,
//! after its ladder, its highest rung as an MP4 and its sound as an M4A, listed with sizes in
//! `Video.downloads`; each URL serves those bytes as an attachment, and they play (probed like
//! an upload). Turning downloads off hides them and their URLs at once; on local storage and on
//! Garage.

use std::time::{Duration, Instant};

use projector_api::media::probe::probe_file;
use projector_tests::garage::Garage;
use projector_tests::media::gst_launch;
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app_with};
use serde_json::{Value, json};

use super::support::{draft_video, upload, wait_for};

const DOWNLOADS: &str = "query($id: ID!) { video(id: $id) { status downloadsEnabled \
    downloads { format url contentType bytes width height duration } } }";
const UPDATE: &str =
    "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id downloadsEnabled } } }";

async fn app_on(backend: Backend, garage: Option<&Garage>) -> TestApp {
    let s3 = garage.map(|g| g.s3.clone());
    spawn_app_with(backend, move |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240, 144];
        if let Some(s3) = s3 {
            c.storage.backend = projector_api::config::StorageBackend::S3;
            c.storage.s3 = s3;
        }
    })
    .await
}

/// A 320×240 clip with sound (or without), `seconds` long.
fn clip(path: &std::path::Path, seconds: u32, sound: bool) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    let audio = if sound {
        format!(
            " audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux."
        )
    } else {
        String::new()
    };
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! filesink location={}{audio}",
        path.display()
    ));
}

async fn downloads_of(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_ok(Some(token), DOWNLOADS, json!({ "id": id }))
        .await["video"]
        .clone()
}

/// Polls until the video lists `n` downloads (at most 120 s).
async fn wait_downloads(app: &TestApp, token: &str, id: &str, n: usize) -> Value {
    let started = Instant::now();
    loop {
        let v = downloads_of(app, token, id).await;
        if v["downloads"].as_array().unwrap().len() == n {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no downloads: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Fetches a URL the API handed out (on this server; on Garage it may redirect to a presigned
/// URL, which reqwest follows).
async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    let at = url.find("/media/").expect("a media URL");
    app.client.get(app.url(&url[at..])).send().await.unwrap()
}

/// Fetches a download, checks its headers and size, and probes its bytes.
async fn fetch_and_probe(app: &TestApp, d: &Value) -> projector_api::media::probe::Probe {
    let res = fetch(app, d["url"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200, "{d}");
    let served_here = res.url().as_str().starts_with(&app.url("/"));
    let disposition = res
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = res.bytes().await.unwrap();
    assert_eq!(bytes.len() as i64, d["bytes"].as_i64().unwrap(), "{d}");
    let name = if d["format"] == "MP4" {
        "video.mp4"
    } else {
        "audio.m4a"
    };
    // Saved, not played in the tab, whether this server or the bucket (through the presigned
    // URL's `response-content-disposition`) answers.
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{name}\""),
        "served here: {served_here}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, &bytes).unwrap();
    probe_file(&path).await.unwrap()
}

async fn downloads_follow_the_setting_and_play(backend: Backend, garage: Option<&Garage>) {
    let app = app_on(backend, garage).await;
    let token = app.admin_token().await;
    let channel = app.create_channel(&token, "Downloads").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.graphql_ok(
        Some(&token),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { downloadsEnabled } } }",
        json!({ "i": { "id": channel, "downloadsEnabled": true } }),
    )
    .await;
    let id = app
        .create_video(&token, &channel, "Take it home", json!({}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = app.dir.path().join("clip.mp4");
    clip(&file, 3, true);
    let (_, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let v = wait_downloads(&app, &token, &id, 2).await;
    assert_eq!(v["status"], "READY");
    assert_eq!(v["downloadsEnabled"], Value::Null, "follows its channel");
    let mp4 = &v["downloads"][0];
    let m4a = &v["downloads"][1];
    assert_eq!(mp4["format"], "MP4");
    assert_eq!(mp4["contentType"], "video/mp4");
    assert_eq!(mp4["height"], 240, "the highest rung");
    assert_eq!(m4a["format"], "M4A");
    assert_eq!(m4a["contentType"], "audio/mp4");
    assert_eq!(m4a["height"], Value::Null);
    let probed = fetch_and_probe(&app, mp4).await;
    let video = probed.video.expect("a video track");
    assert_eq!((video.width, video.height), (320, 240));
    assert!(probed.audio.is_some(), "with its sound");
    assert!(
        (probed.duration_secs - 3.0).abs() < 0.5,
        "{}",
        probed.duration_secs
    );
    let probed = fetch_and_probe(&app, m4a).await;
    assert!(probed.video.is_none(), "sound only");
    assert!(probed.audio.is_some());

    // Saving something else keeps the setting (nothing sends null for it).
    app.graphql_ok(
        Some(&token),
        UPDATE,
        json!({ "i": { "id": id, "title": "Renamed" } }),
    )
    .await;
    assert_eq!(
        downloads_of(&app, &token, &id).await["downloadsEnabled"],
        Value::Null
    );

    // Off on the video: the list is empty and the URLs answer 404 at once.
    let off = app
        .graphql_ok(
            Some(&token),
            UPDATE,
            json!({ "i": { "id": id, "downloadsEnabled": false } }),
        )
        .await;
    assert_eq!(off["updateVideo"]["video"]["downloadsEnabled"], false);
    assert_eq!(
        downloads_of(&app, &token, &id).await["downloads"],
        json!([])
    );
    for d in [mp4, m4a] {
        let res = fetch(&app, d["url"].as_str().unwrap()).await;
        assert_eq!(res.status(), 404, "{d}");
    }
    // Null again: the channel's setting (on) applies, and the stored files are back.
    app.graphql_ok(
        Some(&token),
        UPDATE,
        json!({ "i": { "id": id, "downloadsEnabled": null } }),
    )
    .await;
    let back = downloads_of(&app, &token, &id).await;
    assert_eq!(back["downloads"][0]["bytes"], mp4["bytes"]);
    assert_eq!(
        fetch(&app, back["downloads"][0]["url"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

async fn downloads_on_local_storage(backend: Backend) {
    downloads_follow_the_setting_and_play(backend, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_on_garage() {
    let garage = Garage::start();
    downloads_follow_the_setting_and_play(Backend::Sqlite, Some(&garage)).await
}

async fn downloads_turned_on_for_a_ready_video_are_made_then_and_only_its_editors_decide(
    backend: Backend,
) {
    let app = app_on(backend, None).await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("silent.mp4");
    clip(&file, 2, false);
    let (_, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY"
    })
    .await;
    // Off by default: nothing is made.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        downloads_of(&app, &token, &id).await["downloads"],
        json!([])
    );
    assert_eq!(app.count("jobs").await, 1, "no downloads job");

    // Someone who does not manage it cannot read or change the setting.
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let editor = app.user_token("other@example.com", "EDITOR").await;
    for who in [&viewer, &editor] {
        let body = app
            .graphql(
                Some(who),
                UPDATE,
                json!({ "i": { "id": id, "downloadsEnabled": true } }),
            )
            .await;
        assert!(error_code(&body).is_some(), "{body}");
    }
    let body = app.graphql(None, DOWNLOADS, json!({ "id": id })).await;
    assert!(body["data"]["video"].is_null(), "a draft is hidden: {body}");
    assert_eq!(app.count("jobs").await, 1, "refused changes queue nothing");

    // Turned on by its editor: made now, from the stored rung; a video without sound gets
    // the MP4 alone.
    app.graphql_ok(
        Some(&token),
        UPDATE,
        json!({ "i": { "id": id, "downloadsEnabled": true } }),
    )
    .await;
    let v = wait_downloads(&app, &token, &id, 1).await;
    assert_eq!(v["downloads"][0]["format"], "MP4");
    let probed = fetch_and_probe(&app, &v["downloads"][0]).await;
    assert!(probed.video.is_some());
    assert!(probed.audio.is_none());
    // Processing still shows the transcode, not the downloads job.
    let processing = app
        .graphql_ok(
            Some(&token),
            "query($id: ID!) { video(id: $id) { processing { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(processing["video"]["processing"]["status"], "SUCCEEDED");
    // Turning it on again makes nothing new.
    app.graphql_ok(
        Some(&token),
        UPDATE,
        json!({ "i": { "id": id, "downloadsEnabled": true } }),
    )
    .await;
    assert_eq!(app.count("jobs").await, 2);
}

both_databases!(
    downloads_on_local_storage,
    downloads_turned_on_for_a_ready_video_are_made_then_and_only_its_editors_decide,
);
