//! Full-text search over every kind, in relevance order, paged.

use projector_tests::{Backend, both_databases, error_code, spawn_app};
use serde_json::json;

use crate::support;

const SEARCH: &str = "query($q: String!, $after: String, $n: Int) {
    search(query: $q, first: $n, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { __typename
            ... on Video { title } ... on Episode { title } ... on Channel { name }
            ... on Playlist { title } ... on Podcast { title } } } } }";

fn names(data: &serde_json::Value) -> Vec<String> {
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            format!(
                "{}:{}",
                n["__typename"].as_str().unwrap(),
                n["title"].as_str().or(n["name"].as_str()).unwrap()
            )
        })
        .collect()
}

async fn search_finds_every_kind_best_match_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Volcano Channel").await;
    support::video(
        &app,
        &admin,
        &channel,
        "Cooking pasta",
        json!({ "status": "READY", "description": "We cook next to a volcano." }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &channel,
        "Volcano eruption",
        json!({ "status": "READY" }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &channel,
        "Unrelated",
        json!({ "status": "READY" }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
        json!({ "i": { "channelId": channel, "title": "Volcano playlist" } }),
    )
    .await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Volcano talk", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .clone();
    support::episode(
        &app,
        &admin,
        podcast.as_str().unwrap(),
        "Volcano episode",
        json!({ "status": "READY" }),
    )
    .await;

    let data = app
        .graphql_ok(None, SEARCH, json!({ "q": "volcano" }))
        .await;
    let found = names(&data);
    assert_eq!(data["search"]["totalCount"], 6, "{found:?}");
    for kind in [
        "Video:Volcano eruption",
        "Channel:Volcano Channel",
        "Playlist:Volcano playlist",
        "Podcast:Volcano talk",
        "Episode:Volcano episode",
    ] {
        assert!(found.contains(&kind.to_string()), "{kind} in {found:?}");
    }
    // A title match outranks a description match.
    assert_eq!(found.last().unwrap(), "Video:Cooking pasta", "{found:?}");

    // Paging through the same results, two at a time.
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .graphql_ok(
                None,
                SEARCH,
                json!({ "q": "volcano", "n": 2, "after": after }),
            )
            .await;
        paged.extend(names(&data));
        if data["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["search"]["pageInfo"]["endCursor"]
            .as_str()
            .map(String::from);
    }
    assert_eq!(paged, found);

    // Query syntax is never interpreted: quotes and operators are just words.
    app.graphql_ok(None, SEARCH, json!({ "q": "\"volcano OR* (" }))
        .await;
    let body = app.graphql(None, SEARCH, json!({ "q": "  !!  " })).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
}

async fn search_forgets_deleted_and_renamed_items(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Plain").await;
    let video = support::public_video(&app, &admin, &channel, "Glacier walk").await;
    let count = |data: serde_json::Value| data["search"]["totalCount"].as_i64().unwrap();
    assert_eq!(
        count(
            app.graphql_ok(None, SEARCH, json!({ "q": "glacier" }))
                .await
        ),
        1
    );
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": video, "title": "Desert walk" } }),
    )
    .await;
    assert_eq!(
        count(
            app.graphql_ok(None, SEARCH, json!({ "q": "glacier" }))
                .await
        ),
        0
    );
    assert_eq!(
        count(app.graphql_ok(None, SEARCH, json!({ "q": "desert" })).await),
        1
    );
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteChannelInput!) { deleteChannel(input: $i) { deletedId } }",
        json!({ "i": { "id": channel } }),
    )
    .await;
    assert_eq!(
        count(app.graphql_ok(None, SEARCH, json!({ "q": "walk" })).await),
        0
    );
    assert_eq!(app.count("search_documents").await, 0);
}

both_databases!(
    search_finds_every_kind_best_match_first,
    search_forgets_deleted_and_renamed_items,
);
