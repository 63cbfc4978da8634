//! Bulk actions over videos and moving a video between channels (issue 14): every item is
//! checked and done on its own, reported in input order, and a refused item changes nothing.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support::{self, outcomes};

const RESULT: &str = "results { id ok code message video { id publishAt visibility slug channel { id } } } okCount failedCount";

/// Runs a bulk mutation that must succeed as a whole; returns its payload.
async fn bulk(app: &TestApp, token: &str, mutation: &str, input: Value) -> Value {
    let input_type = format!("{}{}Input", mutation[..1].to_uppercase(), &mutation[1..])
        .replace("BulkPublishVideosInput", "BulkVideosInput")
        .replace("BulkUnpublishVideosInput", "BulkVideosInput")
        .replace("BulkDeleteVideosInput", "BulkVideosInput");
    let data = app
        .graphql_ok(
            Some(token),
            &format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {RESULT} }} }}"),
            json!({ "i": input }),
        )
        .await;
    data[mutation].clone()
}

/// A video as its managers see it.
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_ok(
        Some(token),
        "query($id: ID!) { video(id: $id) { id slug publishAt visibility channel { id slug } } }",
        json!({ "id": id }),
    )
    .await["video"]
        .clone()
}

/// Whether an anonymous visitor can read the video.
async fn public(app: &TestApp, id: &str) -> bool {
    !app.graphql_ok(
        None,
        "query($id: ID!) { video(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await["video"]
        .is_null()
}

/// A video with playable media, not yet published.
async fn ready_video(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    let id = support::video(app, token, channel, title, json!({})).await;
    app.set_media_status(&id, "READY").await;
    id
}

fn unknown_video() -> String {
    projector_api::graphql::relay::to_global("Video", uuid::Uuid::now_v7()).to_string()
}

async fn bulk_publish_publishes_the_ready_videos_and_refuses_the_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let channel = support::channel(&app, &editor, "Studio").await;
    let a = ready_video(&app, &editor, &channel, "A").await;
    let draft = support::video(&app, &editor, &channel, "Draft", json!({})).await;
    let b = ready_video(&app, &editor, &channel, "B").await;
    let c = ready_video(&app, &editor, &channel, "C").await;
    for id in [&a, &b, &c, &draft] {
        assert!(!public(&app, id).await, "new videos start unpublished");
    }

    let ids = [&a, &draft, &b, &c];
    let payload = bulk(&app, &editor, "bulkPublishVideos", json!({ "ids": ids })).await;
    assert_eq!(
        outcomes(&payload),
        vec![
            (true, None),
            (false, Some("VALIDATION".into())),
            (true, None),
            (true, None),
        ],
        "{payload}"
    );
    let results = payload["results"].as_array().unwrap();
    for (result, id) in results.iter().zip(ids) {
        assert_eq!(result["id"], json!(id), "results keep the input order");
    }
    assert!(results[1]["message"].as_str().unwrap().contains("no media"));
    assert!(results[1]["video"].is_null());
    assert!(results[0]["video"]["publishAt"].is_string());
    assert_eq!(
        (payload["okCount"].clone(), payload["failedCount"].clone()),
        (json!(3), json!(1))
    );

    for id in [&a, &b, &c] {
        assert!(public(&app, id).await, "{id} was published");
    }
    assert!(!public(&app, &draft).await);
    assert!(
        read(&app, &editor, &draft).await["publishAt"].is_null(),
        "the draft is unchanged"
    );

    // And back: bulk unpublish hides them again.
    let payload = bulk(
        &app,
        &editor,
        "bulkUnpublishVideos",
        json!({ "ids": [&a, &b] }),
    )
    .await;
    assert_eq!(outcomes(&payload), vec![(true, None), (true, None)]);
    assert!(!public(&app, &a).await);
    assert!(!public(&app, &b).await);
    assert!(public(&app, &c).await);
}

async fn a_bulk_over_another_editors_channel_does_only_the_allowed_items(backend: Backend) {
    let app = spawn_app(backend).await;
    let mine = app.user_token("mine@example.com", "EDITOR").await;
    let theirs = app.user_token("theirs@example.com", "EDITOR").await;
    let my_channel = support::channel(&app, &mine, "Mine").await;
    let their_channel = support::channel(&app, &theirs, "Theirs").await;
    let a = ready_video(&app, &mine, &my_channel, "A").await;
    let b = ready_video(&app, &mine, &my_channel, "B").await;
    let foreign = ready_video(&app, &theirs, &their_channel, "Foreign").await;

    let payload = bulk(
        &app,
        &mine,
        "bulkPublishVideos",
        json!({ "ids": [&a, &foreign, &b] }),
    )
    .await;
    let got = outcomes(&payload);
    assert_eq!(
        (got[0].clone(), got[2].clone()),
        ((true, None), (true, None))
    );
    assert!(!got[1].0);
    assert!(
        matches!(got[1].1.as_deref(), Some("FORBIDDEN" | "NOT_FOUND")),
        "{payload}"
    );
    assert!(public(&app, &a).await && public(&app, &b).await);
    assert!(!public(&app, &foreign).await);
    assert!(read(&app, &theirs, &foreign).await["publishAt"].is_null());

    let payload = bulk(
        &app,
        &mine,
        "bulkSetVideoVisibility",
        json!({ "ids": [&foreign, &a], "visibility": "PRIVATE" }),
    )
    .await;
    let got = outcomes(&payload);
    assert!(!got[0].0 && got[1].0, "{payload}");
    assert_eq!(payload["results"][1]["video"]["visibility"], "PRIVATE");
    assert_eq!(read(&app, &mine, &a).await["visibility"], "PRIVATE");
    assert_eq!(read(&app, &theirs, &foreign).await["visibility"], "PUBLIC");
    assert!(!public(&app, &a).await, "a private video is not public");

    // Add to a playlist: the foreign video is refused, the others are added in input order.
    let playlist = app
        .graphql_ok(
            Some(&mine),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": my_channel, "title": "Best of" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let payload = bulk(
        &app,
        &mine,
        "bulkAddVideosToPlaylist",
        json!({ "ids": [&b, &foreign, &a], "playlistId": playlist }),
    )
    .await;
    let got = outcomes(&payload);
    assert!(got[0].0 && !got[1].0 && got[2].0, "{payload}");
    let items = app
        .graphql_ok(
            Some(&mine),
            "query($id: ID!) { playlist(id: $id) { items { edges { node { position video { id } } } } } }",
            json!({ "id": playlist }),
        )
        .await;
    let videos: Vec<Value> = items["playlist"]["items"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["video"]["id"].clone())
        .collect();
    assert_eq!(videos, vec![json!(b), json!(a)]);

    // The other editor cannot use the bulk on this channel's videos at all.
    let payload = bulk(
        &app,
        &theirs,
        "bulkUnpublishVideos",
        json!({ "ids": [&a, &b] }),
    )
    .await;
    assert_eq!(payload["okCount"], 0, "{payload}");
    assert!(public(&app, &b).await, "b stays published");
}

async fn a_moved_video_is_read_from_its_new_channel(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let other = app.user_token("other@example.com", "EDITOR").await;
    let from = support::channel(&app, &editor, "Old Home").await;
    let to = support::channel(&app, &editor, "New Home").await;
    let foreign = support::channel(&app, &other, "Elsewhere").await;
    let video = ready_video(&app, &editor, &from, "Intro").await;
    app.graphql_ok(
        Some(&editor),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": video }),
    )
    .await;
    // The target channel already has a "clash"; a moved "clash" gets a free slug.
    support::video(&app, &editor, &to, "Clash", json!({})).await;
    let clash = support::video(&app, &editor, &from, "Clash", json!({})).await;
    let playlist = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": from, "title": "Old list" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.graphql_ok(
        Some(&editor),
        "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
        json!({ "i": { "playlistId": playlist, "videoId": video } }),
    )
    .await;

    let by_slug = "query($c: String!, $s: String!) { video(channelSlug: $c, slug: $s) { id channel { id } } }";
    let found = app
        .graphql_ok(None, by_slug, json!({ "c": "old-home", "s": "intro" }))
        .await;
    assert_eq!(found["video"]["id"], json!(video));

    let moved = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: MoveVideoInput!) { moveVideo(input: $i) { video { id slug channel { id } } } }",
            json!({ "i": { "id": video, "channelId": to } }),
        )
        .await["moveVideo"]["video"]
        .clone();
    assert_eq!(moved["channel"]["id"], json!(to));
    assert_eq!(moved["slug"], "intro", "a free slug is kept");

    let found = app
        .graphql_ok(None, by_slug, json!({ "c": "new-home", "s": "intro" }))
        .await;
    assert_eq!(found["video"]["id"], json!(video), "{found}");
    assert_eq!(found["video"]["channel"]["id"], json!(to));
    let gone = app
        .graphql_ok(None, by_slug, json!({ "c": "old-home", "s": "intro" }))
        .await;
    assert!(
        gone["video"].is_null(),
        "the old address finds nothing: {gone}"
    );
    let channel_videos = app
        .graphql_ok(
            None,
            "query($f: VideoFilter) { videos(filter: $f) { edges { node { id } } } }",
            json!({ "f": { "channel": to } }),
        )
        .await;
    assert_eq!(support::ids(&channel_videos["videos"]), vec![video.clone()]);

    // The old channel's playlist keeps the item (documented in the README).
    let items = app
        .graphql_ok(
            Some(&editor),
            "query($id: ID!) { playlist(id: $id) { items { edges { node { video { id } } } } } }",
            json!({ "id": playlist }),
        )
        .await;
    assert_eq!(
        items["playlist"]["items"]["edges"][0]["node"]["video"]["id"],
        json!(video)
    );

    // A taken slug gets a free one.
    let moved = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: MoveVideoInput!) { moveVideo(input: $i) { video { slug channel { id } } } }",
            json!({ "i": { "id": clash, "channelId": to } }),
        )
        .await["moveVideo"]["video"]
        .clone();
    assert_eq!(moved["slug"], "clash-2");
    assert_eq!(moved["channel"]["id"], json!(to));

    // Into a channel the editor does not manage: FORBIDDEN, nothing changes.
    let before = read(&app, &editor, &video).await;
    let body = app
        .graphql(
            Some(&editor),
            "mutation($i: MoveVideoInput!) { moveVideo(input: $i) { video { id } } }",
            json!({ "i": { "id": video, "channelId": foreign } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(read(&app, &editor, &video).await, before);
    // And the other editor cannot pull it into their channel.
    let body = app
        .graphql(
            Some(&other),
            "mutation($i: MoveVideoInput!) { moveVideo(input: $i) { video { id } } }",
            json!({ "i": { "id": video, "channelId": foreign } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(read(&app, &editor, &video).await, before);

    // In bulk: the allowed one moves, the refused one stays.
    let back = support::video(&app, &editor, &to, "Back", json!({})).await;
    let theirs = support::video(&app, &other, &foreign, "Theirs", json!({})).await;
    let payload = bulk(
        &app,
        &editor,
        "bulkMoveVideos",
        json!({ "ids": [&back, &theirs], "channelId": from }),
    )
    .await;
    let got = outcomes(&payload);
    assert!(got[0].0 && !got[1].0, "{payload}");
    assert_eq!(payload["results"][0]["video"]["channel"]["id"], json!(from));
    assert_eq!(
        read(&app, &other, &theirs).await["channel"]["slug"],
        "elsewhere"
    );
}

async fn bulk_delete_removes_only_the_allowed_videos(backend: Backend) {
    let app = spawn_app(backend).await;
    let mine = app.user_token("mine@example.com", "EDITOR").await;
    let theirs = app.user_token("theirs@example.com", "EDITOR").await;
    let my_channel = support::channel(&app, &mine, "Mine").await;
    let their_channel = support::channel(&app, &theirs, "Theirs").await;
    let a = support::video(&app, &mine, &my_channel, "A", json!({})).await;
    let b = support::video(&app, &mine, &my_channel, "B", json!({})).await;
    let foreign = support::video(&app, &theirs, &their_channel, "Foreign", json!({})).await;
    let unknown = unknown_video();

    let payload = bulk(
        &app,
        &mine,
        "bulkDeleteVideos",
        json!({ "ids": [&a, &foreign, &unknown] }),
    )
    .await;
    let got = outcomes(&payload);
    assert_eq!(got[0], (true, None), "{payload}");
    assert!(!got[1].0);
    assert_eq!(got[2], (false, Some("NOT_FOUND".into())));
    assert_eq!(app.count("videos").await, 2);
    assert!(read(&app, &mine, &a).await.is_null());
    assert_eq!(read(&app, &mine, &b).await["id"], json!(b));
    assert_eq!(read(&app, &theirs, &foreign).await["id"], json!(foreign));
}

async fn too_many_or_repeated_ids_are_refused_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let channel = support::channel(&app, &editor, "Studio").await;
    let a = ready_video(&app, &editor, &channel, "A").await;

    let mut ids = vec![a.clone()];
    ids.extend((0..100).map(|_| unknown_video()));
    assert_eq!(ids.len(), 101);
    for mutation in ["bulkPublishVideos", "bulkDeleteVideos"] {
        let body = app
            .graphql(
                Some(&editor),
                &format!(
                    "mutation($i: BulkVideosInput!) {{ {mutation}(input: $i) {{ okCount }} }}"
                ),
                json!({ "i": { "ids": ids } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        assert!(body["data"].is_null() || body["data"][mutation].is_null());
    }
    assert_eq!(app.count("videos").await, 1);
    assert!(read(&app, &editor, &a).await["publishAt"].is_null());

    // Exactly the limit is fine: one done, a hundred unknown.
    ids.pop();
    let payload = bulk(&app, &editor, "bulkPublishVideos", json!({ "ids": ids })).await;
    assert_eq!(payload["okCount"], 1, "{payload}");
    assert_eq!(payload["failedCount"], 99);
    let got = outcomes(&payload);
    assert!(
        got[1..]
            .iter()
            .all(|r| r == &(false, Some("NOT_FOUND".into())))
    );

    // An ID given twice is refused whole too, before anything changes.
    let b = ready_video(&app, &editor, &channel, "B").await;
    let body = app
        .graphql(
            Some(&editor),
            "mutation($i: BulkVideosInput!) { bulkPublishVideos(input: $i) { okCount } }",
            json!({ "i": { "ids": [&b, &b] } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(read(&app, &editor, &b).await["publishAt"].is_null());

    // Not an ID at all: that item alone is refused.
    let payload = bulk(
        &app,
        &editor,
        "bulkPublishVideos",
        json!({ "ids": ["nonsense", &b] }),
    )
    .await;
    assert_eq!(
        outcomes(&payload),
        vec![(false, Some("VALIDATION".into())), (true, None)]
    );

    // Viewers without an editor role cannot call bulk mutations at all.
    let body = app
        .graphql(
            None,
            "mutation($i: BulkVideosInput!) { bulkDeleteVideos(input: $i) { okCount } }",
            json!({ "i": { "ids": [&b] } }),
        )
        .await;
    assert!(
        matches!(error_code(&body), Some("UNAUTHENTICATED" | "FORBIDDEN")),
        "{body}"
    );
    assert_eq!(app.count("videos").await, 2);
}

async fn concurrent_moves_of_one_slug_into_one_channel_all_get_free_slugs(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let target = support::channel(&app, &admin, "Target").await;
    let mut videos = Vec::new();
    for n in 0..4 {
        let channel = support::channel(&app, &admin, &format!("Source {n}")).await;
        videos.push(support::video(&app, &admin, &channel, "Same", json!({})).await);
    }
    let moves = videos.iter().map(|id| {
        app.graphql(
            Some(&admin),
            "mutation($i: MoveVideoInput!) { moveVideo(input: $i) { video { slug } } }",
            json!({ "i": { "id": id, "channelId": target } }),
        )
    });
    let mut slugs: Vec<String> = futures::future::join_all(moves)
        .await
        .into_iter()
        .map(|body| {
            body["data"]["moveVideo"]["video"]["slug"]
                .as_str()
                .unwrap_or_else(|| panic!("a move failed: {body}"))
                .to_string()
        })
        .collect();
    slugs.sort();
    assert_eq!(slugs, vec!["same", "same-2", "same-3", "same-4"]);
}

both_databases!(
    bulk_publish_publishes_the_ready_videos_and_refuses_the_draft,
    a_bulk_over_another_editors_channel_does_only_the_allowed_items,
    a_moved_video_is_read_from_its_new_channel,
    bulk_delete_removes_only_the_allowed_videos,
    too_many_or_repeated_ids_are_refused_whole,
    concurrent_moves_of_one_slug_into_one_channel_all_get_free_slugs,
);
