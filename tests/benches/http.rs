//! Requests per second of `{ version }` over GraphQL, as a ratio to a bare axum JSON handler
//! mounted on the same server, loaded by `wrk` in the same run.
//!
//! Run with `scripts/bench` (or `cargo bench -p projector-tests --bench http`; needs `wrk`).
//! Rounds alternate between the baseline and the subject so drift on a shared machine hits both.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use axum::Json;
use axum::routing::get;
use projector_tests::{Backend, test_config};
use serde_json::json;

const ROUNDS: usize = 3;
const SECONDS: u32 = 5;
const CONNECTIONS: u32 = 64;

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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let addr = runtime.block_on(async {
        let url = Backend::Sqlite.fresh_database_url(dir.path()).await;
        let mut config = test_config(url, dir.path());
        config.log = "error".into();
        // Throughput from one address: the API rate limits would refuse most of it.
        config.rate_limits.enabled = false;
        let version = env!("CARGO_PKG_VERSION");
        let router = projector_api::build_app(config).await.unwrap().route(
            "/bare",
            get(move || async move { Json(json!({ "data": { "version": version } })) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(projector_api::serve(
            listener,
            router,
            std::future::pending(),
        ));
        addr
    });

    let script = dir.path().join("graphql.lua");
    std::fs::write(
        &script,
        "wrk.method = \"POST\"\nwrk.body = '{\"query\":\"{ version }\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
    )
    .unwrap();
    let bare_url = format!("http://{addr}/bare");
    let graphql_url = format!("http://{addr}/graphql");

    // Warm up both paths (connection pools, allocator) before measuring.
    wrk(&bare_url, None);
    wrk(&graphql_url, Some(&script));

    let mut bare = Vec::new();
    let mut graphql = Vec::new();
    for _ in 0..ROUNDS {
        bare.push(wrk(&bare_url, None));
        graphql.push(wrk(&graphql_url, Some(&script)));
    }
    let (b, g) = (median(bare.clone()), median(graphql.clone()));
    println!("bench http: {ROUNDS} rounds x {SECONDS}s, {CONNECTIONS} connections, wrk -t2");
    println!("  bare axum JSON handler   : {b:>10.0} req/s  (rounds: {bare:.0?})");
    println!("  GraphQL {{ version }} POST: {g:>10.0} req/s  (rounds: {graphql:.0?})");
    println!("  ratio graphql / bare     : {:.2}", g / b);
}
