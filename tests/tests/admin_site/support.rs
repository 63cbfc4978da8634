//! Driving the admin app: opening pages, filling forms, waiting for what the page says.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use projector_tests::{Backend, TestApp, browser::Browser, frontend_dir, spawn_app_with};
use serde_json::{Value, json};

/// How long the app may take to load, compile its wasm, mount and fetch, on a busy machine.
pub const PATIENCE: Duration = Duration::from_secs(20);
/// The password `TestApp::user_token` gives the users it creates.
pub const USER_PASSWORD: &str = "password-1234";

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

/// A server on SQLite whose `public_url` is its own address (so picture URLs reach it), with
/// no transcoding workers.
pub async fn spawn_site() -> TestApp {
    spawn_site_with(|_| {}).await
}

/// [`spawn_site`], with the configuration adjusted by `adjust` first.
pub async fn spawn_site_with(adjust: impl FnOnce(&mut projector_api::Config)) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 0;
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

/// Waits until the text of the first element matched by `css` contains `part`; returns the
/// text it last had (for the assertion's message).
pub async fn text_containing(browser: &Browser, css: &str, part: &str) -> String {
    let selector = serde_json::to_string(css).unwrap();
    let part_js = serde_json::to_string(part).unwrap();
    wait_for_js(
        browser,
        &format!("document.querySelector({selector}) && document.querySelector({selector}).textContent.includes({part_js})"),
    )
    .await;
    js(
        browser,
        &format!("const e = document.querySelector({selector}); return e ? e.textContent.trim() : '(no ' + {selector} + ')';"),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Everything the page shows, for assertions and failure messages.
pub async fn body_text(browser: &Browser) -> String {
    match browser.client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(e) => format!("(no body: {e})"),
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
    wait_for(browser, css).await.click().await.unwrap();
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

/// Saves the page as `docs/screenshots/{name}-1280.png` (1280x800) and `{name}-390.png`
/// (390x844, a phone), and checks the page does not scroll sideways on the phone.
pub async fn screenshots(browser: &Browser, name: &str) {
    js(
        browser,
        "window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); return true;",
    )
    .await;
    browser.screenshots(name).await;
}

/// `{ me { email } }` with `token`: the email, or the error code when it is refused.
pub async fn me_with(app: &TestApp, token: &str) -> Result<Option<String>, String> {
    let body = app
        .graphql(Some(token), "{ me { email } }", json!({}))
        .await;
    match projector_tests::error_code(&body) {
        Some(code) => Err(code.to_owned()),
        None => Ok(body["data"]["me"]["email"].as_str().map(str::to_owned)),
    }
}

/// [`screenshots`] with the element matched by `css` scrolled to the top of the window (for a
/// part of a long page).
pub async fn screenshots_at(browser: &Browser, css: &str, name: &str) {
    let selector = serde_json::to_string(css).unwrap();
    js(
        browser,
        &format!("document.activeElement && document.activeElement.blur(); document.querySelector({selector}).scrollIntoView(); return true;"),
    )
    .await;
    browser.screenshots(name).await;
}
