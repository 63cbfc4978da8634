//! The first start of the embedded default creates a demo catalogue, once.

use projector_tests::{Backend, spawn_app_with};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_start_of_an_empty_embedded_database_creates_a_demo_catalogue_once() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.demo_content = true).await;
    let admin = app.admin_token().await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "{ channels { totalCount } videos { totalCount edges { node { channel { name } tags { name } } } }
               playlists { edges { node { items { totalCount } } } }
               podcasts { edges { node { episodes { totalCount } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["channels"]["totalCount"], 2);
    assert_eq!(data["videos"]["totalCount"], 5);
    assert_eq!(
        data["playlists"]["edges"][0]["node"]["items"]["totalCount"],
        3
    );
    assert_eq!(
        data["podcasts"]["edges"][0]["node"]["episodes"]["totalCount"],
        3
    );
    // Every item is published, and goes out as soon as its generated media is transcoded: the
    // test server runs no worker, so the public sees none of them yet.
    let items = app
        .graphql_ok(
            Some(&admin),
            "{ videos(first: 10) { nodes { publishAt status } } episodes { nodes { publishAt status } } }",
            json!({}),
        )
        .await;
    for item in items["videos"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(items["episodes"]["nodes"].as_array().unwrap())
    {
        assert!(item["publishAt"].is_string(), "{items}");
        assert_ne!(item["status"], "READY", "{items}");
    }
    let public = app
        .graphql_ok(
            None,
            "{ videos { totalCount } episodes { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(public["videos"]["totalCount"], 0, "{public}");
    assert_eq!(public["episodes"]["totalCount"], 0, "{public}");

    // A restart is not a first start: nothing is added.
    let app = app.restart().await;
    assert_eq!(app.count("channels").await, 2);
    assert_eq!(app.count("videos").await, 5);
}
