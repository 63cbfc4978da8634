//! The image API's cost, in one run on one server (SQLite, local storage): the first request
//! for a thumbnail at a new moment (the segment read, decoded up to the frame, scaled, encoded
//! and stored), a later request for the same thumbnail, and, as the baseline, a thumbnail the
//! transcoder stored (`/media/p/<asset>/images/thumb-1-320.jpg`), all fetched one at a time
//! over HTTP. The video is a 30 s 1280×720 clip transcoded to 720p and 360p (4 s segments).
//! Goals: the first thumbnail under 300 ms (median), a later one served like any other picture
//! (ratio to the baseline near 1).
//!
//! Run with `cargo bench -p projector-tests --bench images`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use projector_tests::media::gst_launch;
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::json;

const MOMENTS: usize = 12;
const WARM_ROUNDS: usize = 200;

fn clip(path: &std::path::Path, seconds: u32) {
    gst_launch(&format!(
        "videotestsrc num-buffers={} pattern=ball ! video/x-raw,width=1280,height=720,framerate=25/1 ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux ! filesink location={}",
        seconds * 25,
        path.display()
    ));
}

async fn published(app: &TestApp) -> (String, String) {
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Bench").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let video = app.create_video(&admin, &channel, "Ball", json!({})).await;
    let id = video["id"].as_str().unwrap().to_string();
    let file = app.dir.path().join("ball.mp4");
    clip(&file, 30);
    let bytes = std::fs::read(&file).unwrap();
    let meta = metadata(&[("filename", "ball.mp4"), ("videoId", &id)]);
    let location = tus::create_ok(app, &admin, bytes.len() as u64, &meta).await;
    tus::patch(app, &admin, &location, 0, bytes, true).await;
    assert_eq!(
        tus::wait_until_settled(app, &admin, &location).await,
        "complete"
    );
    let started = Instant::now();
    let media = loop {
        let v = app
            .graphql_ok(
                Some(&admin),
                "query($id: ID!) { video(id: $id) { status media { thumbnails { url width } } } }",
                json!({ "id": id }),
            )
            .await;
        if v["video"]["status"] == "READY" {
            break v["video"]["media"].clone();
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{v}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    app.graphql_ok(
        Some(&admin),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;
    let thumb = media["thumbnails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["width"] == 320)
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let path = thumb[thumb.find("/media/").unwrap()..].to_string();
    (video["uuid"].as_str().unwrap().to_string(), app.url(&path))
}

async fn timed_get(app: &TestApp, url: &str) -> Duration {
    let started = Instant::now();
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    let body = res.bytes().await.unwrap();
    let took = started.elapsed();
    assert!(!body.is_empty());
    took
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![720, 360];
        c.rate_limits.enabled = false;
        c.log = "error".into();
    })
    .await;
    let (uuid, stored) = published(&app).await;
    let url = |t: f64, width: u32| {
        app.url(&format!(
            "/images/{uuid}/thumbnail.jpg?time={t:.1}&width={width}"
        ))
    };
    // One request first, so nothing below pays for first-use set-up (GStreamer's registry).
    timed_get(&app, &url(0.3, 320)).await;

    let mut first = Vec::new();
    let mut first_large = Vec::new();
    for i in 0..MOMENTS {
        let t = 1.1 + i as f64 * 2.3;
        first.push(timed_get(&app, &url(t, 320)).await);
        first_large.push(timed_get(&app, &url(t + 0.1, 1280)).await);
    }
    let mut later = Vec::new();
    let mut baseline = Vec::new();
    for i in 0..WARM_ROUNDS {
        let t = 1.1 + (i % MOMENTS) as f64 * 2.3;
        later.push(timed_get(&app, &url(t, 320)).await);
        baseline.push(timed_get(&app, &stored).await);
    }
    for v in [&mut first, &mut first_large, &mut later, &mut baseline] {
        v.sort();
    }
    let p50 = |v: &[Duration]| ms(quantile(v, 0.5));
    let p90 = |v: &[Duration]| ms(quantile(v, 0.9));
    println!(
        "first thumbnail at a new moment, 320 wide (from 360p): p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms (goal p50 < 300 ms: {})",
        p50(&first),
        p90(&first),
        ms(*first.last().unwrap()),
        if p50(&first) < 300.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "first thumbnail at a new moment, 1280 wide (from 720p): p50 {:.1} ms, p90 {:.1} ms",
        p50(&first_large),
        p90(&first_large)
    );
    println!(
        "later request for it: p50 {:.3} ms, p90 {:.3} ms; a stored transcoder thumbnail: p50 {:.3} ms, p90 {:.3} ms; ratio {:.2}x",
        p50(&later),
        p90(&later),
        p50(&baseline),
        p90(&baseline),
        p50(&later) / p50(&baseline)
    );
}
