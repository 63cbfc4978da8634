//! `mergeTags` and `mergeCategories`: an admin folds a duplicate into the one that stays.

use projector_tests::{Backend, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support::{channel, episode, video};

async fn make(app: &projector_tests::TestApp, admin: &str, kind: &str, input: Value) -> String {
    let (mutation, input_type, field) = match kind {
        "tag" => ("createTag", "CreateTagInput", "tag"),
        _ => ("createCategory", "CreateCategoryInput", "category"),
    };
    app.graphql_ok(
        Some(admin),
        &format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {field} {{ id }} }} }}"),
        json!({ "i": input }),
    )
    .await[mutation][field]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const MERGE_TAGS: &str =
    "mutation($i: MergeInput!) { mergeTags(input: $i) { tag { id name slug } } }";
const MERGE_CATEGORIES: &str = "mutation($i: MergeInput!) { mergeCategories(input: $i) { category { id slug children { slug } } } }";

async fn merging_a_tag_retags_every_video_and_episode_once_and_the_merged_tag_is_gone(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Tagged").await;
    let rust = make(&app, &admin, "tag", json!({ "name": "Rust" })).await;
    let rustlang = make(&app, &admin, "tag", json!({ "name": "Rust language" })).await;
    let other = make(&app, &admin, "tag", json!({ "name": "Cooking" })).await;
    // One video has only the duplicate, one has both, one has neither.
    let only_dup = video(
        &app,
        &admin,
        &ch,
        "Only dup",
        json!({ "tagIds": [rustlang] }),
    )
    .await;
    let both = video(
        &app,
        &admin,
        &ch,
        "Both",
        json!({ "tagIds": [rust, rustlang, other] }),
    )
    .await;
    let neither = video(&app, &admin, &ch, "Neither", json!({ "tagIds": [other] })).await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($c: ID!) { createPodcast(input: { channelId: $c, title: \"Show\", author: \"A\", ownerName: \"O\", ownerEmail: \"o@example.com\", language: \"en\" }) { podcast { id } } }",
            json!({ "c": ch }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ep = episode(
        &app,
        &admin,
        &podcast,
        "Ep",
        json!({ "tagIds": [rustlang] }),
    )
    .await;

    // Bad inputs first: each refused with its code, and nothing changes.
    for (input, code) in [
        (
            json!({ "fromId": rustlang, "intoId": rustlang }),
            "VALIDATION",
        ),
        (
            json!({ "fromId": rustlang, "intoId": "VGFnOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA" }),
            "NOT_FOUND",
        ),
        (json!({ "fromId": rustlang, "intoId": ch }), "VALIDATION"),
    ] {
        let body = app
            .graphql(Some(&admin), MERGE_TAGS, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some(code), "{input}: {body}");
    }
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let body = app
        .graphql(
            Some(&editor),
            MERGE_TAGS,
            json!({ "i": { "fromId": rustlang, "intoId": rust } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let tags_before = app.count("tags").await;
    assert_eq!(tags_before, 3);

    let merged = app
        .graphql_ok(
            Some(&admin),
            MERGE_TAGS,
            json!({ "i": { "fromId": rustlang, "intoId": rust } }),
        )
        .await;
    assert_eq!(
        merged["mergeTags"]["tag"],
        json!({ "id": rust, "name": "Rust", "slug": "rust" })
    );
    let tag_names = |id: String| {
        let app = &app;
        let admin = &admin;
        async move {
            let data = app
                .graphql_ok(
                    Some(admin),
                    "query($id: ID!) { node(id: $id) { ... on Video { tags { name } } ... on Episode { tags { name } } } }",
                    json!({ "id": id }),
                )
                .await;
            let mut names: Vec<String> = data["node"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(tag_names(only_dup).await, ["Rust"]);
    assert_eq!(
        tag_names(both).await,
        ["Cooking", "Rust"],
        "once, not twice"
    );
    assert_eq!(tag_names(neither).await, ["Cooking"]);
    assert_eq!(tag_names(ep).await, ["Rust"]);
    assert_eq!(app.count("tags").await, 2);
    let gone = app
        .graphql_ok(None, "{ tag(slug: \"rust-language\") { id } }", json!({}))
        .await;
    assert_eq!(gone["tag"], Value::Null, "{gone}");
    // The merged tag's page lists what carried either.
    let listed = app
        .graphql_ok(
            Some(&admin),
            "query($t: ID!) { videos(first: 10, filter: { tag: $t }) { totalCount } }",
            json!({ "t": rust }),
        )
        .await;
    assert_eq!(listed["videos"]["totalCount"], 2, "{listed}");
}

both_databases!(merging_a_tag_retags_every_video_and_episode_once_and_the_merged_tag_is_gone);

async fn merging_a_category_moves_its_videos_and_subcategories_and_refuses_its_own_subcategory(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Filed").await;
    let science = make(&app, &admin, "category", json!({ "name": "Science" })).await;
    let sciences = make(&app, &admin, "category", json!({ "name": "Sciences" })).await;
    let physics = make(
        &app,
        &admin,
        "category",
        json!({ "name": "Physics", "parentId": sciences }),
    )
    .await;
    let filed = video(
        &app,
        &admin,
        &ch,
        "Filed",
        json!({ "categoryId": sciences }),
    )
    .await;
    let elsewhere = video(
        &app,
        &admin,
        &ch,
        "Elsewhere",
        json!({ "categoryId": physics }),
    )
    .await;

    // Into its own subcategory: refused, nothing moves.
    let body = app
        .graphql(
            Some(&admin),
            MERGE_CATEGORIES,
            json!({ "i": { "fromId": sciences, "intoId": physics } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(app.count("categories").await, 3);

    let merged = app
        .graphql_ok(
            Some(&admin),
            MERGE_CATEGORIES,
            json!({ "i": { "fromId": sciences, "intoId": science } }),
        )
        .await;
    assert_eq!(
        merged["mergeCategories"]["category"],
        json!({ "id": science, "slug": "science", "children": [{ "slug": "physics" }] })
    );
    let category_of = |id: String| {
        let (app, admin) = (&app, &admin);
        async move {
            app.graphql_ok(
                Some(admin),
                "query($id: ID!) { node(id: $id) { ... on Video { category { id } } } }",
                json!({ "id": id }),
            )
            .await["node"]["category"]["id"]
                .clone()
        }
    };
    assert_eq!(category_of(filed).await, json!(science));
    assert_eq!(category_of(elsewhere).await, json!(physics), "untouched");
    assert_eq!(app.count("categories").await, 2);
    let gone = app
        .graphql_ok(None, "{ category(slug: \"sciences\") { id } }", json!({}))
        .await;
    assert_eq!(gone["category"], Value::Null, "{gone}");
}

both_databases!(
    merging_a_category_moves_its_videos_and_subcategories_and_refuses_its_own_subcategory
);
