//! Helpers to build catalogue fixtures through the API.

use projector_tests::TestApp;
use serde_json::{Value, json};

/// Creates a channel as `token` and returns its ID.
pub async fn channel(app: &TestApp, token: &str, name: &str) -> String {
    app.create_channel(token, name).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates a tag as `token` and returns its ID.
pub async fn tag(app: &TestApp, token: &str, name: &str) -> String {
    app.graphql_ok(
        Some(token),
        "mutation($n: String!) { createTag(input: { name: $n }) { tag { id } } }",
        json!({ "n": name }),
    )
    .await["createTag"]["tag"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates a category as `token`, inside `parent` if given, and returns its ID.
pub async fn category(app: &TestApp, token: &str, name: &str, parent: Option<&str>) -> String {
    app.graphql_ok(
        Some(token),
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }",
        json!({ "i": { "name": name, "parentId": parent } }),
    )
    .await["createCategory"]["category"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates a video with extra input fields and returns its ID; a `status` in `extra` is the
/// media status it gets (see [`projector_tests::take_media_status`]).
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

/// Creates an episode with extra input fields and returns its ID; a `status` in `extra` is the
/// media status it gets (see [`projector_tests::take_media_status`]).
pub async fn episode(
    app: &TestApp,
    token: &str,
    podcast: &str,
    title: &str,
    mut extra: Value,
) -> String {
    let status = projector_tests::take_media_status(&mut extra);
    let mut input = json!({ "podcastId": podcast, "title": title });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": input }),
        )
        .await;
    let id = data["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    if let Some(status) = status {
        app.set_media_status(&id, &status).await;
    }
    id
}

/// Creates a published public video.
pub async fn public_video(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    video(app, token, channel, title, json!({ "status": "READY" })).await
}

/// The global ID of the user behind an access token.
pub async fn me(app: &TestApp, token: &str) -> String {
    let data = app
        .graphql_ok(Some(token), "{ me { id } }", json!({}))
        .await;
    data["me"]["id"].as_str().unwrap().to_string()
}

/// Creates a read-scope API token as the admin.
pub async fn read_token(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "mutation { createApiToken(input: { name: \"site\", scope: READ }) { token } }",
            json!({}),
        )
        .await;
    data["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The node IDs of a connection's edges.
pub fn ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Creates a podcast in `channel` as `token` and returns its ID.
pub async fn podcast(app: &TestApp, token: &str, channel: &str, title: &str) -> String {
    app.graphql_ok(
        Some(token),
        "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
        json!({ "i": { "channelId": channel, "title": title, "author": "A", "ownerName": "A",
            "ownerEmail": "a@example.com", "language": "en" } }),
    )
    .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `(ok, code)` of each result of a bulk mutation's payload, in order.
pub fn outcomes(payload: &Value) -> Vec<(bool, Option<String>)> {
    payload["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ok"].as_bool().unwrap(),
                r["code"].as_str().map(str::to_string),
            )
        })
        .collect()
}
