//! From a finished upload to a ready video: the job, the outputs, the status the video shows,
//! progress over WebSocket, and deletion.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use projector_api::media::entity::media_output;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use projector_tests::media::{gst_launch, mp4};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use uuid::Uuid;

use super::support::{draft_video, upload, video, wait_for};

fn uuid_of(global: &str) -> Uuid {
    projector_api::graphql::relay::from_global(&global.into(), "Video").unwrap()
}

/// A small stereo clip (320×240) of `seconds`.
fn small_clip(path: &std::path::Path, seconds: u32) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

/// A 10 s 1280×720 H.264/AAC clip with a moving test pattern and a tone.
fn clip_720p(path: &std::path::Path, seconds: u32) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} pattern=ball ! video/x-raw,width=1280,height=720,framerate=25/1 ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

async fn storage_of(app: &TestApp) -> std::sync::Arc<dyn Storage> {
    projector_api::media::open_storage(&app.config.storage, &app.config.media_dir)
        .await
        .unwrap()
}

async fn a_rejected_upload_shows_its_reason_on_the_video_and_queues_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.workers = 1).await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("notes.mp4");
    std::fs::write(
        &file,
        b"these are not the frames you are looking for\n".repeat(50),
    )
    .unwrap();
    let (_, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "rejected");
    let v = video(&app, &token, &id).await;
    let error = v["mediaError"].as_str().unwrap_or_default();
    assert!(error.starts_with("upload rejected: "), "{v}");
    assert_eq!(v["status"], "DRAFT");
    assert_eq!(v["processing"], Value::Null);
    assert_eq!(app.count("jobs").await, 0);
    assert_eq!(app.count("media_assets").await, 0);
}

async fn a_rejected_replacement_keeps_a_published_video_public_on_its_old_media(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let first = app.dir.path().join("first.mp4");
    small_clip(&first, 2);
    upload(&app, &token, &first, &[("videoId", &id)]).await;
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY" || v["status"] == "FAILED"
    })
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;
    let public = "query($id: ID!) { video(id: $id) { status media { playable hlsUrl } } }";
    let before = app.graphql_ok(None, public, json!({ "id": id })).await;
    assert_eq!(before["video"]["media"]["playable"], true, "{before}");
    let hls = before["video"]["media"]["hlsUrl"]
        .as_str()
        .unwrap()
        .to_string();

    let file = app.dir.path().join("notes.mp4");
    std::fs::write(&file, b"not a video at all\n".repeat(50)).unwrap();
    let (_, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "rejected");
    // The editor sees why; the public still sees the video, playing its old media.
    let v = video(&app, &token, &id).await;
    assert_eq!(v["status"], "READY", "{v}");
    let error = v["mediaError"].as_str().unwrap_or_default();
    assert!(error.starts_with("upload rejected: "), "{v}");
    let after = app.graphql_ok(None, public, json!({ "id": id })).await;
    assert_eq!(after, before, "the public view changed");
    let path = &hls[hls.find("/media/").unwrap()..];
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().starts_with("#EXTM3U"));
}

async fn an_upload_for_a_video_someone_else_manages_is_refused_before_any_byte(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.workers = 0).await;
    let admin = app.admin_token().await;
    let id = draft_video(&app, &admin).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let res = projector_tests::tus::create(
        &app,
        &editor,
        1000,
        &projector_tests::tus::metadata(&[("filename", "a.mp4"), ("videoId", &id)]),
    )
    .await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "FORBIDDEN");
    assert_eq!(app.count("uploads").await, 0);
}

async fn an_upload_to_a_channel_creates_a_draft_named_after_the_file(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.workers = 0).await;
    let token = app.admin_token().await;
    let channel = app.create_channel(&token, "Talks").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let made = app.dir.path().join("keynote.mp4");
    mp4(&made, 1);
    let file = app.dir.path().join("Opening keynote.mp4");
    std::fs::rename(&made, &file).unwrap();
    let (_, status) = upload(&app, &token, &file, &[("channelId", &channel)]).await;
    assert_eq!(status, "complete");
    let data = app
        .graphql_ok(
            Some(&token),
            "query($c: ID!) { node(id: $c) { ... on Channel { videos(first: 5) { nodes { id title status processing { status } } } } } }",
            json!({ "c": channel }),
        )
        .await;
    let videos = data["node"]["videos"]["nodes"].as_array().unwrap().clone();
    assert_eq!(videos.len(), 1, "{data}");
    assert_eq!(videos[0]["title"], "Opening keynote");
    assert_eq!(videos[0]["status"], "PROCESSING");
    assert_eq!(videos[0]["processing"]["status"], "QUEUED");
}

async fn deleting_a_video_cancels_its_job_and_removes_every_object(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.workers = 0).await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("clip.mp4");
    mp4(&file, 1);
    let (location, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let storage = storage_of(&app).await;
    assert_eq!(
        storage
            .list(&ObjectKey::asset_prefix(asset))
            .await
            .unwrap()
            .len(),
        1
    );
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { deleteVideo(input: { id: $id }) { deletedId } }",
        json!({ "id": id }),
    )
    .await;
    assert!(
        storage
            .list(&ObjectKey::asset_prefix(asset))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.count("media_assets").await, 0);
    let db = app.db().await;
    let jobs = projector_api::transcode::entity::job::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, "cancelled");
}

/// Where a transcode test stores media.
enum Store {
    Local,
    Garage(Box<Garage>),
}

async fn transcoding_app(backend: Backend, store: &Store) -> TestApp {
    let s3 = match store {
        Store::Garage(g) => Some(g.s3.clone()),
        Store::Local => None,
    };
    spawn_app_with(backend, move |c| {
        c.workers = 1;
        c.transcode.ladder = vec![1080, 720, 480, 360, 240];
        if let Some(s3) = s3 {
            c.storage.backend = projector_api::config::StorageBackend::S3;
            c.storage.s3 = s3;
        }
    })
    .await
}

async fn an_uploaded_clip_becomes_a_ready_video_with_its_ladder_pictures_and_progress(
    backend: Backend,
    store: Store,
) {
    let app = transcoding_app(backend, &store).await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;

    // Follow progress over WebSocket from before the upload.
    let ws_url = format!("ws://{}/graphql/ws", app.addr);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(ws_url)
            .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    use tokio_tungstenite::tungstenite::Message;
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }).to_string(),
    ))
    .await
    .unwrap();
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "subscription($v: ID) { transcodeProgress(videoId: $v) { status percent stage } }",
            "variables": { "v": id } } })
        .to_string(),
    ))
    .await
    .unwrap();
    let progress = tokio::spawn(async move {
        let mut seen: Vec<(String, f64)> = Vec::new();
        while let Some(Ok(msg)) = ws.next().await {
            let Ok(text) = msg.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if v["type"] == "next" {
                let p = &v["payload"]["data"]["transcodeProgress"];
                let status = p["status"].as_str().unwrap_or_default().to_string();
                seen.push((status.clone(), p["percent"].as_f64().unwrap_or(-1.0)));
                if status == "SUCCEEDED" || status == "FAILED" {
                    break;
                }
            } else if v["type"] == "error" {
                panic!("subscription error: {v}");
            }
        }
        seen
    });

    let file = app.dir.path().join("clip.mp4");
    clip_720p(&file, 10);
    let (location, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let v = wait_for(&app, &token, &id, Duration::from_secs(240), |v| {
        v["status"] == "READY" || v["status"] == "FAILED"
    })
    .await;
    assert_eq!(v["status"], "READY", "{v}");
    assert_eq!(v["mediaError"], Value::Null);
    assert_eq!(v["processing"]["status"], "SUCCEEDED");
    assert_eq!(v["processing"]["percent"], 100.0);
    let duration = v["duration"].as_f64().unwrap();
    assert!((duration - 10.0).abs() < 0.5, "duration {duration}");

    let db = app.db().await;
    let outputs = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .all(&db)
        .await
        .unwrap();
    let names = |kind: &str| -> Vec<String> {
        let mut n: Vec<String> = outputs
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.name.clone())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names("hls_master").len(), 1);
    assert_eq!(names("hls_rendition"), vec!["240p", "360p", "480p", "720p"]);
    // Four positions, each at two widths.
    let thumbs = names("thumbnail");
    let positions: std::collections::BTreeSet<&str> = thumbs
        .iter()
        .map(|n| n.split('-').next().unwrap())
        .collect();
    assert_eq!(positions.len(), 4, "{thumbs:?}");
    assert_eq!(thumbs.len(), 8, "{thumbs:?}");
    assert!(!names("poster").is_empty());
    assert_eq!(names("sprite").len(), 1);
    assert_eq!(names("sprite_vtt").len(), 1);
    // Every recorded output is in storage with the recorded size (renditions count segments).
    let storage = storage_of(&app).await;
    for o in outputs.iter().filter(|o| o.kind != "hls_rendition") {
        let meta = storage
            .head(&ObjectKey::parse(&o.storage_key).unwrap())
            .await
            .unwrap();
        assert_eq!(
            meta.map(|m| m.size as i64),
            Some(o.bytes),
            "{}",
            o.storage_key
        );
    }
    let master = projector_api::media::storage::read_all(
        storage.as_ref(),
        &ObjectKey::for_asset(asset, "hls/master.m3u8").unwrap(),
    )
    .await
    .unwrap();
    let master = String::from_utf8(master).unwrap();
    assert_eq!(master.matches("#EXT-X-STREAM-INF").count(), 4, "{master}");

    let seen = tokio::time::timeout(Duration::from_secs(30), progress)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        seen.last().map(|s| s.0.as_str()),
        Some("SUCCEEDED"),
        "{seen:?}"
    );
    assert_eq!(seen.last().map(|s| s.1), Some(100.0));
    assert!(
        seen.iter()
            .any(|(s, p)| s == "RUNNING" && *p > 0.0 && *p < 100.0),
        "{seen:?}"
    );
    let percents: Vec<f64> = seen
        .iter()
        .filter(|s| s.0 == "RUNNING")
        .map(|s| s.1)
        .collect();
    assert!(
        percents.windows(2).all(|w| w[1] >= w[0]),
        "progress went back: {percents:?}"
    );
}

async fn an_uploaded_clip_becomes_a_ready_video_on_local_storage(backend: Backend) {
    an_uploaded_clip_becomes_a_ready_video_with_its_ladder_pictures_and_progress(
        backend,
        Store::Local,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_clip_becomes_a_ready_video_on_garage() {
    let garage = Garage::start();
    an_uploaded_clip_becomes_a_ready_video_with_its_ladder_pictures_and_progress(
        Backend::Sqlite,
        Store::Garage(Box::new(garage)),
    )
    .await
}

async fn an_audio_episode_becomes_m4a_and_mp3(backend: Backend) {
    an_audio_episode_becomes_m4a_and_mp3_on(backend, &Store::Local).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audio_episode_becomes_m4a_and_mp3_on_garage() {
    let garage = Store::Garage(Box::new(Garage::start()));
    an_audio_episode_becomes_m4a_and_mp3_on(Backend::Sqlite, &garage).await
}

async fn an_audio_episode_becomes_m4a_and_mp3_on(backend: Backend, store: &Store) {
    let app = transcoding_app(backend, store).await;
    let token = app.admin_token().await;
    let channel = app.create_channel(&token, "Pods").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let data = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createPodcast(input: { channelId: $c, title: \"Show\", author: \"Ann\", ownerName: \"Ann\", ownerEmail: \"ann@example.com\", language: \"en\" }) { podcast { id } } }",
            json!({ "c": channel }),
        )
        .await;
    let podcast = data["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = app.dir.path().join("episode.wav");
    gst_launch(&format!(
        "audiotestsrc num-buffers=469 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! wavenc ! filesink location={}",
        file.display()
    ));
    let (location, status) = upload(&app, &token, &file, &[("podcastId", &podcast)]).await;
    assert_eq!(status, "complete");
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let db = app.db().await;
    let started = std::time::Instant::now();
    loop {
        let e = projector_api::podcasts::entity::episode::Entity::find()
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        if e.status == "ready" || e.status == "failed" {
            assert_eq!(e.status, "ready", "{:?}", e.media_error);
            assert_eq!(e.media_asset_id, Some(asset));
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "episode never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let outputs = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.eq("audio"))
        .all(&db)
        .await
        .unwrap();
    let mut names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["m4a", "mp3"]);
    let storage = storage_of(&app).await;
    for o in &outputs {
        let d = o.duration_secs.unwrap();
        assert!((d - 10.0).abs() < 0.3, "{} lasts {d}", o.name);
        assert!(o.bytes > 10_000);
        let stored = storage
            .head(&ObjectKey::parse(&o.storage_key).unwrap())
            .await
            .unwrap();
        assert_eq!(
            stored.map(|m| m.size as i64),
            Some(o.bytes),
            "{}",
            o.storage_key
        );
    }
}

async fn deleting_a_video_stops_its_running_transcode_within_seconds(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![720, 480, 360, 240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("long.mp4");
    clip_720p(&file, 30);
    let (location, _) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["processing"]["status"] == "RUNNING"
            && v["processing"]["percent"].as_f64().unwrap_or(0.0) > 5.0
    })
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { deleteVideo(input: { id: $id }) { deletedId } }",
        json!({ "id": id }),
    )
    .await;
    let deleted = std::time::Instant::now();
    let storage = storage_of(&app).await;
    let db = app.db().await;
    // The worker notices at its next heartbeat, stops GStreamer and removes what it wrote.
    loop {
        let left = storage.list(&ObjectKey::asset_prefix(asset)).await.unwrap();
        let job = projector_api::transcode::entity::job::Entity::find()
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        if left.is_empty() && job.status == "cancelled" {
            break;
        }
        assert!(
            deleted.elapsed() < Duration::from_secs(5),
            "after {:?}: job {} and {} objects left",
            deleted.elapsed(),
            job.status,
            left.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count("media_outputs").await, 0);
}

async fn a_transcode_that_cannot_succeed_marks_the_video_failed_and_leaves_only_the_source(
    backend: Backend,
) {
    let mut app = spawn_app_with(backend, |c| {
        c.workers = 0;
        c.transcode.max_attempts = 1;
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("clip.mp4");
    mp4(&file, 2);
    let (location, status) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    // Take the source away behind the worker's back: the attempt fails, and with one attempt
    // allowed the job fails for good. (Sources that break mid-decode are the pipeline tests'.)
    let storage = storage_of(&app).await;
    let key = ObjectKey::for_asset(asset, "source").unwrap();
    let _ = uuid_of(&id);
    storage.delete(&key).await.unwrap();
    // Now let a worker at it.
    app.config.workers = 1;
    let app = app.restart().await;
    let token = app.admin_token().await;
    let v = wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "FAILED" || v["status"] == "READY"
    })
    .await;
    assert_eq!(v["status"], "FAILED", "{v}");
    let error = v["mediaError"].as_str().unwrap();
    assert!(error.starts_with("transcoding failed: "), "{error}");
    assert_eq!(v["processing"]["status"], "FAILED");
    let left = storage.list(&ObjectKey::asset_prefix(asset)).await.unwrap();
    assert!(left.is_empty(), "partial outputs remain: {left:?}");
    assert_eq!(app.count("media_outputs").await, 0);
}

async fn replacing_the_media_of_a_published_video_keeps_its_id_stats_and_metadata(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let first = app.dir.path().join("first.mp4");
    small_clip(&first, 2);
    let (location, _) = upload(&app, &token, &first, &[("videoId", &id)]).await;
    let old_asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY"
    })
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;
    let db = app.db().await;
    let vid = uuid_of(&id);
    projector_api::videos::entity::video::Entity::update_many()
        .col_expr(
            projector_api::videos::entity::video::Column::ViewCount,
            41.into(),
        )
        .filter(projector_api::videos::entity::video::Column::Id.eq(vid))
        .exec(&db)
        .await
        .unwrap();

    // Captions written for the old media must survive the replacement.
    let (_, body) = app
        .graphql_multipart(
            &token,
            "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language } }",
            json!({ "i": { "videoId": id, "language": "de" } }),
            "f",
            "de.vtt",
            b"WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n".to_vec(),
        )
        .await;
    assert_eq!(body["data"]["uploadCaption"]["language"], "de", "{body}");

    let second = app.dir.path().join("second.mp4");
    small_clip(&second, 3);
    let (location, status) = upload(&app, &token, &second, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let new_asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    // While the new media is processed, the video stays ready on its old media.
    let during = projector_api::videos::entity::video::Entity::find_by_id(vid)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(during.status, "ready");
    let started = std::time::Instant::now();
    let after = loop {
        let v = projector_api::videos::entity::video::Entity::find_by_id(vid)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        if v.source_asset_id == Some(new_asset) {
            break v;
        }
        assert_eq!(
            v.source_asset_id,
            Some(old_asset),
            "the source changed to something else"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the replacement never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(after.status, "ready");
    assert_eq!(after.view_count, 41);
    assert_eq!(after.title, during.title);
    assert_eq!(after.publish_at, during.publish_at);
    assert!((after.duration_secs.unwrap() - 3.0).abs() < 0.5);
    let storage = storage_of(&app).await;
    let master = String::from_utf8(
        projector_api::media::storage::read_all(
            storage.as_ref(),
            &ObjectKey::for_asset(new_asset, "hls/master.m3u8").unwrap(),
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert!(
        master.contains("LANGUAGE=\"de\""),
        "captions lost: {master}"
    );
    let vtt = projector_api::media::storage::read_all(
        storage.as_ref(),
        &ObjectKey::for_asset(new_asset, "captions/de.vtt").unwrap(),
    )
    .await
    .unwrap();
    assert!(String::from_utf8(vtt).unwrap().contains("Hallo"));
    // The worker deletes the old media right after the switch commits (never before, so no
    // reader meets a source without its files): wait for that, briefly.
    let switched = std::time::Instant::now();
    while !storage
        .list(&ObjectKey::asset_prefix(old_asset))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            switched.elapsed() < Duration::from_secs(10),
            "the old media was not removed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !storage
            .list(&ObjectKey::asset_prefix(new_asset))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_sweep_removes_orphaned_assets_and_objects_but_not_live_media(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.workers = 0).await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("clip.mp4");
    mp4(&file, 1);
    let (location, _) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    let live: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let storage = storage_of(&app).await;
    // An object no row knows about (a crash between storing and recording).
    let stray = Uuid::now_v7();
    storage
        .put_bytes(
            &ObjectKey::for_asset(stray, "source").unwrap(),
            vec![1u8; 10].into(),
            "video/mp4",
        )
        .await
        .unwrap();
    // Everything is young: the grace period protects it.
    let db = app.db().await;
    let swept =
        projector_api::media::assets::sweep_orphans(&db, &storage, chrono::Duration::hours(1))
            .await
            .unwrap();
    assert_eq!(swept, projector_api::media::assets::Swept::default());
    // Past the grace period the stray object goes, the video's source stays.
    let swept =
        projector_api::media::assets::sweep_orphans(&db, &storage, chrono::Duration::seconds(-5))
            .await
            .unwrap();
    assert_eq!(swept.objects, 1);
    assert_eq!(swept.assets, 0);
    assert!(
        storage
            .list(&ObjectKey::asset_prefix(stray))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        storage
            .list(&ObjectKey::asset_prefix(live))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.count("media_assets").await, 1);
}

async fn captions_become_a_subtitle_rendition_and_bad_ones_change_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let mutation = "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language bytes } }";
    let send = |language: &'static str, name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        let token = token.clone();
        let id = id.clone();
        async move {
            app.graphql_multipart(
                &token,
                mutation,
                json!({ "i": { "videoId": id, "language": language } }),
                "f",
                name,
                bytes,
            )
            .await
            .1
        }
    };
    let code = |body: &Value| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let srt = b"1\n00:00:00,500 --> 00:00:01,750\nHello & welcome\n\n".to_vec();
    // Before the video has media there is nothing to caption.
    assert_eq!(code(&send("en", "en.srt", srt.clone()).await), "VALIDATION");

    let file = app.dir.path().join("clip.mp4");
    small_clip(&file, 2);
    let (location, _) = upload(&app, &token, &file, &[("videoId", &id)]).await;
    let asset: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY"
    })
    .await;

    let body = send("en", "en.srt", srt).await;
    assert_eq!(body["data"]["uploadCaption"]["language"], "en", "{body}");
    let storage = storage_of(&app).await;
    let read = |rel: &'static str| {
        let storage = storage.clone();
        async move {
            String::from_utf8(
                projector_api::media::storage::read_all(
                    storage.as_ref(),
                    &ObjectKey::for_asset(asset, rel).unwrap(),
                )
                .await
                .unwrap(),
            )
            .unwrap()
        }
    };
    let vtt = read("captions/en.vtt").await;
    assert!(vtt.starts_with("WEBVTT"), "{vtt}");
    // Cue time 0 is pinned to the first frame's MPEG-TS timestamp, or HLS players (Safari)
    // would place every cue an hour before the video.
    assert_eq!(
        vtt.lines().nth(1),
        Some(
            format!(
                "X-TIMESTAMP-MAP=MPEGTS:{},LOCAL:00:00:00.000",
                projector_api::transcode::captions::MPEGTS_START
            )
            .as_str()
        ),
        "{vtt}"
    );
    let segment = projector_api::media::storage::read_all(
        storage.as_ref(),
        &ObjectKey::for_asset(asset, "hls/240p/seg-0.ts").unwrap(),
    )
    .await
    .unwrap();
    let first = first_pts(&segment).expect("a PES packet with a PTS in the first segment");
    let start = projector_api::transcode::captions::MPEGTS_START;
    assert!(
        (start..start + 9_000).contains(&first),
        "the first segment starts at MPEG-TS {first}, the captions' map says {start}"
    );
    assert!(vtt.contains("00:00:00.500 --> 00:00:01.750"), "{vtt}");
    let master = read("hls/master.m3u8").await;
    assert!(master.contains("TYPE=SUBTITLES"), "{master}");
    assert!(master.contains("URI=\"../captions/en.m3u8\""), "{master}");
    assert!(
        master
            .lines()
            .filter(|l| l.starts_with("#EXT-X-STREAM-INF"))
            .all(|l| l.contains("SUBTITLES=\"subs\"")),
        "{master}"
    );
    let list = read("captions/en.m3u8").await;
    assert!(
        list.contains("en.vtt") && list.contains("#EXT-X-ENDLIST"),
        "{list}"
    );

    // Bad files and tags are refused and change nothing.
    let before = app.count("media_outputs").await;
    assert_eq!(
        code(&send("fr", "x.vtt", vec![0xff, 0xfe, 0x00, 0x81]).await),
        "UNSUPPORTED_MEDIA"
    );
    assert_eq!(
        code(&send("fr", "x.srt", b"1\nnot a time line\nHi\n".to_vec()).await),
        "VALIDATION"
    );
    assert_eq!(
        code(&send("../x", "x.vtt", b"WEBVTT\n".to_vec()).await),
        "VALIDATION"
    );
    assert_eq!(app.count("media_outputs").await, before);
    assert!(!read("hls/master.m3u8").await.contains("LANGUAGE=\"fr\""));

    // Deleting captions takes them out of the master playlist and out of storage.
    let delete = "mutation($i: DeleteCaptionInput!) { deleteCaption(input: $i) { language } }";
    let remove = |language: &'static str| {
        let app = &app;
        let token = token.clone();
        let id = id.clone();
        async move {
            app.graphql(
                Some(&token),
                delete,
                json!({ "i": { "videoId": id, "language": language } }),
            )
            .await
        }
    };
    // Nothing in that language, and a tag that is not one: refused, nothing changes.
    assert_eq!(code(&remove("fr").await), "NOT_FOUND");
    assert_eq!(code(&remove("../en").await), "VALIDATION");
    assert_eq!(app.count("media_outputs").await, before);
    let body = remove("en").await;
    assert_eq!(body["data"]["deleteCaption"]["language"], "en", "{body}");
    assert_eq!(app.count("media_outputs").await, before - 1);
    let master = read("hls/master.m3u8").await;
    assert!(
        !master.contains("SUBTITLES") && master.contains("#EXT-X-STREAM-INF"),
        "{master}"
    );
    for rel in ["captions/en.vtt", "captions/en.m3u8"] {
        let key = ObjectKey::for_asset(asset, rel).unwrap();
        assert!(storage.head(&key).await.unwrap().is_none(), "{rel} is left");
    }
    assert_eq!(code(&remove("en").await), "NOT_FOUND");
}

async fn an_editor_picks_one_of_the_four_thumbnails_as_the_poster(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let token = app.admin_token().await;
    let id = draft_video(&app, &token).await;
    let file = app.dir.path().join("clip.mp4");
    small_clip(&file, 4);
    upload(&app, &token, &file, &[("videoId", &id)]).await;
    wait_for(&app, &token, &id, Duration::from_secs(120), |v| {
        v["status"] == "READY"
    })
    .await;
    // An uploaded poster first; picking a thumbnail replaces (and deletes) it.
    let png = app.dir.path().join("p.png");
    projector_tests::media::png(&png);
    let (_, body) = app
        .graphql_multipart(
            &token,
            "mutation($f: Upload!, $i: UploadImageInput!) { uploadImage(input: $i, file: $f) { assetId } }",
            json!({ "i": { "target": "VIDEO_POSTER", "id": id } }),
            "f",
            "p.png",
            std::fs::read(&png).unwrap(),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(app.count("media_assets").await, 2);
    let choose =
        "mutation($i: ChoosePosterInput!) { choosePoster(input: $i) { media { posterUrl } } }";
    let data = app
        .graphql_ok(
            Some(&token),
            choose,
            json!({ "i": { "videoId": id, "thumbnail": 3 } }),
        )
        .await;
    let url = data["choosePoster"]["media"]["posterUrl"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.ends_with("/images/thumb-3-1280.jpg"), "{url}");
    assert_eq!(
        app.count("media_assets").await,
        1,
        "the uploaded poster was not deleted"
    );
    // URLs carry `public_url`; the test server listens elsewhere.
    let path = &url[url.find("/media/").unwrap()..];
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");

    let code = |body: &Value| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let body = app
        .graphql(
            Some(&token),
            choose,
            json!({ "i": { "videoId": id, "thumbnail": 5 } }),
        )
        .await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let body = app
        .graphql(
            Some(&editor),
            choose,
            json!({ "i": { "videoId": id, "thumbnail": 1 } }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let data = app
        .graphql_ok(
            Some(&token),
            "query($id: ID!) { video(id: $id) { media { posterUrl } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data["video"]["media"]["posterUrl"],
        url.as_str(),
        "a refused pick changed the poster"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_start_of_the_embedded_default_shows_playable_demo_media() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.workers = 1;
        c.demo_content = true;
    })
    .await;
    let db = app.db().await;
    let started = std::time::Instant::now();
    let (videos, episodes) = loop {
        let videos = projector_api::videos::entity::video::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let episodes = projector_api::podcasts::entity::episode::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let settled = |s: &str| s == "ready" || s == "failed";
        if !videos.is_empty()
            && videos
                .iter()
                .all(|v| v.source_asset_id.is_some() && settled(&v.status))
            && episodes
                .iter()
                .all(|e| e.media_asset_id.is_some() && settled(&e.status))
        {
            break (videos, episodes);
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "demo media never finished"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(!episodes.is_empty());
    for v in &videos {
        assert_eq!(v.status, "ready", "{}: {:?}", v.title, v.media_error);
        let master = media_output::Entity::find()
            .filter(media_output::Column::AssetId.eq(v.source_asset_id.unwrap()))
            .filter(media_output::Column::Kind.eq("hls_master"))
            .one(&db)
            .await
            .unwrap();
        assert!(master.is_some(), "{} has no master playlist", v.title);
    }
    for e in &episodes {
        assert_eq!(e.status, "ready", "{}: {:?}", e.title, e.media_error);
        let audio = media_output::Entity::find()
            .filter(media_output::Column::AssetId.eq(e.media_asset_id.unwrap()))
            .filter(media_output::Column::Kind.eq("audio"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(audio.len(), 2, "{} lacks its audio files", e.title);
    }
    // Published from the start, the demo is out for the public as soon as its media plays.
    let public = app
        .graphql_ok(
            None,
            "{ videos { totalCount } episodes { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(public["videos"]["totalCount"], videos.len(), "{public}");
    assert_eq!(public["episodes"]["totalCount"], episodes.len(), "{public}");
}

both_databases!(
    an_editor_picks_one_of_the_four_thumbnails_as_the_poster,
    captions_become_a_subtitle_rendition_and_bad_ones_change_nothing,
    deleting_a_video_stops_its_running_transcode_within_seconds,
    replacing_the_media_of_a_published_video_keeps_its_id_stats_and_metadata,
    the_sweep_removes_orphaned_assets_and_objects_but_not_live_media,
    a_rejected_upload_shows_its_reason_on_the_video_and_queues_nothing,
    a_rejected_replacement_keeps_a_published_video_public_on_its_old_media,
    an_upload_for_a_video_someone_else_manages_is_refused_before_any_byte,
    an_upload_to_a_channel_creates_a_draft_named_after_the_file,
    deleting_a_video_cancels_its_job_and_removes_every_object,
    an_uploaded_clip_becomes_a_ready_video_on_local_storage,
    an_audio_episode_becomes_m4a_and_mp3,
    a_transcode_that_cannot_succeed_marks_the_video_failed_and_leaves_only_the_source,
);

/// The earliest PTS (90 kHz) of the PES packets that start in an MPEG-TS file.
fn first_pts(ts: &[u8]) -> Option<u64> {
    ts.chunks_exact(188)
        .filter(|p| p[0] == 0x47 && p[1] & 0x40 != 0)
        .filter_map(|p| {
            let payload = match (p[3] >> 4) & 3 {
                1 => 4,
                3 => 5 + usize::from(p[4]),
                _ => return None,
            };
            let pes = p.get(payload..)?;
            // Video or audio stream with a PTS.
            let stream = *pes.get(3)?;
            if !pes.starts_with(&[0, 0, 1]) || !(0xc0..=0xef).contains(&stream) {
                return None;
            }
            if pes.get(7)? & 0x80 == 0 {
                return None;
            }
            let h = pes.get(9..14)?;
            Some(
                u64::from((h[0] >> 1) & 7) << 30
                    | u64::from(h[1]) << 22
                    | u64::from(h[2] >> 1) << 15
                    | u64::from(h[3]) << 7
                    | u64::from(h[4] >> 1),
            )
        })
        .min()
}
