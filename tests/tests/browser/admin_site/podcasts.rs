//! The podcast page's panels for podcast apps: artwork, Apple category, explicit and type, the
//! feed and its preview, deleting the podcast.

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser, media};
use serde_json::json;

use crate::admin_site::support::*;

/// A `width`×`height` picture made by GStreamer with `encoder`.
fn picture(app: &TestApp, width: u32, height: u32, encoder: &str) -> std::path::PathBuf {
    let ext = if encoder == "jpegenc" { "jpg" } else { "png" };
    let path = app.dir.path().join(format!("art-{width}x{height}.{ext}"));
    media::gst_launch(&format!(
        "videotestsrc num-buffers=1 ! video/x-raw,width={width},height={height} ! videoconvert ! {encoder} ! filesink location={}",
        path.display()
    ));
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_uploads_artwork_and_sets_the_apple_category_and_the_feed_carries_them() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Radio").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id feedUrl } } }",
            json!({ "i": { "channelId": channel["id"], "title": "Signal Path", "author": "A",
                "ownerName": "O", "ownerEmail": "o@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]
        .clone();
    let id = podcast["id"].as_str().unwrap().to_owned();
    let feed_url = podcast["feedUrl"].as_str().unwrap().to_owned();
    let not_square = picture(&app, 1400, 1500, "pngenc");
    let artwork = picture(&app, 1400, 1400, "jpegenc");

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, &format!("/admin/podcasts/{id}")).await;
    // A picture that breaks Apple's rule is refused, and says why.
    wait_for(&browser, "#artwork-file")
        .await
        .send_keys(not_square.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#artwork-upload").await;
    let refused = text_containing(&browser, "#artwork-error", "not square").await;
    assert!(refused.contains("1400×1500, not square"), "{refused}");
    assert!(refused.contains("square JPEG or PNG"), "{refused}");
    wait_for(&browser, "#artwork-file")
        .await
        .send_keys(artwork.to_str().unwrap())
        .await
        .unwrap();
    click(&browser, "#artwork-upload").await;
    wait_for(&browser, "#artwork-saved").await;
    wait_for(&browser, "img#artwork").await;

    choose(&browser, "#itunes-category", "News|Tech News").await;
    click(&browser, "#podcast-explicit").await;
    choose(&browser, "#podcast-type", "SERIAL").await;
    click(&browser, "#save-apple").await;
    wait_for(&browser, "#apple-saved").await;

    // The preview reads the feed as podcast apps do.
    click(&browser, "#feed-refresh").await;
    let categories = text_containing(&browser, "#feed-categories", "Tech News").await;
    assert_eq!(categories, "News › Tech News");
    assert_eq!(
        text_of(&browser, "#feed-title").await.as_deref(),
        Some("Signal Path")
    );
    wait_for(&browser, "img#feed-artwork").await;
    screenshots(&browser, "admin-podcast").await;

    // The feed, fetched over HTTP, carries them.
    let feed = app
        .client
        .get(&feed_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The feed is indented; what podcast apps read is the nesting.
    let compact: String = feed.lines().map(str::trim).collect();
    assert!(
        compact.contains(
            "<itunes:category text=\"News\"><itunes:category text=\"Tech News\"/></itunes:category>"
        ),
        "{feed}"
    );
    assert!(feed.contains("<itunes:type>serial</itunes:type>"), "{feed}");
    assert!(
        feed.contains("<itunes:explicit>true</itunes:explicit>")
            || feed.contains("<itunes:explicit>yes</itunes:explicit>"),
        "{feed}"
    );
    let href = feed
        .split("<itunes:image href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the feed names its artwork")
        .replace("&amp;", "&");
    let art = app.client.get(&href).send().await.unwrap();
    assert_eq!(art.status(), 200, "{href}");
    let bytes = art.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG at {href}");
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { podcast(id: $id) { explicit type itunesCategories { category subcategory } title author } }",
            json!({ "id": id }),
        )
        .await;
    // Only what the panel changed was sent: the rest stays.
    assert_eq!(data["podcast"]["title"], "Signal Path");
    assert_eq!(data["podcast"]["author"], "A");
    assert_eq!(
        data["podcast"]["itunesCategories"],
        json!([{ "category": "News", "subcategory": "Tech News" }])
    );

    // Deleting asks first, naming what goes.
    click(&browser, "#delete-podcast").await;
    let question = text_containing(&browser, "#delete-podcast-question", "Signal Path").await;
    assert!(question.contains("0 episodes"), "{question}");
    click(&browser, "#confirm-delete-podcast").await;
    let gone = wait_for_js(&browser, "location.pathname === '/admin'").await;
    browser.close().await;
    assert!(gone.is_some());
    let data = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { podcast(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(data["data"]["podcast"].is_null(), "{data}");
    let feed = app.client.get(&feed_url).send().await.unwrap();
    assert_eq!(feed.status(), 404);
}
