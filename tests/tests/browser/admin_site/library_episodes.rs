//! The library lists podcast episodes beside videos: an editor switches to episodes, sees the
//! drafts of their own podcasts (and nobody else's), bulk-publishes them and deletes one after
//! a question that names it, and opens an episode's editor from its row.

use projector_tests::{TestApp, browser::Browser};
use serde_json::json;

use crate::admin_site::support::*;

/// Creates a podcast in `channel` as `token`; returns its ID.
async fn podcast(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    app.graphql_ok(
        Some(token),
        "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
        json!({ "i": { "channelId": channel, "title": title, "author": "A", "ownerName": "A",
            "ownerEmail": "a@example.com", "language": "en" } }),
    )
    .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates an episode; `ready` gives it playable media. Returns its ID.
async fn episode(app: &TestApp, token: &str, podcast: &str, title: &str, ready: bool) -> String {
    let id = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": title } }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    if ready {
        app.set_media_status(&id, "READY").await;
    }
    id
}

/// The titles of the library's rows, in order.
async fn row_titles(browser: &Browser) -> Vec<String> {
    let titles = js(
        browser,
        "return [...document.querySelectorAll('#library-table tr.library-row .admin-video-title a')]\
         .map((a) => a.textContent.trim());",
    )
    .await;
    serde_json::from_value(titles).unwrap()
}

/// Whether anyone may read the episode without signing in.
async fn public(app: &TestApp, id: &str) -> bool {
    !app.graphql_ok(
        None,
        "query($id: ID!) { episode(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await["episode"]
        .is_null()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_lists_their_podcast_episodes_in_the_library_and_bulk_publishes_and_deletes_them()
{
    assert_app_is_built();
    let app = spawn_site().await;
    let editor = app.user_token("host@example.com", "EDITOR").await;
    let other = app.user_token("other@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Radio").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let their_channel = app.create_channel(&other, "Elsewhere").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let show = podcast(&app, &editor, &channel, "Morning Show").await;
    let their_show = podcast(&app, &other, &their_channel, "Their Show").await;
    let first = episode(&app, &editor, &show, "Episode one", true).await;
    let second = episode(&app, &editor, &show, "Episode two", true).await;
    let draft = episode(&app, &editor, &show, "Episode draft", false).await;
    episode(&app, &other, &their_show, "Not mine", true).await;
    app.create_video(&editor, &channel, "A video", json!({}))
        .await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, "host@example.com", USER_PASSWORD).await;
    open(&browser, &app, "/admin/library").await;
    text_containing(&browser, "#library-table", "A video").await;
    choose(&browser, "#library-kind", "EPISODES").await;
    let shown = text_containing(&browser, "#library-table", "Episode draft").await;
    assert!(
        shown.contains("Morning Show"),
        "rows name their podcast: {shown}"
    );
    let mut titles = row_titles(&browser).await;
    titles.sort();
    assert_eq!(
        titles,
        ["Episode draft", "Episode one", "Episode two"],
        "my episodes, drafts included, no videos and no one else's"
    );
    // Not shown at all (no box on the page), not merely marked hidden.
    let playlist_hidden = js(
        &browser,
        "return document.querySelector('#bulk-playlist').getClientRects().length === 0 \
         && document.querySelector('#bulk-move').getClientRects().length === 0;",
    )
    .await;
    assert_eq!(
        playlist_hidden,
        json!(true),
        "playlists and moves are for videos only"
    );
    screenshots(&browser, "admin-library-episodes").await;

    // Publish all three: the two with media go out, the draft is refused by name.
    click(&browser, "#library-select-all").await;
    click(&browser, "#bulk-publish").await;
    let summary = text_containing(&browser, "#bulk-summary", "1").await;
    let failures = text_of(&browser, "#bulk-failures")
        .await
        .unwrap_or_default();
    assert!(failures.contains("Episode draft"), "{summary} / {failures}");
    assert!(
        public(&app, &first).await && public(&app, &second).await,
        "{summary}"
    );
    assert!(!public(&app, &draft).await);

    // Delete one: the question names it, and only it goes.
    text_containing(&browser, "#library-table", "Episode draft").await;
    let checkbox = format!(".library-select[data-id='{draft}']");
    click(&browser, &checkbox).await;
    click(&browser, "#bulk-delete").await;
    let question = text_containing(&browser, "#bulk-delete-question", "Episode draft").await;
    assert!(question.contains("Delete 1 episode for good"), "{question}");
    click(&browser, "#bulk-delete-confirm").await;
    wait_for_js(
        &browser,
        "![...document.querySelectorAll('#library-table .admin-video-title a')]\
         .some((a) => a.textContent.includes('Episode draft'))",
    )
    .await;
    let mut titles = row_titles(&browser).await;
    titles.sort();
    assert_eq!(titles, ["Episode one", "Episode two"]);
    let left = app
        .graphql_ok(
            Some(&editor),
            "query($id: ID!) { episode(id: $id) { id } }",
            json!({ "id": draft }),
        )
        .await;
    assert!(left["episode"].is_null(), "the draft is gone: {left}");

    // A row opens the episode's editor.
    let row_link = format!("#library-table tr[data-id='{first}'] .admin-video-title a");
    click(&browser, &row_link).await;
    wait_for_js(&browser, "location.pathname.startsWith('/admin/episodes/')").await;
    let title = wait_for_js(
        &browser,
        "document.querySelector('#episode-title') && document.querySelector('#episode-title').value",
    )
    .await;
    browser.close().await;
    assert_eq!(title, Some(json!("Episode one")));
}
