//! The admin app in French: after the footer's switch to French, every admin page shows its
//! French texts and none of the English texts of the admin area's keys.

use fantoccini::Locator;
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, browser::Browser};
use serde_json::json;

use crate::admin_site::support::*;

/// The `(English, French)` texts of every key in the admin area's files
/// (`frontend/src/i18n/admin/*.rs`), as the `messages!` lines write them.
fn admin_texts() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/src/i18n/admin");
    let mut source = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        source.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        source.push('\n');
    }
    // A key's two texts may be on one line or on two (`Key => "English",` then `"French";`).
    let mut texts = Vec::new();
    let lines: Vec<&str> = source.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((key, rest)) = line.split_once(" => \"") else {
            continue;
        };
        // Only `messages!` lines (`Key => ...`), not the match arms of the texts with values.
        let key = key.trim();
        if !key.starts_with(|c: char| c.is_ascii_uppercase())
            || !key.chars().all(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let Some((en, after)) = rest.split_once('"') else {
            continue;
        };
        let after = if after.trim() == "," {
            lines.get(i + 1).copied().unwrap_or_default()
        } else {
            after
        };
        let Some(fr) = after
            .split_once('"')
            .and_then(|(_, f)| f.split_once('"'))
            .map(|(f, _)| f)
        else {
            continue;
        };
        texts.push((en.to_owned(), fr.to_owned()));
    }
    texts
}

/// The English texts to look for: every key's English text unless it is also a French text
/// (`Publication`, `Podcasts`...), plus English words of the texts with values.
fn english_texts() -> Vec<String> {
    let texts = admin_texts();
    assert!(texts.len() > 300, "the keys were not read: {}", texts.len());
    let french: std::collections::HashSet<&str> = texts.iter().map(|(_, f)| f.as_str()).collect();
    let mut english: Vec<String> = texts
        .iter()
        .filter(|(en, _)| !french.contains(en.as_str()))
        .map(|(en, _)| en.trim().to_owned())
        .filter(|en| !en.is_empty())
        .collect();
    english.extend(
        [
            "views",
            "not published",
            "draft",
            "ready",
            "published",
            "unlisted",
            "private",
            "accounts",
            "selected",
            "Role of",
            "New password for",
            "never used",
            "Delete this",
            "Title of chapter",
            "Times are in",
            "report",
            "approved",
            "rejected",
            "can no longer comment",
        ]
        .map(String::from),
    );
    english.sort();
    english.dedup();
    english
}

/// Whether `text` shows `word` as a whole: not inside a longer word (`Admin` in
/// `Administration`).
fn shows_word(text: &str, word: &str) -> bool {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let starts = word.chars().next();
        let ends = word.chars().next_back();
        (!letter(starts) || !letter(before)) && (!letter(ends) || !letter(after))
    })
}

/// Every English text of `english` the page shows, in its text (options included) or its
/// labels.
async fn english_left(browser: &Browser, english: &[String]) -> Vec<String> {
    // Apple's category names (`Video Games`) are the feed's own English words, and what is
    // marked `translate="no"` (event types, keys) is no text at all: left out.
    let script = "let t = document.body.innerText; const c = document.getElementById('itunes-category'); if (c) { const names = Array.from(c.querySelectorAll('option, optgroup')).flatMap(o => [o.label, o.text]).map(w => (w || '').split('›').pop().trim()).filter(Boolean).sort((a, b) => b.length - a.length); for (const name of names) { t = t.split(name).join(''); } } for (const e of document.querySelectorAll('[translate=no]')) { const w = e.innerText.trim(); if (w) { t = t.split(w).join(''); } } return t + '\\n' + Array.from(document.querySelectorAll('[placeholder],[aria-label],[alt],[title]')).map(e => ['placeholder', 'aria-label', 'alt', 'title'].map(a => e.getAttribute(a)).filter(Boolean).join('\\n')).join('\\n') + '\\n' + document.title;";
    let shown = js(browser, script).await;
    let shown = shown.as_str().unwrap_or_default().to_owned();
    english
        .iter()
        .filter(|e| shows_word(&shown, e))
        .map(|e| {
            // With the words around it, to find it on the page.
            let at = shown.find(e.as_str()).unwrap_or_default();
            let from = shown.floor_char_boundary(at.saturating_sub(30));
            let to = shown.ceil_char_boundary((at + e.len() + 30).min(shown.len()));
            format!("{e:?} in {:?}", &shown[from..to])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_switch_to_french_every_admin_page_shows_french_and_no_english_text() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Chaîne du port").await;
    let channel_id = channel["id"].as_str().unwrap().to_owned();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }",
        json!({ "i": { "name": "Voyage" } }),
    )
    .await;
    let tag = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id } } }",
            json!({ "i": { "name": "Bateaux" } }),
        )
        .await["createTag"]["tag"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let video = app
        .create_video(
            &admin,
            &channel_id,
            "Remorqueurs à l’aube",
            json!({ "tagIds": [tag], "chapters": [{ "title": "Départ", "startSecs": 0.0 }] }),
        )
        .await;
    let uuid = video["uuid"].as_str().unwrap().to_owned();
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($c: ID!) { createPlaylist(input: { channelId: $c, title: \"Le meilleur du port\" }) { playlist { id } } }",
            json!({ "c": channel_id }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel_id, "title": "Radio du port", "author": "Anne",
                "ownerName": "Anne", "ownerEmail": "anne@example.com", "language": "fr" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let episode = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": "Premier épisode" } }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_ok(
        Some(&admin),
        "mutation { createApiToken(input: { name: \"jeton du site\", scope: READ }) { apiToken { id } } }",
        json!({}),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
        json!({ "i": { "url": "http://8.8.8.8/crochet", "description": "Le site du port",
                       "eventTypes": ["video.deleted"] } }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation { createPlaybackKey(input: { name: \"Clé du port\", algorithm: EDDSA }) { privateKeyPem } }",
        json!({}),
    )
    .await;
    let english = english_texts();

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let switch = browser
        .client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Id("language-switch"))
        .await
        .unwrap();
    switch.select_by_value("fr").await.unwrap();
    wait_for_js(&browser, "document.documentElement.lang === 'fr'").await;

    // Each page: its address, what shows it has loaded, and a French text it must show.
    let pages = [
        (
            "/admin".to_owned(),
            "document.querySelector('.admin-video') && document.querySelector('#queue-drafts .queue-row')",
            "Tableau de bord",
        ),
        (
            "/admin/library".to_owned(),
            "document.querySelector('.library-row')",
            "Bibliothèque",
        ),
        (
            "/admin/videos/new".to_owned(),
            "document.getElementById('new-video-form')",
            "Créer le brouillon",
        ),
        (
            format!("/admin/videos/{uuid}"),
            "document.querySelector('.chapter-row')",
            "Chapitres",
        ),
        (
            "/admin/users".to_owned(),
            "document.querySelector('.user-row')",
            "Nouvel utilisateur",
        ),
        (
            "/admin/tokens".to_owned(),
            "document.querySelector('.token-row')",
            "Nouveau jeton",
        ),
        (
            "/admin/channels".to_owned(),
            "document.querySelector('.channel-row')",
            "Chaînes que vous gérez",
        ),
        (
            format!("/admin/channels/{channel_id}"),
            "document.querySelector('.member-row') && document.getElementById('channel-downloads')",
            "Membres",
        ),
        (
            "/admin/playlists".to_owned(),
            "document.querySelector('.playlist-row')",
            "Nouvelle liste de lecture",
        ),
        (
            format!("/admin/playlists/{playlist}"),
            "document.getElementById('playlist-details-form')",
            "Toutes les listes de lecture",
        ),
        (
            "/admin/taxonomy".to_owned(),
            "document.querySelector('.category-row')",
            "Catégories et mots-clés",
        ),
        (
            "/admin/podcasts/new".to_owned(),
            "document.getElementById('new-podcast-form')",
            "Créer le podcast",
        ),
        (
            format!("/admin/podcasts/{podcast}"),
            "document.querySelector('.admin-episode')",
            "Épisodes",
        ),
        (
            format!("/admin/episodes/{episode}"),
            "document.getElementById('details-form')",
            "Numéro de l’épisode",
        ),
        (
            "/admin/moderation".to_owned(),
            "document.getElementById('moderation-empty')",
            "Aucun commentaire en attente.",
        ),
        (
            "/admin/webhooks".to_owned(),
            "document.querySelector('.hook-row')",
            "Nouveau point d’accès",
        ),
        (
            "/admin/playback-keys".to_owned(),
            "document.querySelector('.key-row')",
            "Nouvelle clé",
        ),
    ];
    let (mut left, mut unloaded, mut not_french) = (Vec::new(), Vec::new(), Vec::new());
    for (path, ready, heading) in pages {
        open(&browser, &app, &path).await;
        if wait_for_js(&browser, ready).await.is_none() {
            unloaded.push((path.clone(), body_text(&browser).await));
            continue;
        }
        // The page's texts that load after it (counts, the workspace's queues) have come.
        wait_for_js(
            &browser,
            &format!("document.body.innerText.includes({heading:?})"),
        )
        .await;
        let text = body_text(&browser).await;
        if !text.contains(heading) {
            not_french.push((path.clone(), heading, text));
        }
        for found in english_left(&browser, &english).await {
            left.push(format!("{path}: {found}"));
        }
        if path == "/admin" {
            screenshots(&browser, "admin-dashboard-fr").await;
        } else if path.starts_with("/admin/videos/") && path != "/admin/videos/new" {
            screenshots(&browser, "admin-editor-fr").await;
        }
    }
    // What shows only after an action: a new key's private key, its note and the example.
    fill(&browser, "#new-key-name", "Lecteur du port").await;
    click(&browser, "#new-key-submit").await;
    if wait_for_js(&browser, "document.getElementById('new-key-example')")
        .await
        .is_none()
    {
        unloaded.push(("a new key".into(), body_text(&browser).await));
    }
    for found in english_left(&browser, &english).await {
        left.push(format!("a new key: {found}"));
    }
    browser.close().await;

    assert!(
        unloaded.is_empty(),
        "pages that did not load: {unloaded:#?}"
    );
    assert!(
        not_french.is_empty(),
        "pages without their French text: {not_french:#?}"
    );
    assert!(left.is_empty(), "English texts left in French: {left:#?}");
}

#[test]
fn a_word_is_found_whole_and_not_inside_a_longer_one() {
    assert!(shows_word("Admin · Chaînes", "Admin"));
    assert!(!shows_word("Administration", "Admin"));
    assert!(shows_word("Supprimer…", "Supprimer…"));
    assert!(!shows_word("non publiée", "published"));
    let english = english_texts();
    assert!(english.contains(&"Dashboard".to_owned()), "{english:?}");
    assert!(!english.contains(&"Publication".to_owned()), "{english:?}");
}
