//! Driving the admin app: opening pages, filling forms, waiting for what the page says.

use projector_tests::{TestApp, browser::Browser};
use serde_json::{Value, json};

pub use projector_tests::page::{
    PATIENCE, USER_PASSWORD, assert_app_is_built, body_text, choose, click, fill, js, open,
    sign_in, text_of, wait_for, wait_for_js, wait_for_js_within,
};

/// A server on SQLite whose `public_url` is its own address (so picture URLs reach it), with
/// no transcoding workers.
pub async fn spawn_site() -> TestApp {
    spawn_site_with(|_| {}).await
}

/// [`spawn_site`], with the configuration adjusted by `adjust` first.
pub async fn spawn_site_with(adjust: impl FnOnce(&mut projector_api::Config)) -> TestApp {
    projector_tests::page::spawn_site(0, adjust).await
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

/// The channel as the admin reads it through the API: every field its page can change.
pub async fn channel_as_admin(app: &TestApp, id: &str) -> Value {
    let admin = app.admin_token().await;
    app.graphql_ok(
        Some(&admin),
        "query($id: ID!) { channel(id: $id) { id name slug description commentModeration
             avatarUrl bannerUrl updatedAt downloadsEnabled
             playbackRestriction { allowedDomains allowNoReferrer } } }",
        json!({ "id": id }),
    )
    .await["channel"]
        .clone()
}

/// The video as the admin reads it through the API: every field the editor can change, and
/// its downloads.
pub async fn video_as_admin(app: &TestApp, id: &str) -> Value {
    let admin = app.admin_token().await;
    app.graphql_ok(
        Some(&admin),
        "query($id: ID!) { video(id: $id) { id title slug description visibility publishAt
             unpublishAt language license commentsEnabled updatedAt category { id } tags { id }
             chapters { title startSecs } playbackRestriction { allowedDomains allowNoReferrer }
             downloadsEnabled downloads { format url bytes } } }",
        json!({ "id": id }),
    )
    .await["video"]
        .clone()
}

/// `value` with its `updatedAt` taken from `like` (for comparing everything else).
pub fn same_time(mut value: Value, like: &Value) -> Value {
    value["updatedAt"] = like["updatedAt"].clone();
    value
}

/// What an editor who signs in (as `email`, made with `TestApp::user_token`) is shown of an
/// admins' page at `path`: whether the admin bar links to it (`#{link}`), the page's refusal
/// (the text of `refusal`), and everything the page shows.
pub async fn seen_by_editor(
    app: &TestApp,
    email: &str,
    link: &str,
    path: &str,
    refusal: &str,
) -> (Value, Option<String>, String) {
    let browser = Browser::start().await;
    sign_in(&browser, app, email, USER_PASSWORD).await;
    wait_for(&browser, "#nav-channels").await;
    let linked = js(
        &browser,
        &format!("return document.getElementById({link:?}) !== null;"),
    )
    .await;
    open(&browser, app, path).await;
    let refused = text_of(&browser, refusal).await;
    let page = body_text(&browser).await;
    browser.close().await;
    (linked, refused, page)
}
