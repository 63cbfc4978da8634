//! Webhook events from real transcodes: an item's media announces itself playable, each
//! rendition ready and then ready as a whole; a video's captions announce themselves once the
//! master playlist lists them. Each event is written in the transaction of the change it
//! reports, so a receiver that acts on it at once finds what it says.

use std::time::Duration;

use projector_api::media::entity::media_output;
use projector_tests::media::gst_launch;
use projector_tests::receiver::{Behaviour, Received, Receiver, endpoint, fast, signed_with};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use uuid::Uuid;

use super::support::{draft_video, upload, wait_for};

const VIDEO_MEDIA: &[&str] = &[
    "video.media.processing",
    "video.media.playable",
    "video.rendition.ready",
    "video.media.ready",
    "video.captions.ready",
];

async fn transcoding(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| {
        fast(c);
        c.workers = 1;
        c.transcode.ladder = vec![240, 144];
    })
    .await
}

/// A 320×240 clip with sound, `seconds` long.
fn clip(path: &std::path::Path, seconds: u32) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

/// The events of `event_type` received so far, as JSON.
fn of_type(got: &[Received], event_type: &str) -> Vec<Value> {
    got.iter()
        .filter(|r| r.event_type() == event_type)
        .map(Received::json)
        .collect()
}

/// Waits (at most 60 s) until `n` events of `event_type` arrived; returns everything received.
async fn wait_events(receiver: &Receiver, event_type: &str, n: usize) -> Vec<Received> {
    for _ in 0..600 {
        let got = receiver.received();
        if of_type(&got, event_type).len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let types: Vec<String> = receiver
        .received()
        .iter()
        .map(Received::event_type)
        .collect();
    panic!("expected {n} × {event_type}, got {types:?}");
}

/// Deliveries run side by side, so the event written last may arrive first: waits until each
/// `(type, n)` has arrived at least `n` times, then a little longer, so that an event sent once
/// too often is there for the counts to see; returns everything received.
async fn wait_all(receiver: &Receiver, wanted: &[(&str, usize)]) -> Vec<Received> {
    for (event_type, n) in wanted {
        wait_events(receiver, event_type, *n).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    receiver.received()
}

fn millis(event: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(event["timestamp"].as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

/// Events sorted by the time they were written (deliveries may arrive in any order).
fn by_time(mut events: Vec<Value>) -> Vec<Value> {
    events.sort_by_key(millis);
    events
}

/// The rendition rows (HLS rungs or audio files) of an asset.
async fn renditions(app: &TestApp, asset: Uuid) -> Vec<media_output::Model> {
    media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.is_in(["hls_rendition", "audio"]))
        .all(&app.db().await)
        .await
        .unwrap()
}

fn asset_of(location: &str) -> Uuid {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Checks one `.rendition.ready` per rendition row, naming the item and describing the row.
fn check_renditions(events: &[Value], rows: &[media_output::Model], item: &str) {
    assert!(!rows.is_empty());
    let mut names: Vec<&str> = events
        .iter()
        .map(|e| e["data"]["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "one event per rendition");
    for e in events {
        let row = rows.iter().find(|r| r.name == e["data"]["name"]).unwrap();
        assert_eq!(e["data"]["id"], item, "{e}");
        assert_eq!(e["data"]["kind"], row.kind.to_uppercase());
        assert_eq!(e["data"]["bytes"], row.bytes);
        assert_eq!(e["data"]["height"], json!(row.height));
        assert!(row.bytes > 0);
    }
}

async fn a_transcoded_video_announces_playable_each_rendition_ready_and_its_captions(
    backend: Backend,
) {
    let app = transcoding(backend).await;
    let token = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let (_, secret) = endpoint(&app, &token, &receiver.url, VIDEO_MEDIA).await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("clip.mp4");
    clip(&file, 3);
    let (location, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY"
    })
    .await;

    wait_events(&receiver, "video.media.ready", 1).await;
    let rows = renditions(&app, asset_of(&location)).await;
    assert_eq!(rows.len(), 2, "both rungs of the ladder");
    let got = wait_all(
        &receiver,
        &[
            ("video.media.playable", 1),
            ("video.media.processing", 1),
            ("video.rendition.ready", rows.len()),
        ],
    )
    .await;
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    let playable = of_type(&got, "video.media.playable");
    assert_eq!(playable.len(), 1, "announced once: {playable:?}");
    assert_eq!(playable[0]["data"]["id"], id);
    assert_eq!(playable[0]["data"]["mediaStatus"], "PROCESSING");
    let ready = &of_type(&got, "video.media.ready")[0];
    assert!(
        millis(&playable[0]) <= millis(ready),
        "playable comes first"
    );
    assert_eq!(of_type(&got, "video.media.processing").len(), 1);
    check_renditions(&of_type(&got, "video.rendition.ready"), &rows, &id);
    assert!(of_type(&got, "video.captions.ready").is_empty());

    // Captions: when the event arrives, the master playlist already lists them.
    let (_, body) = app
        .graphql_multipart(
            &token,
            "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language } }",
            json!({ "i": { "videoId": id, "language": "fr" } }),
            "f",
            "fr.vtt",
            b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n".to_vec(),
        )
        .await;
    assert_eq!(body["data"]["uploadCaption"]["language"], "fr", "{body}");
    let got = wait_events(&receiver, "video.captions.ready", 1).await;
    let captions = of_type(&got, "video.captions.ready");
    assert_eq!(captions.len(), 1);
    assert_eq!(captions[0]["data"]["id"], id);
    assert_eq!(captions[0]["data"]["language"], "fr");
    let media = app
        .graphql_ok(
            Some(&token),
            "query($id: ID!) { video(id: $id) { media { hlsUrl } } }",
            json!({ "id": id }),
        )
        .await;
    let hls = media["video"]["media"]["hlsUrl"].as_str().unwrap();
    let master = app
        .client
        .get(app.url(&hls[hls.find("/media/").unwrap()..]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(master.contains("LANGUAGE=\"fr\""), "{master}");

    // A caption refused (not WebVTT or SRT) sends nothing.
    let (_, body) = app
        .graphql_multipart(
            &token,
            "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language } }",
            json!({ "i": { "videoId": id, "language": "de" } }),
            "f",
            "de.vtt",
            b"this is no caption file".to_vec(),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");

    // New media for the ready video: the old media plays until the switch, so the new media
    // is announced playable with the switch (one transaction), not while it is made.
    let second = app.dir.path().join("second.mp4");
    clip(&second, 2);
    let (location, status) = upload(&app, &token, &second, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    wait_events(&receiver, "video.media.ready", 2).await;
    let first_rungs = rows.len();
    let rows = renditions(&app, asset_of(&location)).await;
    // Written in one transaction, the two are sent by different deliveries: either may arrive
    // first.
    let got = wait_all(
        &receiver,
        &[
            ("video.media.playable", 2),
            ("video.rendition.ready", first_rungs + rows.len()),
        ],
    )
    .await;
    let playable = by_time(of_type(&got, "video.media.playable"));
    assert_eq!(playable.len(), 2, "{playable:?}");
    let ready = by_time(of_type(&got, "video.media.ready"));
    let gap = millis(&ready[1]) - millis(&playable[1]);
    assert!((0..1000).contains(&gap), "written together, {gap} ms apart");
    let second_rungs: Vec<Value> = of_type(&got, "video.rendition.ready")
        .into_iter()
        .filter(|e| millis(e) > millis(&ready[0]))
        .collect();
    check_renditions(&second_rungs, &rows, &id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        of_type(&receiver.received(), "video.captions.ready").len(),
        1
    );
}

async fn an_audio_episode_announces_playable_its_two_audio_files_and_ready(backend: Backend) {
    let app = transcoding(backend).await;
    let token = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let types = [
        "episode.media.playable",
        "episode.rendition.ready",
        "episode.media.ready",
        "video.media.playable",
    ];
    let (_, secret) = endpoint(&app, &token, &receiver.url, &types).await;
    let channel = app.create_channel(&token, "Pods").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let podcast = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createPodcast(input: { channelId: $c, title: \"Show\", author: \"Ann\", ownerName: \"Ann\", ownerEmail: \"ann@example.com\", language: \"en\" }) { podcast { id } } }",
            json!({ "c": channel }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = app.dir.path().join("episode.wav");
    gst_launch(&format!(
        "audiotestsrc num-buffers=235 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! wavenc ! filesink location={}",
        file.display()
    ));
    let (location, status) = upload(&app, &token, &file, &[("podcastId", &podcast)]).await;
    assert_eq!(status, "complete");
    wait_events(&receiver, "episode.media.ready", 1).await;
    let rows = renditions(&app, asset_of(&location)).await;
    assert_eq!(rows.len(), 2, "M4A and MP3");
    let got = wait_all(
        &receiver,
        &[
            ("episode.media.playable", 1),
            ("episode.rendition.ready", rows.len()),
        ],
    )
    .await;
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    let ready = &of_type(&got, "episode.media.ready")[0];
    let item = ready["data"]["id"].as_str().unwrap().to_string();
    let playable = of_type(&got, "episode.media.playable");
    assert_eq!(playable.len(), 1);
    assert_eq!(playable[0]["data"]["id"], item);
    check_renditions(&of_type(&got, "episode.rendition.ready"), &rows, &item);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        of_type(&receiver.received(), "video.media.playable").is_empty(),
        "an episode is no video"
    );
}

both_databases!(
    a_transcoded_video_announces_playable_each_rendition_ready_and_its_captions,
    an_audio_episode_announces_playable_its_two_audio_files_and_ready,
);
