//! The baseline the uncached list is held to: async-graphql by itself serving the same page, with
//! the same shape and the same 24 videos, from memory (no database, no layers of ours).

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};
use axum::Json;
use axum::extract::State;
use axum::routing::post;
use serde_json::Value;

#[derive(SimpleObject, Clone)]
#[graphql(name = "Channel")]
struct Channel {
    name: String,
    slug: String,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "Tag")]
struct Tag {
    name: String,
    slug: String,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "Video")]
struct Video {
    id: ID,
    title: String,
    slug: String,
    duration: Option<f64>,
    view_count: i64,
    channel: Channel,
    tags: Vec<Tag>,
}

#[derive(SimpleObject, Clone)]
struct PageInfo {
    end_cursor: Option<String>,
    has_next_page: bool,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "VideoConnection")]
struct Connection {
    page_info: PageInfo,
    nodes: Vec<Video>,
}

struct Query {
    page: Arc<Connection>,
}

#[Object]
impl Query {
    async fn videos(&self, first: Option<i32>, after: Option<String>) -> Connection {
        let _ = (first, after);
        (*self.page).clone()
    }
}

type BaselineSchema = Schema<Query, EmptyMutation, EmptySubscription>;

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A router answering `POST /baseline` with `page` (the `data.videos` of a real answer) rebuilt as
/// GraphQL objects, so every request parses, validates and executes the same document.
pub fn router(page: &Value) -> axum::Router {
    let node = |v: &Value| Video {
        id: ID(text(&v["id"])),
        title: text(&v["title"]),
        slug: text(&v["slug"]),
        duration: v["duration"].as_f64(),
        view_count: v["viewCount"].as_i64().unwrap_or_default(),
        channel: Channel {
            name: text(&v["channel"]["name"]),
            slug: text(&v["channel"]["slug"]),
        },
        tags: v["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| Tag {
                name: text(&t["name"]),
                slug: text(&t["slug"]),
            })
            .collect(),
    };
    let connection = Connection {
        page_info: PageInfo {
            end_cursor: page["pageInfo"]["endCursor"].as_str().map(String::from),
            has_next_page: page["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false),
        },
        nodes: page["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(node)
            .collect(),
    };
    let schema = Schema::new(
        Query {
            page: Arc::new(connection),
        },
        EmptyMutation,
        EmptySubscription,
    );
    axum::Router::new()
        .route("/baseline", post(execute))
        .with_state(schema)
}

async fn execute(
    State(schema): State<BaselineSchema>,
    Json(request): Json<async_graphql::Request>,
) -> Json<async_graphql::Response> {
    Json(schema.execute(request).await)
}
