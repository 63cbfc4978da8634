//! The hot-read cache: public reads come from memory, every change the public could see empties
//! it, and nobody who sees more than the public catalogue ever shares it.

use projector_tests::{Backend, both_databases, spawn_app_with};
use sea_orm::ConnectionTrait as _;
use serde_json::json;

use crate::support::{channel, public_video, video};

const LIST: &str = "{ videos(first: 50) { nodes { title } } }";

/// A change through the API that the public sees: the video's description.
async fn edit(app: &projector_tests::TestApp, token: &str, id: &str, description: &str) {
    app.graphql_ok(
        Some(token),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "description": description } }),
    )
    .await;
}

fn titles(data: &serde_json::Value) -> Vec<String> {
    let mut t: Vec<String> = data["videos"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

async fn public_reads_are_served_from_memory_until_something_changes(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.graphql.public_cache_ttl_ms = 600_000).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let ch = channel(&app, &editor, "Cached").await;
    public_video(&app, &editor, &ch, "First").await;
    assert_eq!(
        titles(&app.graphql_ok(None, LIST, json!({})).await),
        ["First"]
    );

    // A write behind the API's back is not seen: the response came from memory.
    let db = app.db().await;
    db.execute_unprepared("UPDATE videos SET title = 'Renamed behind the API'")
        .await
        .unwrap();
    assert_eq!(
        titles(&app.graphql_ok(None, LIST, json!({})).await),
        ["First"]
    );

    // A new video is a draft to the API (its status is set behind the API's back here), which
    // the public cannot see: the cache stays. A change the public sees empties it at once.
    let second = public_video(&app, &editor, &ch, "Second").await;
    assert_eq!(
        titles(&app.graphql_ok(None, LIST, json!({})).await),
        ["First"]
    );
    edit(&app, &editor, &second, "Now described").await;
    assert_eq!(
        titles(&app.graphql_ok(None, LIST, json!({})).await),
        ["Renamed behind the API", "Second"]
    );

    // Signed-in readers bypass it: the editor sees a private video the public never does.
    video(
        &app,
        &editor,
        &ch,
        "Private one",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;
    let public = titles(&app.graphql_ok(None, LIST, json!({})).await);
    assert!(!public.contains(&"Private one".to_string()), "{public:?}");
    let mine = titles(&app.graphql_ok(Some(&editor), LIST, json!({})).await);
    assert!(mine.contains(&"Private one".to_string()), "{mine:?}");
    // ...and the public answer afterwards is still the public one.
    let again = titles(&app.graphql_ok(None, LIST, json!({})).await);
    assert_eq!(again, public);
}

both_databases!(public_reads_are_served_from_memory_until_something_changes);

/// A home page's worth of lists, so that computing it takes long enough for the readers to
/// overlap on either database.
const PAGE: &str = "{ videos(first: 20) { nodes { title channel { name } tags { name } } }
    oldest: videos(first: 20, orderBy: OLDEST) { nodes { title channel { name } tags { name } } }
    viewed: videos(first: 20, orderBy: MOST_VIEWED) { nodes { title channel { name } } }
    channels(first: 20) { nodes { name videos(first: 5) { nodes { title } } } } }";

async fn sixteen_readers_arriving_together_after_a_change_run_the_query_once(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.graphql.public_cache_ttl_ms = 600_000).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let ch = channel(&app, &editor, "Herd").await;
    for n in 0..5 {
        public_video(&app, &editor, &ch, &format!("Herd {n}")).await;
    }
    // What one reader's miss costs.
    let before = app.statements().await;
    let one = app.graphql_ok(None, PAGE, json!({})).await;
    let single = app.statements().await - before;
    assert!(single > 0, "a miss reads the database");

    // A change empties the cache; sixteen readers then ask for the same page at once.
    let sixth = public_video(&app, &editor, &ch, "Herd 5").await;
    edit(&app, &editor, &sixth, "Sixth").await;
    let before = app.statements().await;
    let answers =
        futures::future::join_all((0..16).map(|_| app.graphql_ok(None, PAGE, json!({})))).await;
    let herd = app.statements().await - before;
    for answer in &answers {
        assert_eq!(
            answer["videos"]["nodes"].as_array().unwrap().len(),
            6,
            "{answer}"
        );
    }
    assert_eq!(
        answers[0]["videos"]["nodes"].as_array().unwrap().len(),
        one["videos"]["nodes"].as_array().unwrap().len() + 1
    );
    // Sixteen separate computations would cost sixteen times one; a shared one costs one
    // (the margin is for anything else the server does meanwhile).
    assert!(
        herd < 2 * single,
        "sixteen readers cost {herd} statements, one costs {single}"
    );
}

both_databases!(sixteen_readers_arriving_together_after_a_change_run_the_query_once);
