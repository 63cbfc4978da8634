//! The dashboard follows processing live over WebSocket (no polling), and retries a failed
//! transcode.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use projector_api::media::ObjectKey;
use projector_tests::tus::{create_ok, metadata, patch, wait_until_settled};
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, browser::Browser, media};
use serde_json::{Value, json};

use crate::admin_site::support::*;

const VIDEO: &str =
    "query($id: ID!) { video(id: $id) { uuid status processing { status percent } } }";

/// Uploads `file` over tus for the video `id`; returns the upload's address once settled.
async fn upload(app: &TestApp, token: &str, id: &str, file: &Path) -> String {
    let bytes = std::fs::read(file).unwrap();
    let meta = metadata(&[("filename", "clip.mp4"), ("videoId", id)]);
    let location = create_ok(app, token, bytes.len() as u64, &meta).await;
    let res = patch(app, token, &location, 0, bytes, true).await;
    assert_eq!(res.status(), 204);
    assert_eq!(wait_until_settled(app, token, &location).await, "complete");
    location
}

/// Reads the video until `done` holds, for at most `patience`.
async fn video_until(
    app: &TestApp,
    token: &str,
    id: &str,
    patience: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let v = app
            .graphql_ok(Some(token), VIDEO, json!({ "id": id }))
            .await["video"]
            .clone();
        if done(&v) || start.elapsed() > patience {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_processing_videos_bar_moves_from_websocket_events_without_polling_and_a_failed_one_is_retried()
 {
    assert_app_is_built();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut app = projector_tests::spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 0;
        c.transcode.max_attempts = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Live").await;
    let channel_id = channel["id"].as_str().unwrap();
    let failing = app
        .create_video(&admin, channel_id, "Broken take", json!({}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let long = app
        .create_video(&admin, channel_id, "Long take", json!({}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The first video's source goes missing behind the worker's back: its transcode fails.
    let short = app.dir.path().join("short.mp4");
    media::mp4(&short, 2);
    let location = upload(&app, &admin, &failing, &short).await;
    let asset: uuid::Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
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
    let admin = app.admin_token().await;
    let failed = video_until(&app, &admin, &failing, Duration::from_secs(120), |v| {
        v["status"] == "FAILED"
    })
    .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");

    // A long clip, so that its transcode takes a while.
    let clip = app.dir.path().join("long.mp4");
    media::gst_launch(&format!(
        "videotestsrc num-buffers=1500 pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers=2813 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        clip.display()
    ));

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#library-link").await;
    // Every WebSocket the page opens, and what it hears, from now on (the app is loaded: the
    // dashboard is reached without a reload).
    js(
        &browser,
        "window.__ws = []; const Real = window.WebSocket; \
         window.WebSocket = function (url, protocols) { \
           const socket = new Real(url, protocols); \
           const entry = { url: String(url), protocol: String(protocols), heard: [] }; \
           window.__ws.push(entry); \
           socket.addEventListener('message', (e) => entry.heard.push(String(e.data))); \
           return socket; \
         }; \
         window.WebSocket.prototype = Real.prototype; \
         Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 }); \
         return true;",
    )
    .await;
    upload(&app, &admin, &long, &clip).await;
    let running = video_until(&app, &admin, &long, Duration::from_secs(60), |v| {
        v["processing"]["status"] == "RUNNING"
    })
    .await;
    assert_eq!(running["processing"]["status"], "RUNNING", "{running}");
    let uuid = running["uuid"].as_str().unwrap().to_owned();
    let failed_uuid = failed["uuid"].as_str().unwrap().to_owned();
    click(&browser, "a.admin-home").await;
    let bar = format!("#queue-processing li[data-uuid=\"{uuid}\"] progress.queue-bar");
    wait_for(&browser, &bar).await;

    // Watch the bar: each new value, with how many GraphQL requests the page had made by then.
    let requests = "performance.getEntriesByType('resource').filter((e) => e.name.includes('/graphql')).length";
    // The dashboard's own loading may still be finishing when the bar first shows: the watch
    // begins once no request has completed for a second (a page that polls never gets there
    // for long, and any request after this point is counted).
    let settle = Instant::now();
    let mut last = (
        js(&browser, &format!("return {requests};")).await,
        Instant::now(),
    );
    while settle.elapsed() < Duration::from_secs(10) && last.1.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let count = js(&browser, &format!("return {requests};")).await;
        if count != last.0 {
            last = (count, Instant::now());
        }
    }
    let mut seen: Vec<(f64, u64)> = Vec::new();
    let mut words = String::new();
    let watch = Instant::now();
    while watch.elapsed() < Duration::from_secs(120) {
        let now = js(
            &browser,
            &format!(
                "const b = document.querySelector('{}'); \
                 return b ? [Number(b.value), {requests}, \
                   b.parentElement.querySelector('.queue-progress').textContent] : null;",
                bar.replace('\'', "\\'")
            ),
        )
        .await;
        let Some(pair) = now.as_array() else { break };
        let (value, count) = (pair[0].as_f64().unwrap(), pair[1].as_u64().unwrap());
        if value > 0.0 && value < 100.0 {
            words = pair[2].as_str().unwrap_or_default().to_owned();
        }
        if seen.last().is_none_or(|(v, _)| *v != value) {
            seen.push((value, count));
        }
        if seen.iter().filter(|(v, _)| *v > 0.0 && *v < 100.0).count() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sockets = js(&browser, "return window.__ws;").await;
    let moving: Vec<&(f64, u64)> = seen.iter().filter(|(v, _)| *v < 100.0).collect();
    assert!(
        moving.len() >= 2,
        "the bar moved while processing: {seen:?}\n{sockets}"
    );
    // From the first movement on: a request answered before the bar first moved is the
    // dashboard's loading, not polling.
    let moved: Vec<&&(f64, u64)> = moving.iter().filter(|(v, _)| *v > 0.0).collect();
    assert!(
        moved.windows(2).all(|w| w[0].1 == w[1].1),
        "no request was sent while the bar moved (the page does not poll): {seen:?}"
    );
    let sockets = sockets.as_array().unwrap();
    assert_eq!(sockets.len(), 1, "one WebSocket: {sockets:?}");
    assert!(
        sockets[0]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{}/graphql/ws", app.addr)),
        "the socket goes to the server the page came from ({}): {sockets:?}",
        app.addr
    );
    assert_eq!(sockets[0]["protocol"], "graphql-transport-ws");
    let heard = sockets[0]["heard"].as_array().unwrap();
    assert!(
        heard
            .iter()
            .any(|m| m.as_str().unwrap().contains("connection_ack")),
        "{heard:?}"
    );
    assert!(
        heard.iter().any(|m| {
            let m = m.as_str().unwrap();
            m.contains("\"next\"") && m.contains("transcodeProgress") && m.contains(&long)
        }),
        "progress came as subscription events: {heard:?}"
    );
    assert!(
        words.contains('%') && words.contains(" · "),
        "the row names the percent and the stage: {words}"
    );

    // The failed one shows why, and a Retry that queues it again (its source is back).
    let failed_row = format!("#queue-failed li[data-uuid=\"{failed_uuid}\"]");
    let reason = text_of(&browser, &format!("{failed_row} .state-reason"))
        .await
        .unwrap_or_default();
    // The reason is the worker's own words: the source it could not read.
    assert!(
        reason.contains("source file cannot be read"),
        "the failed row says why: {reason}"
    );
    storage
        .put_bytes(&key, source.into(), "video/mp4")
        .await
        .unwrap();
    click(&browser, &format!("{failed_row} button.queue-retry")).await;
    let gone = wait_for_js(
        &browser,
        &format!("document.querySelector('{failed_row}') === null"),
    )
    .await;
    let page = body_text(&browser).await;
    browser.close().await;
    assert!(
        gone.is_some(),
        "the retried video left the failed queue:\n{page}"
    );
    let retried = video_until(&app, &admin, &failing, Duration::from_secs(240), |v| {
        v["status"] == "READY" || v["status"] == "FAILED"
    })
    .await;
    assert_eq!(retried["status"], "READY", "{retried}");
}
