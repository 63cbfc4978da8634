//! The single-page app in a real headless Chromium, served by a real server.
//!
//! These tests need the built app: run `trunk build --release` at the repository root first (or
//! point `PROJECTOR_TEST_FRONTEND_DIR` at a built `dist`). A missing build fails, never skips, so
//! a broken app cannot pass unnoticed.
//!
//! The viewer pages are driven as a visitor would: anonymous, through links and the search box,
//! against a catalogue made through the API (and, for playback, media transcoded by the
//! in-process worker from a generated clip).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_app;
mod admin_site;
mod comments;
mod community;
mod direct_uploads;
mod discovery;
mod french;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use projector_tests::page::{PATIENCE, assert_app_is_built, body_text, open, wait_for_js};
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, browser::Browser, spawn_app};
use serde_json::{Value, json};

mod playback_token;
mod player;
mod watching;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_the_server_version() {
    assert_app_is_built();
    let app = spawn_app(Backend::Sqlite).await;
    let data = app.graphql_ok(None, "{ version }", json!({})).await;
    let expected = data["version"]
        .as_str()
        .expect("version is a string")
        .to_owned();

    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url("/"))
        .await
        .expect("open the home page");
    let shown = text_of_element(&browser, "server-version").await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(
        shown.as_deref(),
        Some(expected.as_str()),
        "#server-version should show the API's version within {PATIENCE:?}; the page read:\n{page}"
    );
}

/// The text of the element with this `id` once it exists and is not empty, or `None` when
/// [`PATIENCE`] runs out first.
async fn text_of_element(browser: &Browser, id: &str) -> Option<String> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Ok(element) = browser.client.find(Locator::Id(id)).await
            && let Ok(text) = element.text().await
            && !text.is_empty()
        {
            return Some(text);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// A server the app's media URLs reach, with `workers` transcoding workers.
async fn spawn_site(workers: u32) -> TestApp {
    projector_tests::page::spawn_site(workers, |_| {}).await
}

/// Creates a channel as the admin; returns `(global id, slug)`.
async fn channel(app: &TestApp, token: &str, name: &str) -> (String, String) {
    let c = app.create_channel(token, name).await;
    (
        c["id"].as_str().unwrap().to_owned(),
        c["slug"].as_str().unwrap().to_owned(),
    )
}

/// Creates a video with extra input fields; returns its `uuid`. A `status` in `extra` is the
/// media status it gets (see `projector_tests::take_media_status`), and a `duration` is the
/// length the pipeline would have measured: both are written straight to the database, since
/// no API input carries them.
async fn video(app: &TestApp, token: &str, channel: &str, title: &str, extra: Value) -> String {
    let mut extra = extra;
    let status = projector_tests::take_media_status(&mut extra);
    let duration = extra.as_object_mut().unwrap().remove("duration");
    let created = app.create_video(token, channel, title, extra).await;
    let id = created["id"].as_str().unwrap();
    if let Some(status) = status {
        app.set_media_status(id, &status).await;
    }
    if let Some(seconds) = duration.and_then(|d| d.as_f64()) {
        use projector_api::videos::entity::video;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let db = app.db().await;
        video::Entity::update_many()
            .col_expr(video::Column::DurationSecs, Expr::value(seconds))
            .filter(video::Column::Id.eq(projector_api::graphql::relay::decode(id).unwrap().1))
            .exec(&db)
            .await
            .unwrap();
        db.close().await.ok();
    }
    created["uuid"].as_str().unwrap().to_owned()
}

/// Uploads a file over tus with `meta` and waits until the server has taken it.
async fn upload(app: &TestApp, token: &str, file: &std::path::Path, meta: &[(&str, &str)]) {
    let bytes = std::fs::read(file).unwrap();
    let mut pairs = vec![("filename", file.file_name().unwrap().to_str().unwrap())];
    pairs.extend_from_slice(meta);
    let location = tus::create_ok(app, token, bytes.len() as u64, &metadata(&pairs)).await;
    let res = tus::patch(app, token, &location, 0, bytes, true).await;
    assert_eq!(res.status(), 204, "{:?}", res.text().await);
    assert_eq!(
        tus::wait_until_settled(app, token, &location).await,
        "complete"
    );
}

/// Polls a GraphQL read until `done` holds of its data (or panics after two minutes).
async fn wait_for_data(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let data = app.graphql_ok(Some(token), query, variables.clone()).await;
        if done(&data) {
            return data;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "timed out; last reading: {data}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
/// A podcast "Late Show" in a new channel `channel_name`, with one episode uploaded from a
/// `secs`-second WAV named `file_name`, waited for until its two audio files exist (and not
/// failed). Returns the channel's slug, the podcast's slug and the episode (`id`, `title`).
async fn podcast_with_an_episode(
    app: &TestApp,
    token: &str,
    channel_name: &str,
    file_name: &str,
    secs: u32,
) -> (String, String, Value) {
    let (ch, ch_slug) = channel(app, token, channel_name).await;
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($c: ID!) { createPodcast(input: { channelId: $c, title: \"Late Show\", author: \"Ann Author\", ownerName: \"Ann\", ownerEmail: \"ann@example.com\", language: \"en\" }) { podcast { id slug } } }",
            json!({ "c": ch }),
        )
        .await;
    let podcast = data["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let slug = data["createPodcast"]["podcast"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = app.dir.path().join(file_name);
    projector_tests::media::sine_wav(&file, secs);
    upload(app, token, &file, &[("podcastId", &podcast)]).await;
    let data = wait_for_data(
        app,
        token,
        "query($c: String!, $s: String!) { podcast(channelSlug: $c, slug: $s) { episodes { nodes { id title status media { audio { url } } } } } }",
        json!({ "c": ch_slug, "s": slug }),
        |d| {
            let e = &d["podcast"]["episodes"]["nodes"][0];
            e["status"] == "FAILED" || e["media"]["audio"].as_array().is_some_and(|a| a.len() == 2)
        },
    )
    .await;
    let episode = data["podcast"]["episodes"]["nodes"][0].clone();
    assert_ne!(episode["status"], "FAILED", "{data}");
    (ch_slug, slug, episode)
}

/// The `href` attributes of the links matched by `css`, as written in the page.
async fn hrefs(browser: &Browser, css: &str) -> Vec<String> {
    strings(browser, css, "a.getAttribute('href')").await
}

/// The text of each element matched by `css`.
async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    strings(browser, css, "a.textContent.trim()").await
}

/// `expression` (of `a`) for each element matched by `css`.
async fn strings(browser: &Browser, css: &str, expression: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll({})).map(a => {expression});",
        serde_json::to_string(css).unwrap()
    );
    let value = browser.client.execute(&script, vec![]).await.unwrap();
    serde_json::from_value(value).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_lists_public_videos_as_cards_linking_to_their_watch_pages() {
    assert_app_is_built();
    let app = spawn_site(0).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Northern Lights").await;
    let shown = video(
        &app,
        &token,
        &ch,
        "Aurora over the fjord",
        json!({ "status": "READY", "duration": 125.0 }),
    )
    .await;
    video(
        &app,
        &token,
        &ch,
        "Secret rehearsal",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;
    video(&app, &token, &ch, "Unfinished draft", json!({})).await;

    let browser = Browser::start().await;
    open(&browser, &app, "/").await;
    let cards = wait_for_js(
        &browser,
        "document.querySelectorAll('#videos .video-card').length",
    )
    .await;
    let page = body_text(&browser).await;
    let links = hrefs(&browser, "#videos .video-card a.card-link").await;
    let channel_links = hrefs(&browser, "#videos .video-card a.card-channel").await;

    // Following the card is a client-side navigation to the watch page.
    let card = browser
        .client
        .find(Locator::Css("#videos .video-card a.card-link"))
        .await
        .unwrap();
    card.click().await.unwrap();
    let title = text_of_element(&browser, "video-title").await;
    let url = browser.client.current_url().await.unwrap();
    browser.close().await;

    assert_eq!(
        cards,
        Some(json!(1)),
        "one public video should be listed; the page read:\n{page}"
    );
    assert!(page.contains("Aurora over the fjord"), "{page}");
    assert!(
        page.contains("Northern Lights"),
        "the card names the channel: {page}"
    );
    assert!(page.contains("2:05"), "the card shows the length: {page}");
    assert!(
        !page.contains("Secret rehearsal") && !page.contains("Unfinished draft"),
        "{page}"
    );
    assert_eq!(links, vec![format!("/watch/{shown}")]);
    assert_eq!(channel_links, vec!["/channels/northern-lights".to_owned()]);
    assert_eq!(title.as_deref(), Some("Aurora over the fjord"));
    assert_eq!(url.path(), format!("/watch/{shown}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcoded_video_plays_on_its_watch_page() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, slug) = channel(&app, &token, "Test Card").await;
    let data = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createVideo(input: { channelId: $c, title: \"Colour bars\", description: \"A *short* clip.\", chapters: [{ title: \"Opening\", startSecs: 0 }, { title: \"Ending\", startSecs: 2 }] }) { video { id uuid } } }",
            json!({ "c": ch }),
        )
        .await;
    let id = data["createVideo"]["video"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let uuid = data["createVideo"]["video"]["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = app.dir.path().join("bars.mp4");
    projector_tests::media::Clip::new(320, 240, 4.0).write(&file);
    upload(&app, &token, &file, &[("videoId", &id)]).await;
    let data = wait_for_data(
        &app,
        &token,
        "query($id: ID!) { video(id: $id) { status media { playable } } }",
        json!({ "id": id }),
        |d| d["video"]["status"] == "READY" || d["video"]["status"] == "FAILED",
    )
    .await;
    assert_eq!(data["video"]["status"], "READY", "{data}");
    assert_eq!(data["video"]["media"]["playable"], true, "{data}");
    // A new video is unpublished until its editor publishes it.
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    let title = text_of_element(&browser, "video-title").await;
    let page = body_text(&browser).await;
    let source = wait_for_js(&browser, "document.getElementById('player').currentSrc").await;
    let poster = wait_for_js(&browser, "document.getElementById('player').poster").await;
    let channel_links = hrefs(&browser, ".watch a.channel-link").await;
    browser
        .client
        .execute(
            "const v = document.getElementById('player'); v.muted = true; v.play().catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    let played = wait_for_js(&browser, "document.getElementById('player').currentTime > 0.5 && document.getElementById('player').currentTime").await;
    // A chapter button seeks the player (from a paused start, so playing on cannot pass).
    browser
        .client
        .execute(
            "const v = document.getElementById('player'); v.pause(); v.currentTime = 0;",
            vec![],
        )
        .await
        .unwrap();
    let rewound = wait_for_js(
        &browser,
        "document.getElementById('player').currentTime < 0.5",
    )
    .await;
    browser
        .client
        .find(Locator::XPath("//button[contains(., 'Ending')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let sought = wait_for_js(
        &browser,
        "document.getElementById('player').currentTime >= 2",
    )
    .await;
    browser.close().await;

    assert_eq!(
        title.as_deref(),
        Some("Colour bars"),
        "the page read:\n{page}"
    );
    assert!(
        page.contains("A short clip."),
        "the description is shown: {page}"
    );
    assert!(page.contains("Test Card"), "{page}");
    let source = source
        .and_then(|s| s.as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        source.ends_with("/hls/master.m3u8") || source.starts_with("blob:"),
        "the player should be attached to the HLS stream, got {source:?}"
    );
    let poster = poster
        .and_then(|s| s.as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        poster.contains("/media/p/") && poster.ends_with(".jpg"),
        "poster {poster:?}"
    );
    assert!(
        played.is_some(),
        "currentTime never advanced past 0.5 s after play()"
    );
    assert!(rewound.is_some(), "the player did not rewind");
    assert!(sought.is_some(), "the chapter button did not seek");
    assert_eq!(channel_links, vec![format!("/channels/{slug}")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_page_lists_its_videos_and_loads_more_with_the_more_button() {
    assert_app_is_built();
    let app = spawn_site(0).await;
    let token = app.admin_token().await;
    let (ch, slug) = channel(&app, &token, "Daily Clips").await;
    let (other, _) = channel(&app, &token, "Elsewhere").await;
    // One more than a page (24).
    for n in 1..=25 {
        video(
            &app,
            &token,
            &ch,
            &format!("Clip number {n}"),
            json!({ "status": "READY" }),
        )
        .await;
    }
    video(
        &app,
        &token,
        &other,
        "Not on this channel",
        json!({ "status": "READY" }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": ch, "description": "Short clips, **every day**." } }),
    )
    .await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/channels/{slug}")).await;
    let name = text_of_element(&browser, "channel-name").await;
    let first_page = wait_for_js(
        &browser,
        "document.querySelectorAll('#videos .video-card').length",
    )
    .await;
    let feed = hrefs(&browser, "a.feed-link").await;
    let page = body_text(&browser).await;
    let titles_before = texts(&browser, "#videos .card-title").await;
    browser
        .client
        .find(Locator::Id("more-videos"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let all = wait_for_js(
        &browser,
        "document.querySelectorAll('#videos .video-card').length === 25 && 25",
    )
    .await;
    let more_gone = wait_for_js(&browser, "document.getElementById('more-videos') === null").await;
    let after = body_text(&browser).await;
    let titles_after = texts(&browser, "#videos .card-title").await;
    browser.close().await;

    assert_eq!(
        name.as_deref(),
        Some("Daily Clips"),
        "the page read:\n{page}"
    );
    assert_eq!(first_page, Some(json!(24)), "{page}");
    assert!(
        page.contains("every day"),
        "the description is shown: {page}"
    );
    let newest_first: Vec<String> = (1..=25).rev().map(|n| format!("Clip number {n}")).collect();
    assert_eq!(
        titles_before,
        newest_first[..24],
        "the first page, newest first"
    );
    assert_eq!(
        all,
        Some(json!(25)),
        "the More button should load the 25th video:\n{after}"
    );
    assert_eq!(titles_after, newest_first, "the second page is appended");
    assert!(
        more_gone.is_some(),
        "the More button should go once every video is shown"
    );
    assert!(!after.contains("Not on this channel"), "{after}");
    assert_eq!(feed.len(), 1);
    assert!(
        feed[0].ends_with(&format!("/feeds/channels/{slug}.xml")),
        "{feed:?}"
    );
    // The feed link works.
    let res = app.client.get(&feed[0]).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_podcast_page_shows_its_episodes_with_audio_players() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch_slug, slug, episode) =
        podcast_with_an_episode(&app, &token, "Talk Radio", "first-episode.wav", 3).await;
    let episode_title = episode["title"].as_str().unwrap().to_owned();
    // An episode made by an upload is unpublished until its editor publishes it.
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishEpisode(input: { id: $id }) { episode { id } } }",
        json!({ "id": episode["id"] }),
    )
    .await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/podcasts/{ch_slug}/{slug}")).await;
    let title = text_of_element(&browser, "podcast-title").await;
    let audios = wait_for_js(
        &browser,
        "document.querySelectorAll('#episodes li audio').length",
    )
    .await;
    let src_urls = strings(
        &browser,
        "#episodes li audio source",
        "a.getAttribute('src')",
    )
    .await;
    let feed = hrefs(&browser, "a.feed-link").await;
    let page = body_text(&browser).await;
    // The player loads the audio (its duration comes from the file, not the page).
    browser
        .client
        .execute(
            "const a = document.querySelector('#episodes li audio'); a.preload = 'metadata'; a.load();",
            vec![],
        )
        .await
        .unwrap();
    let duration = wait_for_js(
        &browser,
        "document.querySelector('#episodes li audio').duration > 2 && document.querySelector('#episodes li audio').duration",
    )
    .await;
    browser.close().await;

    assert_eq!(
        title.as_deref(),
        Some("Late Show"),
        "the page read:\n{page}"
    );
    assert!(page.contains("Ann Author"), "{page}");
    assert!(
        page.contains(&episode_title),
        "the episode {episode_title:?} is listed: {page}"
    );
    assert_eq!(
        audios,
        Some(json!(1)),
        "one episode, one audio player: {page}"
    );
    assert_eq!(src_urls.len(), 2, "MP3 and M4A: {src_urls:?}");
    assert!(src_urls[0].ends_with(".mp3"), "MP3 first: {src_urls:?}");
    assert!(
        duration.is_some(),
        "the audio never loaded its metadata from {src_urls:?}"
    );
    assert_eq!(feed.len(), 1);
    assert!(
        feed[0].ends_with(&format!("/feeds/podcasts/{ch_slug}/{slug}.xml")),
        "{feed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_private_and_malformed_addresses_show_the_not_found_view() {
    assert_app_is_built();
    let app = spawn_site(0).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Hidden").await;
    let private = video(
        &app,
        &token,
        &ch,
        "Private thing",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;

    let browser = Browser::start().await;
    let mut seen = Vec::new();
    for path in [
        format!("/watch/{}", uuid::Uuid::now_v7()),
        format!("/watch/{private}"),
        "/watch/not-an-id".to_owned(),
        "/channels/no-such-channel".to_owned(),
        "/podcasts/hidden/no-such-show".to_owned(),
        "/no/such/page".to_owned(),
    ] {
        open(&browser, &app, &path).await;
        let heading = wait_for_js(
            &browser,
            "document.querySelector('#not-found h2').textContent",
        )
        .await;
        let page = body_text(&browser).await;
        seen.push((path, heading, page));
    }
    browser.close().await;

    for (path, heading, page) in seen {
        let heading = heading.and_then(|h| h.as_str().map(str::to_owned));
        assert!(
            heading
                .as_deref()
                .is_some_and(|h| h.ends_with("was not found")),
            "{path} should show the not-found view; the page read:\n{page}"
        );
        assert!(!page.contains("Private thing"), "{path}: {page}");
        assert!(
            page.contains("Server version"),
            "{path}: the rest of the app still shows: {page}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_box_finds_a_video_by_a_word_in_its_title() {
    assert_app_is_built();
    let app = spawn_site(0).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Kitchen").await;
    let wanted = video(
        &app,
        &token,
        &ch,
        "Perfect sourdough bread",
        json!({ "status": "READY" }),
    )
    .await;
    video(
        &app,
        &token,
        &ch,
        "Quick tomato pasta",
        json!({ "status": "READY" }),
    )
    .await;

    let browser = Browser::start().await;
    open(&browser, &app, "/").await;
    let input = browser
        .client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("input[name=q]"))
        .await
        .unwrap();
    input.send_keys("sourdough\u{E007}").await.unwrap();
    let count = wait_for_js(
        &browser,
        "document.querySelectorAll('#search-videos .video-card').length",
    )
    .await;
    let links = hrefs(&browser, "#search-videos a.card-link").await;
    let url = browser.client.current_url().await.unwrap();
    let page = body_text(&browser).await;
    // A word nothing has says so.
    open(&browser, &app, "/search?q=zeppelin").await;
    let none = text_of_element(&browser, "no-results").await;
    browser.close().await;

    assert_eq!(url.path(), "/search");
    assert_eq!(url.query(), Some("q=sourdough"));
    assert_eq!(count, Some(json!(1)), "the page read:\n{page}");
    assert_eq!(links, vec![format!("/watch/{wanted}")]);
    assert!(
        page.contains("Perfect sourdough bread") && !page.contains("tomato"),
        "{page}"
    );
    assert_eq!(none.as_deref(), Some("Nothing matches."));
}
