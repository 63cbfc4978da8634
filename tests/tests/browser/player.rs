//! The watch page's player in Chromium: quality and captions menus, storyboard previews over
//! the timeline, chapters, remembered volume and keyboard shortcuts, on videos transcoded by
//! the in-process worker from generated clips.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use projector_tests::page::click;
use projector_tests::{Backend, TestApp, browser::Browser, spawn_app_with};
use serde_json::{Value, json};

use super::{
    assert_app_is_built, body_text, open, strings, texts, upload, wait_for_data, wait_for_js,
};

/// A site with one worker whose ladder has two renditions, `240p` and `120p`.
async fn spawn_two_rung_site() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 1;
        c.transcode.ladder = vec![240, 120];
    })
    .await
}

/// A published video transcoded from an 8-second 320x240 clip, with three chapters (at 0, 3
/// and 6 s) and, when `captions` is given, an English caption file; returns `(id, uuid)` once
/// it is ready and its storyboard exists.
async fn ready_video(app: &TestApp, token: &str, captions: Option<&str>) -> (String, String) {
    let (ch, _) = super::channel(app, token, "Player Channel").await;
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($c: ID!) { createVideo(input: { channelId: $c, title: \"Test pattern\", chapters: [{ title: \"Opening\", startSecs: 0 }, { title: \"Middle\", startSecs: 3 }, { title: \"Ending\", startSecs: 6 }] }) { video { id uuid } } }",
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
    let file = app.dir.path().join("pattern.mp4");
    projector_tests::media::Clip::new(320, 240, 8.0).write(&file);
    upload(app, token, &file, &[("videoId", &id)]).await;
    let data = wait_for_data(
        app,
        token,
        "query($id: ID!) { video(id: $id) { status media { playable spriteUrl } } }",
        json!({ "id": id }),
        |d| d["video"]["status"] == "READY" || d["video"]["status"] == "FAILED",
    )
    .await;
    assert_eq!(data["video"]["status"], "READY", "{data}");
    if let Some(vtt) = captions {
        let (_, body) = app
            .graphql_multipart(
                token,
                "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language } }",
                json!({ "i": { "videoId": id, "language": "en" } }),
                "f",
                "en.vtt",
                vtt.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(body["data"]["uploadCaption"]["language"], "en", "{body}");
    }
    app.graphql_ok(
        Some(token),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;
    (id, uuid)
}

/// Runs `script` in the page and returns its value.
async fn js(browser: &Browser, script: &str) -> Value {
    browser
        .client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Starts playback, muted (so no autoplay rule can refuse it), and waits until it runs.
async fn play_muted(browser: &Browser) {
    js(
        browser,
        "const v = document.getElementById('player'); v.muted = true; v.play().catch(() => {});",
    )
    .await;
    assert!(
        wait_for_js(
            browser,
            "document.getElementById('player').currentTime > 0.2"
        )
        .await
        .is_some(),
        "the video never played; the page read:\n{}",
        body_text(browser).await
    );
}

/// Saves a screenshot of the page at `width`x`height` (set through DevTools, as a window
/// cannot be that narrow) as `docs/screenshots/{name}-{width}.png`, after `prepare` ran in the
/// page at that size; fails when the page scrolls sideways.
async fn screenshot(browser: &Browser, name: &str, width: u32, height: u32, prepare: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    browser.cdp(json!({
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": { "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }
        })).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    js(browser, prepare).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sizes = js(
        browser,
        "return [window.innerWidth, document.documentElement.scrollWidth];",
    )
    .await;
    assert_eq!(
        sizes[0],
        json!(width),
        "{name}: the page is not {width} px wide"
    );
    assert!(
        sizes[1].as_i64().unwrap() <= i64::from(width),
        "{name} scrolls sideways at {width} px: {sizes}"
    );
    let png = browser.client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
    browser
        .cdp(json!({ "cmd": "Emulation.clearDeviceMetricsOverride", "params": {} }))
        .await;
}

/// The index hls.js gives the rendition of `height` lines, once it has read the master.
async fn level_of(browser: &Browser, height: u32) -> i64 {
    let found = wait_for_js(
        browser,
        &format!(
            "(() => {{ const h = document.getElementById('player').__projectorHls; \
             const i = h.levels.findIndex(l => l.height === {height}); return i >= 0 ? String(i) : null; }})()"
        ),
    )
    .await
    .unwrap_or_else(|| panic!("hls.js never listed a {height}p rendition"));
    found.as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_a_rendition_in_the_quality_menu_makes_the_player_load_and_show_that_rendition() {
    assert_app_is_built();
    let app = spawn_two_rung_site().await;
    let token = app.admin_token().await;
    let (_, uuid) = ready_video(&app, &token, None).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    let button = wait_for_js(&browser, "document.querySelector('.vp-quality')").await;
    assert!(
        button.is_some(),
        "no quality button for a two-rendition stream; the page read:\n{}",
        body_text(&browser).await
    );
    // Looping, so that segments are still wanted however long the menus take.
    js(&browser, "document.getElementById('player').loop = true;").await;
    play_muted(&browser).await;
    let tall = level_of(&browser, 240).await;
    let short = level_of(&browser, 120).await;

    // The menu offers automatic plus each rendition, best first.
    click(&browser, ".vp-quality").await;
    let offered = texts(&browser, ".vp-menu-quality [role=menuitemradio]").await;
    assert_eq!(offered.len(), 3, "{offered:?}");
    assert!(offered[0].starts_with("Auto"), "{offered:?}");
    assert_eq!(&offered[1..], ["240p", "120p"], "{offered:?}");
    for (width, height) in [(1280, 800), (390, 844)] {
        screenshot(
            &browser,
            "player-quality-menu",
            width,
            height,
            "if (!document.querySelector('.vp-menu-quality')) document.querySelector('.vp-quality').click();",
        )
        .await;
    }

    // Pick 240p first, so what follows cannot pass on automatic choices alone.
    if js(
        &browser,
        "return !document.querySelector('.vp-menu-quality');",
    )
    .await
        == json!(true)
    {
        click(&browser, ".vp-quality").await;
    }
    click(&browser, &format!(".vp-menu-quality [data-value='{tall}']")).await;
    let on_tall = wait_for_js(
        &browser,
        &format!(
            "document.getElementById('player').__projectorHls.currentLevel === {tall} && document.getElementById('player').videoHeight === 240"
        ),
    )
    .await;
    js(&browser, "performance.clearResourceTimings();").await;
    click(&browser, ".vp-quality").await;
    click(
        &browser,
        &format!(".vp-menu-quality [data-value='{short}']"),
    )
    .await;
    let on_short = wait_for_js(
        &browser,
        &format!(
            "document.getElementById('player').__projectorHls.currentLevel === {short} && document.getElementById('player').videoHeight === 120"
        ),
    )
    .await;
    let segments = strings(
        &browser,
        "html",
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.ts')).join(' ')",
    )
    .await;
    let label = texts(&browser, ".vp-quality").await;
    browser.close().await;

    assert!(on_tall.is_some(), "choosing 240p did not play 240 lines");
    assert!(
        on_short.is_some(),
        "choosing 120p did not make hls.js play the 120p rendition"
    );
    let segments = segments.join(" ");
    assert!(
        segments.contains("/120p/"),
        "no 120p segment was fetched after choosing 120p: {segments}"
    );
    assert_eq!(label, ["120p"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_captions_menu_lists_the_video_s_track_and_choosing_it_shows_the_captions() {
    assert_app_is_built();
    let app = super::spawn_site(1).await;
    let token = app.admin_token().await;
    let (_, uuid) = ready_video(
        &app,
        &token,
        Some("WEBVTT\n\n00:00.000 --> 00:08.000\nHello from the captions\n"),
    )
    .await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    assert!(
        wait_for_js(&browser, "document.querySelector('.vp-captions')")
            .await
            .is_some(),
        "no captions button; the page read:\n{}",
        body_text(&browser).await
    );
    let before = js(
        &browser,
        "return Array.from(document.getElementById('player').textTracks).map(t => t.mode);",
    )
    .await;
    click(&browser, ".vp-captions").await;
    let offered = texts(&browser, ".vp-menu-captions [role=menuitemradio]").await;
    click(&browser, ".vp-menu-captions [data-value='en']").await;
    js(
        &browser,
        "document.getElementById('player').currentTime = 1;",
    )
    .await;
    let shown = wait_for_js(
        &browser,
        "(() => { const t = Array.from(document.getElementById('player').textTracks).find(t => t.mode === 'showing'); \
         return t && t.language === 'en' && t.activeCues && t.activeCues.length ? t.activeCues[0].text : null; })()",
    )
    .await;
    // `c` turns them off again, and back on.
    js(&browser, "document.querySelector('.vp').focus();").await;
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys("c")
        .await
        .unwrap();
    let off = wait_for_js(
        &browser,
        "Array.from(document.getElementById('player').textTracks).every(t => t.mode !== 'showing')",
    )
    .await;
    browser.close().await;

    assert_eq!(before, json!(["disabled"]), "captions start hidden");
    assert_eq!(offered, ["Off", "English"]);
    assert_eq!(
        shown,
        Some(json!("Hello from the captions")),
        "choosing English did not show its cue"
    );
    assert!(off.is_some(), "the c key did not hide the captions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hovering_the_timeline_previews_the_storyboard_and_a_chapter_click_seeks_to_it() {
    assert_app_is_built();
    let app = super::spawn_site(1).await;
    let token = app.admin_token().await;
    let (id, uuid) = ready_video(&app, &token, None).await;
    let media = app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { media { spriteUrl spriteVttUrl } } }",
            json!({ "id": id }),
        )
        .await;
    let sprite_url = media["video"]["media"]["spriteUrl"]
        .as_str()
        .expect("a storyboard sprite")
        .to_owned();

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    let marks = wait_for_js(
        &browser,
        "document.querySelectorAll('.vp-mark').length === 2 && Array.from(document.querySelectorAll('.vp-mark')).map(m => m.title).join(',')",
    )
    .await;
    // A chapter in the list below the player seeks (from a paused start at 0).
    js(
        &browser,
        "const v = document.getElementById('player'); v.muted = true; v.pause(); v.currentTime = 0;",
    )
    .await;
    browser
        .client
        .find(Locator::XPath(
            "//section[@class='chapters']//button[contains(., 'Ending')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let sought = wait_for_js(
        &browser,
        "document.getElementById('player').currentTime >= 6",
    )
    .await;
    let after = js(
        &browser,
        "const v = document.getElementById('player'); return [v.currentTime, v.readyState, v.paused, document.activeElement.outerHTML.slice(0, 120)];",
    )
    .await;
    js(
        &browser,
        "document.querySelector('.vp-timeline').scrollIntoView({ block: 'center' });",
    )
    .await;
    // Hover at 70 % of the timeline: 5.6 s, in the "Middle" chapter.
    let rect = js(
        &browser,
        "const r = document.querySelector('.vp-timeline').getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
    )
    .await;
    let (left, top, width, height) = (
        rect[0].as_f64().unwrap(),
        rect[1].as_f64().unwrap(),
        rect[2].as_f64().unwrap(),
        rect[3].as_f64().unwrap(),
    );
    let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
        duration: Some(Duration::from_millis(100)),
        x: (left + width * 0.7).round(),
        y: (top + height / 2.0).round(),
    });
    browser.client.perform_actions(hover).await.unwrap();
    let thumb = wait_for_js(
        &browser,
        "(() => { const t = document.querySelector('.vp-preview .vp-thumb'); if (!t) return null; \
         const s = getComputedStyle(t); return [s.backgroundImage, s.backgroundPosition, s.width + ' ' + s.height]; })()",
    )
    .await;
    let preview_text = texts(&browser, ".vp-preview").await;

    browser.close().await;

    assert_eq!(
        marks,
        Some(json!("Middle,Ending")),
        "chapter marks on the timeline"
    );
    let thumb = thumb.expect("no storyboard preview appeared over the timeline");
    let image = thumb[0].as_str().unwrap();
    assert_eq!(
        image,
        format!("url(\"{sprite_url}\")"),
        "the preview shows the storyboard sprite"
    );
    assert_ne!(
        thumb[1],
        json!("0px 0px"),
        "5.6 s is not the sprite's first tile"
    );
    assert_eq!(
        thumb[2],
        json!("160px 120px"),
        "the preview is one 160 px tile of a 4:3 video"
    );
    let preview_text = preview_text.join(" ");
    assert!(
        preview_text.contains("Middle") && preview_text.contains("0:06"),
        "the preview names the chapter and the time: {preview_text:?}"
    );
    let bytes = app
        .client
        .get(&sprite_url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG"),
        "the sprite is not a JPEG or PNG: {:?}",
        &bytes[..bytes.len().min(8)]
    );
    assert!(
        sought.is_some(),
        "the chapter did not seek to 6 s: [currentTime, readyState, paused, focus] = {after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_play_seek_and_mute_and_the_volume_is_remembered_after_a_reload() {
    assert_app_is_built();
    let app = super::spawn_site(1).await;
    let token = app.admin_token().await;
    let (_, uuid) = ready_video(&app, &token, None).await;

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/watch/{uuid}")).await;
    assert!(
        wait_for_js(
            &browser,
            "document.getElementById('player').readyState >= 1 && document.querySelector('.vp')"
        )
        .await
        .is_some(),
        "the player never loaded; the page read:\n{}",
        body_text(&browser).await
    );
    let fresh = js(
        &browser,
        "const v = document.getElementById('player'); return [v.volume, v.muted];",
    )
    .await;
    js(&browser, "document.querySelector('.vp').focus();").await;
    let press = |keys: &'static str| {
        let client = browser.client.clone();
        async move {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(keys)
                .await
                .unwrap();
        }
    };
    // Space plays.
    press(" ").await;
    let playing = wait_for_js(&browser, "!document.getElementById('player').paused").await;
    // Space again pauses; then the right arrow seeks 5 s on and the left one back.
    press(" ").await;
    let paused = wait_for_js(&browser, "document.getElementById('player').paused").await;
    let start = js(
        &browser,
        "return document.getElementById('player').currentTime;",
    )
    .await
    .as_f64()
    .unwrap();
    press("\u{E014}").await;
    let forward = wait_for_js(
        &browser,
        &format!(
            "Math.abs(document.getElementById('player').currentTime - {}) < 0.3",
            (start + 5.0).min(8.0)
        ),
    )
    .await;
    press("\u{E012}").await;
    let back = wait_for_js(
        &browser,
        &format!(
            "Math.abs(document.getElementById('player').currentTime - {}) < 0.3",
            start
        ),
    )
    .await;
    // Down three times: 70 %; m mutes.
    press("\u{E015}\u{E015}\u{E015}").await;
    press("m").await;
    let set = wait_for_js(
        &browser,
        "(() => { const v = document.getElementById('player'); return Math.abs(v.volume - 0.7) < 0.01 && v.muted; })()",
    )
    .await;
    // The player saves on `volumechange`, which the element fires after the key: reload only
    // once the save happened (a reload at once raced it and lost the mute).
    let saved = wait_for_js(
        &browser,
        "localStorage.getItem('projector.player.muted') === '1' && Math.abs(Number(localStorage.getItem('projector.player.volume')) - 0.7) < 0.01",
    )
    .await;

    browser.client.refresh().await.unwrap();
    let remembered = wait_for_js(
        &browser,
        "(() => { const v = document.getElementById('player'); return v && document.querySelector('.vp') && [v.volume, v.muted]; })()",
    )
    .await;
    let slider = strings(&browser, ".vp-volume", "a.value").await;
    let mute_label = strings(&browser, ".vp-mute", "a.getAttribute('aria-label')").await;
    browser.close().await;

    assert_eq!(
        (fresh[0].as_f64(), &fresh[1]),
        (Some(1.0), &json!(false)),
        "a first visit plays at full volume, not muted"
    );
    assert!(playing.is_some(), "space did not play");
    assert!(paused.is_some(), "space did not pause");
    assert!(forward.is_some(), "→ did not seek 5 s on from {start}");
    assert!(back.is_some(), "← did not seek back");
    assert!(
        set.is_some(),
        "↓ and m did not lower the volume to 70 % and mute"
    );
    assert!(saved.is_some(), "the volume and mute were not saved");
    let remembered = remembered.unwrap_or_default();
    assert!(
        remembered[0]
            .as_f64()
            .is_some_and(|v| (v - 0.7).abs() < 0.01)
            && remembered[1] == json!(true),
        "the volume and mute were not remembered: {remembered}"
    );
    assert_eq!(slider, ["0"], "the volume slider reads 0 while muted");
    assert_eq!(mute_label, ["Unmute (m)"]);
}
