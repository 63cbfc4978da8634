//! What comments cost the watch page, in one run: the watch-page query of a signed-in viewer
//! (video, likes, channel, 12 related videos) with `commentCount` and the first page of 20
//! comments of a video that has 10 000, against the same query without the comment fields,
//! alternately on the same server, database path (the hot-read cache off). Goal: the p50 with
//! comments at most 1.5 times the p50 without.
//!
//! Run with `cargo bench -p projector-tests --bench comments` (SQLite).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use projector_api::accounts::entity::user;
use projector_api::community::entity::comment;
use projector_api::videos::entity::video;
use projector_tests::{Backend, spawn_app_with};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const COMMENTS: usize = 10_000;
const AUTHORS: usize = 200;
const ROUNDS: usize = 300;

const WATCH: &str = "query Watch($id: ID!, $channel: ID!) { video(id: $id) { id title descriptionHtml duration viewCount likeCount viewerHasLiked viewerPosition chapters { title startSecs } channel { id name slug subscriberCount viewerIsSubscribed } tags { name } } videos(first: 12, filter: { channel: $channel }) { nodes { id title slug duration channel { name } } } }";
const WATCH_WITH_COMMENTS: &str = "query Watch($id: ID!, $channel: ID!) { video(id: $id) { id title descriptionHtml duration viewCount likeCount viewerHasLiked viewerPosition chapters { title startSecs } channel { id name slug subscriberCount viewerIsSubscribed } tags { name } commentCount commentsEnabled comments(first: 20) { pageInfo { endCursor hasNextPage } nodes { id bodyHtml authorName viewerIsAuthor createdAt editedAt replyCount } } } videos(first: 12, filter: { channel: $channel }) { nodes { id title slug duration channel { name } } } }";

async fn seed(db: &impl ConnectionTrait, video: Uuid) {
    let now = Utc::now() - TimeDelta::days(1);
    let authors: Vec<Uuid> = (0..AUTHORS).map(|_| Uuid::now_v7()).collect();
    let users = authors.iter().enumerate().map(|(i, id)| user::ActiveModel {
        id: Set(*id),
        email: Set(format!("author{i}@example.com")),
        password_hash: Set("!".into()),
        role: Set("viewer".into()),
        display_name: Set(format!("Author {i}")),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        avatar_asset_id: Set(None),
    });
    user::Entity::insert_many(users).exec(db).await.unwrap();
    let rows: Vec<comment::ActiveModel> = (0..COMMENTS)
        .map(|n| comment::ActiveModel {
            id: Set(Uuid::now_v7()),
            video_id: Set(Some(video)),
            episode_id: Set(None),
            author_id: Set(Some(authors[n % AUTHORS])),
            parent_id: Set(None),
            body: Set(format!("Comment *number* {n}")),
            body_html: Set(format!("<p>Comment <em>number</em> {n}</p>")),
            // A few held ones, as a channel that holds first-time commenters has.
            status: Set(if n % 50 == 0 { "held" } else { "published" }.into()),
            reply_count: Set(0),
            report_count: Set(0),
            created_at: Set(now + TimeDelta::milliseconds(n as i64)),
            edited_at: Set(None),
        })
        .collect();
    for chunk in rows.chunks(200) {
        comment::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    let published = COMMENTS - COMMENTS.div_ceil(50);
    video::Entity::update_many()
        .col_expr(video::Column::CommentCount, Expr::value(published as i64))
        .filter(video::Column::Id.eq(video))
        .exec(db)
        .await
        .unwrap();
}

async fn timed(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    vars: &Value,
) -> (Duration, Value) {
    let started = Instant::now();
    let body: Value = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": vars }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(body.get("errors").is_none(), "{body}");
    (elapsed, body)
}

fn p(sorted: &[Duration], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let app = spawn_app_with(Backend::Sqlite, |c| {
            c.log = "error".into();
            c.graphql.public_cache_ttl_ms = 0;
            // Throughput from one address: the API rate limits would refuse most of it.
            c.rate_limits.enabled = false;
        })
        .await;
        let admin = app.admin_token().await;
        let channel = app.create_channel(&admin, "Bench").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let mut video = String::new();
        for i in 0..13 {
            let id = app
                .create_video(&admin, &channel, &format!("Video {i}"), json!({ "description": "A *bench* video" }))
                .await["id"]
                .as_str()
                .unwrap()
                .to_string();
            app.set_media_status(&id, "READY").await;
            app.graphql_ok(
                Some(&admin),
                "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
                json!({ "i": { "id": id } }),
            )
            .await;
            if i == 0 {
                video = id;
            }
        }
        let viewer = app.user_token("viewer@example.com", "VIEWER").await;
        let (_, uuid) = projector_api::graphql::relay::decode(&video).unwrap();
        let db = app.db().await;
        let started = Instant::now();
        seed(&db, uuid).await;
        println!("seeded {COMMENTS} comments in {:.1}s", started.elapsed().as_secs_f64());
        let client = reqwest::Client::new();
        let url = app.url("/graphql");
        let vars = json!({ "id": video, "channel": channel });
        let (_, body) = timed(&client, &url, &viewer, WATCH_WITH_COMMENTS, &vars).await;
        let v = &body["data"]["video"];
        assert_eq!(v["comments"]["nodes"].as_array().unwrap().len(), 20, "{body}");
        assert_eq!(v["commentCount"], COMMENTS - COMMENTS / 50);
        assert_eq!(body["data"]["videos"]["nodes"].as_array().unwrap().len(), 12);
        let (mut without, mut with) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS + 20 {
            let a = timed(&client, &url, &viewer, WATCH, &vars).await.0;
            let b = timed(&client, &url, &viewer, WATCH_WITH_COMMENTS, &vars).await.0;
            if round >= 20 {
                without.push(a);
                with.push(b);
            }
        }
        without.sort();
        with.sort();
        println!("bench comments: 1 video with {COMMENTS} comments by {AUTHORS} authors, SQLite, cache off, signed-in viewer");
        println!(
            "  watch page without comments p50 / p99 : {:.2} ms / {:.2} ms",
            p(&without, 0.5),
            p(&without, 0.99)
        );
        println!(
            "  with commentCount + 20 comments p50 / p99: {:.2} ms / {:.2} ms",
            p(&with, 0.5),
            p(&with, 0.99)
        );
        println!(
            "  ratio p50 with / without             : {:.2}  (goal <= 1.5)",
            p(&with, 0.5) / p(&without, 0.5)
        );
    });
}
