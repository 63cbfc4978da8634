//! The library's episodes (issue 14): `episodes(filter: {managedByMe, channel})` lists the
//! episodes of the channels an editor manages, drafts included, and the bulk mutations on
//! episodes do each item on its own, in input order, a refused item changing nothing.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support::{self, outcomes};

const RESULT: &str =
    "results { id ok code message episode { id publishAt visibility } } okCount failedCount";

/// Runs a bulk mutation on episodes that must succeed as a whole; returns its payload.
async fn bulk(app: &TestApp, token: &str, mutation: &str, input: Value) -> Value {
    let input_type = if mutation == "bulkSetEpisodeVisibility" {
        "BulkSetEpisodeVisibilityInput"
    } else {
        "BulkEpisodesInput"
    };
    app.graphql_ok(
        Some(token),
        &format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {RESULT} }} }}"),
        json!({ "i": input }),
    )
    .await[mutation]
        .clone()
}

/// The titles of the episodes `token` lists with `filter`, newest first.
async fn titles(app: &TestApp, token: Option<&str>, filter: Value) -> Vec<String> {
    let data = app
        .graphql_ok(
            token,
            "query($f: EpisodeFilter) { episodes(first: 100, filter: $f) { nodes { title } } }",
            json!({ "f": filter }),
        )
        .await;
    let mut titles: Vec<String> = data["episodes"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

/// An episode as its managers see it.
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_ok(
        Some(token),
        "query($id: ID!) { episode(id: $id) { id title publishAt unpublishAt visibility guid season number episodeType } }",
        json!({ "id": id }),
    )
    .await["episode"]
        .clone()
}

/// Whether an anonymous listener can read the episode.
async fn public(app: &TestApp, id: &str) -> bool {
    !app.graphql_ok(
        None,
        "query($id: ID!) { episode(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await["episode"]
        .is_null()
}

async fn managed_by_me_lists_the_drafts_of_my_channels_podcasts_and_no_one_elses(backend: Backend) {
    let app = spawn_app(backend).await;
    let mine = app.user_token("mine@example.com", "EDITOR").await;
    let theirs = app.user_token("theirs@example.com", "EDITOR").await;
    let first = support::channel(&app, &mine, "First").await;
    let second = support::channel(&app, &mine, "Second").await;
    let other = support::channel(&app, &theirs, "Other").await;
    let a = support::podcast(&app, &mine, &first, "Show A").await;
    let b = support::podcast(&app, &mine, &second, "Show B").await;
    let c = support::podcast(&app, &theirs, &other, "Show C").await;
    support::episode(&app, &mine, &a, "A draft", json!({})).await;
    support::episode(&app, &mine, &b, "B public", json!({ "status": "READY" })).await;
    support::episode(&app, &theirs, &c, "C draft", json!({})).await;
    support::episode(&app, &theirs, &c, "C public", json!({ "status": "READY" })).await;

    let managed = json!({ "managedByMe": true });
    assert_eq!(
        titles(&app, Some(&mine), managed.clone()).await,
        ["A draft", "B public"],
        "my drafts and public episodes, none of the other editor's"
    );
    assert_eq!(
        titles(&app, Some(&theirs), managed.clone()).await,
        ["C draft", "C public"]
    );
    assert_eq!(
        titles(
            &app,
            Some(&mine),
            json!({ "managedByMe": true, "channel": second })
        )
        .await,
        ["B public"],
        "the channel filter narrows to one channel's podcasts"
    );
    // Without managedByMe the list is what anyone sees in lists: published episodes.
    assert_eq!(
        titles(&app, Some(&mine), json!({ "channel": other })).await,
        ["C public"],
        "another channel's draft is never listed"
    );
    assert!(
        titles(&app, None, managed).await.is_empty(),
        "an anonymous caller manages nothing"
    );
    let body = app
        .graphql(
            Some(&mine),
            "query { episodes(filter: { channel: \"nonsense\" }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
}

async fn bulk_episode_actions_do_the_allowed_items_and_report_the_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let mine = app.user_token("mine@example.com", "EDITOR").await;
    let theirs = app.user_token("theirs@example.com", "EDITOR").await;
    let my_channel = support::channel(&app, &mine, "Mine").await;
    let their_channel = support::channel(&app, &theirs, "Theirs").await;
    let show = support::podcast(&app, &mine, &my_channel, "Mine").await;
    let their_show = support::podcast(&app, &theirs, &their_channel, "Theirs").await;
    let a = support::episode(&app, &mine, &show, "A", json!({ "guid": "a" })).await;
    app.set_media_status(&a, "READY").await;
    let draft = support::episode(&app, &mine, &show, "Draft", json!({ "guid": "d" })).await;
    let b = support::episode(&app, &mine, &show, "B", json!({ "guid": "b" })).await;
    app.set_media_status(&b, "READY").await;
    let foreign = support::episode(&app, &theirs, &their_show, "Foreign", json!({})).await;
    app.set_media_status(&foreign, "READY").await;
    let before_draft = read(&app, &mine, &draft).await;
    let before_foreign = read(&app, &theirs, &foreign).await;

    let ids = [&a, &draft, &foreign, &b];
    let payload = bulk(&app, &mine, "bulkPublishEpisodes", json!({ "ids": ids })).await;
    assert_eq!(
        outcomes(&payload),
        vec![
            (true, None),
            (false, Some("VALIDATION".into())),
            (false, Some("FORBIDDEN".into())),
            (true, None),
        ],
        "{payload}"
    );
    let results = payload["results"].as_array().unwrap();
    for (result, id) in results.iter().zip(ids) {
        assert_eq!(result["id"], json!(id), "results keep the input order");
    }
    assert!(results[0]["episode"]["publishAt"].is_string());
    assert!(results[1]["episode"].is_null());
    assert_eq!(
        (payload["okCount"].clone(), payload["failedCount"].clone()),
        (json!(2), json!(2))
    );
    assert!(public(&app, &a).await && public(&app, &b).await);
    assert_eq!(
        read(&app, &mine, &draft).await,
        before_draft,
        "the draft is unchanged"
    );
    assert_eq!(
        read(&app, &theirs, &foreign).await,
        before_foreign,
        "another channel's episode is unchanged"
    );

    // Visibility: only mine change, every other field stays.
    let before_a = read(&app, &mine, &a).await;
    let payload = bulk(
        &app,
        &mine,
        "bulkSetEpisodeVisibility",
        json!({ "ids": [&a, &foreign], "visibility": "PRIVATE" }),
    )
    .await;
    assert_eq!(
        outcomes(&payload),
        vec![(true, None), (false, Some("FORBIDDEN".into()))]
    );
    let mut expected = before_a.clone();
    expected["visibility"] = json!("PRIVATE");
    assert_eq!(
        read(&app, &mine, &a).await,
        expected,
        "only the visibility changed"
    );
    assert!(!public(&app, &a).await);
    assert_eq!(
        read(&app, &theirs, &foreign).await["visibility"],
        json!("PUBLIC")
    );

    // Unpublish closes the window of mine only.
    let payload = bulk(
        &app,
        &mine,
        "bulkUnpublishEpisodes",
        json!({ "ids": [&b, &foreign] }),
    )
    .await;
    assert_eq!(
        outcomes(&payload),
        vec![(true, None), (false, Some("FORBIDDEN".into()))]
    );
    assert!(!public(&app, &b).await);
    assert_eq!(read(&app, &theirs, &foreign).await, before_foreign);

    // Delete: mine go, the foreign one stays.
    let payload = bulk(
        &app,
        &mine,
        "bulkDeleteEpisodes",
        json!({ "ids": [&foreign, &draft] }),
    )
    .await;
    assert_eq!(
        outcomes(&payload),
        vec![(false, Some("FORBIDDEN".into())), (true, None)]
    );
    assert!(read(&app, &mine, &draft).await.is_null());
    assert_eq!(read(&app, &theirs, &foreign).await, before_foreign);
    assert_eq!(app.count("episodes").await, 3);
}

async fn too_many_repeated_or_unauthenticated_episode_bulks_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let channel = support::channel(&app, &editor, "Studio").await;
    let show = support::podcast(&app, &editor, &channel, "Show").await;
    let a = support::episode(&app, &editor, &show, "A", json!({})).await;
    let query = "mutation($i: BulkEpisodesInput!) { bulkDeleteEpisodes(input: $i) { okCount } }";

    let many: Vec<String> = (0..101)
        .map(|_| {
            projector_api::graphql::relay::to_global("Episode", uuid::Uuid::now_v7()).to_string()
        })
        .collect();
    let body = app
        .graphql(Some(&editor), query, json!({ "i": { "ids": many } }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let body = app
        .graphql(Some(&editor), query, json!({ "i": { "ids": [&a, &a] } }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let body = app
        .graphql(None, query, json!({ "i": { "ids": [&a] } }))
        .await;
    assert!(
        matches!(error_code(&body), Some("UNAUTHENTICATED" | "FORBIDDEN")),
        "{body}"
    );
    // A video's ID is not an episode's: that item alone is refused.
    let video = support::video(&app, &editor, &channel, "V", json!({})).await;
    let payload = bulk(
        &app,
        &editor,
        "bulkDeleteEpisodes",
        json!({ "ids": [&video] }),
    )
    .await;
    assert_eq!(outcomes(&payload), vec![(false, Some("VALIDATION".into()))]);
    assert_eq!(app.count("episodes").await, 1);
    assert_eq!(app.count("videos").await, 1);
}

both_databases!(
    managed_by_me_lists_the_drafts_of_my_channels_podcasts_and_no_one_elses,
    bulk_episode_actions_do_the_allowed_items_and_report_the_others,
    too_many_repeated_or_unauthenticated_episode_bulks_change_nothing,
);
