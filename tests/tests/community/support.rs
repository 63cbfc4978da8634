//! Fixtures of the community tests.

use std::time::Duration;

use projector_api::config::Registration;
use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

/// A server with open registration, counters written every 50 ms and room for many sign-ins.
pub async fn open_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| {
        c.accounts.registration = Some(Registration::Open);
        c.delivery.view_flush_ms = 50;
        c.auth.login_attempts_per_address = 10_000;
        c.accounts.signups_per_address = 10_000;
    })
    .await
}

pub const SIGN_UP: &str = "mutation($i: SignUpInput!) { signUp(input: $i) { ok } }";

/// Signs a viewer up and in; returns their access token.
pub async fn viewer(app: &TestApp, email: &str) -> String {
    let body = app
        .graphql(
            None,
            SIGN_UP,
            json!({ "i": { "email": email, "password": "a quiet river 42", "displayName": email } }),
        )
        .await;
    assert_eq!(body["data"]["signUp"]["ok"], true, "{body}");
    app.login(email, "a quiet river 42").await.0
}

/// Creates a channel as the admin; returns its ID.
pub async fn channel(app: &TestApp, admin: &str, name: &str) -> String {
    app.create_channel(admin, name).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates a video with extra input fields (a `status` is its media status); returns its ID.
pub async fn video(
    app: &TestApp,
    token: &str,
    channel: &str,
    title: &str,
    mut extra: Value,
) -> String {
    let status = projector_tests::take_media_status(&mut extra);
    let id = app.create_video(token, channel, title, extra).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    if let Some(status) = status {
        app.set_media_status(&id, &status).await;
    }
    id
}

/// A public, published, playable video.
pub async fn public_video(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    video(
        app,
        token,
        channel,
        title,
        json!({ "status": "READY", "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await
}

/// A public podcast in `channel` with one public, published, playable episode; returns the
/// episode's ID.
pub async fn public_episode(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    let podcast = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": format!("{title} show"), "author": "A",
                    "ownerName": "O", "ownerEmail": "o@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let episode = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": title, "publishAt": "2020-01-01T00:00:00Z" } }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.set_media_status(&episode, "READY").await;
    episode
}

/// Reads `path` of the answer to `query` until it equals `want` (counters are written in
/// batches), failing after five seconds.
pub async fn eventually(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    vars: Value,
    path: &[&str],
    want: Value,
) {
    let mut last = Value::Null;
    for _ in 0..100 {
        let mut data = app.graphql_ok(token, query, vars.clone()).await;
        for p in path {
            data = data[*p].clone();
        }
        if data == want {
            return;
        }
        last = data;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{query} {path:?}: wanted {want}, still {last} after 5 s");
}

/// Runs SQL straight on the test database (standing in for what the API cannot do, like
/// deleting a user row).
pub async fn sql(app: &TestApp, statement: &str) {
    use sea_orm::ConnectionTrait;
    let db = app.db().await;
    db.execute_unprepared(statement).await.expect(statement);
    db.close().await.ok();
}

/// A server for the comment tests: open registration, no wait for new accounts, and
/// `per_window` comments per user per minute.
pub async fn comments_app(backend: Backend, per_window: u32) -> TestApp {
    spawn_app_with(backend, |c| {
        c.accounts.registration = Some(Registration::Open);
        c.auth.login_attempts_per_address = 10_000;
        c.accounts.signups_per_address = 10_000;
        c.accounts.comment_after_secs = 0;
        c.accounts.comments_per_window = per_window;
        c.accounts.comment_window_secs = 60;
    })
    .await
}

pub const POST: &str = "mutation($i: PostCommentInput!) { postComment(input: $i) { comment { id status body bodyHtml authorName viewerIsAuthor parentId } } }";

/// The first page of an item's comments with the count, as `query` on `video` or `episode`.
pub const THREAD: &str = "query($id: ID!) { video(id: $id) { commentCount comments(first: 20) { nodes { id status bodyHtml authorName replyCount replies(first: 5) { nodes { id bodyHtml } } } } } }";

/// Posts a comment (a reply with `parent`) and returns the whole answer.
pub async fn post(
    app: &TestApp,
    token: &str,
    item: &str,
    body: &str,
    parent: Option<&str>,
) -> Value {
    app.graphql(
        Some(token),
        POST,
        json!({ "i": { "itemId": item, "body": body, "parentId": parent } }),
    )
    .await
}

/// Posts a comment that must succeed; returns its ID.
pub async fn comment(app: &TestApp, token: &str, item: &str, body: &str) -> String {
    let answer = post(app, token, item, body, None).await;
    answer["data"]["postComment"]["comment"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_string()
}

/// The thread of a video as `token` reads it (`video` is null when they cannot see it).
pub async fn thread(app: &TestApp, token: Option<&str>, video: &str) -> Value {
    app.graphql_ok(token, THREAD, json!({ "id": video })).await["video"].clone()
}

/// The IDs of the top-level comments in a thread.
pub fn ids(thread: &Value) -> Vec<String> {
    thread["comments"]["nodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| n["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A user's global ID, as the admin reads it.
pub async fn user_id(app: &TestApp, admin: &str, email: &str) -> String {
    let data = app
        .graphql_ok(
            Some(admin),
            "{ users(first: 100) { nodes { id email } } }",
            json!({}),
        )
        .await;
    data["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap_or_else(|| panic!("no user {email}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}
