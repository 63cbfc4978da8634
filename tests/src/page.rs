//! The app as the browser tests see it: a server the app can reach its own media on, and the
//! page read and waited on the way a person would (text shown, where the browser is), with the
//! patience a busy two-core machine needs.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::{Backend, TestApp, frontend_dir, spawn_app_with};

/// The password `TestApp::user_token` gives the users it creates.
pub const USER_PASSWORD: &str = "password-1234";

/// How long the app may take to load, compile its wasm, mount and fetch, on a busy machine.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Fails with the command to run when the app has not been built.
pub fn assert_app_is_built() {
    let index = frontend_dir().join("admin").join("index.html");
    assert!(
        index.is_file(),
        "{} is missing: build the app first with `scripts/build-app` (both builds, viewer \
         and admin) at the repository root (or set PROJECTOR_TEST_FRONTEND_DIR to a built dist)",
        index.display()
    );
}

/// A server on SQLite whose `public_url` is its own address, so the media URLs the API hands
/// out reach it (the port is picked before binding), with `workers` transcoding workers and one
/// small rendition (a short transcode), and `adjust` applied last.
pub async fn spawn_site(workers: u32, adjust: impl FnOnce(&mut projector_api::Config)) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = workers;
        c.transcode.ladder = vec![240];
        adjust(c);
    })
    .await
}

/// Opens `path` of the app in the browser.
pub async fn open(browser: &Browser, app: &TestApp, path: &str) {
    browser
        .client
        .goto(&app.url(path))
        .await
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
}

/// Waits until the page's script `check` (a JavaScript expression) is truthy and returns its
/// value; `None` when [`PATIENCE`] runs out first.
pub async fn wait_for_js(browser: &Browser, check: &str) -> Option<Value> {
    wait_for_js_within(browser, check, PATIENCE).await
}

/// [`wait_for_js`] with its own patience.
pub async fn wait_for_js_within(
    browser: &Browser,
    check: &str,
    patience: Duration,
) -> Option<Value> {
    let deadline = Instant::now() + patience;
    let script = format!("try {{ return ({check}); }} catch (e) {{ return null; }}");
    while Instant::now() < deadline {
        if let Ok(value) = browser.client.execute(&script, vec![]).await
            && !matches!(value, Value::Null | Value::Bool(false))
            && value != json!("")
            && value != json!(0)
        {
            return Some(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Runs a script and returns its value.
pub async fn js(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

/// The trimmed text of the first element matched by `css`, once there is one with some text
/// (else `None`).
pub async fn text_of(browser: &Browser, css: &str) -> Option<String> {
    let selector = serde_json::to_string(css).unwrap();
    wait_for_js(
        browser,
        &format!("document.querySelector({selector}) && document.querySelector({selector}).textContent.trim()"),
    )
    .await
    .and_then(|v| v.as_str().map(str::to_owned))
}

/// Everything the page shows, for assertions and failure messages.
pub async fn body_text(browser: &Browser) -> String {
    match browser.client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(e) => format!("(no body: {e})"),
    }
}

/// The path (and query) the browser is at.
pub async fn current_path(browser: &Browser) -> String {
    let url = browser.client.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The first element matched by `css`, once it exists.
pub async fn wait_for(browser: &Browser, css: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match browser.client.find(Locator::Css(css)).await {
            Ok(element) => return element,
            Err(e) if Instant::now() > deadline => {
                panic!(
                    "{css} never appeared ({e}); the page read:\n{}",
                    body_text(browser).await
                )
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Types `text` into the field matched by `css`, replacing what it held.
pub async fn fill(browser: &Browser, css: &str, text: &str) {
    let field = wait_for(browser, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Chooses the option with this value in the `select` matched by `css`.
pub async fn choose(browser: &Browser, css: &str, value: &str) {
    wait_for(browser, css)
        .await
        .select_by_value(value)
        .await
        .unwrap();
}

/// Clicks the element matched by `css` once it is there and enabled.
pub async fn click(browser: &Browser, css: &str) {
    let selector = serde_json::to_string(css).unwrap();
    wait_for_js(
        browser,
        &format!(
            "document.querySelector({selector}) && !document.querySelector({selector}).disabled"
        ),
    )
    .await;
    wait_for(browser, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Signs in through the form at `/admin/sign-in` and waits for the admin bar.
pub async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    open(browser, app, "/admin/sign-in").await;
    fill(browser, "#sign-in-email", email).await;
    fill(browser, "#sign-in-password", password).await;
    click(browser, "#sign-in-submit").await;
    let user = text_of(browser, "#admin-user").await;
    assert_eq!(
        user.as_deref(),
        Some(email),
        "the admin bar should name {email}; the page read:\n{}",
        body_text(browser).await
    );
}
