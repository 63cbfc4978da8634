//! The discovery pages in Chromium: home rows and paging, tag, category, trending and popular
//! lists in their orders, the channel's tabs, search filters as the user types, and every
//! text of these pages in French.

use std::time::Duration;

use chrono::{NaiveDate, TimeDelta, Utc};
use fantoccini::Locator;
use projector_tests::{Backend, TestApp, browser::Browser, spawn_app_with};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{Value, json};

use super::{assert_app_is_built, body_text, hrefs, open, texts, wait_for_js};

/// A server whose view counters flush every 100 ms (the first flush of a node recomputes the
/// trending scores from the daily table).
async fn spawn() -> TestApp {
    spawn_app_with(Backend::Sqlite, |c| {
        c.delivery.view_flush_ms = 100;
        c.auth.trust_forwarded_for = true;
    })
    .await
}

/// Restarts the server so that it recomputes the trending scores, and waits for its first flush.
async fn rescore(app: TestApp) -> TestApp {
    let app = app.restart().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app
}

/// A public, ready, published video; `extra` holds more input fields. Returns `(global id, uuid)`.
async fn video(
    app: &TestApp,
    token: &str,
    channel: &str,
    title: &str,
    extra: Value,
) -> (String, String) {
    // A new video is unpublished until its editor publishes it (here: a minute ago).
    let mut extra = extra;
    if extra.get("publishAt").is_none() {
        extra["publishAt"] = json!((Utc::now() - TimeDelta::minutes(1)).to_rfc3339());
    }
    let created = app.create_video(token, channel, title, extra).await;
    let id = created["id"].as_str().unwrap().to_owned();
    app.set_media_status(&id, "READY").await;
    (id, created["uuid"].as_str().unwrap().to_owned())
}

/// An RFC 3339 time `days` ago.
fn days_ago(days: i64) -> String {
    (Utc::now() - TimeDelta::days(days)).to_rfc3339()
}

/// Sets a row of `video_daily_views` and the video's all-time count straight in the database
/// (standing in for days of view beacons), as the catalogue's ordering tests do.
async fn seed_views(app: &TestApp, video: &str, day: NaiveDate, views: i64) {
    let (_, id) = projector_api::graphql::relay::decode(video).unwrap();
    let db = app.db().await;
    let backend = db.get_database_backend();
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("video_daily_views"))
        .columns([
            Alias::new("video_id"),
            Alias::new("day"),
            Alias::new("views"),
        ])
        .values([id.into(), day.into(), views.into()])
        .unwrap();
    db.execute(backend.build(&insert)).await.unwrap();
    let mut update = Query::update();
    update
        .table(Alias::new("videos"))
        .value(
            Alias::new("view_count"),
            Expr::col(Alias::new("view_count")).add(views),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id));
    db.execute(backend.build(&update)).await.unwrap();
    db.close().await.ok();
}

/// A view of `video` (global ID) from the address `from`, as a player reports it.
async fn beacon(app: &TestApp, video: &str, from: &str) {
    let res = app
        .client
        .post(app.url(&format!("/views/{video}")))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        reqwest::StatusCode::NO_CONTENT,
        "beacon for {video}"
    );
}

/// Creates a tag or a category (`parent`: inside it); returns its global ID.
async fn taxonomy(
    app: &TestApp,
    token: &str,
    kind: &str,
    name: &str,
    parent: Option<&str>,
) -> String {
    let (mutation, field, mut input) = match kind {
        "tag" => (
            "createTag(input: $i) { tag { id } }",
            "createTag",
            json!({ "name": name }),
        ),
        _ => (
            "createCategory(input: $i) { category { id } }",
            "createCategory",
            json!({ "name": name }),
        ),
    };
    if let Some(parent) = parent {
        input["parentId"] = json!(parent);
    }
    let input_type = if kind == "tag" {
        "CreateTagInput"
    } else {
        "CreateCategoryInput"
    };
    let data = app
        .graphql_ok(
            Some(token),
            &format!("mutation($i: {input_type}!) {{ {mutation} }}"),
            json!({ "i": input }),
        )
        .await;
    let key = if kind == "tag" { "tag" } else { "category" };
    data[field][key]["id"].as_str().unwrap().to_owned()
}

/// Creates a podcast in `channel`; returns its slug.
async fn podcast(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($c: ID!, $t: String!) { createPodcast(input: { channelId: $c, title: $t, author: \"Ann Author\", ownerName: \"Ann\", ownerEmail: \"ann@example.com\", language: \"fr\" }) { podcast { slug } } }",
            json!({ "c": channel, "t": title }),
        )
        .await;
    data["createPodcast"]["podcast"]["slug"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The card titles of the grid `#{id}` once it holds `n` cards (what it holds after the wait
/// otherwise).
async fn grid_titles(browser: &Browser, id: &str, n: usize) -> Vec<String> {
    wait_for_js(
        browser,
        &format!("document.querySelectorAll('#{id} .video-card').length === {n}"),
    )
    .await;
    texts(browser, &format!("#{id} .card-title")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_category_trending_and_popular_pages_list_their_videos_in_their_own_orders() {
    assert_app_is_built();
    let app = spawn().await;
    let token = app.admin_token().await;
    let ch = app.create_channel(&token, "Wildlife").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tag = taxonomy(&app, &token, "tag", "Migration", None).await;
    let nature = taxonomy(&app, &token, "category", "Nature", None).await;
    taxonomy(&app, &token, "category", "Birds", Some(&nature)).await;
    // Newest first: Alpha, Bravo, Charlie, Delta (by publish time, not creation order).
    let (charlie, _) = video(
        &app,
        &token,
        &ch,
        "Charlie",
        json!({ "publishAt": days_ago(3), "tagIds": [tag], "categoryId": nature }),
    )
    .await;
    let (alpha, _) = video(
        &app,
        &token,
        &ch,
        "Alpha",
        json!({ "publishAt": days_ago(1), "tagIds": [tag], "categoryId": nature }),
    )
    .await;
    let (delta, _) = video(
        &app,
        &token,
        &ch,
        "Delta",
        json!({ "publishAt": days_ago(4) }),
    )
    .await;
    let (bravo, _) = video(
        &app,
        &token,
        &ch,
        "Bravo",
        json!({ "publishAt": days_ago(2), "tagIds": [tag] }),
    )
    .await;
    let _ = delta;
    let today = Utc::now().date_naive();
    // Trending (half-life two days): Bravo 30, Alpha 40 / 2 = 20, Charlie 100 / 2^5 ≈ 3.
    // Most viewed: Charlie 100, Alpha 40, Bravo 30.
    seed_views(&app, &charlie, today - TimeDelta::days(10), 100).await;
    seed_views(&app, &alpha, today - TimeDelta::days(2), 40).await;
    seed_views(&app, &bravo, today, 30).await;
    let app = rescore(app).await;

    let browser = Browser::start().await;
    open(&browser, &app, "/tags/migration").await;
    let tag_newest = grid_titles(&browser, "listing", 3).await;
    let tag_name = super::text_of_element(&browser, "topic-name").await;
    browser
        .client
        .find(Locator::Id("sort"))
        .await
        .unwrap()
        .select_by_value("trending")
        .await
        .unwrap();
    wait_for_js(&browser, "location.search === '?sort=trending'").await;
    wait_for_js(
        &browser,
        "document.querySelector('#listing .card-title').textContent === 'Bravo'",
    )
    .await;
    let tag_trending = texts(&browser, "#listing .card-title").await;
    let tag_url = browser.client.current_url().await.unwrap();

    open(&browser, &app, "/categories/nature").await;
    let category = grid_titles(&browser, "listing", 2).await;
    wait_for_js(
        &browser,
        "document.querySelectorAll('#subcategories a').length",
    )
    .await;
    let subcategories = hrefs(&browser, "#subcategories a").await;
    let category_page = body_text(&browser).await;

    open(&browser, &app, "/trending").await;
    let trending = grid_titles(&browser, "listing", 4).await;
    let trending_page = body_text(&browser).await;
    open(&browser, &app, "/popular").await;
    let popular = grid_titles(&browser, "listing", 4).await;
    let popular_page = body_text(&browser).await;
    // The home page links to both.
    open(&browser, &app, "/").await;
    wait_for_js(&browser, "document.getElementById('link-popular')").await;
    let home_links = hrefs(&browser, ".discover-nav a").await;
    open(&browser, &app, "/tags/no-such-tag").await;
    let missing = wait_for_js(
        &browser,
        "document.querySelector('#not-found h2').textContent",
    )
    .await;
    browser.close().await;

    assert_eq!(tag_name.as_deref(), Some("Migration"));
    assert_eq!(
        tag_newest,
        ["Alpha", "Bravo", "Charlie"],
        "the tag's videos, newest first"
    );
    assert_eq!(
        tag_trending,
        ["Bravo", "Alpha", "Charlie"],
        "sorted by trending"
    );
    assert_eq!(tag_url.query(), Some("sort=trending"));
    assert_eq!(category, ["Alpha", "Charlie"], "{category_page}");
    assert_eq!(subcategories, ["/categories/birds"], "{category_page}");
    assert_eq!(
        trending,
        ["Bravo", "Alpha", "Charlie", "Delta"],
        "{trending_page}"
    );
    assert_eq!(
        popular,
        ["Charlie", "Alpha", "Bravo", "Delta"],
        "{popular_page}"
    );
    assert!(
        popular_page.contains("100 views"),
        "cards show views: {popular_page}"
    );
    assert_eq!(home_links, ["/trending", "/popular"]);
    assert_eq!(missing, Some(json!("This tag was not found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_tabs_show_its_playlists_podcasts_and_about_and_the_tab_is_in_the_address() {
    assert_app_is_built();
    let app = spawn().await;
    let token = app.admin_token().await;
    let created = app.create_channel(&token, "Harbour Films").await;
    let ch = created["id"].as_str().unwrap().to_owned();
    let slug = created["slug"].as_str().unwrap().to_owned();
    app.graphql_ok(
        Some(&token),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": ch, "description": "Films about **boats**." } }),
    )
    .await;
    let (first, _) = video(&app, &token, &ch, "Tugboats at dawn", json!({})).await;
    video(&app, &token, &ch, "Sails", json!({})).await;
    let data = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createPlaylist(input: { channelId: $c, title: \"Best of the harbour\", description: \"Our favourites.\" }) { playlist { id } } }",
            json!({ "c": ch }),
        )
        .await;
    let playlist = data["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_ok(
        Some(&token),
        "mutation($p: ID!, $v: ID!) { addPlaylistItem(input: { playlistId: $p, videoId: $v }) { item { id } } }",
        json!({ "p": playlist, "v": first }),
    )
    .await;
    let show = podcast(&app, &token, &ch, "Harbour Talk").await;
    // Three viewers: the channel's count comes from the views its videos get.
    for n in 0..3 {
        beacon(&app, &first, &format!("198.51.100.{n}")).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/channels/{slug}")).await;
    let videos = grid_titles(&browser, "videos", 2).await;
    let videos_page = body_text(&browser).await;
    // Tabs are links: following one puts it in the address without reloading the channel.
    browser
        .client
        .find(Locator::Id("tab-playlists"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_js(&browser, "document.querySelectorAll('#playlists a').length").await;
    let playlist_links = hrefs(&browser, "#playlists a").await;
    let playlists_url = browser.client.current_url().await.unwrap();
    let playlists_page = body_text(&browser).await;
    browser
        .client
        .find(Locator::Id("tab-podcasts"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_js(
        &browser,
        "document.querySelectorAll('#channel-podcasts .podcast-card').length",
    )
    .await;
    let podcast_links = hrefs(&browser, "#channel-podcasts a.card-link").await;
    let podcasts_page = body_text(&browser).await;
    // A shared link opens the tab it names.
    open(&browser, &app, &format!("/channels/{slug}?tab=about")).await;
    wait_for_js(&browser, "document.getElementById('about-views')").await;
    let about_page = body_text(&browser).await;
    let stats = texts(&browser, "#about-stats dd").await;
    let current = texts(&browser, ".tabs a[aria-current=page]").await;
    browser.screenshots("channel-en").await;
    browser.close().await;

    assert_eq!(videos, ["Sails", "Tugboats at dawn"], "{videos_page}");
    assert!(
        !videos_page.contains("Best of the harbour"),
        "playlists are on their own tab: {videos_page}"
    );
    assert_eq!(
        playlist_links,
        [format!("/playlists/{playlist}")],
        "{playlists_page}"
    );
    assert!(
        playlists_page.contains("Our favourites.") && playlists_page.contains("1 video"),
        "{playlists_page}"
    );
    assert!(
        !playlists_page.contains("Tugboats at dawn"),
        "{playlists_page}"
    );
    assert_eq!(playlists_url.query(), Some("tab=playlists"));
    assert_eq!(
        podcast_links,
        [format!("/podcasts/{slug}/{show}")],
        "{podcasts_page}"
    );
    assert!(about_page.contains("Films about boats."), "{about_page}");
    // Videos, playlists, podcasts, total views, created.
    assert_eq!(stats[..4], ["2", "1", "1", "3"], "{about_page}");
    assert!(
        stats[4].ends_with(&Utc::now().format("%Y").to_string()),
        "{stats:?}"
    );
    assert_eq!(current, ["About"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_narrows_by_type_and_date_follows_typing_and_keeps_the_query_in_the_address() {
    assert_app_is_built();
    let app = spawn().await;
    let token = app.admin_token().await;
    let ch = app.create_channel(&token, "Volcano TV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    video(&app, &token, &ch, "Volcano erupting", json!({})).await;
    video(
        &app,
        &token,
        &ch,
        "Volcano sleeping",
        json!({ "publishAt": days_ago(60) }),
    )
    .await;
    video(&app, &token, &ch, "Glacier calving", json!({})).await;

    let browser = Browser::start().await;
    open(&browser, &app, "/search").await;
    let input = browser
        .client
        .wait()
        .at_most(super::PATIENCE)
        .for_element(Locator::Id("search-input"))
        .await
        .unwrap();
    // No Enter: the results follow the typing.
    input.send_keys("volcano").await.unwrap();
    let typed = wait_for_js(
        &browser,
        "document.querySelectorAll('#search-videos .video-card').length === 2",
    )
    .await;
    let url = browser.client.current_url().await.unwrap();
    let everything = body_text(&browser).await;
    let others = texts(&browser, "#search-others a").await;
    browser.screenshots("search-en").await;

    browser
        .client
        .find(Locator::Id("search-type"))
        .await
        .unwrap()
        .select_by_value("video")
        .await
        .unwrap();
    wait_for_js(
        &browser,
        "location.search.includes('type=video') && !document.getElementById('search-others')",
    )
    .await;
    let videos_only = body_text(&browser).await;
    let others_left = texts(&browser, "#search-others a").await;
    let videos_only_titles = texts(&browser, "#search-videos .card-title").await;

    browser
        .client
        .find(Locator::Id("search-date"))
        .await
        .unwrap()
        .select_by_value("month")
        .await
        .unwrap();
    wait_for_js(&browser, "location.search.includes('date=month') && document.querySelectorAll('#search-videos .video-card').length === 1").await;
    let this_month = texts(&browser, "#search-videos .card-title").await;
    let filtered_url = browser.client.current_url().await.unwrap();

    // A shared link shows the same results, filters included.
    open(
        &browser,
        &app,
        &format!("/search?{}", filtered_url.query().unwrap()),
    )
    .await;
    wait_for_js(
        &browser,
        "document.querySelectorAll('#search-videos .video-card').length === 1",
    )
    .await;
    let reloaded = texts(&browser, "#search-videos .card-title").await;
    let reloaded_input =
        wait_for_js(&browser, "document.getElementById('search-input').value").await;
    let reloaded_type = wait_for_js(&browser, "document.getElementById('search-type').value").await;
    // Filters that leave nothing say so.
    open(&browser, &app, "/search?q=glacier&type=channel").await;
    let none = super::text_of_element(&browser, "no-results").await;
    browser.close().await;

    assert!(typed.is_some(), "typing showed no results: {everything}");
    assert_eq!(url.path(), "/search");
    assert_eq!(url.query(), Some("q=volcano"));
    assert_eq!(
        others,
        ["Volcano TV"],
        "the unfiltered search finds the channel: {everything}"
    );
    assert!(everything.contains("Volcano sleeping"), "{everything}");
    assert!(
        others_left.is_empty(),
        "the type filter drops the channel: {others_left:?}\n{videos_only}"
    );
    assert_eq!(videos_only_titles.len(), 2, "{videos_only}");
    assert_eq!(
        this_month,
        ["Volcano erupting"],
        "the date filter drops the 60-day-old video"
    );
    assert_eq!(
        filtered_url.query(),
        Some("q=volcano&type=video&date=month")
    );
    assert_eq!(reloaded, ["Volcano erupting"]);
    assert_eq!(reloaded_input, Some(json!("volcano")));
    assert_eq!(reloaded_type, Some(json!("video")));
    assert_eq!(none.as_deref(), Some("Nothing matches."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_its_rows_and_more_videos_beyond_the_first_screen() {
    assert_app_is_built();
    let app = spawn().await;
    let token = app.admin_token().await;
    let ch = app.create_channel(&token, "Daily Clips").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tag = taxonomy(&app, &token, "tag", "Sunsets", None).await;
    taxonomy(&app, &token, "category", "Travel", None).await;
    let mut ids = Vec::new();
    // One more than a page (24), newest last.
    for n in 1..=25 {
        let extra = if n == 1 {
            json!({ "tagIds": [tag] })
        } else {
            json!({})
        };
        ids.push(
            video(&app, &token, &ch, &format!("Clip {n}"), extra)
                .await
                .0,
        );
    }
    podcast(&app, &token, &ch, "Morning Show").await;
    // The first clip is the only one watched lately: it leads the trending row.
    seed_views(&app, &ids[0], Utc::now().date_naive(), 5).await;
    let app = rescore(app).await;

    let browser = Browser::start().await;
    open(&browser, &app, "/").await;
    let first_screen = grid_titles(&browser, "videos", 24).await;
    let trending = texts(&browser, "#trending .card-title").await;
    let channels = texts(&browser, "#channels .channel-chip-name").await;
    let podcasts = texts(&browser, "#podcasts .card-title").await;
    let topics = hrefs(&browser, "#topics a").await;
    browser.screenshots("home-en").await;
    browser
        .client
        .find(Locator::Id("more-videos"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let all = grid_titles(&browser, "videos", 25).await;
    let more_gone = wait_for_js(&browser, "document.getElementById('more-videos') === null").await;
    let page = body_text(&browser).await;
    browser.close().await;

    let newest_first: Vec<String> = (1..=25).rev().map(|n| format!("Clip {n}")).collect();
    assert_eq!(first_screen, newest_first[..24], "{page}");
    assert_eq!(all, newest_first, "the second page is appended: {page}");
    assert!(more_gone.is_some(), "no more pages, no button");
    assert_eq!(
        trending.first().map(String::as_str),
        Some("Clip 1"),
        "{trending:?}"
    );
    assert_eq!(channels, ["Daily Clips"]);
    assert_eq!(podcasts, ["Morning Show"]);
    assert_eq!(topics, ["/categories/travel", "/tags/sunsets"]);
    assert!(page.contains("5 views"), "{page}");
}

/// The English texts of the discovery area's keys (those not marked the same in French), read
/// from the area's file, plus the English words of its texts with values.
fn english_texts() -> Vec<String> {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/src/i18n/discovery.rs");
    let source = std::fs::read_to_string(file).unwrap();
    let mut found: Vec<String> = source
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once(" => \"")?;
            if rest.trim_end().ends_with("(same);") {
                return None;
            }
            Some(rest.split_once('"')?.0.to_owned())
        })
        .collect();
    assert!(found.len() > 30, "the keys were not read: {found:?}");
    found.extend([" views", " ago", "Results for", " matches", " videos"].map(String::from));
    found
}

/// Every English text of `english` the page shows, in its text or its labels.
async fn english_left(browser: &Browser, english: &[String]) -> Vec<String> {
    let script = "return document.body.innerText + '\\n' + Array.from(document.querySelectorAll('[placeholder],[aria-label],[alt]')).map(e => [e.getAttribute('placeholder'), e.getAttribute('aria-label'), e.getAttribute('alt')].filter(Boolean).join('\\n')).join('\\n');";
    let shown = browser.client.execute(script, vec![]).await.unwrap();
    let shown = shown.as_str().unwrap_or_default().to_owned();
    english
        .iter()
        .filter(|e| shown.contains(e.as_str()))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_switch_to_french_the_discovery_pages_show_no_english_text() {
    assert_app_is_built();
    let app = spawn().await;
    let token = app.admin_token().await;
    let created = app.create_channel(&token, "Chaîne du port").await;
    let ch = created["id"].as_str().unwrap().to_owned();
    let slug = created["slug"].as_str().unwrap().to_owned();
    let tag = taxonomy(&app, &token, "tag", "Bateaux", None).await;
    taxonomy(&app, &token, "category", "Voyage", None).await;
    let (id, _) = video(
        &app,
        &token,
        &ch,
        "Remorqueurs à l’aube",
        json!({ "tagIds": [tag] }),
    )
    .await;
    video(
        &app,
        &token,
        &ch,
        "Voiliers au large",
        json!({ "publishAt": days_ago(3) }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($c: ID!) { createPlaylist(input: { channelId: $c, title: \"Le meilleur du port\" }) { playlist { id } } }",
        json!({ "c": ch }),
    )
    .await;
    podcast(&app, &token, &ch, "Radio du port").await;
    seed_views(&app, &id, Utc::now().date_naive(), 1500).await;
    let app = rescore(app).await;
    let english = english_texts();

    let browser = Browser::start().await;
    open(&browser, &app, "/").await;
    let switch = browser
        .client
        .wait()
        .at_most(super::PATIENCE)
        .for_element(Locator::Id("language-switch"))
        .await
        .unwrap();
    switch.select_by_value("fr").await.unwrap();
    wait_for_js(&browser, "document.documentElement.lang === 'fr'").await;
    let mut left = Vec::new();
    let pages = [
        (
            "/".to_owned(),
            "document.querySelectorAll('#videos .video-card').length === 2",
        ),
        (
            "/search?q=port".to_owned(),
            "document.getElementById('search-others')",
        ),
        (
            format!("/channels/{slug}"),
            "document.querySelectorAll('#videos .video-card').length === 2",
        ),
        (
            format!("/channels/{slug}?tab=playlists"),
            "document.querySelectorAll('#playlists a').length",
        ),
        (
            format!("/channels/{slug}?tab=podcasts"),
            "document.querySelectorAll('#channel-podcasts .podcast-card').length",
        ),
        (
            format!("/channels/{slug}?tab=about"),
            "document.getElementById('about-views')",
        ),
        (
            "/tags/bateaux".to_owned(),
            "document.querySelectorAll('#listing .video-card').length === 1",
        ),
        (
            "/categories/voyage".to_owned(),
            "document.getElementById('listing-heading')",
        ),
        (
            "/trending".to_owned(),
            "document.querySelectorAll('#listing .video-card').length === 2",
        ),
        (
            "/popular".to_owned(),
            "document.querySelectorAll('#listing .video-card').length === 2",
        ),
    ];
    let mut unloaded = Vec::new();
    for (path, ready) in pages {
        let path = path.as_str();
        open(&browser, &app, path).await;
        if wait_for_js(&browser, ready).await.is_none() {
            unloaded.push((path.to_owned(), body_text(&browser).await));
        }
        for text in english_left(&browser, &english).await {
            left.push(format!("{path}: {text:?}"));
        }
        match path {
            "/" => browser.screenshots("home-fr").await,
            p if p.starts_with("/search") => browser.screenshots("search-fr").await,
            p if p.ends_with("?tab=about") => browser.screenshots("channel-fr").await,
            _ => {}
        }
    }
    open(&browser, &app, "/popular").await;
    wait_for_js(
        &browser,
        "document.querySelectorAll('#listing .video-card').length === 2",
    )
    .await;
    // The page's own text (WebDriver's text turns no-break spaces into plain ones).
    let popular = browser
        .client
        .execute("return document.body.innerText;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    browser.close().await;

    assert!(unloaded.is_empty(), "pages that did not load: {unloaded:?}");
    assert!(left.is_empty(), "English texts left in French: {left:#?}");
    // Numbers, views and durations as French writes them.
    assert!(popular.contains("1\u{202f}500\u{a0}vues"), "{popular}");
    assert!(
        popular.contains("Tendances") || popular.contains("Populaires"),
        "{popular}"
    );
}
