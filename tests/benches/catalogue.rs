//! The catalogue's read path on 100 000 videos, in one run:
//!
//! 1. requests per second of a public `videos(first: 24)` page with channel and tags at 64
//!    connections, as a ratio to a bare axum JSON handler on the same server (wrk);
//! 2. p50/p99 latency of a watch-page query (video, channel, chapters, 12 related videos);
//! 3. latency of page 1000 of the public list as a ratio to page 1.
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (addr, sample, uncached_addr) = runtime.block_on(async {
        let url = Backend::Sqlite.fresh_database_url(dir.path()).await;
        let mut config = test_config(url.clone(), dir.path());
        config.log = "error".into();
        // Two apps on one database: one with the hot-read cache (the default), one without,
        // to show what the cache buys.
        let mut uncached_config = config.clone();
        config.graphql.public_cache_ttl_ms = 2000;
        uncached_config.graphql.public_cache_ttl_ms = 0;
        // Create the schema, then seed straight into the database (100k mutations would take
        // minutes and measure nothing of interest).
        let router = projector_api::build_app(config).await.unwrap();
        let uncached = projector_api::build_app(uncached_config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uncached_addr = listener.local_addr().unwrap();
        tokio::spawn(projector_api::serve(
            listener,
            uncached,
            std::future::pending(),
        ));
        let started = Instant::now();
        let sample = seed(&url).await;
        println!(
            "seeded {VIDEOS} videos in {:.1}s",
            started.elapsed().as_secs_f64()
        );
        let router = router.route(
            "/bare",
            get(|| async { Json(json!({ "data": { "ok": true } })) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(projector_api::serve(
            listener,
            router,
            std::future::pending(),
        ));
        (addr, sample, uncached_addr)
    });
    let graphql = format!("http://{addr}/graphql");
    let uncached_graphql = format!("http://{uncached_addr}/graphql");
    // The figures mean something only if the public page really holds 24 seeded videos.
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let (_, body) = post(&client, &graphql, PAGE, json!({})).await;
        assert_eq!(
            body["data"]["videos"]["nodes"].as_array().unwrap().len(),
            24,
            "{body}"
        );
        assert_eq!(
            body["data"]["videos"]["nodes"][0]["tags"]
                .as_array()
                .unwrap()
                .len(),
            3,
            "{body}"
        );
    });

    // 1. Throughput of the public list page against the bare handler.
    let script = dir.path().join("page.lua");
    let body = json!({ "query": PAGE, "variables": {} })
        .to_string()
        .replace('\'', "\\'");
    std::fs::write(
        &script,
        format!("wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"),
    )
    .unwrap();
    // Profiling mode: only the uncached list, for `PROJECTOR_BENCH_PROFILE_SECS` seconds, so
    // `perf record -p <pid>` sees nothing else (see README, Benchmarks).
    if let Some(secs) = std::env::var("PROJECTOR_BENCH_PROFILE_SECS")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        println!(
            "profiling: uncached list for {secs}s, pid {}",
            std::process::id()
        );
        let out = Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{CONNECTIONS}"),
                &format!("-d{secs}s"),
                "-s",
            ])
            .arg(&script)
            .arg(&uncached_graphql)
            .output()
            .expect("wrk is installed");
        println!("{}", String::from_utf8_lossy(&out.stdout));
        return;
    }
    let bare_url = format!("http://{addr}/bare");
    wrk(&bare_url, None);
    wrk(&graphql, Some(&script));
    let mut bare = Vec::new();
    let mut page = Vec::new();
    let mut uncached = Vec::new();
    for _ in 0..3 {
        bare.push(wrk(&bare_url, None));
        page.push(wrk(&graphql, Some(&script)));
        uncached.push(wrk(&uncached_graphql, Some(&script)));
    }
    bare.sort_by(f64::total_cmp);
    page.sort_by(f64::total_cmp);
    uncached.sort_by(f64::total_cmp);

    let (watch, page1, page1000) = runtime.block_on(async {
        let client = reqwest::Client::new();
        // 2. Watch-page latency, one request at a time.
        let mut watch = Vec::new();
        for round in 0..3 {
            for (id, channel) in &sample {
                let vars = json!({
                    "id": projector_api::graphql::relay::to_global("Video", *id).0,
                    "channel": projector_api::graphql::relay::to_global("Channel", *channel).0,
                });
                let (t, body) = post(&client, &uncached_graphql, WATCH, vars).await;
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
        // 3. Walk to page 1000, then time page 1 and page 1000 alternately.
        let mut after = Value::Null;
        for _ in 0..999 {
            let (_, body) = post(&client, &uncached_graphql, PAGE, json!({ "after": after })).await;
            after = body["data"]["videos"]["pageInfo"]["endCursor"].clone();
        }
        let mut first = Vec::new();
        let mut deep = Vec::new();
        for _ in 0..300 {
            first.push(post(&client, &uncached_graphql, PAGE, json!({})).await.0);
            let (t, body) = post(&client, &uncached_graphql, PAGE, json!({ "after": after })).await;
            assert_eq!(
                body["data"]["videos"]["nodes"].as_array().unwrap().len(),
                24
            );
            deep.push(t);
        }
        first.sort();
        deep.sort();
        (watch, first, deep)
    });

    let (b, p) = (bare[1], page[1]);
    println!("bench catalogue: {VIDEOS} videos, {CHANNELS} channels, 3 tags each, SQLite");
    println!("  bare axum JSON handler        : {b:>9.0} req/s (rounds {bare:.0?})");
    println!("  videos(first: 24) + channel, tags: {p:>6.0} req/s (rounds {page:.0?})");
    println!(
        "  ratio page / bare              : {:.2}  (goal >= 0.5)",
        p / b
    );
    println!(
        "  same page without the cache    : {:>6.0} req/s, ratio {:.3} (rounds {uncached:.0?})",
        uncached[1],
        uncached[1] / b
    );
    println!("  latencies below bypass the cache (one request at a time, database path):");
    println!(
        "  watch page p50 / p99           : {:.2} ms / {:.2} ms  (goal p99 <= 5 ms, {} requests)",
        percentile(&watch, 0.5).as_secs_f64() * 1000.0,
        percentile(&watch, 0.99).as_secs_f64() * 1000.0,
        watch.len()
    );
    let (p1, p1000) = (percentile(&page1, 0.5), percentile(&page1000, 0.5));
    println!(
        "  page 1 / page 1000 p50         : {:.2} ms / {:.2} ms, ratio {:.2}  (goal <= 1.2)",
        p1.as_secs_f64() * 1000.0,
        p1000.as_secs_f64() * 1000.0,
        p1000.as_secs_f64() / p1.as_secs_f64()
    );
}
