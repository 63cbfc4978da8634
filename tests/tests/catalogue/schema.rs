//! The catalogue tables exist on both databases.

use projector_tests::{Backend, both_databases, spawn_app};

async fn migrations_create_every_catalogue_table(backend: Backend) {
    let app = spawn_app(backend).await;
    for table in [
        "channels",
        "channel_members",
        "categories",
        "tags",
        "videos",
        "video_tags",
        "playlists",
        "playlist_items",
        "podcasts",
        "episodes",
        "episode_tags",
        "search_documents",
    ] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
}

both_databases!(migrations_create_every_catalogue_table);
