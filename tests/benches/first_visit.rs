//! A viewer's first visit to the home page, in headless Chromium (Debian's): the compressed
//! bytes of wasm and JavaScript it downloads (and which encoding it got, told by matching the
//! sizes with the built `.br` and `.gz` files), and the time from navigation to the home grid
//! holding every public video with the thumbnails of the first screen shown (the cards' pictures
//! are lazy). Each run is a new browser profile (nothing cached). The baseline, in the same run,
//! is a static HTML page showing the same thumbnails from the same server: the ratio says what
//! the app costs over the pictures themselves.
//!
//! Needs the built app (`scripts/build-app`, or `PROJECTOR_TEST_FRONTEND_DIR`) and the demo
//! catalogue, which the bench creates and transcodes first (a minute or two). Goals (issue 16):
//! at most 400 KiB of wasm and JS, at most 1 s to the grid. Run with
//! `cargo bench -p projector-tests --bench first_visit` (`--profile dev` to reuse a debug build).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use projector_tests::browser::Browser;
use projector_tests::{Backend, TestApp, frontend_dir, spawn_app_with};
use serde_json::{Value, json};

const RUNS: usize = 5;
const BYTES_GOAL: f64 = 400.0 * 1024.0;
const TIME_GOAL_MS: f64 = 1000.0;

/// In the page: resolves with the time since navigation once `selector` matches `count` images
/// and every one of them on the first screen has loaded (the cards' pictures are lazy: those
/// below the fold load when scrolled to), plus the compressed bytes of wasm and JS fetched.
const MEASURE: &str = r#"
const [selector, count, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const check = () => {
  const imgs = [...document.querySelectorAll(selector)];
  const shown = imgs.filter(i => i.getBoundingClientRect().top < window.innerHeight);
  if (imgs.length >= count && shown.length > 0
      && shown.every(i => i.complete && i.naturalWidth > 0)) {
    const at = performance.now();
    const files = performance.getEntriesByType('resource')
      .filter(e => /\.(wasm|js)(\?|$)/.test(e.name))
      .map(e => ({ name: e.name, bytes: e.encodedBodySize }));
    const code = files.reduce((sum, e) => sum + e.bytes, 0);
    done({ ms: at, code, files, images: shown.length });
  } else {
    requestAnimationFrame(check);
  }
};
check();
"#;

async fn spawn() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    // A copy of the built app with the baseline page beside it.
    let dist = std::env::temp_dir().join(format!("projector-first-visit-{port}"));
    let _ = std::fs::remove_dir_all(&dist);
    assert!(
        frontend_dir().join("index.html").is_file(),
        "{} has no built app: run scripts/build-app first",
        frontend_dir().display()
    );
    copy_dir(&frontend_dir(), &dist);
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.frontend_dir = dist;
        c.demo_content = true;
        c.workers = 2;
    })
    .await
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Waits until every demo video is public and playable, and returns their poster URLs.
async fn wait_for_catalogue(app: &TestApp) -> Vec<String> {
    let token = app.admin_token().await;
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let all = app
            .graphql_ok(
                Some(&token),
                "{ videos(first: 100) { totalCount } }",
                json!({}),
            )
            .await["videos"]["totalCount"]
            .as_i64()
            .unwrap_or(0);
        let public = app
            .graphql_ok(
                None,
                "{ videos(first: 100) { totalCount edges { node { media { posterUrl } } } } }",
                json!({}),
            )
            .await;
        let posters: Vec<String> = public["videos"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["media"]["posterUrl"].as_str().map(String::from))
            .collect();
        if all > 0 && posters.len() as i64 == all {
            return posters;
        }
        assert!(
            Instant::now() < deadline,
            "the demo catalogue did not become playable ({}/{all})",
            posters.len()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn measure(app: &TestApp, path: &str, selector: &str, count: usize) -> Value {
    let browser = Browser::start().await;
    browser.client.goto(&app.url(path)).await.unwrap();
    let result = browser
        .client
        .execute_async(MEASURE, vec![json!(selector), json!(count)])
        .await
        .unwrap();
    browser.close().await;
    result
}

/// Which of the built file's forms `bytes` is the size of: what the browser negotiated.
fn encoding_of(dist: &std::path::Path, url: &str, bytes: u64) -> &'static str {
    let name = url.rsplit('/').next().unwrap_or(url);
    let size = |suffix: &str| {
        std::fs::metadata(dist.join(format!("{name}{suffix}")))
            .map(|m| m.len())
            .ok()
    };
    if size(".br") == Some(bytes) {
        "Brotli"
    } else if size(".gz") == Some(bytes) {
        "gzip"
    } else if size("") == Some(bytes) {
        "uncompressed"
    } else {
        "unknown encoding"
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let app = spawn().await;
    println!("waiting for the demo catalogue to be transcoded…");
    let posters = wait_for_catalogue(&app).await;
    let baseline: String = posters
        .iter()
        .map(|p| {
            format!(
                "<img class=\"thumb\" src=\"{p}\" width=\"320\" height=\"180\" loading=\"lazy\">"
            )
        })
        .collect();
    std::fs::write(
        app.config.frontend_dir.join("baseline.html"),
        format!("<!doctype html><title>baseline</title><body>{baseline}</body>"),
    )
    .unwrap();

    let (mut app_ms, mut base_ms, mut code) = (vec![], vec![], vec![]);
    let (mut images, mut files) = (0, Value::Null);
    for _ in 0..RUNS {
        let r = measure(&app, "/", "#videos .video-card img", posters.len()).await;
        app_ms.push(r["ms"].as_f64().unwrap());
        code.push(r["code"].as_f64().unwrap());
        images = r["images"].as_u64().unwrap();
        files = r["files"].clone();
        let b = measure(&app, "/baseline.html", "img.thumb", posters.len()).await;
        base_ms.push(b["ms"].as_f64().unwrap());
    }
    let (app_ms, base_ms, code) = (median(app_ms), median(base_ms), median(code));
    println!("first visit to the home page ({RUNS} runs, medians, {images} thumbnails):");
    for file in files.as_array().into_iter().flatten() {
        let (name, bytes) = (
            file["name"].as_str().unwrap(),
            file["bytes"].as_u64().unwrap(),
        );
        println!(
            "  {} {bytes} B: {}",
            name.rsplit('/').next().unwrap_or(name),
            encoding_of(&app.config.frontend_dir, name, bytes)
        );
    }
    println!(
        "  wasm and JS downloaded (compressed): {:.0} KB (goal ≤ {:.0} KB: {})",
        code / 1024.0,
        BYTES_GOAL / 1024.0,
        if code <= BYTES_GOAL { "met" } else { "NOT met" }
    );
    println!(
        "  navigation to the grid with its thumbnails: {app_ms:.0} ms (goal ≤ {TIME_GOAL_MS:.0} ms: {}); \
         static page with the same thumbnails: {base_ms:.0} ms; ratio {:.1}x",
        if app_ms <= TIME_GOAL_MS {
            "met"
        } else {
            "NOT met"
        },
        app_ms / base_ms
    );
}
