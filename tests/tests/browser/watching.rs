//! The watching pages as a viewer uses them: the watch page's related videos, up next and
//! autoplay, its share box and embed code, `?t=`, playlists played in order, the episode page,
//! drafts seen by their editor only, and the French switch. Screenshots of the watch, playlist
//! and episode pages (1280x800 and 390x844, English and French) go to `docs/screenshots/`.

use std::time::{Duration, Instant};

use projector_tests::browser::Browser;
use projector_tests::page::click;
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use serde_json::{Value, json};

use super::{
    PATIENCE, assert_app_is_built, body_text, channel, hrefs, open, spawn_site, texts, upload,
    wait_for_data, wait_for_js,
};

/// Makes a video of `seconds` from a generated clip, waits for its transcode and (unless
/// `publish` is false) publishes it; returns `(global id, uuid)`.
pub(super) async fn clip_video(
    app: &TestApp,
    token: &str,
    channel: &str,
    title: &str,
    seconds: f64,
    extra: Value,
    publish: bool,
) -> (String, String) {
    let created = app.create_video(token, channel, title, extra).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let file = app.dir.path().join(format!("{uuid}.mp4"));
    projector_tests::media::Clip::new(320, 240, seconds).write(&file);
    upload(app, token, &file, &[("videoId", &id)]).await;
    let data = wait_for_data(
        app,
        token,
        "query($id: ID!) { video(id: $id) { status media { playable } } }",
        json!({ "id": id }),
        |d| d["video"]["status"] == "READY" || d["video"]["status"] == "FAILED",
    )
    .await;
    assert_eq!(data["video"]["status"], "READY", "{data}");
    if publish {
        app.graphql_ok(
            Some(token),
            "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
            json!({ "id": id }),
        )
        .await;
    }
    (id, uuid)
}

/// The page's path and query, e.g. `/watch/…?list=…`.
async fn location(browser: &Browser) -> String {
    let url = browser.client.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Waits until the page's path and query satisfy `done`; the last one seen otherwise.
async fn wait_for_location(
    browser: &Browser,
    done: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let deadline = Instant::now() + PATIENCE;
    let mut last = String::new();
    while Instant::now() < deadline {
        last = location(browser).await;
        if done(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last)
}

/// Plays the page's `#player` muted from just before its end.
async fn play_to_the_end(browser: &Browser) {
    // hls.js feeds the video through Media Source: the duration is known (finite) only once it
    // has read the playlist, which may come after the metadata. Checked and sought in one
    // script, again until it holds: right after the address changes to the next video, the
    // element may still be the previous (ended) player, replaced a moment later by one whose
    // duration is not known yet.
    let seek = "const v = document.getElementById('player'); \
        if (!(v && v.readyState >= 1 && !v.ended && Number.isFinite(v.duration) && v.duration > 0)) \
          { return false; } \
        v.muted = true; v.currentTime = Math.max(0, v.duration - 0.5); v.play().catch(() => {}); \
        return true;";
    let deadline = Instant::now() + PATIENCE;
    loop {
        let sought = browser.client.execute(seek, vec![]).await;
        if matches!(sought, Ok(Value::Bool(true))) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the player never loaded its metadata ({sought:?}): {}",
            body_text(browser).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn switch_language(browser: &Browser, tag: &str) {
    browser
        .client
        .execute(
            "const s = document.getElementById('language-switch'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(tag)],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_videos_and_up_next_appear_and_autoplay_moves_to_the_next_video_until_turned_off() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Sea Films").await;
    let tag = app
        .graphql_ok(
            Some(&token),
            "mutation { createTag(input: { name: \"Waves\" }) { tag { id slug } } }",
            json!({}),
        )
        .await;
    let tag_id = tag["createTag"]["tag"]["id"].as_str().unwrap().to_owned();
    let tag_slug = tag["createTag"]["tag"]["slug"].as_str().unwrap().to_owned();
    let category = app
        .graphql_ok(
            Some(&token),
            "mutation { createCategory(input: { name: \"Nature\" }) { category { id slug } } }",
            json!({}),
        )
        .await;
    let category_id = category["createCategory"]["category"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let category_slug = category["createCategory"]["category"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let extra = json!({ "tagIds": [tag_id], "categoryId": category_id });
    let (_, first) = clip_video(&app, &token, &ch, "Low tide", 2.0, extra.clone(), true).await;
    let (_, second) = clip_video(&app, &token, &ch, "High tide", 2.0, extra, true).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{first}")).await;
    let up_next = wait_for_js(
        &browser,
        "document.querySelector('#up-next .side-title').textContent",
    )
    .await;
    let up_next_href = hrefs(&browser, "#up-next a.side-link").await;
    let tag_links = hrefs(&browser, "#video-tags a").await;
    let category_links = hrefs(&browser, "#video-category").await;
    let autoplay_on = wait_for_js(&browser, "document.getElementById('autoplay').checked").await;
    play_to_the_end(&browser).await;
    let moved = wait_for_location(&browser, |l| l == format!("/watch/{second}")).await;
    // The next video plays by itself.
    let playing = wait_for_js(
        &browser,
        "document.getElementById('video-title').textContent === 'High tide' && document.getElementById('player').currentTime > 0.2",
    )
    .await;
    // Turned off, autoplay stays off after a reload, and the end of a video stays there.
    click(&browser, "#autoplay").await;
    browser.client.refresh().await.unwrap();
    let related_after_reload = wait_for_js(&browser, "document.querySelector('#up-next .side-title') && document.querySelector('#up-next .side-title').textContent").await;
    let autoplay_after_reload = browser
        .client
        .execute(
            "return document.getElementById('autoplay').checked;",
            vec![],
        )
        .await
        .unwrap();
    play_to_the_end(&browser).await;
    let ended = wait_for_js(&browser, "document.getElementById('player').ended").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stayed = location(&browser).await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(up_next, Some(json!("High tide")), "{page}");
    assert_eq!(up_next_href, vec![format!("/watch/{second}")]);
    assert_eq!(tag_links, vec![format!("/tags/{tag_slug}")]);
    assert_eq!(category_links, vec![format!("/categories/{category_slug}")]);
    assert_eq!(autoplay_on, Some(json!(true)), "autoplay is on by default");
    assert!(moved.is_ok(), "autoplay did not move on: {moved:?}");
    assert!(playing.is_some(), "the next video did not start playing");
    assert_eq!(related_after_reload, Some(json!("Low tide")), "{page}");
    assert_eq!(
        autoplay_after_reload,
        json!(false),
        "the choice is remembered"
    );
    assert!(ended.is_some(), "the video did not reach its end");
    assert_eq!(stayed, format!("/watch/{second}"), "autoplay off stays put");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_box_gives_an_embed_code_that_plays_and_a_link_at_the_current_time_that_starts_there()
 {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Clips").await;
    let (_, uuid) = clip_video(&app, &token, &ch, "Bars & \"tones\"", 5.0, json!({}), true).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    let code = wait_for_js(&browser, "document.getElementById('embed-code').value").await;
    browser
        .client
        .execute(
            "const s = document.getElementById('embed-size'); s.value = '2'; s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    let large = wait_for_js(&browser, "document.getElementById('embed-code').value.includes('width=\"1280\"') && document.getElementById('embed-code').value").await;
    // Play to about 3 s, pause, and take the link at the current time.
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
            "const v = document.getElementById('player'); v.muted = true; v.currentTime = 3.2; v.play().catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    wait_for_js(&browser, "document.getElementById('player').currentTime >= 3.3 && (document.getElementById('player').pause(), true)").await;
    click(&browser, "#share-at-time").await;
    let link = wait_for_js(&browser, "document.getElementById('share-link').value.includes('?t=') && document.getElementById('share-link').value").await;
    let link = link
        .and_then(|l| l.as_str().map(str::to_owned))
        .unwrap_or_default();
    // The link opens the page at that time.
    browser.client.goto(&link).await.unwrap();
    let started_at = wait_for_js(
        &browser,
        "document.getElementById('player').readyState >= 1 && document.getElementById('player').currentTime >= 3 && document.getElementById('player').currentTime",
    )
    .await;
    // The embed code's page plays.
    let code = code
        .and_then(|c| c.as_str().map(str::to_owned))
        .unwrap_or_default();
    let src = code
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let embed = reqwest::get(&src).await.unwrap();
    let embed_status = embed.status();
    let embed_html = embed.text().await.unwrap();
    browser.client.goto(&src).await.unwrap();
    browser
        .client
        .execute(
            "const v = document.querySelector('video'); v.muted = true; v.play().catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    let embed_played = wait_for_js(
        &browser,
        "document.querySelector('video').currentTime > 0.5",
    )
    .await;
    browser.close().await;

    assert!(
        code.starts_with("<iframe width=\"560\" height=\"315\" ")
            && code.contains("title=\"Bars &amp; &quot;tones&quot;\""),
        "{code}"
    );
    assert_eq!(src, app.url(&format!("/embed/{uuid}")), "{code}");
    assert!(
        large.is_some_and(|l| l.as_str().unwrap().contains("height=\"720\"")),
        "the size option changes the code"
    );
    assert!(
        link.ends_with(&format!("/watch/{uuid}?t=3")),
        "link at the current time: {link:?}"
    );
    assert!(started_at.is_some(), "?t=3 did not start at 3 s");
    assert_eq!(embed_status, 200);
    assert!(embed_html.contains("<video"), "{embed_html}");
    assert!(embed_played.is_some(), "the embedded player did not play");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playlist_page_plays_all_its_videos_in_order() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Series").await;
    let mut videos = Vec::new();
    for title in ["Part one", "Part two", "Part three"] {
        videos.push(clip_video(&app, &token, &ch, title, 1.5, json!({}), true).await);
    }
    let data = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createPlaylist(input: { channelId: $c, title: \"The series\" }) { playlist { id } } }",
            json!({ "c": ch }),
        )
        .await;
    let playlist = data["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not in the order they were made: the list's order is the one played.
    let order = [2, 0, 1];
    for i in order {
        app.graphql_ok(
            Some(&token),
            "mutation($p: ID!, $v: ID!) { addPlaylistItem(input: { playlistId: $p, videoId: $v }) { playlist { id } } }",
            json!({ "p": playlist, "v": videos[i].0 }),
        )
        .await;
    }
    let list_uuid = projector_api::graphql::relay::decode(&playlist)
        .unwrap()
        .1
        .to_string();

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/playlists/{list_uuid}")).await;
    wait_for_js(
        &browser,
        "document.querySelectorAll('#playlist-videos li').length === 3",
    )
    .await;
    let listed = texts(&browser, "#playlist-videos .side-title").await;
    browser.screenshots("playlist").await;
    switch_language(&browser, "fr").await;
    let play_all_fr = wait_for_js(&browser, "document.getElementById('play-all').textContent.includes('Tout lire') && document.getElementById('play-all').textContent").await;
    browser.screenshots("playlist-fr").await;
    switch_language(&browser, "en").await;
    click(&browser, "#play-all").await;
    let mut visited = Vec::new();
    for &i in &order {
        let want = format!("/watch/{}?list={list_uuid}", videos[i].1);
        match wait_for_location(&browser, |l| l == want).await {
            Ok(l) => visited.push(l),
            Err(last) => panic!("expected {want} after {visited:?}, stayed at {last}"),
        }
        if visited.len() == 1 {
            wait_for_js(
                &browser,
                "document.querySelector('#playlist-panel .current')",
            )
            .await;
        }
        play_to_the_end(&browser).await;
    }
    let panel = texts(&browser, "#playlist-panel .playlist-entry .side-title").await;
    let position = texts(&browser, ".playlist-position").await;
    // After the last video the page stays on it.
    wait_for_js(&browser, "document.getElementById('player').ended").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let at_end = location(&browser).await;
    browser.close().await;

    assert_eq!(listed, vec!["Part three", "Part one", "Part two"]);
    assert!(play_all_fr.is_some(), "Play all in French");
    assert_eq!(panel, vec!["Part three", "Part one", "Part two"]);
    assert_eq!(position, vec!["3 of 3"]);
    assert_eq!(at_end, format!("/watch/{}?list={list_uuid}", videos[1].1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_episode_page_shows_its_audio_and_chapters_and_a_chapter_click_seeks() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch_slug, slug, episode) =
        super::podcast_with_an_episode(&app, &token, "Talk Radio", "pilot.wav", 5).await;
    let episode = episode["id"].as_str().unwrap().to_owned();
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { updateEpisode(input: { id: $id, title: \"Pilot\", chapters: [{ title: \"Welcome\", startSecs: 0 }, { title: \"The guest\", startSecs: 3 }] }) { episode { id } } }",
        json!({ "id": episode }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishEpisode(input: { id: $id }) { episode { id } } }",
        json!({ "id": episode }),
    )
    .await;
    let uuid = projector_api::graphql::relay::decode(&episode)
        .unwrap()
        .1
        .to_string();

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/podcasts/{ch_slug}/{slug}")).await;
    wait_for_js(&browser, "document.querySelector('a.episode-link')").await;
    let episode_links = hrefs(&browser, "a.episode-link").await;
    click(&browser, "a.episode-link").await;
    let title = wait_for_js(&browser, "document.getElementById('episode-title') && document.getElementById('episode-title').textContent").await;
    let sources = super::strings(&browser, "#episode-audio source", "a.getAttribute('src')").await;
    let chapters = texts(&browser, ".chapters button").await;
    let podcast_link = hrefs(&browser, "#episode-podcast").await;
    let share = wait_for_js(&browser, "document.getElementById('share-link').value").await;
    assert!(
        wait_for_js(
            &browser,
            "document.getElementById('episode-audio').readyState >= 1"
        )
        .await
        .is_some(),
        "the audio never loaded"
    );
    browser.screenshots("episode").await;
    switch_language(&browser, "fr").await;
    let french = wait_for_js(&browser, "document.getElementById('chapters-heading').textContent === 'Chapitres' && document.getElementById('share-heading').textContent").await;
    browser.screenshots("episode-fr").await;
    switch_language(&browser, "en").await;
    click(&browser, ".chapters li:nth-child(2) button").await;
    let sought = wait_for_js(
        &browser,
        "document.getElementById('episode-audio').currentTime >= 3",
    )
    .await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(episode_links, vec![format!("/episodes/{uuid}")]);
    assert_eq!(title, Some(json!("Pilot")), "{page}");
    assert_eq!(sources.len(), 2, "MP3 and M4A: {sources:?}");
    assert_eq!(chapters, vec!["0:00 Welcome", "0:03 The guest"]);
    assert_eq!(podcast_link, vec![format!("/podcasts/{ch_slug}/{slug}")]);
    assert_eq!(share, Some(json!(app.url(&format!("/episodes/{uuid}")))));
    assert_eq!(french, Some(json!("Partager")));
    assert!(sought.is_some(), "the chapter click did not seek the audio");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_editor_sees_and_plays_their_draft_while_an_anonymous_visitor_gets_not_found() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Drafts").await;
    let (_, uuid) = clip_video(&app, &token, &ch, "Work in progress", 2.0, json!({}), false).await;
    let path = format!("/watch/{uuid}");

    let browser = Browser::start().await;
    open(&browser, &app, &path).await;
    let anonymous = wait_for_js(
        &browser,
        "document.getElementById('not-found') && document.getElementById('not-found').textContent",
    )
    .await;
    let anonymous_title = browser
        .client
        .execute("return !!document.getElementById('video-title');", vec![])
        .await
        .unwrap();
    // Signed in (the admin app keeps the refresh token), the same address shows the draft.
    let (_, refresh) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser
        .client
        .execute(
            "localStorage.setItem('projector.refreshToken', arguments[0]);",
            vec![json!(refresh)],
        )
        .await
        .unwrap();
    open(&browser, &app, &path).await;
    let title = wait_for_js(&browser, "document.getElementById('video-title') && document.getElementById('video-title').textContent").await;
    let source = wait_for_js(&browser, "document.getElementById('player').readyState >= 1 && document.getElementById('player').currentSrc").await;
    browser
        .client
        .execute(
            "const v = document.getElementById('player'); v.muted = true; v.play().catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    let played = wait_for_js(
        &browser,
        "document.getElementById('player').currentTime > 0.3",
    )
    .await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert!(
        anonymous.is_some(),
        "anonymous visitors get the not-found view"
    );
    assert_eq!(anonymous_title, json!(false));
    assert_eq!(title, Some(json!("Work in progress")), "{page}");
    assert!(source.is_some(), "the draft's stream loaded");
    assert!(played.is_some(), "the draft played for its editor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_to_french_turns_the_watch_page_strings_french() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, _) = channel(&app, &token, "Ateliers").await;
    let (_, uuid) = clip_video(
        &app,
        &token,
        &ch,
        "Colour bars",
        2.0,
        json!({ "chapters": [{ "title": "Opening", "startSecs": 0 }] }),
        true,
    )
    .await;
    clip_video(&app, &token, &ch, "Second reel", 1.0, json!({}), true).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    wait_for_js(&browser, "document.getElementById('up-next')").await;
    let english = [
        texts(&browser, "#share-heading").await,
        texts(&browser, "#up-next-heading").await,
        texts(&browser, "#related-heading").await,
        texts(&browser, "#chapters-heading").await,
        texts(&browser, "#video-views").await,
    ];
    browser.screenshots("watch").await;
    switch_language(&browser, "fr").await;
    wait_for_js(
        &browser,
        "document.getElementById('share-heading').textContent === 'Partager'",
    )
    .await;
    let french = [
        texts(&browser, "#share-heading").await,
        texts(&browser, "#up-next-heading").await,
        texts(&browser, "#related-heading").await,
        texts(&browser, "#chapters-heading").await,
        texts(&browser, "#video-views").await,
    ];
    let autoplay = texts(&browser, "label.autoplay").await;
    let date = texts(&browser, "#video-date").await;
    browser.screenshots("watch-fr").await;
    let page = body_text(&browser).await;
    browser.close().await;

    assert_eq!(
        english.iter().map(|t| t.join("")).collect::<Vec<_>>(),
        ["Share", "Up next", "Related videos", "Chapters", "0 views"],
        "{page}"
    );
    assert_eq!(
        french.iter().map(|t| t.join("")).collect::<Vec<_>>(),
        [
            "Partager",
            "À suivre",
            "Vidéos similaires",
            "Chapitres",
            "0 vue"
        ],
        "{page}"
    );
    assert_eq!(autoplay, vec!["Lecture automatique"]);
    let months = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    assert!(
        date.first()
            .is_some_and(|d| months.iter().any(|m| d.contains(m))),
        "the date reads French: {date:?}"
    );
}
