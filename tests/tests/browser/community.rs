//! The viewer community as a visitor uses it: signing up (a common password first, told as a
//! sentence), liking a video (the count after the batch write), subscribing to its channel and
//! finding a newly published video on `/subscriptions`, leaving a video in the middle and
//! coming back there, the history and "clear history", and "sign out everywhere"; and the
//! account's `/settings` (name, avatar, password, deleting it). Screenshots of `/signup`,
//! `/subscriptions`, `/history` and `/settings` go to `docs/screenshots/`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use projector_api::config::Registration;
use projector_tests::browser::Browser;
use projector_tests::page::{click, fill};
use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::json;

use super::{PATIENCE, assert_app_is_built, body_text, channel, open, video, wait_for_js};
use crate::watching::clip_video;

/// A server like `spawn_site(1)`, with open registration and counters written every 100 ms.
async fn spawn_open_site() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 1;
        c.transcode.ladder = vec![240];
        c.accounts.registration = Some(Registration::Open);
        c.delivery.view_flush_ms = 100;
    })
    .await
}

/// The text of the element with this id once `check` (JavaScript, with the element as `e`)
/// holds; `None` when it never does.
async fn text_when(browser: &Browser, id: &str, check: &str) -> Option<serde_json::Value> {
    wait_for_js(
        browser,
        &format!("(e => e && ({check}) && e.textContent)(document.getElementById('{id}'))"),
    )
    .await
}

/// Opens `path` again and again until `check` holds (counters are written in batches).
async fn eventually_on(browser: &Browser, app: &TestApp, path: &str, check: &str) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        open(browser, app, path).await;
        if wait_for_js(browser, check).await.is_some() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_signs_up_likes_subscribes_resumes_clears_history_and_signs_out_everywhere() {
    visit().await;
}

/// The visit: signing up, liking, subscribing, resuming, history and signing out.
async fn visit() {
    assert_app_is_built();
    let app = spawn_open_site().await;
    let admin = app.admin_token().await;
    let (ch, _) = channel(&app, &admin, "Harbour").await;
    let (_, uuid) = clip_video(&app, &admin, &ch, "Tugboats", 8.0, json!({}), true).await;
    let watch = format!("/watch/{uuid}");
    let browser = Browser::start().await;

    // Signed out: the header offers "Sign in"; liking leads to sign-in, then to sign-up.
    open(&browser, &app, &watch).await;
    assert!(text_when(&browser, "sign-in-link", "true").await.is_some());
    click(&browser, "#like-button").await;
    assert!(
        wait_for_js(
            &browser,
            "location.pathname === '/signin' && location.search.includes('next=')"
        )
        .await
        .is_some(),
        "a signed-out like leads to sign-in: {}",
        body_text(&browser).await
    );
    click(&browser, "#signup-link").await;
    assert!(text_when(&browser, "signup-form", "true").await.is_some());
    browser.screenshots("signup-en").await;
    fill(&browser, "#signup-email", "ada@example.com").await;
    fill(&browser, "#signup-name", "Ada Lovelace").await;
    fill(&browser, "#signup-password", "password").await;
    click(&browser, "#signup-submit").await;
    let error = text_when(&browser, "account-error", "true").await;
    assert_eq!(
        error,
        Some(json!("This password is too common. Choose another one."))
    );
    assert_eq!(app.count("users").await, 1);
    fill(&browser, "#signup-password", "a quiet river 42").await;
    click(&browser, "#signup-submit").await;
    // Back on the watch page, signed in.
    let name = text_when(
        &browser,
        "account-name",
        "location.pathname.startsWith('/watch/')",
    )
    .await;
    assert_eq!(
        name,
        Some(json!("Ada Lovelace")),
        "{}",
        body_text(&browser).await
    );

    // Likes: pressed at once, the count after the batch write, both after a reload.
    click(&browser, "#like-button").await;
    let pressed = "document.getElementById('like-button').getAttribute('aria-pressed') === 'true'";
    assert!(wait_for_js(&browser, pressed).await.is_some());
    let liked =
        format!("{pressed} && document.getElementById('like-count').textContent === '1 like'");
    assert!(
        eventually_on(&browser, &app, &watch, &liked).await,
        "the like count never showed: {}",
        body_text(&browser).await
    );

    // Subscribing, then a new video of the channel shows on /subscriptions.
    click(&browser, "#subscribe-button").await;
    assert!(
        wait_for_js(
            &browser,
            "document.getElementById('subscribe-button').getAttribute('aria-pressed') === 'true'"
        )
        .await
        .is_some()
    );
    video(
        &app,
        &admin,
        &ch,
        "Fresh catch",
        json!({ "status": "READY", "publishAt": chrono::Utc::now().to_rfc3339() }),
    )
    .await;
    open(&browser, &app, "/subscriptions").await;
    let feed = text_when(&browser, "feed", "e.textContent.includes('Fresh catch')").await;
    assert!(feed.is_some(), "{}", body_text(&browser).await);
    browser.screenshots("subscriptions-en").await;

    // Leaving a video in the middle, the next visit starts there.
    open(&browser, &app, &watch).await;
    assert!(
        wait_for_js(
            &browser,
            "document.getElementById('player').readyState >= 1"
        )
        .await
        .is_some()
    );
    browser
        .client
        .execute(
            "const v = document.getElementById('player'); v.muted = true; v.currentTime = 4; \
             v.play().then(() => setTimeout(() => v.pause(), 300)).catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    wait_for_js(
        &browser,
        "document.getElementById('player').currentTime >= 4",
    )
    .await;
    // Away through a link of the app: the page saves the position as it goes.
    browser
        .client
        .find(Locator::Css(".site-header h1 a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_js(&browser, "location.pathname === '/'").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    open(&browser, &app, &watch).await;
    let resumed = wait_for_js(
        &browser,
        "(v => v.readyState >= 1 && v.currentTime >= 3.5 && v.currentTime < 6 && v.currentTime)\
         (document.getElementById('player'))",
    )
    .await;
    assert!(resumed.is_some(), "the watch page did not resume near 4 s");

    // The history lists it; clearing empties it.
    open(&browser, &app, "/history").await;
    let history = text_when(&browser, "history", "e.textContent.includes('Tugboats')").await;
    assert!(history.is_some(), "{}", body_text(&browser).await);
    browser.screenshots("history-en").await;
    click(&browser, "#clear-history").await;
    assert!(text_when(&browser, "history-empty", "true").await.is_some());
    open(&browser, &app, "/history").await;
    assert!(text_when(&browser, "history-empty", "true").await.is_some());

    // Signing out everywhere ends the session: the stored token no longer works.
    let refresh = browser
        .client
        .execute(
            "return localStorage.getItem('projector.refreshToken');",
            vec![],
        )
        .await
        .unwrap();
    click(&browser, "#account-button").await;
    click(&browser, "#sign-out-everywhere").await;
    assert!(text_when(&browser, "sign-in-link", "true").await.is_some());
    let stored = browser
        .client
        .execute(
            "return localStorage.getItem('projector.refreshToken');",
            vec![],
        )
        .await
        .unwrap();
    browser.close().await;
    assert_eq!(stored, json!(null));
    let body = app
        .graphql(
            None,
            "mutation($t: String!) { refresh(input: { refreshToken: $t }) { accessToken } }",
            json!({ "t": refresh }),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");
}

/// The JavaScript truth of `#{id}`'s text containing `part`.
fn says(id: &str, part: &str) -> String {
    format!("(e => e && e.textContent.includes({part:?}))(document.getElementById('{id}'))")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_renames_themself_sets_an_avatar_changes_the_password_and_deletes_the_account() {
    assert_app_is_built();
    let app = spawn_open_site().await;
    let password = "a quiet river 42";
    let body = app
        .graphql(
            None,
            "mutation($i: SignUpInput!) { signUp(input: $i) { ok } }",
            json!({ "i": { "email": "ada@example.com", "password": password, "displayName": "ada" } }),
        )
        .await;
    assert_eq!(body["data"]["signUp"]["ok"], true, "{body}");
    let browser = Browser::start().await;
    open(&browser, &app, "/signin").await;
    fill(&browser, "#signin-email", "ada@example.com").await;
    fill(&browser, "#signin-password", password).await;
    click(&browser, "#signin-submit").await;
    assert!(text_when(&browser, "account-name", "true").await.is_some());
    click(&browser, "#account-button").await;
    click(&browser, "#menu-settings").await;

    // Saving the name unchanged changes nothing; a new one shows in the header at once.
    assert!(
        wait_for_js(
            &browser,
            "(e => e && e.value === 'ada')(document.getElementById('settings-name'))"
        )
        .await
        .is_some(),
        "{}",
        body_text(&browser).await
    );
    click(&browser, "#settings-save-name").await;
    assert!(
        wait_for_js(&browser, &says("settings-profile-said", "Nothing to save"))
            .await
            .is_some()
    );
    let me = "{ me { displayName avatarUrl } }";
    let (token, _) = app.login("ada@example.com", password).await;
    assert_eq!(
        app.graphql_ok(Some(&token), me, json!({})).await["me"]["displayName"],
        "ada"
    );
    fill(&browser, "#settings-name", "Ada Lovelace").await;
    click(&browser, "#settings-save-name").await;
    assert!(
        wait_for_js(&browser, &says("settings-profile-said", "Saved"))
            .await
            .is_some()
    );
    assert!(
        text_when(&browser, "account-name", "e.textContent === 'Ada Lovelace'")
            .await
            .is_some()
    );
    assert_eq!(
        app.graphql_ok(Some(&token), me, json!({})).await["me"]["displayName"],
        "Ada Lovelace"
    );

    // The avatar: a PNG chosen in the file input shows in the header, loaded from the server.
    let picture = app.dir.path().join("ada.png");
    projector_tests::media::png(&picture);
    browser
        .client
        .find(Locator::Id("settings-avatar-file"))
        .await
        .unwrap()
        .send_keys(picture.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#settings-upload-avatar").await;
    assert!(
        wait_for_js(&browser, &says("settings-avatar-said", "avatar is updated"))
            .await
            .is_some(),
        "{}",
        body_text(&browser).await
    );
    assert!(
        wait_for_js(
            &browser,
            "(i => i && i.complete && i.naturalWidth > 0)(document.getElementById('account-avatar'))"
        )
        .await
        .is_some(),
        "the header shows the avatar"
    );
    browser.screenshots("settings-en").await;

    // A wrong current password is told; the right one changes it.
    fill(&browser, "#settings-current-password", "not my password").await;
    fill(&browser, "#settings-new-password", "a new river 43").await;
    click(&browser, "#settings-change-password").await;
    assert!(
        wait_for_js(
            &browser,
            &says("settings-password-said", "not your current password")
        )
        .await
        .is_some()
    );
    fill(&browser, "#settings-current-password", password).await;
    fill(&browser, "#settings-new-password", "a new river 43").await;
    click(&browser, "#settings-change-password").await;
    assert!(
        wait_for_js(
            &browser,
            &says("settings-password-said", "password is changed")
        )
        .await
        .is_some()
    );
    let old = app
        .graphql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "ada@example.com", "password": password } }),
        )
        .await;
    assert!(
        old.get("errors").is_some(),
        "the old password is refused: {old}"
    );
    // Still signed in here, with the new session.
    assert!(
        text_when(&browser, "account-name", "e.textContent === 'Ada Lovelace'")
            .await
            .is_some()
    );

    // Deleting the account (the dialog accepted) signs out and the account is gone.
    browser
        .client
        .execute("window.confirm = () => true; return true;", vec![])
        .await
        .unwrap();
    fill(&browser, "#settings-delete-password", "a new river 43").await;
    click(&browser, "#settings-delete-account").await;
    assert!(
        wait_for_js(
            &browser,
            "location.pathname === '/' && !!document.getElementById('sign-in-link')"
        )
        .await
        .is_some(),
        "{}",
        body_text(&browser).await
    );
    browser.close().await;
    assert_eq!(app.count("users").await, 1, "only the admin is left");
}

/// The number of rows in the list with this id once it is `n` (`None` when it never is).
async fn rows_become(browser: &Browser, list: &str, n: usize) -> bool {
    wait_for_js(
        browser,
        &format!("document.querySelectorAll('#{list} > li').length === {n}"),
    )
    .await
    .is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_pages_through_subscriptions_and_history_with_show_more() {
    assert_app_is_built();
    let app = spawn_open_site().await;
    let admin = app.admin_token().await;
    let (ch, _) = channel(&app, &admin, "Archive").await;
    let mut ids = Vec::new();
    for n in 0..30 {
        let uuid = video(
            &app,
            &admin,
            &ch,
            &format!("Reel {n:02}"),
            json!({ "visibility": "PUBLIC", "status": "READY", "duration": 60.0 }),
        )
        .await;
        ids.push(projector_api::graphql::relay::to_global("Video", uuid.parse().unwrap()).0);
    }
    let viewer = app.user_token("ada@example.com", "VIEWER").await;
    app.graphql_ok(
        Some(&viewer),
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": ch } }),
    )
    .await;
    // Watched: 26 of them, the last one most recently.
    for id in &ids[..26] {
        app.graphql_ok(
            Some(&viewer),
            "mutation($i: SaveWatchPositionInput!) { saveWatchPosition(input: $i) { seconds } }",
            json!({ "i": { "itemId": id, "seconds": 30.0 } }),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let browser = Browser::start().await;
    open(&browser, &app, "/signin").await;
    fill(&browser, "#signin-email", "ada@example.com").await;
    fill(&browser, "#signin-password", "password-1234").await;
    click(&browser, "#signin-submit").await;
    assert!(text_when(&browser, "account-name", "true").await.is_some());

    // 24 a page; "Show more" adds the rest and goes away.
    open(&browser, &app, "/subscriptions").await;
    assert!(
        rows_become(&browser, "feed", 24).await,
        "{}",
        body_text(&browser).await
    );
    click(&browser, "#feed-more").await;
    assert!(
        rows_become(&browser, "feed", 30).await,
        "{}",
        body_text(&browser).await
    );
    let titles = wait_for_js(
        &browser,
        "(() => { const t = [...document.querySelectorAll('#feed .side-title')].map(e => e.textContent); \
         return document.getElementById('feed-more') === null && t; })()",
    )
    .await
    .expect("the button goes once every page is shown");
    let mut shown: Vec<String> = serde_json::from_value(titles).unwrap();
    shown.sort();
    shown.dedup();
    assert_eq!(shown.len(), 30, "each video once: {shown:?}");

    open(&browser, &app, "/history").await;
    assert!(
        rows_become(&browser, "history", 24).await,
        "{}",
        body_text(&browser).await
    );
    let newest = wait_for_js(
        &browser,
        "(e => e && e.textContent)(document.querySelector('#history .side-title'))",
    )
    .await;
    assert_eq!(newest, Some(json!("Reel 25")));
    click(&browser, "#history-more").await;
    assert!(
        rows_become(&browser, "history", 26).await,
        "{}",
        body_text(&browser).await
    );
    let last = wait_for_js(
        &browser,
        "document.getElementById('history-more') === null && [...document.querySelectorAll('#history .side-title')].pop().textContent",
    )
    .await;
    assert_eq!(last, Some(json!("Reel 00")));
    browser.close().await;
}
