//! The visibility matrix: who sees which videos, the same way through every read path.

use std::collections::BTreeSet;

use projector_tests::{Backend, both_databases, spawn_app};
use serde_json::json;

use crate::support;

/// `(item, created with, seen directly by the public, listed for the public)`; `status` is the
/// media status the pipeline reached, and an item with one is published unless `publishAt` says
/// otherwise (see `projector_tests::take_media_status`).
fn items() -> Vec<(&'static str, serde_json::Value, bool, bool)> {
    let past = "2020-01-01T00:00:00Z";
    let earlier = "2019-01-01T00:00:00Z";
    let future = "2999-01-01T00:00:00Z";
    vec![
        ("public", json!({ "status": "READY" }), true, true),
        (
            "unlisted",
            json!({ "status": "READY", "visibility": "UNLISTED" }),
            true,
            false,
        ),
        (
            "private",
            json!({ "status": "READY", "visibility": "PRIVATE" }),
            false,
            false,
        ),
        // Inside an open window, but with no media, media still processing, or media that
        // failed: nothing plays, so the public sees none of them.
        ("draft", json!({ "status": "DRAFT" }), false, false),
        (
            "processing",
            json!({ "status": "PROCESSING" }),
            false,
            false,
        ),
        ("failed", json!({ "status": "FAILED" }), false, false),
        // Playable but never published.
        (
            "unpublished",
            json!({ "status": "READY", "publishAt": null }),
            false,
            false,
        ),
        (
            "scheduled",
            json!({ "status": "READY", "publishAt": future }),
            false,
            false,
        ),
        (
            "expired",
            json!({ "status": "READY", "publishAt": earlier, "unpublishAt": past }),
            false,
            false,
        ),
    ]
}

async fn every_read_path_applies_the_same_visibility_matrix(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let member = app.user_token("member@example.com", "EDITOR").await;
    let outsider = app.user_token("outsider@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let read = support::read_token(&app).await;

    let channel = support::channel(&app, &member, "Matrix").await;
    // The outsider edits a channel of their own, not this one.
    support::channel(&app, &outsider, "Elsewhere").await;
    let mut videos = Vec::new();
    for (name, extra, _, _) in items() {
        let id = support::video(&app, &member, &channel, &format!("matrix {name}"), extra).await;
        videos.push((name, id));
    }
    let playlist = app
        .graphql_ok(
            Some(&member),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Everything" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (_, v) in &videos {
        app.graphql_ok(
            Some(&member),
            "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
            json!({ "i": { "playlistId": playlist, "videoId": v } }),
        )
        .await;
    }

    // (caller, token, sees everything)
    let callers: Vec<(&str, Option<&str>, bool)> = vec![
        ("anonymous", None, false),
        ("viewer", Some(&viewer), false),
        ("read token", Some(&read), false),
        ("editor of the channel", Some(&member), true),
        ("editor of another channel", Some(&outsider), false),
        ("admin", Some(&admin), true),
    ];
    for (caller, token, sees_all) in callers {
        let expected_direct: BTreeSet<&str> = items()
            .into_iter()
            .filter(|(_, _, direct, _)| sees_all || *direct)
            .map(|(n, ..)| n)
            .collect();
        let expected_listed: BTreeSet<&str> = items()
            .into_iter()
            .filter(|(_, _, _, listed)| sees_all || *listed)
            .map(|(n, ..)| n)
            .collect();
        let name_of = |id: &str| {
            videos
                .iter()
                .find(|(_, v)| v == id)
                .map(|(n, _)| *n)
                .unwrap()
        };

        for (name, id) in &videos {
            let by_id = app
                .graphql_ok(
                    token,
                    "query($id: ID!) { video(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            let node = app
                .graphql_ok(
                    token,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            let seen = expected_direct.contains(name);
            assert_eq!(
                !by_id["video"].is_null(),
                seen,
                "{caller} × {name}: video(id:)"
            );
            assert_eq!(
                !node["node"].is_null(),
                seen,
                "{caller} × {name}: node(id:)"
            );
        }

        let list = app
            .graphql_ok(
                token,
                "query($c: ID!) {
                    videos(first: 100) { totalCount edges { node { id } } }
                    channel(id: $c) { videos(first: 100) { totalCount edges { node { id } } } }
                    search(query: \"matrix\") { totalCount edges { node { ... on Video { id } } } }
                }",
                json!({ "c": channel }),
            )
            .await;
        for (path, connection) in [
            ("videos", &list["videos"]),
            ("channel.videos", &list["channel"]["videos"]),
            ("search", &list["search"]),
        ] {
            let listed: BTreeSet<&str> = support::ids(connection)
                .iter()
                .filter(|id| !id.is_empty())
                .map(|id| name_of(id))
                .collect();
            assert_eq!(listed, expected_listed, "{caller}: {path}");
            assert_eq!(
                connection["totalCount"].as_u64().unwrap() as usize,
                // Search also finds the channel itself ("Matrix").
                expected_listed.len() + usize::from(path == "search"),
                "{caller}: {path} totalCount"
            );
        }

        // A playlist shows what its caller could open directly, never more.
        let items = app
            .graphql_ok(
                token,
                "query($id: ID!) { playlist(id: $id) { items(first: 100) { totalCount edges { node { video { id } } } } } }",
                json!({ "id": playlist }),
            )
            .await;
        let in_playlist: BTreeSet<&str> = items["playlist"]["items"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| name_of(e["node"]["video"]["id"].as_str().unwrap()))
            .collect();
        assert_eq!(in_playlist, expected_direct, "{caller}: playlist items");
    }
}

async fn private_playlists_and_podcasts_are_hidden_from_the_public(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Hidden").await;
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Secret list", "visibility": "PRIVATE" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .clone();
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Secret show", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en", "visibility": "PRIVATE" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .clone();
    support::episode(
        &app,
        &admin,
        podcast.as_str().unwrap(),
        "Secret episode",
        json!({ "status": "READY" }),
    )
    .await;
    let q = "query($p: ID!, $s: ID!) {
        playlist(id: $p) { id } podcast(id: $s) { id }
        playlists { totalCount } podcasts { totalCount } episodes { totalCount }
        search(query: \"secret\") { totalCount }
    }";
    let public = app
        .graphql_ok(None, q, json!({ "p": playlist, "s": podcast }))
        .await;
    assert!(
        public["playlist"].is_null() && public["podcast"].is_null(),
        "{public}"
    );
    for list in ["playlists", "podcasts", "episodes", "search"] {
        assert_eq!(public[list]["totalCount"], 0, "{list}: {public}");
    }
    let admin_view = app
        .graphql_ok(Some(&admin), q, json!({ "p": playlist, "s": podcast }))
        .await;
    assert_eq!(admin_view["playlist"]["id"], playlist);
    assert_eq!(admin_view["episodes"]["totalCount"], 1);
    assert_eq!(admin_view["search"]["totalCount"], 3);
}

both_databases!(
    every_read_path_applies_the_same_visibility_matrix,
    private_playlists_and_podcasts_are_hidden_from_the_public,
);
