//! "Where it can play": a channel's playback restriction on its page and a video's own (or its
//! channel's) in the video editor. Each save is checked through the API, every field, so a
//! form that sends what nobody changed is caught.

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, browser::Browser};
use serde_json::{Value, json};

use crate::admin_site::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channels_allowed_domains_saved_on_its_page_are_what_the_api_shows() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let created = app.create_channel(&admin, "Embedded").await;
    let id = created["id"].as_str().unwrap();
    let before = channel_as_admin(&app, id).await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/channels/{id}")).await;
    wait_for(&browser, "#channel-playback-domains").await;
    let hint = text_of(&browser, "#channel-playback .site-muted").await;

    // Saved with no change: nothing is sent.
    click(&browser, "#save-channel-playback").await;
    let nothing = text_of(&browser, "#channel-playback-notice").await;
    let untouched = channel_as_admin(&app, id).await;
    // The details form's Save, untouched, leaves the rule alone too.
    click(&browser, "#save-channel").await;
    text_of(&browser, "#channel-details-notice").await;
    let after_details = channel_as_admin(&app, id).await;

    // A domain the API refuses: said, and nothing changes.
    fill(
        &browser,
        "#channel-playback-domains",
        "https://bad.example/path",
    )
    .await;
    click(&browser, "#save-channel-playback").await;
    let refused = text_of(&browser, "#channel-playback-error").await;
    let after_refusal = channel_as_admin(&app, id).await;

    fill(
        &browser,
        "#channel-playback-domains",
        "partner.example\n*.Friends.example",
    )
    .await;
    click(&browser, "#channel-playback-no-referrer").await;
    click(&browser, "#save-channel-playback").await;
    let saved = text_containing(&browser, "#channel-playback-notice", "Saved").await;
    let restricted = channel_as_admin(&app, id).await;
    // Read again by the page, then saved with no change.
    open(&browser, &app, &format!("/admin/channels/{id}")).await;
    wait_for(&browser, "#channel-playback-domains").await;
    let shown = js(
        &browser,
        "return [document.getElementById('channel-playback-domains').value, document.getElementById('channel-playback-no-referrer').checked];",
    )
    .await;
    click(&browser, "#save-channel-playback").await;
    let nothing_again = text_of(&browser, "#channel-playback-notice").await;
    let kept = channel_as_admin(&app, id).await;
    screenshots_at(&browser, "#playback-heading", "admin-channel-playback").await;
    browser.close().await;

    assert!(
        hint.as_deref()
            .unwrap_or_default()
            .contains("*.example.com"),
        "the wildcard is explained: {hint:?}"
    );
    assert_eq!(
        before["playbackRestriction"],
        json!({ "allowedDomains": [], "allowNoReferrer": true })
    );
    assert_eq!(
        nothing.as_deref(),
        Some("Nothing to save: nothing was changed.")
    );
    assert_eq!(untouched, before, "a save with no change changed something");
    assert_eq!(
        after_details, before,
        "the details form's Save changed something"
    );
    assert!(
        refused
            .as_deref()
            .unwrap_or_default()
            .contains("is not a domain"),
        "{refused:?}"
    );
    assert_eq!(after_refusal, before, "a refused rule changes nothing");
    assert_eq!(saved, "Saved.");
    assert_eq!(
        restricted["playbackRestriction"],
        json!({ "allowedDomains": ["partner.example", "*.friends.example"], "allowNoReferrer": false })
    );
    let mut expected = before.clone();
    expected["playbackRestriction"] = restricted["playbackRestriction"].clone();
    assert_eq!(
        same_time(restricted.clone(), &expected),
        expected,
        "only the rule changes"
    );
    assert_eq!(shown, json!(["partner.example\n*.friends.example", false]));
    assert_eq!(
        nothing_again.as_deref(),
        Some("Nothing to save: nothing was changed.")
    );
    assert_eq!(kept, restricted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_follows_its_channel_until_given_its_own_list_and_a_save_with_no_change_keeps_it() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let created = app.create_channel(&admin, "Partners").await;
    let channel_id = created["id"].as_str().unwrap();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": channel_id,
                       "playbackRestriction": { "allowedDomains": ["partner.example"], "allowNoReferrer": false } } }),
    )
    .await;
    let made = app
        .create_video(
            &admin,
            channel_id,
            "Shown elsewhere",
            json!({ "description": "On partner sites", "language": "en", "license": "CC-BY-4.0",
                    "visibility": "UNLISTED", "publishAt": "2030-01-01T10:00:00Z" }),
        )
        .await;
    let (id, uuid) = (made["id"].as_str().unwrap(), made["uuid"].as_str().unwrap());
    let before = video_as_admin(&app, id).await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, "#video-playback-inherit").await;
    let follows = js(
        &browser,
        "return [document.getElementById('video-playback-inherit').checked, document.getElementById('video-playback-domains').disabled];",
    )
    .await;
    let channel_said = text_of(&browser, "#video-playback-channel").await;

    // Saved with no change: nothing is sent, the video still follows its channel.
    click(&browser, "#save-video").await;
    let nothing = text_of(&browser, "#details-notice").await;
    let untouched = video_as_admin(&app, id).await;

    // Its own list.
    click(&browser, "#video-playback-own").await;
    fill(&browser, "#video-playback-domains", "own.example").await;
    click(&browser, "#save-video").await;
    let saved = text_containing(&browser, "#details-notice", "Saved").await;
    let own = video_as_admin(&app, id).await;

    // Read again, saved with no change: kept.
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    wait_for(&browser, "#video-playback-own").await;
    let shown = js(
        &browser,
        "return [document.getElementById('video-playback-own').checked, document.getElementById('video-playback-domains').value];",
    )
    .await;
    click(&browser, "#save-video").await;
    let nothing_again = text_of(&browser, "#details-notice").await;
    let kept = video_as_admin(&app, id).await;
    screenshots_at(&browser, "#video-playback", "admin-video-playback").await;

    // Back to the channel's.
    click(&browser, "#video-playback-inherit").await;
    click(&browser, "#save-video").await;
    text_containing(&browser, "#details-notice", "Saved").await;
    let inherits_again = video_as_admin(&app, id).await;
    browser.close().await;

    assert_eq!(before["playbackRestriction"], Value::Null);
    assert_eq!(
        follows,
        json!([true, true]),
        "it follows its channel, said so"
    );
    assert_eq!(
        channel_said.as_deref(),
        Some("The channel's setting: partner.example (not without a referrer).")
    );
    assert_eq!(
        nothing.as_deref(),
        Some("Nothing to save: no field changed.")
    );
    assert_eq!(untouched, before, "a save with no change changed something");
    assert_eq!(saved, "Saved.");
    assert_eq!(
        own["playbackRestriction"],
        json!({ "allowedDomains": ["own.example"], "allowNoReferrer": true })
    );
    let mut expected = before.clone();
    expected["playbackRestriction"] = own["playbackRestriction"].clone();
    assert_eq!(
        same_time(own.clone(), &expected),
        expected,
        "only the rule changes"
    );
    assert_eq!(shown, json!([true, "own.example"]));
    assert_eq!(
        nothing_again.as_deref(),
        Some("Nothing to save: no field changed.")
    );
    assert_eq!(kept, own);
    assert_eq!(inherits_again["playbackRestriction"], Value::Null);
    assert_eq!(same_time(inherits_again, &before), before);
}
