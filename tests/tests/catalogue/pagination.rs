//! Keyset pagination: pages join up without gaps or repeats, cursors belong to their list.

use projector_tests::{Backend, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support;

async fn walk(app: &projector_tests::TestApp, order: &str, filter: Value) -> Vec<String> {
    let mut titles = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .graphql_ok(
                None,
                "query($after: String, $order: OrderBy, $f: VideoFilter) {
                    videos(first: 7, after: $after, orderBy: $order, filter: $f) {
                        totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }",
                json!({ "after": after, "order": order, "f": filter }),
            )
            .await;
        let page = &data["videos"];
        for e in page["edges"].as_array().unwrap() {
            titles.push(e["node"]["title"].as_str().unwrap().to_string());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(String::from);
    }
    titles
}

async fn pages_join_up_in_every_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Pages").await;
    let other = support::channel(&app, &admin, "Other").await;
    let mut created = Vec::new();
    for n in 0..23 {
        // Titles out of creation order, with duplicates, so TITLE needs the id tie-breaker.
        let title = format!("T{:02}", (n * 7) % 11);
        let slug = format!("v{n}");
        support::video(
            &app,
            &admin,
            &channel,
            &title,
            json!({ "status": "READY", "slug": slug }),
        )
        .await;
        created.push(title);
    }
    support::public_video(&app, &admin, &other, "Elsewhere").await;
    let filter = json!({ "channel": channel });

    let newest = walk(&app, "NEWEST", filter.clone()).await;
    let mut expected = created.clone();
    expected.reverse();
    assert_eq!(newest, expected);
    assert_eq!(walk(&app, "OLDEST", filter.clone()).await, created);
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(walk(&app, "TITLE", filter.clone()).await, sorted);
    assert_eq!(walk(&app, "MOST_VIEWED", filter).await.len(), 23);
    assert_eq!(walk(&app, "NEWEST", json!({})).await.len(), 24);
}

async fn cursors_from_another_list_or_tampered_are_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Cursors").await;
    for n in 0..3 {
        support::public_video(&app, &admin, &channel, &format!("C{n}")).await;
    }
    let data = app
        .graphql_ok(
            None,
            "{ videos(first: 1) { pageInfo { endCursor } } channels(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let video_cursor = data["videos"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_string();
    let channel_cursor = data["channels"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_string();
    let mut tampered = video_cursor.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    let q = "query($after: String, $order: OrderBy) { videos(first: 1, after: $after, orderBy: $order) { edges { node { id } } } }";
    for (case, after, order) in [
        ("a channel cursor", channel_cursor.as_str(), "NEWEST"),
        ("a cursor of another order", video_cursor.as_str(), "TITLE"),
        ("a tampered cursor", tampered.as_str(), "NEWEST"),
        ("garbage", "%%%not-a-cursor", "NEWEST"),
    ] {
        let body = app
            .graphql(None, q, json!({ "after": after, "order": order }))
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{case}: {body}");
    }
    let ok = app
        .graphql_ok(None, q, json!({ "after": video_cursor, "order": "NEWEST" }))
        .await;
    assert_eq!(ok["videos"]["edges"].as_array().unwrap().len(), 1);
}

both_databases!(
    pages_join_up_in_every_order,
    cursors_from_another_list_or_tampered_are_rejected,
);

async fn video_lists_filter_by_every_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let a = support::channel(&app, &admin, "Filter A").await;
    let b = support::channel(&app, &admin, "Filter B").await;
    let tag = support::tag(&app, &admin, "Jazz").await;
    let category = support::category(&app, &admin, "Music", None).await;
    support::video(
        &app,
        &admin,
        &a,
        "Blue note",
        json!({ "status": "READY", "tagIds": [tag], "language": "en" }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &a,
        "Red note",
        json!({ "status": "PROCESSING", "categoryId": category, "language": "fr" }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &b,
        "Green",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;

    let titles = |filter: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let data = app
                .graphql_ok(
                    Some(&admin),
                    "query($f: VideoFilter) { videos(filter: $f, orderBy: TITLE) { edges { node { title } } } }",
                    json!({ "f": filter }),
                )
                .await;
            data["videos"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
    };
    assert_eq!(titles(json!({ "channel": a })).await, "Blue note,Red note");
    assert_eq!(titles(json!({ "tag": tag })).await, "Blue note");
    assert_eq!(titles(json!({ "category": category })).await, "Red note");
    assert_eq!(titles(json!({ "status": "PROCESSING" })).await, "Red note");
    assert_eq!(titles(json!({ "visibility": "PRIVATE" })).await, "Green");
    assert_eq!(titles(json!({ "language": "fr" })).await, "Red note");
    assert_eq!(
        titles(json!({ "text": "NOTE" })).await,
        "Blue note,Red note"
    );
    assert_eq!(
        titles(json!({ "createdAfter": "2999-01-01T00:00:00Z" })).await,
        ""
    );
    assert_eq!(
        titles(json!({ "createdBefore": "2999-01-01T00:00:00Z", "channel": b })).await,
        "Green"
    );
}

both_databases!(video_lists_filter_by_every_field);
