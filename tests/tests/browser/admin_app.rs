//! The admin app (`/admin`) in a real headless Chromium, served by a real server.
//!
//! Like the viewer-page tests (`browser.rs`), these need the built app (`trunk build --release`
//! at the repository root, or `PROJECTOR_TEST_FRONTEND_DIR`); a missing build fails. Editors are
//! driven as people would drive them: typing into the forms, choosing files in the file inputs
//! (a clip GStreamer makes on the spot), clicking; the server checks what really happened.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use projector_tests::page::{
    PATIENCE, USER_PASSWORD, assert_app_is_built, body_text, click, current_path, fill, js, open,
    sign_in, spawn_site, text_of, wait_for, wait_for_js, wait_for_js_within,
};
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser, media};
use serde_json::{Value, json};

/// How long an upload may take to be transcoded (one small rendition) on a busy machine.
const TRANSCODE_PATIENCE: Duration = Duration::from_secs(180);
/// Where the app keeps the refresh token.
const REFRESH_KEY: &str = "projector.refreshToken";

/// A 3-second H.264/AAC MP4 of video noise at 20 Mbit/s: over 6 MiB, so the app sends it in
/// two chunks.
fn noisy_mp4(path: &std::path::Path) {
    media::gst_launch(&format!(
        "videotestsrc pattern=snow num-buffers=75 ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast bitrate=20000 vbv-buf-capacity=1000 ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers=140 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

/// Waits until the browser's path (query included) satisfies `done`; returns where it is.
async fn wait_for_path(browser: &Browser, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let here = current_path(browser).await;
        if done(&here) || Instant::now() > deadline {
            return here;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The refresh token the app keeps, if any.
async fn stored_refresh_token(browser: &Browser) -> Option<String> {
    js(
        browser,
        &format!("return window.localStorage.getItem('{REFRESH_KEY}');"),
    )
    .await
    .as_str()
    .map(str::to_owned)
}

/// `refresh(refreshToken)` through the API: the new refresh token, or the error code.
async fn api_refresh(app: &TestApp, token: &str) -> Result<String, String> {
    let body = app
        .graphql(
            None,
            "mutation($i: RefreshInput!) { refresh(input: $i) { refreshToken } }",
            json!({ "i": { "refreshToken": token } }),
        )
        .await;
    match body["data"]["refresh"]["refreshToken"].as_str() {
        Some(t) => Ok(t.to_owned()),
        None => Err(projector_tests::error_code(&body)
            .unwrap_or("no code")
            .to_owned()),
    }
}

/// What an anonymous reader gets for a video by UUID (null when they may not see it).
async fn public_video(app: &TestApp, uuid: &str) -> Value {
    app.graphql_ok(
        None,
        "query($id: ID!) { video(id: $id) { title status } }",
        json!({ "id": uuid }),
    )
    .await["video"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_a_wrong_password_shows_the_error_and_stays_signed_out() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let browser = Browser::start().await;

    // An anonymous visit to an admin page lands on the sign-in form.
    open(&browser, &app, "/admin/videos/new").await;
    wait_for(&browser, "#sign-in-form").await;
    let sent_to = current_path(&browser).await;

    fill(&browser, "#sign-in-email", ADMIN_EMAIL).await;
    fill(&browser, "#sign-in-password", "not the password").await;
    click(&browser, "#sign-in-submit").await;
    let error = text_of(&browser, "#sign-in-error").await;
    let after = current_path(&browser).await;
    let stored = stored_refresh_token(&browser).await;
    let bar = js(
        &browser,
        "return document.getElementById('admin-user') !== null;",
    )
    .await;

    // Still signed out: the dashboard sends back to the form.
    open(&browser, &app, "/admin").await;
    wait_for(&browser, "#sign-in-form").await;
    let dashboard_path = current_path(&browser).await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(sent_to, "/admin/sign-in?next=%2Fadmin%2Fvideos%2Fnew");
    assert_eq!(error.as_deref(), Some("wrong email or password"));
    assert_eq!(after, sent_to, "a failed sign-in stays on the form");
    assert_eq!(stored, None, "no refresh token is kept");
    assert_eq!(bar, json!(false), "no admin bar for a signed-out visitor");
    assert!(
        dashboard_path.starts_with("/admin/sign-in"),
        "{dashboard_path}: {page}"
    );
    assert!(!page.contains("Your channels"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_uploads_a_clip_sees_it_ready_edits_and_publishes_it_and_the_watch_page_shows_it()
{
    assert_app_is_built();
    let app = spawn_site(1, |_| {}).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Harbour Films").await;
    let clip = app.dir.path().join("harbour.mp4");
    noisy_mp4(&clip);
    let size = std::fs::metadata(&clip).unwrap().len();
    assert!(
        size > 6 << 20,
        "the clip should take two chunks: {size} bytes"
    );

    let browser = Browser::start().await;
    // Sent to the form from the page asked for, and back there after signing in.
    open(&browser, &app, "/admin/videos/new").await;
    fill(&browser, "#sign-in-email", "editor@example.com").await;
    fill(&browser, "#sign-in-password", USER_PASSWORD).await;
    click(&browser, "#sign-in-submit").await;
    wait_for(&browser, "#new-video-form").await;
    let back_at = current_path(&browser).await;

    let channel_choice = wait_for(&browser, "#new-video-channel").await;
    channel_choice
        .select_by_value(channel["id"].as_str().unwrap())
        .await
        .unwrap();
    fill(&browser, "#new-video-title", "Harbour at dawn").await;
    fill(&browser, "#new-video-description", "Boats *leaving*.").await;
    click(&browser, "#new-video-submit").await;
    let edit_path = wait_for_path(&browser, |p| {
        p.starts_with("/admin/videos/") && !p.starts_with("/admin/videos/new")
    })
    .await;
    let uuid = edit_path
        .strip_prefix("/admin/videos/")
        .unwrap_or_else(|| panic!("not on an edit page: {edit_path}"))
        .to_owned();
    let created_title = text_of(&browser, "#edit-title").await;
    let draft_state = text_of(&browser, "#media-state .state").await;

    // Every state the upload panel shows on the way, recorded as it changes.
    js(
        &browser,
        "window.__states = []; const el = document.getElementById('media-state'); \
         new MutationObserver(() => window.__states.push(el.textContent.trim())) \
           .observe(el, { subtree: true, childList: true, characterData: true, attributes: true }); \
         return true;",
    )
    .await;
    wait_for(&browser, "#media-file")
        .await
        .send_keys(clip.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#media-upload").await;
    let ready = wait_for_js_within(
        &browser,
        "document.querySelector('#media-state .state-ready') !== null",
        TRANSCODE_PATIENCE,
    )
    .await;
    let states: Vec<String> =
        serde_json::from_value(js(&browser, "return window.__states;").await).unwrap();
    let page = body_text(&browser).await;
    assert!(
        ready.is_some(),
        "never ready; states {states:?}; the page read:\n{page}"
    );

    // Unpublished until published, whatever its media does.
    let before_publish = public_video(&app, &uuid).await;

    // The thumbnails arrived with the re-read; pick the third as the poster.
    wait_for_js(
        &browser,
        "document.querySelectorAll('#thumbnails .poster-choice').length === 4",
    )
    .await;
    js(
        &browser,
        "document.querySelector('#thumbnails .poster-choice[data-number=\"3\"]').click(); return true;",
    )
    .await;
    let poster_notice = text_of(&browser, "#poster-notice").await;
    let chosen = wait_for_js(
        &browser,
        "document.querySelector('#thumbnails .poster-choice.current') && \
         document.querySelector('#thumbnails .poster-choice.current').dataset.number",
    )
    .await;

    fill(&browser, "#video-title", "Harbour at dawn, edited").await;
    wait_for(&browser, "#video-visibility")
        .await
        .select_by_value("PUBLIC")
        .await
        .unwrap();
    click(&browser, "#save-video").await;
    let saved = wait_for_js(
        &browser,
        "document.getElementById('edit-title').textContent === 'Harbour at dawn, edited'",
    )
    .await;
    let save_notice = text_of(&browser, "#details-notice").await;

    click(&browser, "#publish-video").await;
    let published = wait_for_js(
        &browser,
        "document.getElementById('publication').textContent === 'published'",
    )
    .await;

    // Captions from a WebVTT file, sent as a GraphQL multipart request.
    let vtt = app.dir.path().join("harbour.vtt");
    std::fs::write(
        &vtt,
        "WEBVTT\n\n00:00.000 --> 00:02.000\nGulls over the harbour\n",
    )
    .unwrap();
    fill(&browser, "#caption-language", "en").await;
    wait_for(&browser, "#caption-file")
        .await
        .send_keys(vtt.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#caption-upload").await;
    let captions = wait_for_js(
        &browser,
        "document.querySelector('ul#captions li .caption-language') && \
         document.querySelector('ul#captions li .caption-language').textContent",
    )
    .await;

    // The public watch page shows it, playable.
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    let watch_title = text_of(&browser, "#video-title").await;
    // The player feeds the stream to the video through hls.js (a `blob:` source), so the proof
    // that it plays HLS is the master playlist it fetched and the frames it has.
    let source = wait_for_js(
        &browser,
        "document.getElementById('player').readyState >= 2 && \
         (performance.getEntriesByType('resource').map(e => e.name) \
           .find(n => n.includes('master.m3u8')) || null)",
    )
    .await;

    // And the dashboard lists it as ready and published.
    open(&browser, &app, "/admin").await;
    let row = format!("tr.admin-video[data-uuid=\"{uuid}\"]");
    let row_state = text_of(&browser, &format!("{row} .state")).await;
    let row_publication = text_of(&browser, &format!("{row} .publication")).await;
    browser.close().await;

    assert_eq!(back_at, "/admin/videos/new");
    assert_eq!(created_title.as_deref(), Some("Harbour at dawn"));
    assert_eq!(draft_state.as_deref(), Some("draft"));
    // Progress between the two chunks: more than nothing, less than everything.
    assert!(
        states.iter().any(|s| s.starts_with("Uploading: ")
            && !s.starts_with("Uploading: 0%")
            && !s.starts_with("Uploading: 100%")),
        "the progress was never shown between chunks: {states:?}"
    );
    assert!(
        states
            .iter()
            .any(|s| s.starts_with("processing") || s.starts_with("checking")),
        "processing was never shown: {states:?}"
    );
    assert_eq!(
        before_publish,
        Value::Null,
        "a new video stays unpublished until it is published"
    );
    assert_eq!(poster_notice.as_deref(), Some("Poster chosen."));
    assert_eq!(chosen, Some(json!("3")));
    assert!(saved.is_some(), "the title was not saved");
    assert_eq!(save_notice.as_deref(), Some("Saved."));
    assert!(published.is_some(), "the video did not become published");
    assert_eq!(captions, Some(json!("en")));
    assert_eq!(watch_title.as_deref(), Some("Harbour at dawn, edited"));
    assert!(
        source
            .as_ref()
            .and_then(Value::as_str)
            .is_some_and(|s| s.contains("master.m3u8")),
        "the player should play the HLS stream: {source:?}"
    );
    assert_eq!(row_state.as_deref(), Some("ready"));
    assert_eq!(row_publication.as_deref(), Some("published"));

    // The server agrees: the whole clip arrived, the edits and the poster stuck.
    let public = public_video(&app, &uuid).await;
    assert_eq!(public["title"], "Harbour at dawn, edited");
    assert_eq!(public["status"], "READY");
    let data = app
        .graphql_ok(
            Some(&editor),
            "query($id: ID!) { video(id: $id) { description visibility \
             media { posterUrl captions { language } } } myUploads { length offset status } }",
            json!({ "id": uuid }),
        )
        .await;
    assert_eq!(data["video"]["description"], "Boats *leaving*.");
    assert_eq!(data["video"]["visibility"], "PUBLIC");
    assert_eq!(
        data["video"]["media"]["captions"],
        json!([{ "language": "en" }])
    );
    assert!(
        data["video"]["media"]["posterUrl"]
            .as_str()
            .unwrap()
            .contains("thumb-3-1280.jpg"),
        "{data}"
    );
    assert_eq!(
        data["myUploads"],
        json!([{ "length": size, "offset": size, "status": "COMPLETE" }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploading_a_text_file_shows_the_unsupported_media_reason_in_the_dashboard() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Notes").await;
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Meeting notes",
            json!({}),
        )
        .await;
    let uuid = video["uuid"].as_str().unwrap();
    let notes = app.dir.path().join("notes.txt");
    std::fs::write(
        &notes,
        "these are not the frames you are looking for\n".repeat(100),
    )
    .unwrap();

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, "#media-file")
        .await
        .send_keys(notes.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#media-upload").await;
    let failed = wait_for_js(
        &browser,
        "document.querySelector('#media-state .state-failed') !== null",
    )
    .await;
    let editor_reason = text_of(&browser, "#media-state .state-reason").await;

    open(&browser, &app, "/admin").await;
    let row = format!("tr.admin-video[data-uuid=\"{uuid}\"]");
    let row_state = text_of(&browser, &format!("{row} .state")).await;
    let row_reason = text_of(&browser, &format!("{row} .state-reason")).await;
    let page = body_text(&browser).await;
    browser.close().await;

    let api = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { status mediaError } }",
            json!({ "id": uuid }),
        )
        .await;
    let reason = api["video"]["mediaError"].as_str().unwrap().to_owned();
    assert!(reason.starts_with("upload rejected: "), "{api}");
    assert!(
        failed.is_some(),
        "the editor never showed the failure: {page}"
    );
    assert_eq!(editor_reason.as_deref(), Some(reason.as_str()));
    assert_eq!(row_state.as_deref(), Some("failed"), "{page}");
    assert_eq!(row_reason.as_deref(), Some(reason.as_str()), "{page}");
    assert!(reason.contains("cannot read this file"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_keeps_the_session_and_signing_out_ends_it() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    app.create_channel(&admin, "Evening News").await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    wait_for_js(
        &browser,
        "document.querySelector('.admin-channel') !== null",
    )
    .await;
    let first = stored_refresh_token(&browser)
        .await
        .expect("a refresh token is kept");
    // No access token in storage: it lives in memory only.
    let storage_keys = js(&browser, "return Object.keys(window.localStorage);").await;

    browser.client.refresh().await.unwrap();
    let user_after_reload = text_of(&browser, "#admin-user").await;
    let channel_after_reload = text_of(&browser, ".admin-channel h3").await;
    let path_after_reload = current_path(&browser).await;
    let second = stored_refresh_token(&browser).await.expect("still kept");

    click(&browser, "#sign-out").await;
    wait_for(&browser, "#sign-in-form").await;
    let after_sign_out = stored_refresh_token(&browser).await;
    browser.close().await;

    assert_eq!(storage_keys, json!([REFRESH_KEY]));
    assert_eq!(user_after_reload.as_deref(), Some(ADMIN_EMAIL));
    assert_eq!(channel_after_reload.as_deref(), Some("Evening News"));
    assert_eq!(path_after_reload, "/admin");
    assert_ne!(
        first, second,
        "the reload traded the refresh token for a new one"
    );
    assert_eq!(after_sign_out, None);
    // Signing out ended the session on the server too.
    assert_eq!(
        api_refresh(&app, &second).await,
        Err("UNAUTHENTICATED".into())
    );
}

/// A site whose access tokens live 2 seconds (the server allows 5 more for clock skew), with
/// three channels, and the admin signed in to it.
async fn signed_in_with_short_lived_tokens() -> (TestApp, Browser) {
    assert_app_is_built();
    let app = spawn_site(0, |c| c.auth.access_token_ttl_secs = 2).await;
    let admin = app.admin_token().await;
    for name in ["Morning", "Noon", "Night"] {
        app.create_channel(&admin, name).await;
    }
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    (app, browser)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_access_token_is_refreshed_without_signing_in_again() {
    let (app, browser) = signed_in_with_short_lived_tokens().await;
    let first = stored_refresh_token(&browser).await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    // Client-side visits (no reload) to the new-video form and back to the dashboard, long
    // after the token the page holds expired.
    js(
        &browser,
        "document.getElementById('new-video-link').click(); return true;",
    )
    .await;
    let choices = wait_for_js(
        &browser,
        "document.querySelectorAll('#new-video-channel option').length",
    )
    .await;
    js(
        &browser,
        "document.querySelector('a.admin-home').click(); return true;",
    )
    .await;
    let sections = wait_for_js(
        &browser,
        "document.querySelectorAll('.admin-channel table, .admin-channel .empty').length === 3",
    )
    .await;
    let page = body_text(&browser).await;
    let second = stored_refresh_token(&browser).await;
    let user = text_of(&browser, "#admin-user").await;
    browser.close().await;

    assert_eq!(
        choices,
        Some(json!(3)),
        "the form lists the channels: {page}"
    );
    assert!(sections.is_some(), "the dashboard did not load: {page}");
    assert!(!page.contains("Something went wrong"), "{page}");
    assert_eq!(
        user.as_deref(),
        Some(ADMIN_EMAIL),
        "still signed in: {page}"
    );
    assert_ne!(first, second, "the token was refreshed");
    // A second use of a refresh token revokes the session: the stored one still working shows
    // none was spent twice.
    assert!(api_refresh(&app, second.as_deref().unwrap()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_refreshing_at_the_same_moment_both_stay_signed_in() {
    let (app, browser) = signed_in_with_short_lived_tokens().await;
    let first = browser.client.window().await.unwrap();
    // A second window on the same site shares `localStorage`, so the same refresh token.
    let second = browser.client.new_window(false).await.unwrap().handle;
    browser
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    open(&browser, &app, "/admin").await;
    let user = text_of(&browser, "#admin-user").await;
    assert_eq!(
        user.as_deref(),
        Some(ADMIN_EMAIL),
        "{}",
        body_text(&browser).await
    );
    // Both pages' access tokens run out.
    tokio::time::sleep(Duration::from_secs(8)).await;
    // Both pages go to the new-video form at the same instant, so both need a new access token
    // at once and both find the same refresh token stored.
    let at = js(
        &browser,
        "return Math.ceil((Date.now() + 2000) / 1000) * 1000;",
    )
    .await
    .as_f64()
    .unwrap();
    for window in [&first, &second] {
        browser
            .client
            .switch_to_window(window.clone())
            .await
            .unwrap();
        js(
            &browser,
            &format!(
                "setTimeout(() => document.getElementById('new-video-link').click(), {at} - Date.now()); return true;"
            ),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut pages = vec![];
    for window in [&first, &second] {
        browser
            .client
            .switch_to_window(window.clone())
            .await
            .unwrap();
        let choices = wait_for_js(
            &browser,
            "document.querySelectorAll('#new-video-channel option').length",
        )
        .await;
        let user = text_of(&browser, "#admin-user").await;
        pages.push((choices, user, body_text(&browser).await));
    }
    let stored = stored_refresh_token(&browser).await;
    browser.close().await;

    for (choices, user, page) in pages {
        assert_eq!(
            choices,
            Some(json!(3)),
            "the form lists the channels: {page}"
        );
        assert_eq!(
            user.as_deref(),
            Some(ADMIN_EMAIL),
            "still signed in: {page}"
        );
    }
    // Had one token been spent twice, the server would have revoked the session.
    assert!(api_refresh(&app, stored.as_deref().unwrap()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_rights_cannot_see_another_channels_drafts() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let backstage = app.create_channel(&admin, "Backstage").await;
    let secret = app
        .create_video(
            &admin,
            backstage["id"].as_str().unwrap(),
            "Secret cut",
            json!({}),
        )
        .await;
    let secret_uuid = secret["uuid"].as_str().unwrap();
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let own = app.create_channel(&editor, "Own Channel").await;
    app.create_video(&editor, own["id"].as_str().unwrap(), "My draft", json!({}))
        .await;
    app.user_token("viewer@example.com", "VIEWER").await;

    let browser = Browser::start().await;
    // An editor sees their own channel's drafts, not another channel's.
    sign_in(&browser, &app, "editor@example.com", USER_PASSWORD).await;
    let own_row = text_of(&browser, ".admin-video .admin-video-title").await;
    let editor_dashboard = body_text(&browser).await;
    open(&browser, &app, &format!("/admin/videos/{secret_uuid}")).await;
    let editor_direct = text_of(&browser, ".not-found h2").await;
    let editor_direct_page = body_text(&browser).await;
    click(&browser, "#sign-out").await;
    wait_for(&browser, "#sign-in-form").await;

    // A viewer manages nothing.
    sign_in(&browser, &app, "viewer@example.com", USER_PASSWORD).await;
    let viewer_empty = text_of(&browser, "#no-channels").await;
    let viewer_dashboard = body_text(&browser).await;
    open(&browser, &app, &format!("/admin/videos/{secret_uuid}")).await;
    let viewer_direct = text_of(&browser, ".not-found h2").await;
    let viewer_direct_page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(own_row.as_deref(), Some("My draft"), "{editor_dashboard}");
    for page in [
        &editor_dashboard,
        &editor_direct_page,
        &viewer_dashboard,
        &viewer_direct_page,
    ] {
        assert!(!page.contains("Secret cut"), "{page}");
        assert!(!page.contains("Backstage"), "{page}");
    }
    assert!(editor_direct.is_some(), "{editor_direct_page}");
    assert!(viewer_direct.is_some(), "{viewer_direct_page}");
    assert!(viewer_empty.is_some(), "{viewer_dashboard}");
    assert!(!viewer_dashboard.contains("My draft"), "{viewer_dashboard}");
}

/// A draft video's editor, open in the admin's browser, with a noisy clip to upload to it.
struct VideoEditor {
    app: TestApp,
    admin: String,
    uuid: String,
    clip: std::path::PathBuf,
    browser: Browser,
}

/// Opens the editor of a new draft video on a site without workers. The page's tus requests are
/// logged in `window.__tus` as "METHOD offset", and `patch_hook` (JavaScript) runs before each
/// PATCH goes out, with `patches` its number, `req` the request and `real` the browser's fetch.
async fn video_editor(title: &str, patch_hook: &str) -> VideoEditor {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Relay").await;
    let video = app
        .create_video(&admin, channel["id"].as_str().unwrap(), title, json!({}))
        .await;
    let uuid = video["uuid"].as_str().unwrap().to_owned();
    let clip = app.dir.path().join("clip.mp4");
    noisy_mp4(&clip);

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, "#media-file").await;
    js(
        &browser,
        &format!(
            "window.__tus = []; window.__release = null; let patches = 0; \
             const real = window.fetch.bind(window); \
             window.fetch = async (input, init) => {{ \
               const req = input instanceof Request ? input : new Request(input, init); \
               if (req.url.includes('/uploads/')) \
                 window.__tus.push(`${{req.method}} ${{req.headers.get('Upload-Offset') ?? ''}}`.trim()); \
               if (req.method === 'PATCH') {{ patches += 1; {patch_hook} }} \
               return real(req); \
             }}; return true;"
        ),
    )
    .await;
    VideoEditor {
        app,
        admin,
        uuid,
        clip,
        browser,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_interrupted_by_network_errors_resumes_from_the_servers_offset() {
    // The network fails twice: the first PATCH never reaches the server; the second does, but
    // its answer is lost.
    let VideoEditor {
        app,
        admin,
        clip,
        browser,
        ..
    } = video_editor(
        "Long take",
        "if (patches === 1) throw new TypeError('Failed to fetch'); \
         if (patches === 2) { await real(req); throw new TypeError('Failed to fetch'); }",
    )
    .await;
    wait_for(&browser, "#media-file")
        .await
        .send_keys(clip.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#media-upload").await;
    // No worker runs: the video stays processing once the file is in.
    let processing = wait_for_js(
        &browser,
        "document.querySelector('#media-state .state-processing') !== null \
         && !document.getElementById('media-state').textContent.includes('checking')",
    )
    .await;
    let log: Vec<String> =
        serde_json::from_value(js(&browser, "return window.__tus;").await).unwrap();
    let page = body_text(&browser).await;
    browser.close().await;

    assert!(
        processing.is_some(),
        "the upload did not finish: {log:?}\n{page}"
    );
    let chunk = (5 << 20).to_string();
    let patch_chunk = format!("PATCH {chunk}");
    assert_eq!(
        log.iter().take(7).map(String::as_str).collect::<Vec<_>>(),
        [
            "POST",
            "HEAD",
            "PATCH 0",
            "HEAD",
            "PATCH 0",
            "HEAD",
            patch_chunk.as_str()
        ],
        "create, ask the offset, fail, ask again, resend, ask again, go on from the server's \
         offset: {log:?}"
    );
    assert!(log[7..].iter().all(|r| r == "HEAD"), "{log:?}");
    // Every byte arrived once, in order (the digest is recorded just after `complete`).
    let mut waited = 0;
    let data = loop {
        let data = app
            .graphql_ok(
                Some(&admin),
                "{ myUploads { status length offset media { sha256 } } }",
                json!({}),
            )
            .await;
        if !data["myUploads"][0]["media"]["sha256"].is_null() || waited >= 200 {
            break data;
        }
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let upload = &data["myUploads"][0];
    assert_eq!(upload["status"], "COMPLETE", "{data}");
    assert_eq!(upload["offset"], upload["length"]);
    assert_eq!(
        upload["media"]["sha256"].as_str(),
        Some(media::sha256_file(&clip).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_upload_stops_it_and_the_server_drops_its_bytes() {
    // The first PATCH is held until the test lets it go: the editor presses Cancel while the
    // upload is on its way.
    let VideoEditor {
        app,
        admin,
        uuid,
        clip,
        browser,
    } = video_editor(
        "Wrong file",
        "if (patches === 1) await new Promise(resolve => { window.__release = resolve; });",
    )
    .await;
    wait_for(&browser, "#media-file")
        .await
        .send_keys(clip.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#media-upload").await;
    wait_for_js(&browser, "window.__release !== null").await;
    click(&browser, "#media-cancel").await;
    let stopping = wait_for_js(
        &browser,
        "document.getElementById('media-state').textContent.includes('cancelling')",
    )
    .await;
    js(&browser, "window.__release(); return true;").await;
    let cancelled = wait_for_js(
        &browser,
        "document.getElementById('media-state').textContent.includes('upload cancelled') \
         && !document.getElementById('media-upload').disabled",
    )
    .await;
    let log: Vec<String> =
        serde_json::from_value(js(&browser, "return window.__tus;").await).unwrap();
    let page = body_text(&browser).await;
    browser.close().await;

    assert!(stopping.is_some(), "{page}");
    assert!(cancelled.is_some(), "{log:?}\n{page}");
    assert_eq!(
        log,
        ["POST", "HEAD", "PATCH 0", "DELETE"],
        "the chunk on its way ends, no other is sent, and the upload is terminated"
    );
    let uploads = app
        .graphql_ok(Some(&admin), "{ myUploads { status } }", json!({}))
        .await;
    assert_eq!(uploads["myUploads"][0]["status"], "TERMINATED", "{uploads}");
    let api = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { status } }",
            json!({ "id": uuid }),
        )
        .await;
    assert_eq!(api["video"]["status"], "DRAFT", "{api}");
    let staged: Vec<_> = std::fs::read_dir(app.config.data_dir.join("uploads"))
        .unwrap()
        .collect();
    assert!(staged.is_empty(), "the server kept {staged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_shows_validation_errors_unpublishes_and_deletes_only_after_confirmation() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Drafts").await;
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Rough cut",
            json!({}),
        )
        .await;
    // Its media is ready (the pipeline's part), so the editor may publish it.
    app.set_media_status(video["id"].as_str().unwrap(), "READY")
        .await;
    let uuid = video["uuid"].as_str().unwrap();
    let read = "query($id: ID!) { video(id: $id) { title publishAt unpublishAt } }";

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;

    // An empty title: the API's message beside the title field, nothing saved.
    fill(&browser, "#video-title", "").await;
    click(&browser, "#save-video").await;
    let field_error = text_of(&browser, "#details-form .field-error").await;
    let form_error = text_of(&browser, "#details-error").await;
    let field_value = js(
        &browser,
        "return document.getElementById('video-title').value;",
    )
    .await;
    let after_invalid = app
        .graphql_ok(Some(&admin), read, json!({ "id": uuid }))
        .await;

    // Published, then unpublished.
    click(&browser, "#publish-video").await;
    let published = wait_for_js(
        &browser,
        "document.getElementById('publication').textContent === 'published'",
    )
    .await;
    click(&browser, "#unpublish-video").await;
    let unpublished = wait_for_js(
        &browser,
        "document.getElementById('publication').textContent === 'not published'",
    )
    .await;
    let after_unpublish = app
        .graphql_ok(Some(&admin), read, json!({ "id": uuid }))
        .await;
    let public = public_video(&app, uuid).await;

    // Deleting asks first; cancelling keeps the video.
    click(&browser, "#delete-video").await;
    let question = text_of(&browser, ".danger p[role=alert]").await;
    click(&browser, "#cancel-delete").await;
    wait_for(&browser, "#delete-video").await;
    let after_cancel = app
        .graphql_ok(Some(&admin), read, json!({ "id": uuid }))
        .await;
    click(&browser, "#delete-video").await;
    click(&browser, "#confirm-delete").await;
    let landed = wait_for_path(&browser, |p| p == "/admin").await;
    wait_for_js(
        &browser,
        "document.querySelector('.admin-channel') !== null",
    )
    .await;
    let dashboard = body_text(&browser).await;
    browser.close().await;

    // In plain words, beside the field and under the form.
    assert_eq!(field_error.as_deref(), Some("The title must not be empty."));
    assert_eq!(form_error.as_deref(), Some("The title must not be empty."));
    assert_eq!(field_value, json!(""), "the form keeps what was typed");
    assert_eq!(after_invalid["video"]["title"], "Rough cut");
    assert!(published.is_some() && unpublished.is_some());
    assert!(
        after_unpublish["video"]["publishAt"].is_string(),
        "{after_unpublish}"
    );
    assert!(
        after_unpublish["video"]["unpublishAt"].is_string(),
        "{after_unpublish}"
    );
    assert_eq!(public, Value::Null, "unpublished videos are not public");
    assert!(
        question
            .as_deref()
            .is_some_and(|q| q.contains("Delete “Rough cut” for good?")),
        "{question:?}"
    );
    assert_eq!(after_cancel["video"]["title"], "Rough cut");
    assert_eq!(landed, "/admin");
    assert!(!dashboard.contains("Rough cut"), "{dashboard}");
    let gone = app
        .graphql_ok(Some(&admin), read, json!({ "id": uuid }))
        .await;
    assert_eq!(gone["video"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_creates_a_podcast_and_an_episode_uploads_its_audio_and_publishes_it() {
    assert_app_is_built();
    let app = spawn_site(1, |_| {}).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Harbour Radio").await;
    let slug = channel["slug"].as_str().unwrap().to_owned();
    let audio = app.dir.path().join("tides.wav");
    // Three seconds of 16-bit stereo 48 kHz.
    media::wav(&audio, 3 * 48_000 * 4 + 44);

    let browser = Browser::start().await;
    sign_in(&browser, &app, "editor@example.com", USER_PASSWORD).await;
    wait_for_js(
        &browser,
        "document.querySelector('.admin-channel a.new-podcast') !== null",
    )
    .await;
    js(
        &browser,
        "document.querySelector('.admin-channel a.new-podcast').click(); return true;",
    )
    .await;
    wait_for(&browser, "#new-podcast-form").await;
    fill(&browser, "#new-podcast-title", "Tide Tables").await;
    fill(&browser, "#new-podcast-author", "Harbour Radio").await;
    fill(&browser, "#new-podcast-owner-name", "Ann Keeper").await;
    fill(&browser, "#new-podcast-owner-email", "ann@example.com").await;
    click(&browser, "#new-podcast-submit").await;
    let podcast_path = wait_for_path(&browser, |p| {
        p.starts_with("/admin/podcasts/") && !p.starts_with("/admin/podcasts/new")
    })
    .await;
    let podcast_title = text_of(&browser, "#edit-title").await;

    fill(&browser, "#new-episode-title", "High water").await;
    click(&browser, "#new-episode-submit").await;
    let episode_path = wait_for_path(&browser, |p| p.starts_with("/admin/episodes/")).await;
    wait_for(&browser, "#media-file")
        .await
        .send_keys(audio.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#media-upload").await;
    let ready = wait_for_js_within(
        &browser,
        "document.querySelector('#media-state .state-ready') !== null",
        TRANSCODE_PATIENCE,
    )
    .await;
    assert!(
        ready.is_some(),
        "never ready: {}",
        body_text(&browser).await
    );
    let before_publish = app
        .graphql_ok(
            None,
            "query($c: String!) { podcast(channelSlug: $c, slug: \"tide-tables\") { episodes { nodes { title } } } }",
            json!({ "c": slug }),
        )
        .await;

    // A number that is not one is refused beside the form; a good one is saved.
    fill(&browser, "#episode-number", "one").await;
    click(&browser, "#save-episode").await;
    let refused = text_of(&browser, "#details-error").await;
    fill(&browser, "#episode-season", "2").await;
    fill(&browser, "#episode-number", "7").await;
    click(&browser, "#save-episode").await;
    let saved = text_of(&browser, "#notice").await;
    click(&browser, "#publish-episode").await;
    let published = wait_for_js(
        &browser,
        "document.getElementById('publication').textContent === 'published'",
    )
    .await;

    // Back on the podcast's page, the episode is listed as ready and published.
    click(&browser, "#podcast-link").await;
    let row_state = text_of(&browser, "tr.admin-episode .state").await;
    let row_publication = text_of(&browser, "tr.admin-episode .publication").await;
    // The show is locked against imports by other hosts from the details form.
    let unticked = js(
        &browser,
        "return document.getElementById('podcast-locked').checked;",
    )
    .await;
    click(&browser, "#podcast-locked").await;
    click(&browser, "#save-podcast").await;
    let lock_saved = text_of(&browser, "#notice").await;

    // The public podcast page plays it.
    open(&browser, &app, &format!("/podcasts/{slug}/tide-tables")).await;
    let audios = wait_for_js(
        &browser,
        "document.querySelectorAll('#episodes li audio source').length",
    )
    .await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(podcast_title.as_deref(), Some("Tide Tables"));
    assert!(
        episode_path.len() > "/admin/episodes/".len(),
        "{podcast_path} {episode_path}"
    );
    assert_eq!(
        before_publish["podcast"]["episodes"]["nodes"],
        json!([]),
        "a new episode stays unpublished until it is published"
    );
    assert_eq!(
        refused.as_deref(),
        Some("number: `one` is not a whole number")
    );
    assert_eq!(saved.as_deref(), Some("Saved."));
    assert!(published.is_some(), "the episode did not become published");
    assert_eq!(row_state.as_deref(), Some("ready"));
    assert_eq!(row_publication.as_deref(), Some("published"));
    assert_eq!(unticked, json!(false), "a new podcast is not locked");
    assert_eq!(lock_saved.as_deref(), Some("Saved."));
    assert_eq!(audios, Some(json!(2)), "MP3 and M4A: {page}");
    assert!(page.contains("High water"), "{page}");
    let data = app
        .graphql_ok(
            None,
            "query($c: String!) { podcast(channelSlug: $c, slug: \"tide-tables\") { author ownerName \
             locked episodes { nodes { title season number status } } } }",
            json!({ "c": slug }),
        )
        .await;
    assert_eq!(
        data["podcast"],
        json!({
            "author": "Harbour Radio",
            "ownerName": "Ann Keeper",
            "locked": true,
            "episodes": { "nodes": [{ "title": "High water", "season": 2, "number": 7, "status": "READY" }] }
        })
    );
}

/// Every field of a video that an editor or the pipeline can set, for before/after checks.
const EVERY_FIELD: &str = "query($id: ID!) { video(id: $id) { title slug description \
    visibility publishAt unpublishAt duration language license status viewCount \
    chapters { title startSecs } category { id } tags { id } updatedAt \
    media { posterUrl captions { language } } } }";

/// Creates a category (admins), optionally inside `parent`; returns its ID.
async fn create_category(app: &TestApp, admin: &str, name: &str, parent: Option<&str>) -> String {
    let data = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }",
            json!({ "i": { "name": name, "parentId": parent } }),
        )
        .await;
    data["createCategory"]["category"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates a tag; returns its ID.
async fn create_tag(app: &TestApp, token: &str, name: &str) -> String {
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id } } }",
            json!({ "i": { "name": name } }),
        )
        .await;
    data["createTag"]["tag"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_the_editor_changes_no_field_the_editor_left_alone() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Archive").await;
    let category = create_category(&app, &admin, "Nature", None).await;
    let tag = create_tag(&app, &admin, "harbour").await;
    // Every field set, the window's start with seconds (the picker shows minutes).
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Every field",
            json!({
                "slug": "every-field",
                "description": "Line one\n\nLine *two*.",
                "visibility": "UNLISTED",
                "publishAt": "2026-01-02T03:04:05Z",
                "unpublishAt": "2099-01-01T00:00:00Z",
                "language": "pt-BR",
                "license": "CC BY 4.0",
                "categoryId": category,
                "tagIds": [tag],
                "chapters": [
                    { "title": "Intro", "startSecs": 0 },
                    { "title": "Middle", "startSecs": 62.5 }
                ]
            }),
        )
        .await;
    app.set_media_status(video["id"].as_str().unwrap(), "READY")
        .await;
    let uuid = video["uuid"].as_str().unwrap();
    let before = app
        .graphql_ok(Some(&admin), EVERY_FIELD, json!({ "id": uuid }))
        .await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, "#chapter-title-1").await;
    browser.screenshots("admin-video-editor").await;
    click(&browser, "#save-video").await;
    let unchanged_notice = text_of(&browser, "#details-notice").await;
    let after_plain_save = app
        .graphql_ok(Some(&admin), EVERY_FIELD, json!({ "id": uuid }))
        .await;

    // One field changed: only that one is sent.
    fill(&browser, "#video-title", "Every field, renamed").await;
    click(&browser, "#save-video").await;
    wait_for_js(
        &browser,
        "document.getElementById('edit-title').textContent === 'Every field, renamed'",
    )
    .await;
    let saved_notice = text_of(&browser, "#details-notice").await;
    let after_title = app
        .graphql_ok(Some(&admin), EVERY_FIELD, json!({ "id": uuid }))
        .await;
    browser.close().await;

    assert_eq!(
        after_plain_save, before,
        "a Save with no change changed the video"
    );
    assert_eq!(
        unchanged_notice.as_deref(),
        Some("Nothing to save: no field changed.")
    );
    assert_eq!(saved_notice.as_deref(), Some("Saved."));
    assert_eq!(after_title["video"]["title"], "Every field, renamed");
    let (mut was, mut now) = (before["video"].clone(), after_title["video"].clone());
    for fields in [&mut was, &mut now] {
        let fields = fields.as_object_mut().unwrap();
        fields.remove("title");
        fields.remove("updatedAt");
    }
    assert_eq!(now, was, "saving the title changed other fields");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_tags_categorises_chapters_and_schedules_a_video_that_goes_public_when_its_window_opens()
 {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Coast").await;
    let nature = create_category(&app, &admin, "Nature", None).await;
    let birds = create_category(&app, &admin, "Birds", Some(&nature)).await;
    let harbour = create_tag(&app, &admin, "harbour").await;
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Gulls at noon",
            json!({ "description": "Seabirds." }),
        )
        .await;
    let id = video["id"].as_str().unwrap();
    app.set_media_status(id, "READY").await;
    let uuid = video["uuid"].as_str().unwrap();

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    // An existing tag picked by name, and a new one created on the spot.
    fill(&browser, "#tag-input", "harbour").await;
    click(&browser, "#tag-add").await;
    fill(&browser, "#tag-input", "Gulls").await;
    click(&browser, "#tag-add").await;
    let tag_chips = wait_for_js(
        &browser,
        "document.querySelectorAll('#tag-list .tag').length === 2",
    )
    .await;
    wait_for(&browser, "#video-category")
        .await
        .select_by_value(&birds)
        .await
        .unwrap();
    click(&browser, "#chapter-add").await;
    fill(&browser, "#chapter-title-0", "Arrival").await;
    fill(&browser, "#chapter-start-0", "0:00").await;
    click(&browser, "#chapter-add").await;
    fill(&browser, "#chapter-title-1", "Feeding").await;
    fill(&browser, "#chapter-start-1", "1:05").await;
    // Tomorrow, in the picker's local time.
    js(
        &browser,
        "const d = new Date(Date.now() + 86400000); const p = n => String(n).padStart(2, '0'); \
         document.getElementById('publish-at').value = \
           `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; \
         return true;",
    )
    .await;
    let zone = text_of(&browser, "#time-zone").await;
    click(&browser, "#save-video").await;
    let saved = text_of(&browser, "#details-notice").await;
    let stored = app
        .graphql_ok(Some(&admin), EVERY_FIELD, json!({ "id": uuid }))
        .await;
    let public_now = public_video(&app, uuid).await;

    // An unsaved change: an in-app link asks first, and "stay" stays.
    fill(&browser, "#video-title", "Not saved").await;
    js(
        &browser,
        "window.__asked = 0; window.confirm = () => { window.__asked += 1; return false; }; \
         document.querySelector('a.admin-home').click(); return true;",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stayed_at = current_path(&browser).await;
    let asked = js(&browser, "return window.__asked;").await;
    browser.close().await;

    // The window opens (moved into the past through the API): now it is public.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "publishAt": "2020-01-01T00:00:00Z" } }),
    )
    .await;
    let public_later = public_video(&app, uuid).await;

    assert!(tag_chips.is_some(), "the two tags were not both added");
    assert!(
        zone.as_deref()
            .is_some_and(|z| z.starts_with("Times are in ")),
        "{zone:?}"
    );
    assert_eq!(saved.as_deref(), Some("Saved."));
    let v = &stored["video"];
    let tags: Vec<&str> = v["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(
        tags.len() == 2 && tags.contains(&harbour.as_str()),
        "harbour and one new tag: {v}"
    );
    assert_eq!(v["category"]["id"], json!(birds));
    assert_eq!(
        v["chapters"],
        json!([
            { "title": "Arrival", "startSecs": 0.0 },
            { "title": "Feeding", "startSecs": 65.0 }
        ])
    );
    assert_eq!(v["title"], "Gulls at noon");
    assert_eq!(v["description"], "Seabirds.");
    let publish_at: chrono::DateTime<chrono::Utc> =
        v["publishAt"].as_str().unwrap().parse().unwrap();
    let ahead = publish_at - chrono::Utc::now();
    assert!(
        ahead > chrono::Duration::hours(23) && ahead < chrono::Duration::hours(25),
        "scheduled for tomorrow: {publish_at}"
    );
    assert_eq!(public_now, Value::Null, "public before its window opens");
    assert_eq!(stayed_at, format!("/admin/videos/{uuid}"));
    assert_eq!(asked, json!(1), "leaving with unsaved changes did not ask");
    assert_eq!(public_later["title"], "Gulls at noon");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_shows_likes_and_comments_bulk_publishes_three_videos_says_which_one_was_refused_and_moves_one_to_another_channel()
 {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let north = app.create_channel(&editor, "North").await;
    let south = app.create_channel(&editor, "South").await;
    let north_id = north["id"].as_str().unwrap();
    let south_id = south["id"].as_str().unwrap();
    let mut ready = Vec::new();
    for title in ["One", "Two", "Three"] {
        let v = app.create_video(&editor, north_id, title, json!({})).await;
        app.set_media_status(v["id"].as_str().unwrap(), "READY")
            .await;
        ready.push(v);
    }
    {
        use projector_api::videos::entity::video;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let db = app.db().await;
        let one = projector_api::graphql::relay::decode(ready[0]["id"].as_str().unwrap());
        video::Entity::update_many()
            .col_expr(video::Column::LikeCount, Expr::value(1234))
            .col_expr(video::Column::CommentCount, Expr::value(7))
            .filter(video::Column::Id.eq(one.unwrap().1))
            .exec(&db)
            .await
            .unwrap();
        db.close().await.ok();
    }
    // No media: publishing it is refused, and only it.
    let empty = app
        .create_video(&editor, north_id, "Empty draft", json!({}))
        .await;
    // Another editor's channel: never in this editor's library.
    let other = app.user_token("other@example.com", "EDITOR").await;
    let elsewhere = app.create_channel(&other, "Elsewhere").await;
    let foreign = app
        .create_video(
            &other,
            elsewhere["id"].as_str().unwrap(),
            "Foreign",
            json!({}),
        )
        .await;
    app.set_media_status(foreign["id"].as_str().unwrap(), "READY")
        .await;
    app.graphql_ok(
        Some(&other),
        "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": foreign["id"] } }),
    )
    .await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, "editor@example.com", USER_PASSWORD).await;
    click(&browser, "#library-link").await;
    let rows = wait_for_js(
        &browser,
        "document.querySelectorAll('#library-table tr.library-row').length === 4",
    )
    .await;
    let listed = body_text(&browser).await;
    // Likes and comments per row (the counters as stored; views, likes, comments).
    let counts = js(
        &browser,
        "return [...document.querySelectorAll('#library-table tr.library-row')]\
         .filter((r) => r.querySelector('.admin-video-title a').textContent === 'One')\
         .map((r) => [r.querySelector('.likes').textContent, r.querySelector('.comments').textContent]);",
    )
    .await;
    assert_eq!(counts, json!([["1,234", "7"]]));
    browser.screenshots("admin-library").await;
    click(&browser, "#library-select-all").await;
    click(&browser, "#bulk-publish").await;
    let summary = text_of(&browser, "#bulk-summary").await;
    let refused = text_of(&browser, ".bulk-failure").await;
    let refused_code = js(
        &browser,
        "return document.querySelector('.bulk-failure').dataset.code;",
    )
    .await;

    // Move "Two" to South.
    let two = ready[1]["id"].as_str().unwrap();
    wait_for_js(
        &browser,
        "document.querySelectorAll('#library-table .library-select:checked').length === 0",
    )
    .await;
    js(
        &browser,
        &format!(
            "document.querySelector('.library-select[data-id=\"{two}\"]').click(); return true;"
        ),
    )
    .await;
    wait_for(&browser, "#bulk-move-value")
        .await
        .select_by_value(south_id)
        .await
        .unwrap();
    click(&browser, "#bulk-move").await;
    let moved_summary = wait_for_js(
        &browser,
        "document.getElementById('bulk-summary') && document.getElementById('bulk-summary').textContent === 'Done: 1.' && 'moved'",
    )
    .await;
    // The channel filter now finds it in South.
    wait_for(&browser, "#library-channel")
        .await
        .select_by_value(south_id)
        .await
        .unwrap();
    let south_rows = wait_for_js(
        &browser,
        "document.querySelectorAll('#library-table tr.library-row').length === 1 && \
         document.querySelector('#library-table tr.library-row .admin-video-title a').textContent",
    )
    .await;
    browser.close().await;

    assert!(rows.is_some(), "four videos of North: {listed}");
    assert!(!listed.contains("Foreign"), "{listed}");
    assert_eq!(summary.as_deref(), Some("Done: 3. Refused: 1."));
    assert!(
        refused
            .as_deref()
            .is_some_and(|r| r.starts_with("Empty draft: ")),
        "{refused:?}"
    );
    assert_eq!(refused_code, json!("VALIDATION"));
    for v in &ready {
        let public = public_video(&app, v["uuid"].as_str().unwrap()).await;
        assert_eq!(public["status"], "READY", "{v} was not published");
    }
    assert_eq!(
        public_video(&app, empty["uuid"].as_str().unwrap()).await,
        Value::Null
    );
    assert!(moved_summary.is_some(), "the move was not reported done");
    assert_eq!(south_rows, Some(json!("Two")));
    let moved = app
        .graphql_ok(
            Some(&editor),
            "query($id: ID!) { video(id: $id) { channel { id } } }",
            json!({ "id": two }),
        )
        .await;
    assert_eq!(moved["video"]["channel"]["id"], json!(south_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_and_queues_what_needs_attention() {
    assert_app_is_built();
    let app = spawn_site(0, |_| {}).await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Newsroom").await;
    let channel_id = channel["id"].as_str().unwrap();
    let made = [
        ("Rough draft", None, json!({})),
        ("Broken file", Some("FAILED"), json!({})),
        ("Still encoding", Some("PROCESSING"), json!({})),
        (
            "Out already",
            Some("READY"),
            json!({ "publishAt": "2020-01-01T00:00:00Z" }),
        ),
        (
            "Coming soon",
            Some("READY"),
            json!({ "publishAt": "2099-01-01T00:00:00Z" }),
        ),
    ];
    for (title, status, extra) in made {
        let v = app.create_video(&admin, channel_id, title, extra).await;
        if let Some(status) = status {
            app.set_media_status(v["id"].as_str().unwrap(), status)
                .await;
        }
    }

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let counted = wait_for_js(
        &browser,
        "[...document.querySelectorAll('#counts .count-number')].map(n => n.textContent).join(',') === '1,1,1,1,1'",
    )
    .await;
    let counts = body_text(&browser).await;
    let queued = |queue: &str| {
        format!(
            "[...document.querySelectorAll('#{queue} .queue-title')].map(t => t.textContent).join(',')"
        )
    };
    let mut queues = Vec::new();
    for queue in [
        "queue-processing",
        "queue-failed",
        "queue-drafts",
        "queue-scheduled",
        "queue-published",
    ] {
        queues.push(wait_for_js(&browser, &queued(queue)).await);
    }
    let retry = text_of(&browser, "#queue-failed .queue-retry").await;
    let upload_again = text_of(&browser, "#queue-failed .queue-upload-again").await;
    browser.screenshots("admin-dashboard").await;
    browser.close().await;

    assert!(counted.is_some(), "{counts}");
    assert_eq!(
        queues,
        [
            "Still encoding",
            "Broken file",
            "Rough draft",
            "Coming soon",
            "Out already"
        ]
        .map(|t| Some(json!(t)))
    );
    // A failed item offers both: transcode the same file again, or upload another.
    assert_eq!(retry.as_deref(), Some("Retry"));
    assert_eq!(upload_again.as_deref(), Some("or upload the file again"));
}
