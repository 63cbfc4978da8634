//! Downloads: a channel's default on its page, a video's own setting (or its channel's, said)
//! in the video editor, and the files once made, listed with their kind, size and a link that
//! serves them. Each save is checked through the API, every field, so a form that sends what
//! nobody changed is caught.

use projector_tests::tus::{self, metadata};
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, browser::Browser};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// `value` with `field` set to `to`.
fn with(mut value: Value, field: &str, to: Value) -> Value {
    value[field] = to;
    value
}

/// The value of the video editor's downloads choice and the text of its chosen option.
async fn downloads_choice(browser: &Browser) -> Value {
    js(
        browser,
        "const s = document.getElementById('video-downloads'); return [s.value, s.options[s.selectedIndex].text];",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channels_downloads_default_saved_on_its_page_is_what_the_api_shows() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let created = app.create_channel(&admin, "Take-away").await;
    let id = created["id"].as_str().unwrap();
    let before = channel_as_admin(&app, id).await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/channels/{id}")).await;
    wait_for(&browser, "#channel-downloads").await;
    let shown_off = js(
        &browser,
        "return document.getElementById('channel-downloads').checked;",
    )
    .await;

    // Saved with no change: nothing is sent; nor by the other forms' Saves.
    click(&browser, "#save-channel-downloads").await;
    let nothing = text_of(&browser, "#channel-downloads-notice").await;
    click(&browser, "#save-channel-playback").await;
    text_of(&browser, "#channel-playback-notice").await;
    click(&browser, "#save-channel").await;
    text_of(&browser, "#channel-details-notice").await;
    let untouched = channel_as_admin(&app, id).await;

    click(&browser, "#channel-downloads").await;
    click(&browser, "#save-channel-downloads").await;
    let saved = text_containing(&browser, "#channel-downloads-notice", "Saved").await;
    let on = channel_as_admin(&app, id).await;

    // Read again by the page, then saved with no change: kept.
    open(&browser, &app, &format!("/admin/channels/{id}")).await;
    wait_for(&browser, "#channel-downloads").await;
    let shown_on = js(
        &browser,
        "return document.getElementById('channel-downloads').checked;",
    )
    .await;
    click(&browser, "#save-channel-downloads").await;
    let nothing_again = text_of(&browser, "#channel-downloads-notice").await;
    let kept = channel_as_admin(&app, id).await;
    screenshots_at(&browser, "#downloads-heading", "admin-channel-downloads").await;

    // Off again.
    click(&browser, "#channel-downloads").await;
    click(&browser, "#save-channel-downloads").await;
    text_containing(&browser, "#channel-downloads-notice", "Saved").await;
    let off = channel_as_admin(&app, id).await;
    browser.close().await;

    assert_eq!(before["downloadsEnabled"], false, "off by default");
    assert_eq!(shown_off, json!(false));
    assert_eq!(
        nothing.as_deref(),
        Some("Nothing to save: nothing was changed.")
    );
    assert_eq!(untouched, before, "a save with no change changed something");
    assert_eq!(saved, "Saved.");
    let expected = with(before.clone(), "downloadsEnabled", json!(true));
    assert_eq!(
        same_time(on.clone(), &expected),
        expected,
        "only the setting changes"
    );
    assert_eq!(shown_on, json!(true));
    assert_eq!(
        nothing_again.as_deref(),
        Some("Nothing to save: nothing was changed.")
    );
    assert_eq!(kept, on);
    assert_eq!(same_time(off, &before), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_follows_its_channels_downloads_until_given_its_own_and_a_save_with_no_change_alters_nothing()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let created = app.create_channel(&admin, "Offered").await;
    let channel_id = created["id"].as_str().unwrap();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": channel_id, "downloadsEnabled": true } }),
    )
    .await;
    let made = app
        .create_video(
            &admin,
            channel_id,
            "Take it with you",
            json!({ "description": "For the road", "language": "en", "license": "CC-BY-4.0",
                    "visibility": "UNLISTED", "publishAt": "2030-01-01T10:00:00Z",
                    "chapters": [{ "title": "Start", "startSecs": 0.0 }] }),
        )
        .await;
    let (id, uuid) = (made["id"].as_str().unwrap(), made["uuid"].as_str().unwrap());
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "playbackRestriction": { "allowedDomains": ["partner.example"] } } }),
    )
    .await;
    let before = video_as_admin(&app, id).await;
    let editor = format!("/admin/videos/{uuid}");
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &editor).await;
    wait_for(&browser, "#video-downloads").await;
    let follows = downloads_choice(&browser).await;
    let not_made = text_of(&browser, "#video-downloads-none").await;

    // Saved with no change: nothing is sent.
    click(&browser, "#save-video").await;
    let nothing = text_of(&browser, "#details-notice").await;
    let untouched = video_as_admin(&app, id).await;

    // Its own: off.
    choose(&browser, "#video-downloads", "off").await;
    click(&browser, "#save-video").await;
    let saved = text_containing(&browser, "#details-notice", "Saved").await;
    let off = video_as_admin(&app, id).await;

    // Read again, saved with no change: kept.
    open(&browser, &app, &editor).await;
    wait_for(&browser, "#video-downloads").await;
    let shown_off = downloads_choice(&browser).await;
    let said_off = text_of(&browser, "#video-downloads-none").await;
    click(&browser, "#save-video").await;
    let nothing_again = text_of(&browser, "#details-notice").await;
    let kept = video_as_admin(&app, id).await;
    screenshots_at(&browser, "#video-downloads-fields", "admin-video-downloads").await;

    // Its own: on; then its channel's again.
    choose(&browser, "#video-downloads", "on").await;
    click(&browser, "#save-video").await;
    text_containing(&browser, "#details-notice", "Saved").await;
    let on = video_as_admin(&app, id).await;
    open(&browser, &app, &editor).await;
    wait_for(&browser, "#video-downloads").await;
    let shown_on = downloads_choice(&browser).await;
    choose(&browser, "#video-downloads", "channel").await;
    click(&browser, "#save-video").await;
    text_containing(&browser, "#details-notice", "Saved").await;
    let follows_again = video_as_admin(&app, id).await;
    browser.close().await;

    assert_eq!(before["downloadsEnabled"], Value::Null);
    assert_eq!(
        follows,
        json!(["channel", "As its channel says (on)"]),
        "it follows its channel, said so"
    );
    assert_eq!(
        not_made.as_deref(),
        Some(
            "None yet: the files are made once the video's renditions are ready (after a save, read the page again)."
        )
    );
    assert_eq!(
        nothing.as_deref(),
        Some("Nothing to save: no field changed.")
    );
    assert_eq!(untouched, before, "a save with no change changed something");
    assert_eq!(saved, "Saved.");
    let expected = with(before.clone(), "downloadsEnabled", json!(false));
    assert_eq!(
        same_time(off.clone(), &expected),
        expected,
        "only the setting changes"
    );
    assert_eq!(shown_off, json!(["off", "Off: no downloads"]));
    assert_eq!(
        said_off.as_deref(),
        Some("Downloads are off for this video.")
    );
    assert_eq!(
        nothing_again.as_deref(),
        Some("Nothing to save: no field changed.")
    );
    assert_eq!(kept, off, "a save with no change changed something");
    assert_eq!(on["downloadsEnabled"], true);
    assert_eq!(shown_on, json!(["on", "On: offer downloads"]));
    assert_eq!(same_time(follows_again, &before), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_videos_made_downloads_are_listed_with_their_kind_size_and_a_link_that_serves_them() {
    assert_app_is_built();
    let app = spawn_site_with(|c| {
        c.workers = 1;
        c.transcode.ladder = vec![240, 144];
    })
    .await;
    let admin = app.admin_token().await;
    let created = app.create_channel(&admin, "Files").await;
    let channel_id = created["id"].as_str().unwrap();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": channel_id, "downloadsEnabled": true } }),
    )
    .await;
    let made = app
        .create_video(&admin, channel_id, "Made to keep", json!({}))
        .await;
    let (id, uuid) = (made["id"].as_str().unwrap(), made["uuid"].as_str().unwrap());
    let clip = app.dir.path().join("clip.mp4");
    projector_tests::media::mp4(&clip, 2);
    let bytes = std::fs::read(&clip).unwrap();
    let res = tus::create_with_upload(&app, &admin, bytes, &metadata(&[("videoId", id)])).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        tus::wait_until_settled(&app, &admin, &location).await,
        "complete"
    );
    let mut files = Value::Null;
    for _ in 0..600 {
        files = video_as_admin(&app, id).await["downloads"].clone();
        if files.as_array().is_some_and(|f| f.len() == 2) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(files.as_array().map(Vec::len), Some(2), "{files}");

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, ".download-row").await;
    let rows = js(
        &browser,
        "return Array.from(document.querySelectorAll('.download-row')).map(r => [r.dataset.format, r.querySelector('.download-kind').textContent, r.querySelector('.download-size').textContent, r.querySelector('.download-link').getAttribute('href'), r.querySelector('.download-link').textContent]);",
    )
    .await;
    screenshots_at(
        &browser,
        "#video-downloads-fields",
        "admin-video-download-files",
    )
    .await;
    browser.close().await;

    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (row, (file, kind)) in rows.iter().zip(
        files
            .as_array()
            .unwrap()
            .iter()
            .zip(["MP4 video", "M4A sound"]),
    ) {
        let size = file["bytes"].as_i64().unwrap();
        assert!(size < 1_000_000, "a 2 s clip at 240p: {size}");
        assert_eq!(
            *row,
            json!([
                file["format"],
                kind,
                format!("{:.0} KB", size as f64 / 1000.0),
                file["url"],
                "Download"
            ])
        );
        let url = row[3].as_str().unwrap();
        let served = app
            .client
            .get(app.url(&url[url.find("/media/").unwrap()..]))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{url}");
        assert_eq!(served.bytes().await.unwrap().len() as i64, size, "{url}");
    }
}
