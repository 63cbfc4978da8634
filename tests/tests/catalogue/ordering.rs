//! The orders of video lists (issue 16): `NEWEST`/`OLDEST` by publish time, `TRENDING` by
//! recent daily views, `MOST_VIEWED` for videos and channels; and the editors' daily
//! statistics (`viewsPerDay`).

use std::time::Duration;

use chrono::{NaiveDate, TimeDelta, Utc};
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app, spawn_app_with};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{Value, json};

use crate::support;

/// Every title of a video list, walked one item per page (so each step crosses a cursor).
async fn titles(app: &TestApp, token: Option<&str>, order: &str, filter: Value) -> Vec<String> {
    let mut titles = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .graphql_ok(
                token,
                "query($after: String, $order: OrderBy, $f: VideoFilter) {
                    videos(first: 1, after: $after, orderBy: $order, filter: $f) {
                        pageInfo { hasNextPage endCursor } edges { node { title } } } }",
                json!({ "after": after, "order": order, "f": filter }),
            )
            .await;
        let page = &data["videos"];
        for e in page["edges"].as_array().unwrap() {
            titles.push(e["node"]["title"].as_str().unwrap().to_string());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return titles;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(String::from);
    }
}

async fn newest_and_oldest_follow_the_publish_time_not_the_creation_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Archive").await;
    // Created in this order; published (imported with their original dates) in another.
    for (title, published) in [
        ("Made first, published 2025", "2025-06-01T00:00:00Z"),
        ("Made second, imported from 2019", "2019-03-01T00:00:00Z"),
        ("Made third, published 2026", "2026-01-01T00:00:00Z"),
        ("Made fourth, imported from 2021", "2021-07-01T12:00:00Z"),
    ] {
        support::video(
            &app,
            &admin,
            &channel,
            title,
            json!({ "status": "READY", "publishAt": published }),
        )
        .await;
    }
    // Scheduled for next year: hidden from the public, at the top of its editors' NEWEST.
    support::video(
        &app,
        &admin,
        &channel,
        "Made fifth, scheduled",
        json!({ "status": "READY", "publishAt": "2099-01-01T00:00:00Z" }),
    )
    .await;
    // Never published: an editor sees it by its creation time (just now).
    support::video(&app, &admin, &channel, "Made last, a draft", json!({})).await;

    let public_newest = [
        "Made third, published 2026",
        "Made first, published 2025",
        "Made fourth, imported from 2021",
        "Made second, imported from 2019",
    ];
    assert_eq!(titles(&app, None, "NEWEST", json!({})).await, public_newest);
    let mut oldest = public_newest.to_vec();
    oldest.reverse();
    assert_eq!(titles(&app, None, "OLDEST", json!({})).await, oldest);
    // The same through the channel's own list (its own index).
    assert_eq!(
        titles(&app, None, "NEWEST", json!({ "channel": channel })).await,
        public_newest
    );
    let mut editor_newest = vec!["Made fifth, scheduled", "Made last, a draft"];
    editor_newest.extend(public_newest);
    assert_eq!(
        titles(&app, Some(&admin), "NEWEST", json!({ "channel": channel })).await,
        editor_newest
    );
    // The default order is NEWEST.
    let data = app
        .graphql_ok(
            None,
            "{ videos(first: 1) { edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["videos"]["edges"][0]["node"]["title"],
        "Made third, published 2026"
    );
}

/// Sets a row of `video_daily_views` and the video's all-time count straight in the database
/// (standing in for days of beacons).
async fn seed_views(app: &TestApp, video: &str, day: NaiveDate, views: i64) {
    let (_, id) = projector_api::graphql::relay::decode(video).unwrap();
    let db = app.db().await;
    let backend = db.get_database_backend();
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("video_daily_views"))
        .columns([
            Alias::new("video_id"),
            Alias::new("day"),
            Alias::new("views"),
        ])
        .values([id.into(), day.into(), views.into()])
        .unwrap();
    db.execute(backend.build(&insert)).await.unwrap();
    let mut update = Query::update();
    update
        .table(Alias::new("videos"))
        .value(
            Alias::new("view_count"),
            Expr::col(Alias::new("view_count")).add(views),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id));
    db.execute(backend.build(&update)).await.unwrap();
    db.close().await.ok();
}

async fn beacon(app: &TestApp, id: &str, from: &str) {
    let r = app
        .client
        .post(app.url(&format!("/views/{id}")))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        reqwest::StatusCode::NO_CONTENT,
        "beacon for {id}"
    );
}

async fn views_per_day(app: &TestApp, token: Option<&str>, id: &str, days: i64) -> Value {
    app.graphql(
        token,
        "query($id: ID!, $days: Int!) { node(id: $id) {
            ... on Video { viewsPerDay(days: $days) { day views } }
            ... on Episode { viewsPerDay(days: $days) { day views } } } }",
        json!({ "id": id, "days": days }),
    )
    .await
}

fn fast_flush(c: &mut projector_api::Config) {
    c.auth.trust_forwarded_for = true;
    c.delivery.view_flush_ms = 100;
}

async fn trending_follows_recent_days_and_most_viewed_all_time(backend: Backend) {
    let app = spawn_app_with(backend, fast_flush).await;
    let admin = app.admin_token().await;
    let quiet = support::channel(&app, &admin, "Quiet").await;
    let busy = support::channel(&app, &admin, "Busy").await;
    let some = support::channel(&app, &admin, "Some").await;
    let old_hit = support::public_video(&app, &admin, &busy, "Old hit").await;
    let today_hit = support::public_video(&app, &admin, &busy, "Today's hit").await;
    let recent = support::public_video(&app, &admin, &busy, "Two days ago").await;
    let small = support::public_video(&app, &admin, &some, "Small").await;
    let today = Utc::now().date_naive();
    // Scores (half-life two days): 100 / 2^5 ≈ 3.1, 30, 40 / 2 = 20.
    seed_views(&app, &old_hit, today - TimeDelta::days(10), 100).await;
    seed_views(&app, &today_hit, today, 30).await;
    seed_views(&app, &recent, today - TimeDelta::days(2), 40).await;
    // The first flush of a node recomputes the scores from the daily table.
    let app = app.restart().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        titles(&app, None, "TRENDING", json!({})).await,
        ["Today's hit", "Two days ago", "Old hit", "Small"]
    );
    assert_eq!(
        titles(&app, None, "MOST_VIEWED", json!({})).await,
        ["Old hit", "Two days ago", "Today's hit", "Small"]
    );

    // 25 viewers today lift the old hit to 3.1 + 25 ≈ 28: above 20, below 30.
    for n in 0..25 {
        beacon(&app, &old_hit, &format!("198.51.100.{n}")).await;
    }
    for n in 0..2 {
        beacon(&app, &small, &format!("203.0.113.{n}")).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        titles(&app, None, "TRENDING", json!({})).await,
        ["Today's hit", "Old hit", "Two days ago", "Small"]
    );
    assert_eq!(
        titles(&app, None, "TRENDING", json!({ "channel": busy })).await,
        ["Today's hit", "Old hit", "Two days ago"]
    );

    // Channels by the views their videos got through beacons (seeded counts went around them).
    let data = app
        .graphql_ok(
            None,
            "{ channels(orderBy: MOST_VIEWED) { edges { node { name viewCount } } } }",
            json!({}),
        )
        .await;
    let edges = data["channels"]["edges"].as_array().unwrap();
    let names: Vec<(&str, i64)> = edges
        .iter()
        .map(|e| {
            (
                e["node"]["name"].as_str().unwrap(),
                e["node"]["viewCount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("Busy", 25), ("Some", 2), ("Quiet", 0)]);
    let body = app
        .graphql(
            None,
            "{ channels(orderBy: TRENDING) { edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let _ = quiet;

    // The old hit's last 11 days: 100 ten days ago, nothing between, 25 today.
    let body = views_per_day(&app, Some(&admin), &old_hit, 11).await;
    let days = body["data"]["node"]["viewsPerDay"].as_array().unwrap();
    assert_eq!(days.len(), 11, "{body}");
    assert_eq!(
        days[0],
        json!({ "day": (today - TimeDelta::days(10)).to_string(), "views": 100 })
    );
    assert_eq!(days[10], json!({ "day": today.to_string(), "views": 25 }));
    assert!(days[1..10].iter().all(|d| d["views"] == 0), "{body}");
    // The default is 30 days.
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on Video { viewsPerDay { views } } } }",
            json!({ "id": old_hit }),
        )
        .await;
    assert_eq!(data["node"]["viewsPerDay"].as_array().unwrap().len(), 30);
}

async fn daily_statistics_are_for_the_channels_editors_only(backend: Backend) {
    let app = spawn_app_with(backend, fast_flush).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Stats").await;
    let video = support::public_video(&app, &admin, &channel, "Counted").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Show", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let episode = support::episode(
        &app,
        &admin,
        &podcast,
        "Played",
        json!({ "status": "READY" }),
    )
    .await;
    for n in 0..3 {
        beacon(&app, &video, &format!("192.0.2.{n}")).await;
    }
    for n in 0..2 {
        beacon(&app, &episode, &format!("192.0.2.{n}")).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let today = Utc::now().date_naive().to_string();
    for (id, views) in [(&video, 3), (&episode, 2)] {
        let body = views_per_day(&app, Some(&admin), id, 1).await;
        assert_eq!(
            body["data"]["node"]["viewsPerDay"],
            json!([{ "day": today, "views": views }]),
            "{body}"
        );
    }
    // An editor of the channel sees them; an editor of another channel, a viewer, a read token
    // and anonymous callers get null (the item itself stays readable).
    let editor = app.user_token("stats-editor@example.com", "EDITOR").await;
    let editor_id = support::me(&app, &editor).await;
    app.graphql_ok(
        Some(&admin),
        "mutation($c: ID!, $u: ID!) { addChannelMember(input: { channelId: $c, userId: $u, role: EDITOR }) { channel { id } } }",
        json!({ "c": channel, "u": editor_id }),
    )
    .await;
    let body = views_per_day(&app, Some(&editor), &video, 1).await;
    assert_eq!(body["data"]["node"]["viewsPerDay"][0]["views"], 3, "{body}");
    let outsider = app.user_token("other-editor@example.com", "EDITOR").await;
    let viewer = app.user_token("stats-viewer@example.com", "VIEWER").await;
    let read = support::read_token(&app).await;
    for token in [
        Some(outsider.as_str()),
        Some(viewer.as_str()),
        Some(read.as_str()),
        None,
    ] {
        for id in [&video, &episode] {
            let body = views_per_day(&app, token, id, 7).await;
            assert!(body["errors"].is_null(), "{body}");
            assert!(body["data"]["node"].is_object(), "{body}");
            assert!(body["data"]["node"]["viewsPerDay"].is_null(), "{body}");
        }
    }
    // 0 and more than 90 days are refused, for everyone.
    for days in [0, 91, -1] {
        for token in [Some(admin.as_str()), None] {
            let body = views_per_day(&app, token, &video, days).await;
            assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        }
    }
}

both_databases!(newest_and_oldest_follow_the_publish_time_not_the_creation_order);
both_databases!(trending_follows_recent_days_and_most_viewed_all_time);
both_databases!(daily_statistics_are_for_the_channels_editors_only);
