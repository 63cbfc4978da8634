//! Two `projector serve` processes on one PostgreSQL database, each with its hot-read cache on:
//! an edit made through node A reaches node B's cache within a second (LISTEN/NOTIFY).

use crate::support;

use std::time::{Duration, Instant};

use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_b_serves_an_edit_made_on_node_a_within_a_second() {
    if std::env::var("PROJECTOR_TEST_POSTGRES").map_or(true, |v| v.is_empty()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must name a PostgreSQL server"
        );
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (root.path().join("a"), root.path().join("b"));
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let db = support::database_url(root.path());
    assert!(db.starts_with("postgres"), "{db}");
    let env = [
        // Long enough that only an invalidation can explain B seeing the edit.
        ("PROJECTOR_GRAPHQL__PUBLIC_CACHE_TTL_MS", "600000"),
        (
            "PROJECTOR_DELIVERY__SIGNING_SECRET",
            "two-nodes-media-secret-0123456789abcdef",
        ),
    ];
    let (mut a, addr_a) = support::serve_with(&dir_a, &db, &env);
    let (mut b, addr_b) = support::serve_with(&dir_b, &db, &env);
    let api = support::login(&addr_a).await;
    let id = api.draft("Nodes", "Before").await;
    // Standing in for the media pipeline (the only writer of the status): its media is ready,
    // so it can be published and seen by the public.
    let status = std::process::Command::new("psql")
        .args([&db, "-qc", "UPDATE videos SET status = 'ready'"])
        .status()
        .unwrap();
    assert!(status.success());
    api.gql(
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;

    let anonymous = reqwest::Client::new();
    let read_b = || {
        let anonymous = anonymous.clone();
        let addr_b = addr_b.clone();
        let id = id.clone();
        async move {
            let body: serde_json::Value = anonymous
                .post(format!("http://{addr_b}/graphql"))
                .json(&json!({ "query": "query($id: ID!) { video(id: $id) { title } }", "variables": { "id": id } }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["data"]["video"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }
    };
    assert_eq!(read_b().await, "Before");
    assert_eq!(read_b().await, "Before");

    api.gql(
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "title": "After" } }),
    )
    .await;
    let edited = Instant::now();
    loop {
        if read_b().await == "After" {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(1),
            "node B still served the old title after {:?}",
            edited.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // B's cache is really on: a change made behind both nodes' backs is not seen. (One edit may
    // reach B as more than one notification, each emptying its cache: let them all land and
    // B store its answer before the change behind its back.)
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(read_b().await, "After");
    let status = std::process::Command::new("psql")
        .args([&db, "-qc", "UPDATE videos SET title = 'Behind'"])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(read_b().await, "After", "node B's cache is off");
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();
}
