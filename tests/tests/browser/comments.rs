//! Comments as viewers and an editor use them on the site: a comment held for review shows
//! to its author only until an editor approves it in `/admin/moderation`; the author replies,
//! edits and deletes the reply; another viewer reports the comment, which the queue then shows
//! as reported; a banned viewer's new comment is refused with a sentence. Bad bodies show the
//! server's refusal and post nothing; with comments off there is no form. Screenshots of the
//! comments section (`comments-en`) and of the moderation page (`admin-moderation`).

use std::net::SocketAddr;

use fantoccini::Locator;
use projector_api::config::Registration;
use projector_tests::browser::Browser;
use projector_tests::page::{click, fill};
use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

use super::{PATIENCE, assert_app_is_built, body_text, channel, open, video, wait_for_js};

const PASSWORD: &str = "password-1234";

/// A server whose viewers may comment at once (up to 100 comments a window, of at most
/// `max_chars` characters), with no workers.
async fn spawn_comments_site(max_chars: u32) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 0;
        c.accounts.registration = Some(Registration::Open);
        c.accounts.comment_after_secs = 0;
        c.accounts.comments_per_window = 100;
        c.accounts.comment_max_chars = max_chars;
    })
    .await
}

/// A channel with this comment moderation and a public video on it: `(channel ID, uuid)`.
async fn channel_with_video(app: &TestApp, admin: &str, moderation: &str) -> (String, String) {
    let (ch, _) = channel(app, admin, "Harbour").await;
    app.graphql_ok(
        Some(admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": ch, "commentModeration": moderation } }),
    )
    .await;
    let uuid = video(app, admin, &ch, "Tugboats", json!({ "status": "READY" })).await;
    (ch, uuid)
}

/// The video's top-level comments as `token` reads them: `(body, status)` each, newest first.
async fn comments_as(app: &TestApp, token: Option<&str>, uuid: &str) -> Vec<(String, String)> {
    let data = app
        .graphql_ok(
            token,
            "query($id: ID!) { video(id: $id) { comments(first: 50) { nodes { body status } } } }",
            json!({ "id": uuid }),
        )
        .await;
    data["video"]["comments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["body"].as_str().unwrap().to_owned(),
                n["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Whether the element matched by `css` comes to contain `text`.
async fn shows(browser: &Browser, css: &str, text: &str) -> bool {
    let (selector, text) = (
        serde_json::to_string(css).unwrap(),
        serde_json::to_string(text).unwrap(),
    );
    wait_for_js(
        browser,
        &format!("document.querySelector({selector}) && document.querySelector({selector}).textContent.includes({text})"),
    )
    .await
    .is_some()
}

/// Signs in on `/signin` and comes back to `path`; forgets any earlier session first.
async fn sign_in_on(browser: &Browser, app: &TestApp, email: &str, password: &str, path: &str) {
    sign_out(browser, app).await;
    let next = format!("/signin?next={}", urlencode(path));
    open(browser, app, &next).await;
    fill(browser, "#signin-email", email).await;
    fill(browser, "#signin-password", password).await;
    click(browser, "#signin-submit").await;
    let back = format!(
        "location.pathname === {:?} && document.getElementById('account-name')",
        path
    );
    assert!(
        wait_for_js(browser, &back).await.is_some(),
        "{email} did not come back to {path}: {}",
        body_text(browser).await
    );
}

fn urlencode(path: &str) -> String {
    path.replace('/', "%2F")
}

/// Forgets the session (the access token lives in the page, the refresh token in storage),
/// from a page of the site that is not the app (which could be rotating the token meanwhile).
async fn sign_out(browser: &Browser, app: &TestApp) {
    open(browser, app, "/healthz").await;
    browser
        .client
        .execute(
            "localStorage.removeItem('projector.refreshToken'); return true;",
            vec![],
        )
        .await
        .unwrap();
}

/// The text of the comments section once its comments have loaded.
async fn comments_loaded(browser: &Browser) -> String {
    let loaded = wait_for_js(
        browser,
        "(s => s && s.getAttribute('aria-busy') === 'false' && document.getElementById('comment-count').textContent && s.innerText)(document.getElementById('comments'))",
    )
    .await;
    match loaded.and_then(|v| v.as_str().map(str::to_owned)) {
        Some(text) => text,
        None => panic!("the comments never loaded: {}", body_text(browser).await),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_comments_the_comment_is_held_an_editor_approves_it_and_everyone_sees_it() {
    assert_app_is_built();
    let app = spawn_comments_site(5000).await;
    let admin = app.admin_token().await;
    let (ch, uuid) = channel_with_video(&app, &admin, "HOLD_ALL").await;
    let ada = app.user_token("ada@example.com", "VIEWER").await;
    let bob = app.user_token("bob@example.com", "VIEWER").await;
    let watch = format!("/watch/{uuid}");
    let browser = Browser::start().await;

    // A visitor reads the (empty) comments and is offered to sign in, and no form.
    open(&browser, &app, &watch).await;
    let section = comments_loaded(&browser).await;
    assert!(section.contains("No comments yet."), "{section}");
    let href = wait_for_js(
        &browser,
        "document.getElementById('comment-sign-in').getAttribute('href')",
    )
    .await;
    assert_eq!(
        href,
        Some(json!(format!("/signin?next={}", urlencode(&watch))))
    );
    assert!(
        browser
            .client
            .find(Locator::Id("comment-form"))
            .await
            .is_err()
    );

    // Ada comments: it is held, shown to her as awaiting review, to nobody else.
    sign_in_on(&browser, &app, "ada@example.com", PASSWORD, &watch).await;
    fill(&browser, "#comment-body", "Lovely *tugboats*").await;
    click(&browser, "#comment-submit").await;
    assert!(
        shows(
            &browser,
            "#comment-list .comment-awaiting",
            "Awaiting review"
        )
        .await,
        "{}",
        body_text(&browser).await
    );
    assert!(shows(&browser, "#comment-list .comment-body em", "tugboats").await);
    assert_eq!(
        comments_as(&app, Some(&ada), &uuid).await,
        [("Lovely *tugboats*".to_owned(), "HELD".to_owned())]
    );
    assert!(comments_as(&app, None, &uuid).await.is_empty());
    sign_out(&browser, &app).await;
    open(&browser, &app, &watch).await;
    let section = comments_loaded(&browser).await;
    assert!(
        !section.contains("Lovely"),
        "a visitor sees a held comment: {section}"
    );

    // The editor approves it in the queue; the bar counted it.
    approve_in_queue(&browser, &app, "Lovely").await;

    // Now the visitor sees it.
    sign_out(&browser, &app).await;
    open(&browser, &app, &watch).await;
    assert!(
        shows(&browser, "#comment-list", "Lovely tugboats").await,
        "{}",
        body_text(&browser).await
    );
    assert!(shows(&browser, "#comment-count", "1 comment").await);
    assert!(
        browser
            .client
            .find(Locator::Css("#comment-list .comment-awaiting"))
            .await
            .is_err()
    );

    // Ada replies (held too), edits her reply and deletes it.
    sign_in_on(&browser, &app, "ada@example.com", PASSWORD, &watch).await;
    reply_edit_delete(&browser, &app, &ada, &uuid).await;

    // Bob reports it; the queue shows it as reported.
    sign_in_on(&browser, &app, "bob@example.com", PASSWORD, &watch).await;
    click(&browser, "#comment-list .comment-report").await;
    fill(
        &browser,
        "#comment-list .comment-report-reason",
        "off topic",
    )
    .await;
    click(&browser, "#comment-list .comment-send-report").await;
    assert!(shows(&browser, "#comment-list .comment-reported", "Reported").await);
    browser.screenshots("comments-en").await;
    let _ = bob;

    // The editor sees the report and bans Ada from the channel.
    admin_sign_in(&browser, &app).await;
    open(&browser, &app, "/admin/moderation").await;
    assert!(
        shows(&browser, ".moderation-row .moderation-reports", "1 report").await,
        "{}",
        body_text(&browser).await
    );
    assert!(shows(&browser, ".moderation-row .moderation-item", "Tugboats").await);
    browser.screenshots("admin-moderation").await;
    click(&browser, ".moderation-row .ban-author").await;
    click(&browser, ".moderation-row .confirm-ban").await;
    assert!(
        shows(
            &browser,
            ".moderation-row .ban-notice",
            "can no longer comment on Harbour"
        )
        .await
    );
    let _ = ch;

    // Ada's next comment is refused with a sentence, and nothing is posted.
    let before = app.count("comments").await;
    sign_in_on(&browser, &app, "ada@example.com", PASSWORD, &watch).await;
    fill(&browser, "#comment-body", "Still here").await;
    click(&browser, "#comment-submit").await;
    assert!(
        shows(
            &browser,
            "#comment-error",
            "You can no longer comment on this channel."
        )
        .await,
        "{}",
        body_text(&browser).await
    );
    assert_eq!(app.count("comments").await, before);
    browser.close().await;
}

/// Signs in the test admin through the admin app's form.
async fn admin_sign_in(browser: &Browser, app: &TestApp) {
    sign_out(browser, app).await;
    open(browser, app, "/admin/sign-in").await;
    fill(browser, "#sign-in-email", projector_tests::ADMIN_EMAIL).await;
    fill(
        browser,
        "#sign-in-password",
        projector_tests::ADMIN_PASSWORD,
    )
    .await;
    click(browser, "#sign-in-submit").await;
    assert!(shows(browser, "#admin-user", projector_tests::ADMIN_EMAIL).await);
}

/// As the admin, approves the one waiting comment that contains `text` in `/admin/moderation`.
async fn approve_in_queue(browser: &Browser, app: &TestApp, text: &str) {
    admin_sign_in(browser, app).await;
    open(browser, app, "/admin/moderation").await;
    assert!(
        shows(browser, "#moderation-list", text).await,
        "{}",
        body_text(browser).await
    );
    assert!(
        shows(browser, "#nav-moderation", "Moderation (1)").await,
        "{}",
        body_text(browser).await
    );
    assert!(shows(browser, ".moderation-held", "Held for review").await);
    click(browser, ".moderation-row .moderation-select").await;
    click(browser, "#approve-selected").await;
    assert!(
        shows(browser, "#moderation-notice", "1 of 1 approved.").await,
        "{}",
        body_text(browser).await
    );
    assert!(shows(browser, "#moderation-empty", "No comments are waiting.").await);
    assert!(
        wait_for_js(
            browser,
            "document.getElementById('nav-moderation').textContent === 'Moderation'"
        )
        .await
        .is_some()
    );
}

/// Ada, on the watch page, replies to the comment, edits the reply and deletes it.
async fn reply_edit_delete(browser: &Browser, app: &TestApp, ada: &str, uuid: &str) {
    let replies = |token: String| {
        let uuid = uuid.to_owned();
        async move {
            let data = app
                .graphql_ok(
                    Some(&token),
                    "query($id: ID!) { video(id: $id) { comments(first: 5) { nodes { replies(first: 5) { nodes { body status editedAt } } } } } }",
                    json!({ "id": uuid }),
                )
                .await;
            data["video"]["comments"]["nodes"][0]["replies"]["nodes"].clone()
        }
    };
    click(browser, "#comment-list .comment-reply").await;
    fill(
        browser,
        "#comment-list .comment-form textarea",
        "Thanks, me again",
    )
    .await;
    click(browser, "#comment-list .comment-form button[type=submit]").await;
    assert!(
        shows(
            browser,
            ".comment-replies .comment-body",
            "Thanks, me again"
        )
        .await,
        "{}",
        body_text(browser).await
    );
    assert!(
        shows(
            browser,
            ".comment-replies .comment-awaiting",
            "Awaiting review"
        )
        .await
    );
    click(browser, ".comment-replies .comment-edit").await;
    fill(
        browser,
        ".comment-replies .comment-edit-body",
        "Thanks, edited",
    )
    .await;
    click(browser, ".comment-replies .comment-save").await;
    assert!(shows(browser, ".comment-replies .comment-body", "Thanks, edited").await);
    assert!(shows(browser, ".comment-replies .comment-edited", "edited").await);
    let now: Value = replies(ada.to_owned()).await;
    assert_eq!(now[0]["body"], "Thanks, edited");
    assert!(now[0]["editedAt"].is_string());
    click(browser, ".comment-replies .comment-delete").await;
    assert!(
        shows(
            browser,
            ".comment-replies .comment-confirm",
            "Delete this comment and its replies?"
        )
        .await
    );
    click(browser, ".comment-replies .comment-confirm-delete").await;
    assert!(
        wait_for_js(
            browser,
            "!document.querySelector('.comment-replies .comment')"
        )
        .await
        .is_some(),
        "the reply still shows"
    );
    assert_eq!(replies(ada.to_owned()).await, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_or_too_long_comment_shows_the_servers_refusal_and_posts_nothing() {
    assert_app_is_built();
    let app = spawn_comments_site(40).await;
    let admin = app.admin_token().await;
    let (_, uuid) = channel_with_video(&app, &admin, "PUBLISH").await;
    app.user_token("ada@example.com", "VIEWER").await;
    let watch = format!("/watch/{uuid}");
    let browser = Browser::start().await;
    sign_in_on(&browser, &app, "ada@example.com", PASSWORD, &watch).await;
    comments_loaded(&browser).await;
    for (body, says) in [
        ("", "Write something first."),
        ("    ", "Write something first."),
        (&"a".repeat(41)[..], "This comment is too long."),
        (
            "<b>bold</b>",
            "HTML is not allowed: write plain text or Markdown.",
        ),
    ] {
        fill(&browser, "#comment-body", body).await;
        click(&browser, "#comment-submit").await;
        assert!(
            shows(&browser, "#comment-error", says).await,
            "{body:?} should say {says:?}: {}",
            body_text(&browser).await
        );
        assert_eq!(app.count("comments").await, 0, "{body:?} was posted");
    }
    // A good one goes through (published at once) and the error is gone.
    fill(&browser, "#comment-body", "Exactly right").await;
    click(&browser, "#comment-submit").await;
    assert!(shows(&browser, "#comment-list", "Exactly right").await);
    assert!(
        wait_for_js(
            &browser,
            "document.getElementById('comment-error').textContent === ''"
        )
        .await
        .is_some()
    );
    assert_eq!(
        comments_as(&app, None, &uuid).await,
        [("Exactly right".to_owned(), "PUBLISHED".to_owned())]
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_comments_off_the_page_says_so_and_offers_no_form_while_an_episode_takes_comments() {
    assert_app_is_built();
    let app = spawn_comments_site(5000).await;
    let admin = app.admin_token().await;
    let (ch, uuid) = channel_with_video(&app, &admin, "PUBLISH").await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": uuid_to_id(&app, &uuid).await, "commentsEnabled": false } }),
    )
    .await;
    let episode = published_episode(&app, &admin, &ch).await;
    app.user_token("ada@example.com", "VIEWER").await;
    let watch = format!("/watch/{uuid}");
    let browser = Browser::start().await;
    sign_in_on(&browser, &app, "ada@example.com", PASSWORD, &watch).await;
    assert!(
        shows(&browser, "#comments-off", "Comments are turned off.").await,
        "{}",
        body_text(&browser).await
    );
    assert!(
        browser
            .client
            .find(Locator::Id("comment-form"))
            .await
            .is_err()
    );
    assert!(
        browser
            .client
            .find(Locator::Id("comment-sign-in"))
            .await
            .is_err()
    );

    // The episode page has the same section, and takes a comment.
    let path = format!("/episodes/{episode}");
    open(&browser, &app, &path).await;
    fill(&browser, "#comment-body", "Great episode").await;
    click(&browser, "#comment-submit").await;
    assert!(
        shows(&browser, "#comment-list", "Great episode").await,
        "{}",
        body_text(&browser).await
    );
    open(&browser, &app, &path).await;
    assert!(shows(&browser, "#comment-count", "1 comment").await);
    browser.close().await;
    let _ = PATIENCE;
}

async fn uuid_to_id(app: &TestApp, uuid: &str) -> String {
    let data = app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { id } }",
            json!({ "id": uuid }),
        )
        .await;
    data["video"]["id"].as_str().unwrap().to_owned()
}

/// A published episode of a new podcast of `channel`; returns its UUID.
async fn published_episode(app: &TestApp, admin: &str, channel: &str) -> String {
    let podcast = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Harbour radio", "author": "Anne",
                "ownerName": "Anne", "ownerEmail": "anne@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let episode = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": "First tide" } }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.set_media_status(&episode, "READY").await;
    app.graphql_ok(
        Some(admin),
        "mutation($i: PublishEpisodeInput!) { publishEpisode(input: $i) { episode { id } } }",
        json!({ "i": { "id": episode } }),
    )
    .await;
    projector_api::graphql::relay::decode(&episode)
        .unwrap()
        .1
        .to_string()
}
