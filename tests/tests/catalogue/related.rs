//! `Video.related(first:)`: ranked by shared tags, then category, then channel, then recency;
//! never the video itself, never what the public cannot list, whoever asks.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support;

async fn related(app: &TestApp, token: Option<&str>, id: &str, first: Option<i64>) -> Value {
    app.graphql(
        token,
        "query($id: ID!, $first: Int) { video(id: $id) { related(first: $first) { title } } }",
        json!({ "id": id, "first": first.unwrap_or(12) }),
    )
    .await
}

fn titles(body: &Value) -> Vec<String> {
    body["data"]["video"]["related"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|v| v["title"].as_str().unwrap().to_string())
        .collect()
}

async fn related_videos_rank_shared_tags_then_category_then_channel_then_recency(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let home = support::channel(&app, &admin, "Home").await;
    let away = support::channel(&app, &admin, "Away").await;
    let (a, b, c) = (
        support::tag(&app, &admin, "alpha").await,
        support::tag(&app, &admin, "beta").await,
        support::tag(&app, &admin, "gamma").await,
    );
    let category = support::category(&app, &admin, "Science", None).await;
    let other_category = support::category(&app, &admin, "Sports", None).await;
    let public = |extra: Value| {
        let mut e = extra;
        e["status"] = json!("READY");
        if e.get("publishAt").is_none() {
            e["publishAt"] = json!("2026-01-01T00:00:00Z");
        }
        e
    };
    let watched = support::video(
        &app,
        &admin,
        &home,
        "Watched",
        public(json!({ "tagIds": [a, b], "categoryId": category })),
    )
    .await;
    // Created in an order unrelated to the expected ranking.
    for (title, channel, extra) in [
        (
            "Same channel, old",
            &home,
            json!({ "publishAt": "2020-01-01T00:00:00Z" }),
        ),
        (
            "One tag",
            &away,
            json!({ "tagIds": [a, c], "categoryId": other_category }),
        ),
        ("Same category", &away, json!({ "categoryId": category })),
        ("Two tags", &away, json!({ "tagIds": [b, a] })),
        (
            "One tag and the category",
            &away,
            json!({ "tagIds": [b], "categoryId": category }),
        ),
        (
            "Same channel, recent",
            &home,
            json!({ "publishAt": "2026-06-01T00:00:00Z" }),
        ),
        (
            "Nothing in common",
            &away,
            json!({ "tagIds": [c], "categoryId": other_category }),
        ),
    ] {
        support::video(&app, &admin, channel, title, public(extra)).await;
    }
    // Hidden from the public in every way; each shares everything with the watched video.
    let everything = json!({ "tagIds": [a, b], "categoryId": category });
    for (title, extra) in [
        ("Private", json!({ "visibility": "PRIVATE" })),
        ("Unlisted", json!({ "visibility": "UNLISTED" })),
        ("Scheduled", json!({ "publishAt": "2099-01-01T00:00:00Z" })),
    ] {
        let mut input = everything.clone();
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        support::video(&app, &admin, &home, title, public(input)).await;
    }
    let mut draft = everything.clone();
    draft["status"] = json!("PROCESSING");
    draft["publishAt"] = json!("2026-01-01T00:00:00Z");
    support::video(&app, &admin, &home, "Still processing", draft).await;

    let expected = [
        "Two tags",
        "One tag and the category",
        "One tag",
        "Same category",
        "Same channel, recent",
        "Same channel, old",
    ];
    // The same for the public and for an admin who could see the hidden ones.
    for token in [None, Some(admin.as_str())] {
        let body = related(&app, token, &watched, None).await;
        assert_eq!(titles(&body), expected, "{body}");
    }
    let body = related(&app, None, &watched, Some(2)).await;
    assert_eq!(titles(&body), &expected[..2]);
    let body = related(&app, None, &watched, Some(0)).await;
    assert!(titles(&body).is_empty());
    for bad in [25, -1] {
        let body = related(&app, None, &watched, Some(bad)).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    }

    // Two statements whatever the video shares: its tags, then one that finds, scores and
    // reads the related videos (one per signal and per step used to be nine here).
    let q = |related: &str| format!("query($id: ID!) {{ video(id: $id) {{ id {related} }} }}");
    let (alone, _) = app
        .statements_of(None, &q(""), json!({ "id": watched }))
        .await;
    let (with_related, _) = app
        .statements_of(
            None,
            &q("related(first: 12) { title }"),
            json!({ "id": watched }),
        )
        .await;
    assert_eq!(
        with_related - alone,
        2,
        "related cost {} statements",
        with_related - alone
    );
}

both_databases!(related_videos_rank_shared_tags_then_category_then_channel_then_recency);
