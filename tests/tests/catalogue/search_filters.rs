//! Search narrowed by kind and by date (`search(kinds:, since:)`), paged, with the visibility
//! rule intact under every filter.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support;

const SEARCH: &str =
    "query($q: String!, $after: String, $n: Int, $kinds: [SearchKind!], $since: DateTime) {
    search(query: $q, first: $n, after: $after, kinds: $kinds, since: $since) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { __typename
            ... on Video { title } ... on Episode { title } ... on Channel { name }
            ... on Playlist { title } ... on Podcast { title } } } } }";

/// `Kind:title` of each hit, in order.
fn names(data: &Value) -> Vec<String> {
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

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A whole second `days` from now (negative: in the past), RFC 3339.
fn at(now: DateTime<Utc>, days: i64) -> String {
    (now + TimeDelta::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Every hit of a search as `token`, paged `n` at a time; also checks that each page's
/// `totalCount` is the number of hits the pages add up to.
async fn all_pages(app: &TestApp, token: Option<&str>, vars: Value, n: i64) -> Vec<String> {
    let mut found = Vec::new();
    let mut totals = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut v = vars.clone();
        v["n"] = json!(n);
        v["after"] = json!(after);
        let data = app.graphql_ok(token, SEARCH, v).await;
        let page = names(&data);
        assert!(page.len() as i64 <= n, "{page:?}");
        found.extend(page);
        totals.push(data["search"]["totalCount"].as_i64().unwrap());
        if data["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["search"]["pageInfo"]["endCursor"]
            .as_str()
            .map(String::from);
    }
    assert!(
        totals.iter().all(|t| *t == found.len() as i64),
        "totalCount {totals:?} for {} hits: {found:?}",
        found.len()
    );
    found
}

/// One item of each kind matching "volcano", plus a private video, a video without media and
/// an unlisted video that also match.
async fn volcano_catalogue(app: &TestApp, admin: &str) {
    let channel = support::channel(app, admin, "Volcano Channel").await;
    support::public_video(app, admin, &channel, "Volcano eruption").await;
    support::video(
        app,
        admin,
        &channel,
        "Volcano secret",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;
    support::video(
        app,
        admin,
        &channel,
        "Volcano unlisted",
        json!({ "status": "READY", "visibility": "UNLISTED" }),
    )
    .await;
    support::video(
        app,
        admin,
        &channel,
        "Volcano draft",
        json!({ "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    app.graphql_ok(
        Some(admin),
        "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
        json!({ "i": { "channelId": channel, "title": "Volcano playlist" } }),
    )
    .await;
    let podcast = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Volcano talk", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    support::episode(
        app,
        admin,
        &podcast,
        "Volcano episode",
        json!({ "status": "READY" }),
    )
    .await;
}

async fn search_kinds_keep_only_those_kinds_and_an_empty_list_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    volcano_catalogue(&app, &admin).await;
    let search = |kinds: Value| {
        let app = &app;
        async move {
            app.graphql_ok(None, SEARCH, json!({ "q": "volcano", "kinds": kinds }))
                .await
        }
    };

    let everything = search(Value::Null).await;
    assert_eq!(
        sorted(names(&everything)),
        [
            "Channel:Volcano Channel",
            "Episode:Volcano episode",
            "Playlist:Volcano playlist",
            "Podcast:Volcano talk",
            "Video:Volcano eruption",
        ],
        "absent kinds: every kind, and only what the public may list"
    );
    let videos = search(json!(["VIDEO"])).await;
    assert_eq!(names(&videos), ["Video:Volcano eruption"]);
    assert_eq!(
        videos["search"]["totalCount"], 1,
        "the count is filtered too"
    );
    let two = search(json!(["CHANNEL", "PODCAST"])).await;
    assert_eq!(
        sorted(names(&two)),
        ["Channel:Volcano Channel", "Podcast:Volcano talk"]
    );
    assert_eq!(two["search"]["totalCount"], 2);
    for (kind, expected) in [
        ("EPISODE", "Episode:Volcano episode"),
        ("PLAYLIST", "Playlist:Volcano playlist"),
    ] {
        // A kind named twice is the kind once.
        let data = search(json!([kind, kind])).await;
        assert_eq!(names(&data), [expected], "{kind}");
    }

    // The admin sees the private, unlisted and unpublished videos, through the same filter.
    let admin_videos = app
        .graphql_ok(
            Some(&admin),
            SEARCH,
            json!({ "q": "volcano", "kinds": ["VIDEO"] }),
        )
        .await;
    assert_eq!(
        sorted(names(&admin_videos)),
        [
            "Video:Volcano draft",
            "Video:Volcano eruption",
            "Video:Volcano secret",
            "Video:Volcano unlisted"
        ]
    );

    // An empty list is a mistake, not "nothing": it says so.
    let body = app
        .graphql(None, SEARCH, json!({ "q": "volcano", "kinds": [] }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("kinds"),
        "{body}"
    );
    let body = app
        .graphql(None, SEARCH, json!({ "q": "volcano", "kinds": ["MOVIE"] }))
        .await;
    assert!(body["errors"][0].is_object(), "an unknown kind: {body}");
}

async fn search_since_keeps_items_dated_at_or_after_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let now = Utc::now();
    let channel = support::channel(&app, &admin, "Lava Channel").await;
    for (title, days) in [
        ("Lava today", -1),
        ("Lava last week", -10),
        ("Lava old", -100),
    ] {
        support::video(
            &app,
            &admin,
            &channel,
            title,
            json!({ "status": "READY", "publishAt": at(now, days) }),
        )
        .await;
    }
    // Recent, but hidden from the public: private, without media, scheduled.
    support::video(
        &app,
        &admin,
        &channel,
        "Lava private",
        json!({ "status": "READY", "visibility": "PRIVATE", "publishAt": at(now, -1) }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &channel,
        "Lava draft",
        json!({ "publishAt": at(now, -1) }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &channel,
        "Lava scheduled",
        json!({ "status": "READY", "publishAt": at(now, 10) }),
    )
    .await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Lava talk", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (title, days) in [("Lava episode new", -5), ("Lava episode old", -50)] {
        support::episode(
            &app,
            &admin,
            &podcast,
            title,
            json!({ "status": "READY", "publishAt": at(now, days) }),
        )
        .await;
    }
    let search = |token: Option<String>, vars: Value| {
        let app = &app;
        async move {
            let mut v = json!({ "q": "lava" });
            for (k, x) in vars.as_object().unwrap() {
                v[k] = x.clone();
            }
            sorted(names(&app.graphql_ok(token.as_deref(), SEARCH, v).await))
        }
    };

    // A month back: the recent videos and episode, and the channel and podcast, which are
    // dated by their creation (just now).
    assert_eq!(
        search(None, json!({ "since": at(now, -30) })).await,
        [
            "Channel:Lava Channel",
            "Episode:Lava episode new",
            "Podcast:Lava talk",
            "Video:Lava last week",
            "Video:Lava today",
        ]
    );
    // Both filters at once.
    assert_eq!(
        search(None, json!({ "since": at(now, -7), "kinds": ["VIDEO"] })).await,
        ["Video:Lava today"]
    );
    // "At or after": an item published exactly at `since` is in.
    assert_eq!(
        search(None, json!({ "since": at(now, -10), "kinds": ["VIDEO"] })).await,
        ["Video:Lava last week", "Video:Lava today"]
    );
    // Without `since`, the old ones are back.
    assert_eq!(
        search(None, json!({ "kinds": ["VIDEO", "EPISODE"] })).await,
        [
            "Episode:Lava episode new",
            "Episode:Lava episode old",
            "Video:Lava last week",
            "Video:Lava old",
            "Video:Lava today",
        ]
    );
    // A `since` in the future is no error: nothing public is dated then, so the public finds
    // nothing, while the admin finds what is scheduled after it.
    let future = json!({ "since": at(now, 5) });
    let data = app
        .graphql_ok(None, SEARCH, json!({ "q": "lava", "since": at(now, 5) }))
        .await;
    assert_eq!(data["search"]["totalCount"], 0, "{data}");
    assert_eq!(data["search"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        search(Some(admin.clone()), future).await,
        ["Video:Lava scheduled"]
    );
    let far = app
        .graphql_ok(
            None,
            SEARCH,
            json!({ "q": "lava", "since": "9999-12-31T23:59:59Z" }),
        )
        .await;
    assert_eq!(far["search"]["totalCount"], 0, "{far}");
    // The admin also sees the private and media-less recent videos, by the same date rule.
    assert_eq!(
        search(
            Some(admin.clone()),
            json!({ "since": at(now, -7), "kinds": ["VIDEO"] })
        )
        .await,
        [
            "Video:Lava draft",
            "Video:Lava private",
            "Video:Lava scheduled",
            "Video:Lava today"
        ]
    );
    // A `since` that is not a date is refused.
    let body = app
        .graphql(None, SEARCH, json!({ "q": "lava", "since": "last week" }))
        .await;
    assert!(body["errors"][0].is_object(), "{body}");
    assert!(body["data"].is_null(), "{body}");
}

async fn paging_a_filtered_search_neither_repeats_nor_skips(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let now = Utc::now();
    let channel = support::channel(&app, &admin, "Comet Channel").await;
    // Equal titles rank equal: the pages must break the ties by id, not repeat or drop them.
    let mut recent = Vec::new();
    for i in 0..7 {
        support::video(
            &app,
            &admin,
            &channel,
            "Comet",
            json!({ "status": "READY", "publishAt": at(now, -1 - i), "slug": format!("new-{i}") }),
        )
        .await;
        recent.push("Video:Comet".to_string());
    }
    for i in 0..4 {
        support::video(
            &app,
            &admin,
            &channel,
            "Comet",
            json!({ "status": "READY", "publishAt": at(now, -60 - i), "slug": format!("old-{i}") }),
        )
        .await;
        // Private twins interleave in the ranking and must stay out of every page.
        support::video(
            &app,
            &admin,
            &channel,
            "Comet",
            json!({ "status": "READY", "visibility": "PRIVATE", "publishAt": at(now, -1),
                    "slug": format!("private-{i}") }),
        )
        .await;
    }
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
        json!({ "i": { "channelId": channel, "title": "Comet" } }),
    )
    .await;

    let filtered = json!({ "q": "comet", "kinds": ["VIDEO"], "since": at(now, -30) });
    for n in [1, 2, 3, 7] {
        let paged = all_pages(&app, None, filtered.clone(), n).await;
        assert_eq!(paged, recent, "pages of {n}");
    }
    // The pages are the one-page result, in the same order, with distinct items: compare ids.
    let ids_query =
        "query($q: String!, $after: String, $n: Int, $kinds: [SearchKind!], $since: DateTime) {
        search(query: $q, first: $n, after: $after, kinds: $kinds, since: $since) {
            pageInfo { hasNextPage endCursor } edges { node { ... on Video { id } } } } }";
    let one_page = app
        .graphql_ok(None, ids_query, {
            let mut v = filtered.clone();
            v["n"] = json!(100);
            v
        })
        .await;
    let whole: Vec<String> = support::ids(&one_page["search"]);
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut v = filtered.clone();
        v["n"] = json!(2);
        v["after"] = json!(after);
        let data = app.graphql_ok(None, ids_query, v).await;
        paged.extend(support::ids(&data["search"]));
        if data["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["search"]["pageInfo"]["endCursor"]
            .as_str()
            .map(String::from);
    }
    assert_eq!(paged, whole);
    let mut distinct = whole.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 7, "{whole:?}");
    // Every kind, no date: the old videos and the playlist join, still without repeats.
    let everything = all_pages(&app, None, json!({ "q": "comet" }), 3).await;
    assert_eq!(everything.len(), 13, "{everything:?}");
}

both_databases!(
    search_kinds_keep_only_those_kinds_and_an_empty_list_is_refused,
    search_since_keeps_items_dated_at_or_after_it,
    paging_a_filtered_search_neither_repeats_nor_skips,
);
