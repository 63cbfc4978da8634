//! `/admin/playlists` and `/admin/playlists/{id}`.

use fantoccini::key::Key;
use projector_tests::{TestApp, browser::Browser};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// The playlist's titles in order and its visibility, as the API reads them.
async fn playlist_by_api(app: &TestApp, token: &str, id: &str) -> (Vec<String>, Value) {
    let data = app
        .graphql_ok(
            Some(token),
            "query($id: ID) { playlist(id: $id) { title visibility items(first: 100) { nodes { position video { title } } } } }",
            json!({ "id": id }),
        )
        .await;
    let p = &data["playlist"];
    let titles = p["items"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            assert_eq!(n["position"], json!(i), "positions are dense: {p}");
            n["video"]["title"].as_str().unwrap().to_owned()
        })
        .collect();
    (
        titles,
        json!({ "title": p["title"], "visibility": p["visibility"] }),
    )
}

/// The titles of the playlist page's rows, in the order shown, once they are `expected`.
async fn shown_order(browser: &Browser, expected: &[&str]) -> Vec<String> {
    let want = serde_json::to_string(expected).unwrap();
    let script = "[...document.querySelectorAll('#playlist-items li.playlist-item')].map(e => e.dataset.title)";
    wait_for_js(
        browser,
        &format!("JSON.stringify({script}) === JSON.stringify({want})"),
    )
    .await;
    serde_json::from_value(js(browser, &format!("return {script};")).await).unwrap()
}

/// The CSS selector of a playlist row by its video's title.
fn row(title: &str) -> String {
    format!("li.playlist-item[data-title=\"{title}\"]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_playlist_is_made_filled_by_search_reordered_by_drag_keyboard_and_buttons_and_keeps_its_order_after_reload()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let pat = app.user_token("pat@example.com", "EDITOR").await;
    let channel = app.create_channel(&pat, "Harbour Films").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for title in ["Alpha", "Bravo", "Charlie"] {
        app.create_video(&pat, &channel, title, json!({})).await;
    }

    let browser = Browser::start().await;
    sign_in(&browser, &app, "pat@example.com", USER_PASSWORD).await;
    click(&browser, "#nav-playlists").await;
    wait_for(&browser, "#new-playlist-form").await;
    // An empty title is refused beside the field.
    click(&browser, "#new-playlist-submit").await;
    let empty_title = text_of(&browser, "#new-playlist-title-error").await;
    fill(&browser, "#new-playlist-title", "Best of the harbour").await;
    choose(&browser, "#new-playlist-visibility", "UNLISTED").await;
    click(&browser, "#new-playlist-submit").await;
    let created = text_of(&browser, "#playlist-details-notice").await;
    let path = browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned();
    let id = path.strip_prefix("/admin/playlists/").unwrap().to_owned();

    // Added by search, each at the end.
    for title in ["Alpha", "Bravo", "Charlie"] {
        fill(&browser, "#video-search", title).await;
        click(&browser, "#video-search-submit").await;
        click(
            &browser,
            &format!("li.video-result[data-title=\"{title}\"] .add-video"),
        )
        .await;
        text_containing(&browser, "#search-notice", &format!("Added “{title}”")).await;
    }
    let added = shown_order(&browser, &["Alpha", "Bravo", "Charlie"]).await;

    // Drag Charlie onto Alpha's place (HTML drag and drop events, as the browser sends them).
    js(
        &browser,
        &format!(
            "const from = document.querySelector({from}), to = document.querySelector({to}); \
             const data = new DataTransfer(); \
             from.dispatchEvent(new DragEvent('dragstart', {{ bubbles: true, dataTransfer: data }})); \
             to.dispatchEvent(new DragEvent('dragover', {{ bubbles: true, cancelable: true, dataTransfer: data }})); \
             to.dispatchEvent(new DragEvent('drop', {{ bubbles: true, cancelable: true, dataTransfer: data }})); \
             from.dispatchEvent(new DragEvent('dragend', {{ bubbles: true, dataTransfer: data }})); \
             return true;",
            from = serde_json::to_string(&row("Charlie")).unwrap(),
            to = serde_json::to_string(&row("Alpha")).unwrap(),
        ),
    )
    .await;
    let dragged = shown_order(&browser, &["Charlie", "Alpha", "Bravo"]).await;
    let drag_notice = text_of(&browser, "#items-notice").await;

    // Keyboard: focus Alpha's row, Alt+ArrowDown; the focus stays on it for the next key.
    js(
        &browser,
        &format!(
            "document.querySelector({}).focus(); return true;",
            serde_json::to_string(&row("Alpha")).unwrap()
        ),
    )
    .await;
    let keys = format!(
        "{}{}{}",
        char::from(Key::Alt),
        char::from(Key::Down),
        char::from(Key::Null)
    );
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(&keys)
        .await
        .unwrap();
    let keyboard = shown_order(&browser, &["Charlie", "Bravo", "Alpha"]).await;
    let focused = wait_for_js(
        &browser,
        "document.activeElement && document.activeElement.dataset.title === 'Alpha'",
    )
    .await;

    // The move buttons: Bravo up.
    click(&browser, &format!("{} .move-up", row("Bravo"))).await;
    let buttons = shown_order(&browser, &["Bravo", "Charlie", "Alpha"]).await;
    let (api_order, _) = playlist_by_api(&app, &pat, &id).await;

    // Read again from the server: the same order.
    browser.client.refresh().await.unwrap();
    let reloaded = shown_order(&browser, &["Bravo", "Charlie", "Alpha"]).await;

    // Visibility: only it is sent, the title stays.
    choose(&browser, "#playlist-visibility", "PRIVATE").await;
    click(&browser, "#save-playlist").await;
    let saved = text_of(&browser, "#playlist-details-notice").await;
    screenshots(&browser, "admin-playlist").await;

    // Removed: the rest close up.
    click(&browser, &format!("{} .remove-item", row("Charlie"))).await;
    let removed = shown_order(&browser, &["Bravo", "Alpha"]).await;
    let (after_remove, details) = playlist_by_api(&app, &pat, &id).await;

    // Deleted after the confirmation; its videos stay.
    click(&browser, "#delete-playlist").await;
    let what_goes = text_of(&browser, "#delete-what").await;
    click(&browser, "#confirm-delete").await;
    let deleted = text_of(&browser, "#deleted-notice").await;
    let gone = app
        .graphql_ok(
            Some(&pat),
            "query($id: ID) { playlist(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    let videos = app
        .graphql_ok(
            Some(&pat),
            "query($c: ID) { videos(filter: { channel: $c }) { totalCount } }",
            json!({ "c": channel }),
        )
        .await;
    browser.close().await;

    assert!(
        empty_title.is_some(),
        "an empty title is refused beside the field"
    );
    assert_eq!(created.as_deref(), Some("Playlist created."));
    assert_eq!(added, ["Alpha", "Bravo", "Charlie"]);
    assert_eq!(
        dragged,
        ["Charlie", "Alpha", "Bravo"],
        "dragging Charlie onto Alpha"
    );
    assert_eq!(
        drag_notice.as_deref(),
        Some("Moved “Charlie” to position 1.")
    );
    assert_eq!(
        keyboard,
        ["Charlie", "Bravo", "Alpha"],
        "Alt+ArrowDown on Alpha"
    );
    assert_eq!(focused, Some(json!(true)), "the moved row keeps the focus");
    assert_eq!(buttons, ["Bravo", "Charlie", "Alpha"], "Bravo's up button");
    assert_eq!(api_order, ["Bravo", "Charlie", "Alpha"]);
    assert_eq!(
        reloaded,
        ["Bravo", "Charlie", "Alpha"],
        "the order survives a reload"
    );
    assert_eq!(saved.as_deref(), Some("Saved."));
    assert_eq!(removed, ["Bravo", "Alpha"]);
    assert_eq!(after_remove, ["Bravo", "Alpha"]);
    assert_eq!(
        details,
        json!({ "title": "Best of the harbour", "visibility": "PRIVATE" })
    );
    assert!(
        what_goes
            .unwrap_or_default()
            .contains("the videos themselves stay")
    );
    assert_eq!(deleted.as_deref(), Some("Deleted “Best of the harbour”."));
    assert_eq!(gone["playlist"], Value::Null);
    assert_eq!(videos["videos"]["totalCount"], 3, "the videos stay");
}
