//! The catalogue's read path on 100 000 videos, in one run:
//!
//! 1. requests per second of a public `videos(first: 24)` page with channel and tags at 64
//!    connections: with the hot-read cache, as a ratio to a bare axum JSON handler on the same
//!    server; without it (a server process of its own), as a ratio to async-graphql serving the
//!    same page from memory; signed in as an editor; and on PostgreSQL when
//!    `PROJECTOR_TEST_POSTGRES` is set;
//! 2. the uncached server's cold start (process start to `/readyz`) and its resident memory,
//!    idle and under the list load;
//! 3. p50/p99 latency of a watch-page query (video, channel, chapters, 12 related videos);
//! 4. latency of page 1000 of the public list as a ratio to page 1.
//!
//! With `PROJECTOR_BENCH_CALLGRIND=<directory>` it counts instructions per request instead
//! (`catalogue_parts/count.rs`): figures a loaded machine does not change.
//!
//! Run with `scripts/bench` (or `cargo bench -p projector-tests --bench catalogue`; needs `wrk`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::get;
use chrono::Utc;
use projector_api::channels::entity::channel;
use projector_api::taxonomy::entity::{tag, video_tag};
use projector_api::videos::entity::video;
use projector_tests::{Backend, test_config};
use sea_orm::{ActiveValue::Set, Database, EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;

#[path = "catalogue_parts/baseline.rs"]
mod baseline;
#[path = "catalogue_parts/count.rs"]
mod count;
#[path = "catalogue_parts/report.rs"]
mod report;
#[path = "catalogue_parts/server.rs"]
mod server;

use server::Server;

const VIDEOS: usize = 100_000;
const CHANNELS: usize = 20;
const TAGS: usize = 60;
const SECONDS: u32 = 5;
const CONNECTIONS: u32 = 64;

const PAGE: &str = "query Page($after: String) { videos(first: 24, after: $after) { pageInfo { endCursor hasNextPage } nodes { id title slug duration viewCount channel { name slug } tags { name slug } } } }";
const WATCH: &str = "query Watch($id: ID!, $channel: ID!) { video(id: $id) { id title descriptionHtml duration viewCount publishAt chapters { title startSecs } channel { id name slug } tags { name } } videos(first: 12, filter: { channel: $channel }) { nodes { id title slug duration channel { name } } } }";

async fn seed(url: &str) -> Vec<(Uuid, Uuid)> {
    let db = Database::connect(url).await.unwrap();
    let now = Utc::now();
    let channels: Vec<Uuid> = (0..CHANNELS).map(|_| Uuid::now_v7()).collect();
    channel::Entity::insert_many(
        channels
            .iter()
            .enumerate()
            .map(|(i, id)| channel::ActiveModel {
                id: Set(*id),
                name: Set(format!("Channel {i}")),
                slug: Set(format!("channel-{i}")),
                description: Set(format!("The **{i}th** channel")),
                avatar_asset_id: Set(None),
                banner_asset_id: Set(None),
                view_count: Set(0),
                subscriber_count: Set(0),
                comment_moderation: Set("publish".into()),
                playback_restriction: Set(None),
                downloads_enabled: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
            }),
    )
    .exec(&db)
    .await
    .unwrap();
    let tags: Vec<Uuid> = (0..TAGS).map(|_| Uuid::now_v7()).collect();
    tag::Entity::insert_many(tags.iter().enumerate().map(|(i, id)| tag::ActiveModel {
        id: Set(*id),
        name: Set(format!("Tag {i}")),
        slug: Set(format!("tag-{i}")),
        created_at: Set(now),
    }))
    .exec(&db)
    .await
    .unwrap();
    let mut sample = Vec::new();
    for batch in 0..(VIDEOS / 1000) {
        let txn = projector_api::db::begin_write(&db).await.unwrap();
        let mut rows = Vec::with_capacity(1000);
        let mut links = Vec::with_capacity(3000);
        for j in 0..1000 {
            let n = batch * 1000 + j;
            let id = Uuid::now_v7();
            let channel_id = channels[n % CHANNELS];
            if n % 200 == 0 {
                sample.push((id, channel_id));
            }
            rows.push(video::ActiveModel {
                id: Set(id),
                channel_id: Set(channel_id),
                title: Set(format!("Video number {n}")),
                slug: Set(format!("video-{n}")),
                description: Set(format!(
                    "A *test* video, number {n}, with [a link](https://example.com/{n})."
                )),
                status: Set("ready".into()),
                visibility: Set("public".into()),
                // Published (a NULL publish time is unpublished since m0006), a minute apart.
                publish_at: Set(Some(now - chrono::TimeDelta::minutes(n as i64))),
                unpublish_at: Set(None),
                duration_secs: Set(Some(60.0 + (n % 600) as f64)),
                language: Set(Some("en".into())),
                license: Set(None),
                category_id: Set(None),
                view_count: Set((n * 7919 % 100_000) as i64),
                like_count: Set(0),
                comment_count: Set(0),
                comments_enabled: Set(true),
                trending_score: Set((n * 31 % 1000) as f64),
                chapters: Set(
                    r#"[{"title":"Intro","startSecs":0},{"title":"Main","startSecs":30}]"#.into(),
                ),
                source_asset_id: Set(None),
                poster_asset_id: Set(None),
                media_error: Set(None),
                playback_restriction: Set(None),
                downloads_enabled: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for k in 0..3 {
                links.push(video_tag::ActiveModel {
                    video_id: Set(id),
                    tag_id: Set(tags[(n * 3 + k) % TAGS]),
                });
            }
        }
        // SQLite caps bound parameters per statement; insert in slices.
        for chunk in rows.chunks(200) {
            video::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        for chunk in links.chunks(400) {
            video_tag::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    db.close().await.ok();
    sample
}

fn wrk(url: &str, script: Option<&std::path::Path>) -> f64 {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{SECONDS}s")]);
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd
        .arg(url)
        .output()
        .expect("wrk is installed (scripts/bench installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "errors under load:\n{text}");
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk output:\n{text}"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    variables: Value,
) -> (Duration, Value) {
    let started = Instant::now();
    let body: Value = client
        .post(url)
        .json(&json!({ "query": query, "variables": variables }))
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

fn main() {
    server::serve_if_asked();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = runtime.block_on(Backend::Sqlite.fresh_database_url(dir.path()));
    // The in-process app (hot-read cache on) creates the schema; then seed straight into the
    // database (100k mutations would take minutes and measure nothing of interest).
    let (cached, sample) = runtime.block_on(async {
        let mut config = test_config(url.clone(), dir.path());
        config.log = "error".into();
        config.graphql.public_cache_ttl_ms = 2000;
        // Throughput from one address: the API rate limits would refuse most of it.
        config.rate_limits.enabled = false;
        let router = projector_api::build_app(config).await.unwrap();
        let started = Instant::now();
        let sample = seed(&url).await;
        println!(
            "seeded {VIDEOS} videos in {:.1}s",
            started.elapsed().as_secs_f64()
        );
        (router, sample)
    });
    // Counting mode: instructions per request under callgrind, nothing else (see count.rs).
    if let Some(out) = count::requested() {
        count::run(&runtime, &url, dir.path(), &out);
        return;
    }
    // The uncached server, in a process of its own: cold start (best of 3) and idle memory.
    let mut starts = Vec::new();
    for _ in 0..2 {
        starts.push(Server::start(&url, dir.path()).cold_start);
    }
    let uncached = Server::start(&url, dir.path());
    starts.push(uncached.cold_start);
    starts.sort();
    std::thread::sleep(Duration::from_secs(1));
    let idle_rss = uncached.rss_mib();
    let uncached_graphql = format!("{}/graphql", uncached.base);

    let (addr, editor) = runtime.block_on(async {
        let client = reqwest::Client::new();
        // The figures mean something only if the public page really holds 24 seeded videos.
        let (_, body) = post(&client, &uncached_graphql, PAGE, json!({})).await;
        let page = &body["data"]["videos"];
        assert_eq!(page["nodes"].as_array().unwrap().len(), 24, "{body}");
        assert_eq!(
            page["nodes"][0]["tags"].as_array().unwrap().len(),
            3,
            "{body}"
        );
        let router = cached
            .route(
                "/bare",
                get(|| async { Json(json!({ "data": { "ok": true } })) }),
            )
            .merge(baseline::router(page));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(projector_api::serve(
            listener,
            router,
            std::future::pending(),
        ));
        let editor = report::editor_token(&client, &uncached_graphql).await;
        (addr, editor)
    });
    let graphql = format!("http://{addr}/graphql");
    let baseline_url = format!("http://{addr}/baseline");

    let public = report::wrk_script(dir.path(), "page.lua", PAGE, None);
    let signed_in = report::wrk_script(dir.path(), "editor.lua", PAGE, Some(&editor));
    // Profiling mode: only the uncached list, for `PROJECTOR_BENCH_PROFILE_SECS` seconds, so
    // `perf record -p <pid>` sees nothing else (see README, Benchmarks).
    if let Some(secs) = std::env::var("PROJECTOR_BENCH_PROFILE_SECS")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        println!(
            "profiling: uncached list for {secs}s, pid {}",
            uncached.pid()
        );
        println!(
            "{}",
            report::wrk_for(&uncached_graphql, Some(&public), secs)
        );
        return;
    }
    let bare_url = format!("http://{addr}/bare");
    wrk(&bare_url, None);
    wrk(&graphql, Some(&public));
    wrk(&uncached_graphql, Some(&public));
    let mut rounds = report::Rounds::default();
    let mut loaded_rss = 0.0f64;
    for _ in 0..3 {
        rounds.bare.push(wrk(&bare_url, None));
        rounds.cached.push(wrk(&graphql, Some(&public)));
        rounds.baseline.push(wrk(&baseline_url, Some(&public)));
        let (rps, peak) = uncached.peak_rss_during(|| wrk(&uncached_graphql, Some(&public)));
        rounds.uncached.push(rps);
        loaded_rss = loaded_rss.max(peak);
        rounds.editor.push(wrk(&uncached_graphql, Some(&signed_in)));
    }

    let (watch, page1, page1000) = runtime.block_on(latencies(&uncached_graphql, &sample));
    drop(uncached);
    let postgres = report::postgres_rounds(&runtime, &public);

    let report = report::Report {
        rounds,
        postgres,
        cold_start: starts[0],
        idle_rss,
        loaded_rss,
        watch,
        page1,
        page1000,
    };
    report.print();
}

/// Watch-page latency, then page 1 against page 1000, one request at a time, uncached.
async fn latencies(
    graphql: &str,
    sample: &[(Uuid, Uuid)],
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>) {
    let client = reqwest::Client::new();
    let mut watch = Vec::new();
    for round in 0..3 {
        for (id, channel) in sample {
            let vars = json!({
                "id": projector_api::graphql::relay::to_global("Video", *id).0,
                "channel": projector_api::graphql::relay::to_global("Channel", *channel).0,
            });
            let (t, body) = post(&client, graphql, WATCH, vars).await;
            assert!(body["data"]["video"]["title"].is_string(), "{body}");
            assert_eq!(
                body["data"]["videos"]["nodes"].as_array().unwrap().len(),
                12
            );
            if round > 0 {
                watch.push(t);
            }
        }
    }
    watch.sort();
    // Walk to page 1000, then time page 1 and page 1000 alternately.
    let mut after = Value::Null;
    for _ in 0..999 {
        let (_, body) = post(&client, graphql, PAGE, json!({ "after": after })).await;
        after = body["data"]["videos"]["pageInfo"]["endCursor"].clone();
    }
    let mut first = Vec::new();
    let mut deep = Vec::new();
    for _ in 0..300 {
        first.push(post(&client, graphql, PAGE, json!({})).await.0);
        let (t, body) = post(&client, graphql, PAGE, json!({ "after": after })).await;
        assert_eq!(
            body["data"]["videos"]["nodes"].as_array().unwrap().len(),
            24
        );
        deep.push(t);
    }
    first.sort();
    deep.sort();
    (watch, first, deep)
}
