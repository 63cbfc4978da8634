//! The committed contract equals the served schema.

use projector_tests::{Backend, spawn_app};
use serde_json::json;

#[test]
fn schema_graphql_equals_the_served_schema() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
            .expect("schema.graphql at the workspace root");
    let served = projector_api::graphql::sdl();
    assert!(
        committed == served,
        "schema.graphql is out of date: run `cargo run -p projector-api -- export-schema -o schema.graphql`"
    );
}

#[tokio::test]
async fn the_running_server_serves_the_exported_schema() {
    // The export and the server build the schema the same way; check a live server agrees on
    // every root field, so an export made from a different build would be caught.
    let app = spawn_app(Backend::Sqlite).await;
    let data = app
        .graphql_ok(
            None,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let sdl = projector_api::graphql::sdl();
    for root in ["queryType", "mutationType"] {
        for field in data["__schema"][root]["fields"].as_array().unwrap() {
            let name = field["name"].as_str().unwrap();
            assert!(
                sdl.contains(&format!("\t{name}")),
                "{name} missing from the exported schema"
            );
        }
    }
}
