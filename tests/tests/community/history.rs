//! Continue watching: positions saved per viewer, private to them, on what they can see; the
//! history newest first and cursor paged; clearing it; rows deleted with the item or the user.

use projector_tests::{Backend, both_databases, error_code};
use serde_json::json;

use crate::support::{channel, open_app, public_episode, public_video, sql, video, viewer};

const SAVE: &str =
    "mutation($i: SaveWatchPositionInput!) { saveWatchPosition(input: $i) { seconds updatedAt } }";
const POSITION: &str = "query($id: ID!) { video(id: $id) { viewerPosition } }";
const HISTORY: &str = "query($after: String) { watchHistory(first: 2, after: $after) { edges { node { seconds item { __typename ... on Video { id } ... on Episode { id } } } } pageInfo { hasNextPage endCursor } } }";
const CLEAR: &str = "mutation { clearWatchHistory { cleared } }";

fn items(data: &serde_json::Value) -> Vec<(String, f64)> {
    data["watchHistory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["item"]["id"]
                    .as_str()
                    .unwrap_or("hidden")
                    .to_string(),
                e["node"]["seconds"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn save(app: &projector_tests::TestApp, token: &str, id: &str, seconds: f64) {
    app.graphql_ok(
        Some(token),
        SAVE,
        json!({ "i": { "itemId": id, "seconds": seconds } }),
    )
    .await;
}

async fn a_position_is_saved_per_viewer_and_the_history_lists_the_latest_first(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Watch").await;
    let first = public_video(&app, &admin, &ch, "First").await;
    let second = public_video(&app, &admin, &ch, "Second").await;
    let episode = public_episode(&app, &admin, &ch, "Episode").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    // Nobody has a position yet; anonymous callers never do.
    for token in [None, Some(ada.as_str())] {
        let data = app
            .graphql_ok(token, POSITION, json!({ "id": first }))
            .await;
        assert_eq!(data["video"]["viewerPosition"], json!(null));
    }
    save(&app, &ada, &first, 10.0).await;
    save(&app, &ada, &first, 42.5).await;
    save(&app, &ada, &episode, 3.0).await;
    save(&app, &ada, &second, 7.0).await;
    save(&app, &bob, &first, 99.0).await;
    assert_eq!(
        app.count("watch_positions").await,
        4,
        "one row per viewer and item"
    );
    let data = app
        .graphql_ok(Some(&ada), POSITION, json!({ "id": first }))
        .await;
    assert_eq!(data["video"]["viewerPosition"], 42.5);
    let data = app
        .graphql_ok(Some(&bob), POSITION, json!({ "id": first }))
        .await;
    assert_eq!(data["video"]["viewerPosition"], 99.0);
    let data = app.graphql_ok(None, POSITION, json!({ "id": first })).await;
    assert_eq!(data["video"]["viewerPosition"], json!(null));
    let data = app
        .graphql_ok(
            Some(&ada),
            "query($id: ID!) { episode(id: $id) { viewerPosition } }",
            json!({ "id": episode }),
        )
        .await;
    assert_eq!(data["episode"]["viewerPosition"], 3.0);

    let page1 = app.graphql_ok(Some(&ada), HISTORY, json!({})).await;
    assert_eq!(
        items(&page1),
        vec![(second.clone(), 7.0), (episode.clone(), 3.0)]
    );
    let cursor = page1["watchHistory"]["pageInfo"]["endCursor"].clone();
    let page2 = app
        .graphql_ok(Some(&ada), HISTORY, json!({ "after": cursor }))
        .await;
    assert_eq!(items(&page2), vec![(first.clone(), 42.5)]);
    assert_eq!(page2["watchHistory"]["pageInfo"]["hasNextPage"], false);
    // Bob's history is his own, and Ada's cursor does not page it.
    let data = app.graphql_ok(Some(&bob), HISTORY, json!({})).await;
    assert_eq!(items(&data), vec![(first.clone(), 99.0)]);
    let body = app
        .graphql(Some(&bob), HISTORY, json!({ "after": cursor }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");

    // Watching again moves an item to the top.
    save(&app, &ada, &first, 50.0).await;
    let data = app.graphql_ok(Some(&ada), HISTORY, json!({})).await;
    assert_eq!(items(&data)[0], (first.clone(), 50.0));

    // A video that became private stays in the history, without the video.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": second, "visibility": "PRIVATE" } }),
    )
    .await;
    let all = app
        .graphql_ok(
            Some(&ada),
            HISTORY.replace("first: 2", "first: 10").as_str(),
            json!({}),
        )
        .await;
    assert!(items(&all).contains(&("hidden".to_string(), 7.0)), "{all}");
    assert!(!all.to_string().contains(&second), "{all}");

    // Clearing forgets Ada's positions only.
    let data = app.graphql_ok(Some(&ada), CLEAR, json!({})).await;
    assert_eq!(data["clearWatchHistory"]["cleared"], 3);
    assert!(items(&app.graphql_ok(Some(&ada), HISTORY, json!({})).await).is_empty());
    assert_eq!(app.count("watch_positions").await, 1);
    let data = app.graphql_ok(Some(&ada), CLEAR, json!({})).await;
    assert_eq!(data["clearWatchHistory"]["cleared"], 0);
}

async fn bad_positions_are_refused_and_change_nothing(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Bad").await;
    let public = public_video(&app, &admin, &ch, "Public").await;
    sql(
        &app,
        "UPDATE videos SET duration_secs = 120 WHERE title = 'Public'",
    )
    .await;
    let private = video(
        &app,
        &admin,
        &ch,
        "Private",
        json!({ "status": "READY", "visibility": "PRIVATE", "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    let ada = viewer(&app, "ada@example.com").await;
    let gone = projector_api::graphql::relay::to_global("Video", uuid::Uuid::now_v7()).0;
    for (what, id, seconds, code) in [
        ("negative", public.as_str(), json!(-1.0), "VALIDATION"),
        ("past the end", public.as_str(), json!(500.0), "VALIDATION"),
        ("absurd", public.as_str(), json!(1e12), "VALIDATION"),
        ("a channel", ch.as_str(), json!(1.0), "VALIDATION"),
        ("garbage", "garbage", json!(1.0), "VALIDATION"),
        ("private", private.as_str(), json!(1.0), "NOT_FOUND"),
        ("unknown", gone.as_str(), json!(1.0), "NOT_FOUND"),
    ] {
        let body = app
            .graphql(
                Some(&ada),
                SAVE,
                json!({ "i": { "itemId": id, "seconds": seconds } }),
            )
            .await;
        assert_eq!(error_code(&body), Some(code), "{what}: {body}");
    }
    for query in [SAVE, CLEAR, HISTORY] {
        let body = app
            .graphql(
                None,
                query,
                json!({ "i": { "itemId": public, "seconds": 1.0 } }),
            )
            .await;
        assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "{query}: {body}"
        );
    }
    assert_eq!(app.count("watch_positions").await, 0);
    // A little past the end (players overshoot) is the end.
    let data = app
        .graphql_ok(
            Some(&ada),
            SAVE,
            json!({ "i": { "itemId": public, "seconds": 121.5 } }),
        )
        .await;
    assert_eq!(data["saveWatchPosition"]["seconds"], 120.0);
}

async fn deleting_a_video_or_a_user_deletes_their_positions(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Gone").await;
    let first = public_video(&app, &admin, &ch, "First").await;
    let second = public_video(&app, &admin, &ch, "Second").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    for token in [&ada, &bob] {
        save(&app, token, &first, 1.0).await;
        save(&app, token, &second, 1.0).await;
    }
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteVideoInput!) { deleteVideo(input: $i) { deletedId } }",
        json!({ "i": { "id": first } }),
    )
    .await;
    assert_eq!(app.count("watch_positions").await, 2);
    sql(&app, "DELETE FROM users WHERE email = 'bob@example.com'").await;
    assert_eq!(app.count("watch_positions").await, 1);
}

both_databases!(
    a_position_is_saved_per_viewer_and_the_history_lists_the_latest_first,
    bad_positions_are_refused_and_change_nothing,
    deleting_a_video_or_a_user_deletes_their_positions,
);
