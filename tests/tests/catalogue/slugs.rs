//! Generated slugs stay unique however long the title and however many items share it (issue
//! 13, finding 6: the third item with a 150-character title got `CONFLICT`).

use std::collections::HashSet;

use futures::future::join_all;
use projector_tests::{Backend, TestApp, both_databases, spawn_app};
use serde_json::{Value, json};

use crate::support;

/// A title longer than a slug may be, so the slug is cut and suffixes go on a shorter stem.
fn long_title(chars: usize) -> String {
    "The very long title of an item that editors gave twice and more "
        .repeat(4)
        .chars()
        .take(chars)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Runs `n` GraphQL mutations at once; returns their responses.
async fn at_once(
    app: &TestApp,
    token: &str,
    n: usize,
    query: &str,
    variables: Value,
) -> Vec<Value> {
    join_all((0..n).map(|_| app.graphql(Some(token), query, variables.clone()))).await
}

/// Checks that every response succeeded and that the slugs at `field` are distinct and short.
fn distinct_slugs(responses: &[Value], field: &str, item: &str) -> HashSet<String> {
    let mut slugs = HashSet::new();
    for body in responses {
        assert!(body.get("errors").is_none(), "{body}");
        let slug = body["data"][field][item]["slug"].as_str().unwrap();
        assert!(slug.len() <= 100, "{slug}");
        assert!(slug.starts_with("the-very-long-title"), "{slug}");
        assert!(slugs.insert(slug.to_string()), "{slug} given twice");
    }
    slugs
}

async fn ten_videos_with_one_long_title_get_ten_distinct_slugs(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let channel = support::channel(&app, &token, "Long titles").await;
    let title = long_title(150);
    let create = "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { slug } } }";
    let vars = json!({ "i": { "channelId": channel, "title": title } });
    // One by one (the third one used to collide), then ten at once.
    let mut responses = Vec::new();
    for _ in 0..3 {
        responses.push(app.graphql(Some(&token), create, vars.clone()).await);
    }
    responses.extend(at_once(&app, &token, 10, create, vars).await);
    let slugs = distinct_slugs(&responses, "createVideo", "video");
    assert_eq!(slugs.len(), 13);
    assert_eq!(app.count("videos").await, 13);
}

async fn ten_tags_with_one_long_name_get_ten_distinct_slugs(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    // Tag names may be 100 characters long.
    let name = long_title(100);
    let create = "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }";
    let vars = json!({ "i": { "name": name } });
    let mut responses = Vec::new();
    for _ in 0..3 {
        responses.push(app.graphql(Some(&token), create, vars.clone()).await);
    }
    responses.extend(at_once(&app, &token, 10, create, vars).await);
    let slugs = distinct_slugs(&responses, "createTag", "tag");
    assert_eq!(slugs.len(), 13);
    assert_eq!(app.count("tags").await, 13);
}

both_databases!(
    ten_videos_with_one_long_title_get_ten_distinct_slugs,
    ten_tags_with_one_long_name_get_ten_distinct_slugs,
);
