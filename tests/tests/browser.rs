//! The single-page app in a real headless Chromium, served by a real server.
//!
//! These tests need the built app: run `trunk build --release` at the repository root first (or
//! point `PROJECTOR_TEST_FRONTEND_DIR` at a built `dist`). A missing build fails, never skips, so
//! a broken app cannot pass unnoticed.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use projector_tests::{Backend, browser::Browser, frontend_dir, spawn_app};
use serde_json::json;

/// How long the app may take to load, compile its wasm, mount and fetch, on a busy machine.
const PATIENCE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_the_server_version() {
    assert_app_is_built();
    let app = spawn_app(Backend::Sqlite).await;
    let data = app.graphql_ok(None, "{ version }", json!({})).await;
    let expected = data["version"]
        .as_str()
        .expect("version is a string")
        .to_owned();

    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url("/"))
        .await
        .expect("open the home page");
    let shown = text_of_element(&browser, "server-version").await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(
        shown.as_deref(),
        Some(expected.as_str()),
        "#server-version should show the API's version within {PATIENCE:?}; the page read:\n{page}"
    );
}

/// Fails with the command to run when the app has not been built.
fn assert_app_is_built() {
    let index = frontend_dir().join("index.html");
    assert!(
        index.is_file(),
        "{} is missing: build the app first with \
         `PATH=/root/.cache/projector/tools/node_modules/.bin:$PATH trunk build --release` \
         at the repository root (or set PROJECTOR_TEST_FRONTEND_DIR to a built dist)",
        index.display()
    );
}

/// The text of the element with this `id` once it exists and is not empty, or `None` when
/// [`PATIENCE`] runs out first.
async fn text_of_element(browser: &Browser, id: &str) -> Option<String> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Ok(element) = browser.client.find(Locator::Id(id)).await
            && let Ok(text) = element.text().await
            && !text.is_empty()
        {
            return Some(text);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Everything the page shows, for failure messages.
async fn body_text(browser: &Browser) -> String {
    match browser.client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(e) => format!("(no body: {e})"),
    }
}
