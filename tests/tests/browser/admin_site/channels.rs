//! `/admin/channels` and `/admin/channels/{id}`.

use projector_tests::{TestApp, browser::Browser, media};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// A channel as the API reads it by slug (null when there is none).
async fn channel_by_slug(app: &TestApp, token: &str, slug: &str) -> Value {
    app.graphql_ok(
        Some(token),
        "query($s: String) { channel(slug: $s) { id name slug description avatarUrl bannerUrl } }",
        json!({ "s": slug }),
    )
    .await["channel"]
        .clone()
}

/// Whether these bytes are a picture a browser shows (PNG, JPEG or WebP).
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || (bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_creates_a_channel_with_avatar_and_banner_adds_an_editor_who_then_sees_only_that_channel()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let olive = app.user_token("olive@example.com", "EDITOR").await;
    app.user_token("eve@example.com", "EDITOR").await;
    let someone = app.user_token("someone@example.com", "EDITOR").await;
    app.create_channel(&someone, "Other channel").await;
    let scratch = app.create_channel(&olive, "Scratch").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let avatar = app.dir.path().join("avatar.png");
    media::png(&avatar);
    let banner = app.dir.path().join("banner.png");
    media::gst_launch(&format!(
        "videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=960,height=240 ! pngenc ! filesink location={}",
        banner.display()
    ));
    let not_a_picture = app.dir.path().join("notes.png");
    std::fs::write(&not_a_picture, "these are words, not pixels").unwrap();

    let browser = Browser::start().await;
    sign_in(&browser, &app, "olive@example.com", USER_PASSWORD).await;
    click(&browser, "#nav-channels").await;
    wait_for(&browser, "#new-channel-form").await;
    fill(&browser, "#new-channel-name", "Harbour Films").await;
    fill(&browser, "#new-channel-slug", "harbour").await;
    fill(&browser, "#new-channel-description", "Boats and *tides*.").await;
    click(&browser, "#new-channel-submit").await;
    let title = text_containing(&browser, "#edit-title", "Harbour Films").await;
    let created = text_of(&browser, "#channel-details-notice").await;

    // A slug already taken is refused beside the slug field and nothing changes.
    fill(&browser, "#channel-slug", "other-channel").await;
    click(&browser, "#save-channel").await;
    let taken = text_of(&browser, "#channel-slug-error").await;
    let after_taken = channel_by_slug(&app, &olive, "harbour").await;

    // Only the description changed: only it is sent, the rest stays.
    fill(&browser, "#channel-slug", "harbour").await;
    fill(&browser, "#channel-description", "Boats, tides and gulls.").await;
    click(&browser, "#save-channel").await;
    let saved = text_of(&browser, "#channel-details-notice").await;
    let after_save = channel_by_slug(&app, &olive, "harbour").await;

    // Pictures: words in a .png are refused; real pictures are taken and shown.
    wait_for(&browser, "#banner-file")
        .await
        .send_keys(not_a_picture.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#upload-banner").await;
    let refused = text_of(&browser, "#banner-error").await;
    wait_for(&browser, "#avatar-file")
        .await
        .send_keys(avatar.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#upload-avatar").await;
    let avatar_notice = text_of(&browser, "#avatar-notice").await;
    wait_for(&browser, "#banner-file")
        .await
        .send_keys(banner.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#upload-banner").await;
    let banner_notice = text_of(&browser, "#banner-notice").await;
    let previews = wait_for_js(
        &browser,
        "document.getElementById('avatar-preview') && document.getElementById('banner-preview') \
         && document.getElementById('avatar-preview').naturalWidth > 0 \
         && document.getElementById('banner-preview').naturalWidth > 0",
    )
    .await;
    let with_pictures = channel_by_slug(&app, &olive, "harbour").await;
    let mut pictures = Vec::new();
    for key in ["avatarUrl", "bannerUrl"] {
        let url = with_pictures[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}: {with_pictures}"));
        let res = app.client.get(url).send().await.unwrap();
        pictures.push((res.status().as_u16(), res.bytes().await.unwrap().to_vec()));
    }

    // Members: an unknown email is refused beside the field; Eve is added as an editor.
    fill(&browser, "#member-email", "nobody@example.com").await;
    click(&browser, "#add-member").await;
    let unknown = text_of(&browser, "#member-email-error").await;
    fill(&browser, "#member-email", "eve@example.com").await;
    choose(&browser, "#member-role", "EDITOR").await;
    click(&browser, "#add-member").await;
    let added = text_of(&browser, "#member-notice").await;
    let eve_role = wait_for_js(
        &browser,
        "document.querySelector('li.member-row[data-name=\"eve\"] .member-role') && document.querySelector('li.member-row[data-name=\"eve\"] .member-role').value",
    )
    .await;

    // The confirmation says what goes with the channel; "Keep it" keeps it.
    click(&browser, "#delete-channel").await;
    let what_goes = text_of(&browser, "#delete-what").await;
    click(&browser, "#cancel-delete").await;
    screenshots(&browser, "admin-channel").await;

    // Another channel is deleted after the confirmation.
    open(&browser, &app, &format!("/admin/channels/{scratch}")).await;
    text_containing(&browser, "#edit-title", "Scratch").await;
    click(&browser, "#delete-channel").await;
    click(&browser, "#confirm-delete").await;
    let deleted = text_of(&browser, "#deleted-notice").await;
    let scratch_after = channel_by_slug(&app, &olive, "scratch").await;
    let olive_list: Vec<String> = list_slugs(&browser).await;

    // Eve signs in and sees only that channel.
    click(&browser, "#sign-out").await;
    wait_for(&browser, "#sign-in-form").await;
    sign_in(&browser, &app, "eve@example.com", USER_PASSWORD).await;
    open(&browser, &app, "/admin/channels").await;
    wait_for(&browser, "#channel-list").await;
    let eve_list = list_slugs(&browser).await;
    browser.close().await;

    assert_eq!(title, "Harbour Films");
    assert_eq!(created.as_deref(), Some("Channel created."));
    assert_eq!(deleted.as_deref(), Some("Deleted “Scratch”."));
    assert_eq!(taken.as_deref(), Some("`other-channel` is already taken"));
    assert_eq!(
        after_taken["slug"], "harbour",
        "a refused save changes nothing"
    );
    assert_eq!(saved.as_deref(), Some("Saved."));
    assert_eq!(after_save["name"], "Harbour Films");
    assert_eq!(after_save["slug"], "harbour");
    assert_eq!(after_save["description"], "Boats, tides and gulls.");
    assert!(
        refused.is_some(),
        "a file that is not a picture is refused with a message"
    );
    assert_eq!(
        avatar_notice.as_deref(),
        Some("Avatar uploaded (64 × 64 px).")
    );
    assert_eq!(
        banner_notice.as_deref(),
        Some("Banner uploaded (960 × 240 px).")
    );
    assert_eq!(
        previews,
        Some(json!(true)),
        "both pictures show on the page"
    );
    for (status, bytes) in &pictures {
        assert_eq!(*status, 200);
        assert!(
            is_image(bytes),
            "not a picture: {:?}",
            &bytes[..bytes.len().min(16)]
        );
    }
    assert_eq!(unknown.as_deref(), Some("No account has this email"));
    assert_eq!(added.as_deref(), Some("Added eve@example.com."));
    assert_eq!(eve_role, Some(json!("EDITOR")));
    let what_goes = what_goes.unwrap_or_default();
    assert!(
        what_goes.contains("Harbour Films")
            && what_goes.contains("0 videos")
            && what_goes.contains("cannot be undone"),
        "{what_goes}"
    );
    assert_eq!(
        scratch_after,
        Value::Null,
        "the confirmed deletion deleted the channel"
    );
    assert_eq!(olive_list, vec!["harbour".to_owned()]);
    assert_eq!(
        eve_list,
        vec!["harbour".to_owned()],
        "Eve manages that channel only"
    );
}

/// The slugs the channels page lists.
async fn list_slugs(browser: &Browser) -> Vec<String> {
    wait_for(browser, "#channel-list").await;
    let slugs = js(
        browser,
        "return [...document.querySelectorAll('li.channel-row')].map(e => e.dataset.slug);",
    )
    .await;
    serde_json::from_value(slugs).unwrap()
}
