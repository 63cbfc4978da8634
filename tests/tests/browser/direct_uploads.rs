//! Direct uploads from an integrator's page (issue 18): a page on another origin (a second
//! local port, served here by a small axum server) uploads a generated clip through a
//! direct-upload URL with plain `fetch`, no Projector credential, and the video becomes ready;
//! the same kind of URL used from a third origin is refused by the browser's CORS check and the
//! server creates nothing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use fantoccini::Locator;
use projector_tests::TestApp;
use projector_tests::browser::Browser;
use serde_json::{Value, json};

use super::{body_text, channel, spawn_site, wait_for_data};

/// The integrator's page: fetches the clip from its own origin as a Blob, creates the tus
/// upload at the URL in `?url=` and sends the clip in one PATCH, then says what happened in
/// `#result`.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>Shop upload</title></head>
<body><p id="result"></p><script>
(async () => {
  const out = document.getElementById('result');
  try {
    const url = new URLSearchParams(location.search).get('url');
    const clip = await (await fetch('/clip.mp4')).blob();
    const created = await fetch(url, { method: 'POST', headers: {
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(clip.size),
      'Upload-Metadata': 'filename ' + btoa('from-the-shop.mp4') + ',filetype ' + btoa('video/mp4'),
    } });
    if (created.status !== 201) throw new Error('create answered ' + created.status);
    const target = new URL(created.headers.get('Location'), url).href;
    const sent = await fetch(target, { method: 'PATCH', body: clip, headers: {
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': '0',
      'Content-Type': 'application/offset+octet-stream',
    } });
    if (sent.status !== 204) throw new Error('patch answered ' + sent.status);
    out.textContent = 'uploaded ' + sent.headers.get('Upload-Offset');
  } catch (e) {
    out.textContent = 'failed: ' + e;
  }
})();
</script></body></html>"#;

/// Serves [`PAGE`] at `/` and the clip at `/clip.mp4` on a port of its own; its origin.
async fn integrator_site(clip: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/clip.mp4",
            get(move || {
                let clip = clip.clone();
                async move { ([("content-type", "video/mp4")], clip) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// Creates a direct upload for `origin` in `channel`; returns `(id, url)`.
async fn direct_upload(
    app: &TestApp,
    token: &str,
    channel: &str,
    origin: &str,
) -> (String, String) {
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateDirectUploadInput!) { createDirectUpload(input: $i) { directUpload { id url } } }",
            json!({ "i": { "channelId": channel, "corsOrigin": origin, "video": { "title": "From the shop", "description": "Sent by a customer" } } }),
        )
        .await;
    let it = &data["createDirectUpload"]["directUpload"];
    (
        it["id"].as_str().unwrap().to_owned(),
        it["url"].as_str().unwrap().to_owned(),
    )
}

/// Opens the integrator's page at `site` with `url` to upload to; returns what it reported.
async fn run_page(browser: &Browser, site: &str, url: &str) -> String {
    let mut page = url::Url::parse(site).unwrap();
    page.query_pairs_mut().append_pair("url", url);
    browser.client.goto(page.as_str()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(element) = browser.client.find(Locator::Id("result")).await
            && let Ok(text) = element.text().await
            && !text.is_empty()
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the page reported nothing; it read:\n{}",
        body_text(browser).await
    );
}

const READ: &str = "query($id: ID!) { directUpload(id: $id) { status upload { status } video { title description status media { playable hlsUrl } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_another_origin_uploads_through_a_direct_upload_url_and_a_third_origin_is_refused()
 {
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Shop").await;
    let file = app.dir.path().join("shop.mp4");
    projector_tests::media::Clip::new(320, 240, 3.0).write(&file);
    let clip = std::fs::read(&file).unwrap();
    let shop = integrator_site(clip.clone()).await;
    let stranger = integrator_site(clip.clone()).await;
    let (id, url) = direct_upload(&app, &token, &ch, &shop).await;

    let browser = Browser::start().await;
    let reported = run_page(&browser, &shop, &url).await;
    assert_eq!(reported, format!("uploaded {}", clip.len()));
    let data = wait_for_data(&app, &token, READ, json!({ "id": id }), |d| {
        let s = &d["directUpload"];
        s["status"] == "ERRORED"
            || s["video"]["status"] == "READY"
            || s["video"]["status"] == "FAILED"
    })
    .await;
    let it = &data["directUpload"];
    assert_eq!(it["status"], "ASSET_CREATED", "{data}");
    assert_eq!(it["video"]["status"], "READY", "{data}");
    assert_eq!(it["video"]["title"], "From the shop");
    assert_eq!(it["video"]["media"]["playable"], true);
    let hls = it["video"]["media"]["hlsUrl"].as_str().unwrap();
    let playlist = app
        .client
        .get(hls)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(playlist.starts_with("#EXTM3U"), "{playlist}");

    // A fresh URL made for the shop, opened by a page on a third origin: the browser's preflight
    // is refused, the page sees a network error, and nothing is created.
    let (fresh, fresh_url) = direct_upload(&app, &token, &ch, &shop).await;
    let reported = run_page(&browser, &stranger, &fresh_url).await;
    browser.close().await;
    // Chromium's word for a request its CORS check stopped.
    assert_eq!(reported, "failed: TypeError: Failed to fetch");
    assert_eq!(app.count("uploads").await, 1);
    assert_eq!(app.count("videos").await, 1);
    let data = app
        .graphql_ok(Some(&token), READ, json!({ "id": fresh }))
        .await;
    assert_eq!(data["directUpload"]["status"], "WAITING", "{data}");
    assert_eq!(data["directUpload"]["upload"], Value::Null);
}
