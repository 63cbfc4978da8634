//! A page of videos with their channels, tags and categories costs a constant number of SQL
//! statements, counted by the server itself (`projector_db_statements_total` on /metrics).

use projector_tests::{Backend, both_databases, spawn_app};
use serde_json::{Value, json};

use crate::support;

const PAGE: &str = "query($n: Int) { videos(first: $n) { pageInfo { hasNextPage }
    edges { node { id title channel { name slug } tags { name } category { name } } } } }";

async fn a_page_of_videos_with_channels_and_tags_costs_constant_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let mut channels = Vec::new();
    for n in 0..5 {
        channels.push(support::channel(&app, &admin, &format!("Channel {n}")).await);
    }
    let mut tags = Vec::new();
    for n in 0..4 {
        tags.push(support::tag(&app, &admin, &format!("tag {n}")).await);
    }
    let category = support::category(&app, &admin, "Cat", None).await;
    for n in 0..105 {
        support::video(
            &app,
            &admin,
            &channels[n % 5],
            &format!("Video {n}"),
            json!({ "status": "READY", "tagIds": [tags[n % 4], tags[(n + 1) % 4]], "categoryId": category }),
        )
        .await;
    }

    let mut costs = Vec::new();
    for n in [1, 10, 100] {
        let (cost, data) = app.statements_of(None, PAGE, json!({ "n": n })).await;
        costs.push(cost);
        let edges = data["videos"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), n as usize);
        assert_eq!(edges[0]["node"]["tags"].as_array().unwrap().len(), 2);
        assert!(edges[0]["node"]["channel"]["name"].is_string());
    }
    // The page itself, then one statement per nested field kind (channel, tags with their
    // links in one join, category), whatever the page size.
    assert_eq!(
        costs[0], costs[2],
        "statements for 1 vs 100 videos: {costs:?}"
    );
    assert_eq!(costs[2], 4, "statements for 100 videos: {costs:?}");

    // first: 100000 is capped to the documented maximum of 100.
    let data = app.graphql_ok(None, PAGE, json!({ "n": 100_000 })).await;
    assert_eq!(data["videos"]["edges"].as_array().unwrap().len(), 100);
    assert_eq!(data["videos"]["pageInfo"]["hasNextPage"], true);
}

/// The same page asked through `nodes` instead of `edges { node }` (what the viewer app and the
/// catalogue bench send): the prefetch must see that shape too, so the count stays fixed.
const NODES_PAGE: &str = "query($n: Int) { videos(first: $n) { pageInfo { endCursor }
    nodes { id title channel { name slug } tags { name slug } } } }";

async fn a_page_of_videos_asked_through_nodes_costs_the_same_statements_as_through_edges(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channels = [
        support::channel(&app, &admin, "Nodes A").await,
        support::channel(&app, &admin, "Nodes B").await,
    ];
    let tag = support::tag(&app, &admin, "n").await;
    for n in 0..30 {
        support::video(
            &app,
            &admin,
            &channels[n % 2],
            &format!("Node {n}"),
            json!({ "status": "READY", "tagIds": [tag] }),
        )
        .await;
    }
    let mut costs = Vec::new();
    for (query, n) in [(NODES_PAGE, 1), (NODES_PAGE, 24), (PAGE, 24)] {
        let (cost, data) = app.statements_of(None, query, json!({ "n": n })).await;
        costs.push(cost);
        let first = if query == PAGE {
            &data["videos"]["edges"][0]["node"]
        } else {
            &data["videos"]["nodes"][0]
        };
        assert_eq!(first["title"], "Node 29", "{data}");
        assert_eq!(first["tags"][0]["name"], "n", "{data}");
        assert!(first["channel"]["name"].is_string(), "{data}");
    }
    // The page, the channels, the tags (with their links, one join); `PAGE` asks for
    // categories too, and every video here has none, so it costs no more.
    assert_eq!(costs[0], costs[1], "nodes, 1 vs 24 videos: {costs:?}");
    assert_eq!(costs[1], costs[2], "nodes vs edges, 24 videos: {costs:?}");
    assert_eq!(
        costs[1], 3,
        "statements for 24 videos through nodes: {costs:?}"
    );
}

async fn playlist_items_and_episodes_cost_constant_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Counted").await;
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Counted" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .clone();
    let tag = support::tag(&app, &admin, "t").await;
    for n in 0..12 {
        let video = support::video(
            &app,
            &admin,
            &channel,
            &format!("I{n}"),
            json!({ "status": "READY", "tagIds": [tag] }),
        )
        .await;
        app.graphql_ok(
            Some(&admin),
            "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
            json!({ "i": { "playlistId": playlist, "videoId": video } }),
        )
        .await;
    }
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Counted", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .clone();
    for n in 0..12 {
        support::episode(
            &app,
            &admin,
            podcast.as_str().unwrap(),
            &format!("E{n}"),
            json!({ "status": "READY", "tagIds": [tag] }),
        )
        .await;
    }
    let cost = |query: &'static str, n: i64| {
        let app = &app;
        let (playlist, podcast) = (playlist.clone(), podcast.clone());
        async move {
            app.statements_of(None, query, json!({ "p": playlist, "s": podcast, "n": n }))
                .await
                .0
        }
    };
    let items = "query($p: ID!, $n: Int) { playlist(id: $p) { items(first: $n) { edges { node {
        position video { title channel { name } tags { name } } } } } } }";
    let episodes =
        "query($s: ID!, $n: Int) { podcast(id: $s) { episodes(first: $n) { edges { node {
        title podcast { title } tags { name } } } } } }";
    assert_eq!(
        cost(items, 1).await,
        cost(items, 12).await,
        "playlist items"
    );
    assert_eq!(
        cost(episodes, 1).await,
        cost(episodes, 12).await,
        "episodes"
    );
}

/// A list page reads the long texts only when something asks for them; asked through a
/// fragment or an inline fragment, in `nodes` or `edges`, they come whole.
async fn a_list_reads_descriptions_and_chapters_whole_whenever_they_are_asked_for(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Texts").await;
    let description = format!(
        "A **long** description. {}",
        "Words and more words. ".repeat(200)
    );
    support::video(
        &app,
        &admin,
        &channel,
        "With texts",
        json!({
            "status": "READY",
            "description": description,
            "chapters": [{ "title": "Start", "startSecs": 0.0 }, { "title": "Later", "startSecs": 5.0 }],
        }),
    )
    .await;
    let queries = [
        "{ videos { nodes { title description descriptionHtml chapters { title startSecs } } } }",
        "{ videos { edges { node { ...Texts } } } } fragment Texts on Video { title description descriptionHtml chapters { title startSecs } }",
        "{ videos { nodes { title ... on Video { description descriptionHtml chapters { title startSecs } } } } }",
    ];
    for query in queries {
        let data = app.graphql_ok(None, query, json!({})).await;
        let video = if query.contains("edges") {
            &data["videos"]["edges"][0]["node"]
        } else {
            &data["videos"]["nodes"][0]
        };
        assert_eq!(video["title"], "With texts", "{query}: {data}");
        assert_eq!(video["description"], description.as_str(), "{query}");
        assert!(
            video["descriptionHtml"]
                .as_str()
                .unwrap()
                .contains("<strong>long</strong>"),
            "{query}: {data}"
        );
        assert_eq!(video["chapters"][1]["title"], "Later", "{query}: {data}");
    }
    // Without them the rest of the row is whole: the same video by itself agrees.
    let data = app
        .graphql_ok(
            None,
            "{ videos { nodes { id title slug duration viewCount publishAt } } }",
            json!({}),
        )
        .await;
    let listed = &data["videos"]["nodes"][0];
    let alone = app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { id title slug duration viewCount publishAt description } }",
            json!({ "id": listed["id"] }),
        )
        .await;
    for field in ["id", "title", "slug", "duration", "viewCount", "publishAt"] {
        assert_eq!(listed[field], alone["video"][field], "{field}");
    }
    assert_eq!(alone["video"]["description"], description.as_str());
}

/// The viewer app's watch page (signed in: likes and position too), its playlist page, an
/// episode and a list load every nested field with their item, not after the DataLoaders' batch
/// window (1 ms on a timer, waited out once per nesting level). The server counts the batches
/// that went through a window (`projector_graphql_loader_batches_total`); a field nobody
/// prefetches (a category's parent) still counts one.
async fn an_item_s_nested_fields_wait_for_no_batch_window(backend: Backend) {
    const BATCHES: &str = "projector_graphql_loader_batches_total";
    const WATCH_PAGE: &str = include_str!("../../../frontend/graphql/watch_page.graphql");
    const PLAYLIST_PAGE: &str = include_str!("../../../frontend/graphql/playlist_page.graphql");
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token("watcher@example.com", "VIEWER").await;
    let channel = support::channel(&app, &admin, "Windows").await;
    let tag = support::tag(&app, &admin, "w").await;
    let category = support::category(&app, &admin, "Cat", None).await;
    support::category(&app, &admin, "Kitten", Some(&category)).await;
    let mut videos = Vec::new();
    for n in 0..5 {
        videos.push(
            support::video(
                &app,
                &admin,
                &channel,
                &format!("Watched {n}"),
                json!({ "status": "READY", "tagIds": [tag], "categoryId": category }),
            )
            .await,
        );
    }
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Windows", "visibility": "PUBLIC" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .clone();
    for video in &videos[..3] {
        app.graphql_ok(
            Some(&admin),
            "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
            json!({ "i": { "playlistId": playlist, "videoId": video } }),
        )
        .await;
    }
    let podcast = support::podcast(&app, &admin, &channel, "Windows").await;
    let episode = support::episode(
        &app,
        &admin,
        &podcast,
        "Heard",
        json!({ "status": "READY", "tagIds": [tag] }),
    )
    .await;
    let uuid = |id: &str| {
        app.graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { uuid } }",
            json!({ "id": id }),
        )
    };
    let watched = uuid(&videos[0]).await["video"]["uuid"].clone();
    app.graphql_ok(
        Some(&viewer),
        "mutation($id: ID!) { likeVideo(input: { videoId: $id }) { video { viewerHasLiked } } }",
        json!({ "id": videos[0] }),
    )
    .await;

    // The batches each request waited for, by name, for the failure message.
    let mut waited = Vec::new();
    let mut run = async |name: &str, token: Option<&str>, query: &str, variables: Value| {
        let before = app.counter(BATCHES).await;
        let data = app.graphql_ok(token, query, variables).await;
        waited.push((name.to_string(), app.counter(BATCHES).await - before));
        data
    };
    let watch = run("watch", Some(&viewer), WATCH_PAGE, json!({ "id": watched })).await;
    let anonymous = run(
        "watch, anonymous",
        None,
        WATCH_PAGE,
        json!({ "id": watched }),
    )
    .await;
    let list = run(
        "playlist",
        Some(&viewer),
        PLAYLIST_PAGE,
        json!({ "id": playlist }),
    )
    .await;
    let heard = run(
        "episode",
        Some(&viewer),
        "query($id: ID!) { episode(id: $id) { title viewerHasLiked viewerPosition
            podcast { title channel { name } } tags { name } media { audio { url } } } }",
        json!({ "id": episode }),
    )
    .await;
    let page = run("list", None, NODES_PAGE, json!({ "n": 5 })).await;
    let batches: u64 = waited.iter().map(|(_, n)| n).sum();
    let video = &watch["video"];
    assert_eq!(video["viewerHasLiked"], true, "{watch}");
    assert_eq!(anonymous["video"]["viewerHasLiked"], false, "{anonymous}");
    assert_eq!(video["channel"]["name"], "Windows", "{watch}");
    assert_eq!(video["category"]["name"], "Cat", "{watch}");
    assert_eq!(video["tags"][0]["name"], "w", "{watch}");
    let related = video["related"].as_array().unwrap();
    assert_eq!(related.len(), 4, "{watch}");
    assert!(
        related.iter().all(|r| r["channel"]["name"] == "Windows"),
        "{watch}"
    );
    let items = list["playlist"]["items"]["nodes"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list}");
    assert_eq!(list["playlist"]["channel"]["name"], "Windows", "{list}");
    assert!(
        items
            .iter()
            .all(|i| i["video"]["channel"]["name"] == "Windows"),
        "{list}"
    );
    assert_eq!(heard["episode"]["podcast"]["title"], "Windows", "{heard}");
    assert_eq!(heard["episode"]["tags"][0]["name"], "w", "{heard}");
    assert_eq!(page["videos"]["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(batches, 0, "batches that waited for a window: {waited:?}");

    // The counter counts: a category's parent is not prefetched, so it waits for a window.
    let before = app.counter(BATCHES).await;
    let data = app
        .graphql_ok(
            None,
            "query($p: ID) { categories(parent: $p) { name parent { name } } }",
            json!({ "p": category }),
        )
        .await;
    assert!(
        data["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["parent"]["name"] == "Cat"),
        "{data}"
    );
    assert_eq!(app.counter(BATCHES).await - before, 1);
}

/// What one request cost in statements in all, and in SQLite reads on the calling thread and on
/// a blocking thread: the try with the fewest statements of three (background work can only
/// add statements, never calling-thread reads).
async fn reads_of(
    app: &projector_tests::TestApp,
    token: Option<&str>,
    query: &str,
) -> (u64, u64, u64) {
    const CALLING: &str = "projector_db_reads_total{thread=\"calling\"}";
    const BLOCKING: &str = "projector_db_reads_total{thread=\"blocking\"}";
    let mut fewest: Option<(u64, u64, u64)> = None;
    for _ in 0..3 {
        let before = (
            app.statements().await,
            app.counter(CALLING).await,
            app.counter(BLOCKING).await,
        );
        app.graphql_ok(token, query, json!({})).await;
        let cost = (
            app.statements().await - before.0,
            app.counter(CALLING).await - before.1,
            app.counter(BLOCKING).await - before.2,
        );
        if fewest.is_none_or(|f| cost.0 < f.0) {
            fewest = Some(cost);
        }
    }
    fewest.unwrap()
}

/// On SQLite a page of videos, one video by id with its related videos, and every nested field
/// they show, anonymous or signed in as an editor, are read on the calling thread through the server's own read-only connections:
/// no statement of theirs goes to sqlx's worker threads, a thread hand-off per statement and per
/// row (`db::reads`). PostgreSQL reads them through its pool.
async fn the_catalogue_s_read_paths_run_on_the_calling_thread_on_sqlite(backend: Backend) {
    let sqlite = matches!(backend, Backend::Sqlite);
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Threads").await;
    let tag = support::tag(&app, &admin, "t").await;
    let category = support::category(&app, &admin, "Cat", None).await;
    let mut videos = Vec::new();
    for n in 0..8 {
        videos.push(
            support::video(
                &app,
                &admin,
                &channel,
                &format!("Threaded {n}"),
                json!({ "status": "READY", "tagIds": [tag], "categoryId": category }),
            )
            .await,
        );
    }
    let list =
        "{ videos(first: 6) { nodes { title channel { name } tags { name } category { name } } } }";
    let watch = format!(
        "{{ video(id: \"{}\") {{ title channel {{ name }} tags {{ name }} category {{ name }}
            related(first: 5) {{ title channel {{ name }} tags {{ name }} }} }} }}",
        videos[0]
    );
    let editor = app.user_token("threads@example.com", "EDITOR").await;
    for (token, query) in [
        (None, list),
        (None, watch.as_str()),
        (Some(editor.as_str()), list),
        (Some(editor.as_str()), watch.as_str()),
    ] {
        let (statements, calling, blocking) = reads_of(&app, token, query).await;
        assert!(statements >= 4, "{statements} statements for {query}");
        assert_eq!(blocking, 0, "nothing outran its budget: {query}");
        if sqlite {
            assert_eq!(
                calling, statements,
                "every statement on the calling thread: {query}"
            );
        } else {
            assert_eq!(calling, 0, "PostgreSQL reads through its pool");
        }
    }
}

both_databases!(
    the_catalogue_s_read_paths_run_on_the_calling_thread_on_sqlite,
    an_item_s_nested_fields_wait_for_no_batch_window,
    a_list_reads_descriptions_and_chapters_whole_whenever_they_are_asked_for,
    a_page_of_videos_with_channels_and_tags_costs_constant_statements,
    a_page_of_videos_asked_through_nodes_costs_the_same_statements_as_through_edges,
    playlist_items_and_episodes_cost_constant_statements,
);
