//! The French switch on every viewer page: after it, no page shows an English text of any area
//! of the viewer app (header and footer, discovery, watching, player), nor the English words
//! of its counted texts and dates, in its text or in its labels.

use fantoccini::Locator;
use projector_tests::browser::Browser;
use serde_json::json;

use super::{
    PATIENCE, assert_app_is_built, body_text, channel, open, spawn_site, wait_for_js,
    watching::clip_video,
};

/// The English texts of the `messages!` keys of the viewer areas (those not marked the same in
/// French), read from their files.
fn english_keys() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/src/i18n");
    let mut found = Vec::new();
    for area in ["site", "discovery", "watch", "player", "community"] {
        let source = std::fs::read_to_string(dir.join(format!("{area}.rs"))).unwrap();
        let mut inside = false;
        let before = found.len();
        for line in source.lines() {
            if line.starts_with("crate::messages!") {
                inside = true;
            } else if inside && line == "}" {
                break;
            } else if inside
                && let Some((_, rest)) = line.split_once(" => \"")
                && !rest.trim_end().ends_with("(same);")
                && let Some((english, _)) = rest.split_once('"')
            {
                found.push(english.to_owned());
            }
        }
        assert!(found.len() > before + 5, "the keys of {area} were not read");
    }
    found
}

/// The English words of the texts written with values (counts, ages, dates, positions).
const ENGLISH_WORDS: [&str; 37] = [
    "view",
    "views",
    "video",
    "videos",
    "match",
    "matches",
    "Results for",
    "avatar",
    "Cover art of",
    "of",
    "ago",
    "just now",
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "Jan",
    "Feb",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "like",
    "likes",
    "subscriber",
    "subscribers",
    "Stopped at",
];

/// Whether `text` holds `word` as a whole (no letter or digit on either side): `Normal` is
/// not found in `Normale`, nor `Admin` in `Administration`.
fn holds(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Every text of `english` the page shows, in its text or its labels and titles.
async fn english_left(browser: &Browser, english: &[String]) -> Vec<String> {
    let script = "return document.body.innerText + '\\n' + \
        Array.from(document.querySelectorAll('[placeholder],[aria-label],[alt],[title]'))\
        .map(e => ['placeholder', 'aria-label', 'alt', 'title'].map(a => e.getAttribute(a))\
        .filter(Boolean).join('\\n')).join('\\n');";
    let shown = browser.client.execute(script, vec![]).await.unwrap();
    let shown = shown.as_str().unwrap_or_default();
    english
        .iter()
        .filter(|e| holds(shown, e))
        .cloned()
        .collect()
}

#[test]
fn whole_words_are_found_and_parts_of_words_are_not() {
    assert!(holds("Vidéos · Normal", "Normal"));
    assert!(!holds("Vitesse Normale", "Normal"));
    assert!(!holds("Administration", "Admin"));
    assert!(holds("Play (k)", "Play (k)"));
    assert!(holds("2 of 3", "of"));
    assert!(!holds("offre", "of"));
}

/// A viewer who follows `channel` and watched `video` a little; returns their refresh token.
async fn signed_in_viewer(app: &projector_tests::TestApp, channel: &str, video: &str) -> String {
    let open = "mutation { signUp(input: { email: \"lea@example.com\", password: \"une rivière calme 42\", displayName: \"Léa\" }) { ok } }";
    let body = app.graphql(None, open, json!({})).await;
    let (token, refresh) = if body["data"]["signUp"]["ok"] == true {
        app.login("lea@example.com", "une rivière calme 42").await
    } else {
        // Registration is closed on this server: the admin makes the viewer.
        let admin = app.admin_token().await;
        app.graphql_ok(
            Some(&admin),
            "mutation { createUser(input: { email: \"lea@example.com\", password: \"une rivière calme 42\", displayName: \"Léa\", role: VIEWER }) { user { id } } }",
            json!({}),
        )
        .await;
        app.login("lea@example.com", "une rivière calme 42").await
    };
    app.graphql_ok(
        Some(&token),
        "mutation($c: ID!) { subscribe(input: { channelId: $c }) { channel { id } } }",
        json!({ "c": channel }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($v: ID!) { saveWatchPosition(input: { itemId: $v, seconds: 1 }) { seconds } }",
        json!({ "v": video }),
    )
    .await;
    refresh
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_switch_to_french_no_viewer_page_shows_an_english_text() {
    assert_app_is_built();
    let app = spawn_site(1).await;
    let token = app.admin_token().await;
    let (ch, ch_slug) = channel(&app, &token, "Chaîne des quais").await;
    let tag = app
        .graphql_ok(
            Some(&token),
            "mutation { createTag(input: { name: \"Bateaux\" }) { tag { id } } }",
            json!({}),
        )
        .await["createTag"]["tag"]["id"]
        .clone();
    let category = app
        .graphql_ok(
            Some(&token),
            "mutation { createCategory(input: { name: \"Voyage\" }) { category { id } } }",
            json!({}),
        )
        .await["createCategory"]["category"]["id"]
        .clone();
    let (first, first_uuid) = clip_video(
        &app,
        &token,
        &ch,
        "Remorqueurs à l’aube",
        2.0,
        json!({
            "description": "Le port se réveille.",
            "tagIds": [tag],
            "categoryId": category,
            "chapters": [{ "title": "Ouverture", "startSecs": 0 }, { "title": "Sortie", "startSecs": 1 }],
        }),
        true,
    )
    .await;
    let (second, _) = clip_video(
        &app,
        &token,
        &ch,
        "Voiliers au large",
        1.0,
        json!({ "tagIds": [tag] }),
        true,
    )
    .await;
    let playlist = app
        .graphql_ok(
            Some(&token),
            "mutation($c: ID!) { createPlaylist(input: { channelId: $c, title: \"Le meilleur du port\" }) { playlist { id } } }",
            json!({ "c": ch }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for video in [&first, &second] {
        app.graphql_ok(
            Some(&token),
            "mutation($p: ID!, $v: ID!) { addPlaylistItem(input: { playlistId: $p, videoId: $v }) { playlist { id } } }",
            json!({ "p": playlist, "v": video }),
        )
        .await;
    }
    let list_uuid = projector_api::graphql::relay::decode(&playlist)
        .unwrap()
        .1
        .to_string();
    let (pod_channel, pod_slug, episode) =
        super::podcast_with_an_episode(&app, &token, "Radio des quais", "pilote.wav", 3).await;
    let episode = episode["id"].as_str().unwrap().to_owned();
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { updateEpisode(input: { id: $id, title: \"Épisode pilote\", chapters: [{ title: \"Accueil\", startSecs: 0 }] }) { episode { id } } }",
        json!({ "id": episode }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($id: ID!) { publishEpisode(input: { id: $id }) { episode { id } } }",
        json!({ "id": episode }),
    )
    .await;
    let episode_uuid = projector_api::graphql::relay::decode(&episode)
        .unwrap()
        .1
        .to_string();
    let mut english = english_keys();
    english.extend(ENGLISH_WORDS.map(String::from));

    let browser = Browser::start().await;
    open(&browser, &app, "/").await;
    browser
        .client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Id("language-switch"))
        .await
        .unwrap()
        .select_by_value("fr")
        .await
        .unwrap();
    wait_for_js(&browser, "document.documentElement.lang === 'fr'").await;
    let cards = "document.querySelectorAll('.video-card').length >= 2";
    let not_found = "document.querySelector('#not-found h2')";
    let pages = [
        ("/".to_owned(), cards),
        (
            "/search?q=port".to_owned(),
            "document.getElementById('search-others')",
        ),
        (format!("/channels/{ch_slug}"), cards),
        (
            format!("/channels/{ch_slug}?tab=playlists"),
            "document.querySelectorAll('#playlists a').length",
        ),
        (
            format!("/channels/{pod_channel}?tab=podcasts"),
            "document.querySelectorAll('#channel-podcasts .podcast-card').length",
        ),
        (
            format!("/channels/{ch_slug}?tab=about"),
            "document.getElementById('about-views')",
        ),
        ("/tags/bateaux".to_owned(), cards),
        (
            "/categories/voyage".to_owned(),
            "document.querySelectorAll('#listing .video-card').length",
        ),
        ("/trending".to_owned(), "document.getElementById('listing')"),
        ("/popular".to_owned(), cards),
        (
            format!("/watch/{first_uuid}"),
            "document.getElementById('up-next') && document.getElementById('related-heading') \
             && document.getElementById('player').readyState >= 1",
        ),
        (
            format!("/playlists/{list_uuid}"),
            "document.querySelectorAll('#playlist-videos li').length === 2",
        ),
        (
            format!("/watch/{first_uuid}?list={list_uuid}"),
            "document.querySelector('#playlist-panel .current')",
        ),
        (
            format!("/podcasts/{pod_channel}/{pod_slug}"),
            "document.querySelector('a.episode-link')",
        ),
        (
            format!("/episodes/{episode_uuid}"),
            "document.getElementById('episode-audio') && document.getElementById('share-heading')",
        ),
        (format!("/watch/{}", uuid::Uuid::now_v7()), not_found),
        ("/channels/personne".to_owned(), not_found),
        (format!("/playlists/{}", uuid::Uuid::now_v7()), not_found),
        (format!("/episodes/{}", uuid::Uuid::now_v7()), not_found),
        ("/tags/rien".to_owned(), not_found),
        ("/nulle/part".to_owned(), not_found),
        (
            "/signin".to_owned(),
            "document.getElementById('signin-form')",
        ),
        (
            "/signup?invitation=x".to_owned(),
            "document.getElementById('invited')",
        ),
        (
            "/subscriptions".to_owned(),
            "document.getElementById('must-sign-in')",
        ),
        (
            "/history".to_owned(),
            "document.getElementById('must-sign-in')",
        ),
    ];
    let (mut left, mut unloaded) = (Vec::new(), Vec::new());
    for (path, ready) in &pages {
        open(&browser, &app, path).await;
        if wait_for_js(&browser, ready).await.is_none() {
            unloaded.push(format!("{path}: {}", body_text(&browser).await));
        }
        for text in english_left(&browser, &english).await {
            left.push(format!("{path}: {text:?}"));
        }
    }
    // Signed in as a viewer who watched and follows: the account menu (opened), the viewer's
    // own pages and the watch page with its like and subscribe buttons.
    let viewer = signed_in_viewer(&app, &ch, &first).await;
    browser
        .client
        .execute(
            "localStorage.setItem('projector.refreshToken', arguments[0]);",
            vec![json!(viewer)],
        )
        .await
        .unwrap();
    let signed_in = [
        (
            "/subscriptions".to_owned(),
            "document.getElementById('feed') && document.getElementById('account-name')",
        ),
        ("/history".to_owned(), "document.getElementById('history')"),
        (
            format!("/watch/{first_uuid}"),
            "document.getElementById('like-count') && document.getElementById('account-name')",
        ),
    ];
    for (path, ready) in &signed_in {
        open(&browser, &app, path).await;
        if wait_for_js(&browser, ready).await.is_none() {
            unloaded.push(format!("{path}: {}", body_text(&browser).await));
        }
        browser
            .client
            .execute("document.getElementById('account-button').click();", vec![])
            .await
            .ok();
        for text in english_left(&browser, &english).await {
            left.push(format!("{path} (signed in): {text:?}"));
        }
    }
    browser.close().await;

    assert!(
        unloaded.is_empty(),
        "pages that did not load: {unloaded:#?}"
    );
    assert!(left.is_empty(), "English texts left in French: {left:#?}");
}
