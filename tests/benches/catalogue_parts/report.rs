//! The catalogue bench's rounds, its PostgreSQL part and its report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use projector_tests::{Backend, test_config};
use serde_json::{Value, json};

use super::server::Server;
use crate::{CONNECTIONS, VIDEOS, percentile, post, seed, wrk};

/// Requests per second of each subject, one entry per round (rounds alternate subjects).
#[derive(Default)]
pub struct Rounds {
    pub bare: Vec<f64>,
    pub cached: Vec<f64>,
    pub baseline: Vec<f64>,
    pub uncached: Vec<f64>,
    pub editor: Vec<f64>,
}

/// Everything the bench measured.
pub struct Report {
    pub rounds: Rounds,
    /// Uncached list on PostgreSQL (empty without `PROJECTOR_TEST_POSTGRES`).
    pub postgres: Vec<f64>,
    pub cold_start: Duration,
    pub idle_rss: f64,
    pub loaded_rss: f64,
    pub watch: Vec<Duration>,
    pub page1: Vec<Duration>,
    pub page1000: Vec<Duration>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Report {
    pub fn print(mut self) {
        let r = &mut self.rounds;
        let (bare, cached, baseline) = (
            median(&mut r.bare),
            median(&mut r.cached),
            median(&mut r.baseline),
        );
        let (uncached, editor) = (median(&mut r.uncached), median(&mut r.editor));
        println!(
            "bench catalogue: {VIDEOS} videos, 20 channels, 3 tags each, {CONNECTIONS} connections"
        );
        println!(
            "  bare axum JSON handler             : {bare:>8.0} req/s {:.0?}",
            r.bare
        );
        println!(
            "  list, hot-read cache on            : {cached:>8.0} req/s {:.0?}, {:.2}x bare (goal >= 0.5)",
            r.cached,
            cached / bare
        );
        println!(
            "  async-graphql alone, same page     : {baseline:>8.0} req/s {:.0?}, {:.3}x bare",
            r.baseline,
            baseline / bare
        );
        println!(
            "  list, cache off (SQLite)           : {uncached:>8.0} req/s {:.0?}, {:.3}x async-graphql (goal >= 0.6), {:.3}x bare",
            r.uncached,
            uncached / baseline,
            uncached / bare
        );
        println!(
            "  list, cache off, as an editor      : {editor:>8.0} req/s {:.0?}, anonymous / editor {:.2} (goal <= 1.2)",
            r.editor,
            uncached / editor
        );
        if !self.postgres.is_empty() {
            let pg = median(&mut self.postgres);
            println!(
                "  list, cache off (PostgreSQL)       : {pg:>8.0} req/s {:.0?}, {:.2}x SQLite, {:.3}x async-graphql",
                self.postgres,
                pg / uncached,
                pg / baseline
            );
        }
        println!(
            "  cold start to /readyz (best of 3)  : {:.0} ms (goal <= 300 ms)",
            ms(self.cold_start)
        );
        println!(
            "  server RSS idle / under the list   : {:.0} MiB / {:.0} MiB (goals <= 60 / <= 150)",
            self.idle_rss, self.loaded_rss
        );
        println!("  latencies below bypass the cache (one request at a time, database path):");
        println!(
            "  watch page p50 / p99               : {:.2} ms / {:.2} ms (goal p99 <= 1 ms, {} requests)",
            ms(percentile(&self.watch, 0.5)),
            ms(percentile(&self.watch, 0.99)),
            self.watch.len()
        );
        let (p1, p1000) = (
            percentile(&self.page1, 0.5),
            percentile(&self.page1000, 0.5),
        );
        println!(
            "  page 1 / page 1000 p50             : {:.2} ms / {:.2} ms, ratio {:.2} (goal <= 1.2)",
            ms(p1),
            ms(p1000),
            p1000.as_secs_f64() / p1.as_secs_f64()
        );
    }
}

/// A wrk script posting `query`, with a bearer token when `token` is given.
pub fn wrk_script(dir: &Path, name: &str, query: &str, token: Option<&str>) -> PathBuf {
    let path = dir.join(name);
    let body = json!({ "query": query, "variables": {} })
        .to_string()
        .replace('\'', "\\'");
    let mut script = format!(
        "wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
    );
    if let Some(token) = token {
        script.push_str(&format!(
            "wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"
        ));
    }
    std::fs::write(&path, script).unwrap();
    path
}

/// wrk's whole output for `secs` seconds against `url`.
pub fn wrk_for(url: &str, script: Option<&Path>, secs: u32) -> String {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{secs}s")]);
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd.arg(url).output().expect("wrk is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Signs in as the test admin, creates an editor and returns the editor's access token.
pub async fn editor_token(client: &reqwest::Client, graphql: &str) -> String {
    let login = |email: &'static str, password: &'static str| json!({ "i": { "email": email, "password": password } });
    let (_, body) = post(
        client,
        graphql,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        login(
            projector_tests::ADMIN_EMAIL,
            projector_tests::ADMIN_PASSWORD,
        ),
    )
    .await;
    let admin = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let created: Value = client
        .post(graphql)
        .bearer_auth(&admin)
        .json(&json!({
            "query": "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
            "variables": { "i": { "email": "bench-editor@example.com", "password": "password-1234", "role": "EDITOR" } },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(created.get("errors").is_none(), "{created}");
    let (_, body) = post(
        client,
        graphql,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        login("bench-editor@example.com", "password-1234"),
    )
    .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The uncached list on PostgreSQL, seeded the same way (3 rounds), when it is configured.
pub fn postgres_rounds(runtime: &tokio::runtime::Runtime, script: &Path) -> Vec<f64> {
    let Some(backend) = Backend::postgres() else {
        return Vec::new();
    };
    let dir = tempfile::tempdir().unwrap();
    let url = runtime.block_on(async {
        let url = backend.fresh_database_url(dir.path()).await;
        // Building the app creates the schema.
        let mut config = test_config(url.clone(), dir.path());
        config.log = "error".into();
        drop(projector_api::build_app(config).await.unwrap());
        seed(&url).await;
        // Statistics, as autovacuum gathers them within a minute of a bulk load: without them
        // the planner knows no row counts and sorts the whole table for every page (17 req/s).
        let db = sea_orm::Database::connect(&url).await.unwrap();
        sea_orm::ConnectionTrait::execute_unprepared(&db, "ANALYZE")
            .await
            .unwrap();
        db.close().await.unwrap();
        url
    });
    let server = Server::start(&url, dir.path());
    let graphql = format!("{}/graphql", server.base);
    runtime.block_on(async {
        let (_, body) = post(&reqwest::Client::new(), &graphql, crate::PAGE, json!({})).await;
        assert_eq!(
            body["data"]["videos"]["nodes"].as_array().unwrap().len(),
            24,
            "{body}"
        );
    });
    wrk(&graphql, Some(script));
    (0..3).map(|_| wrk(&graphql, Some(script))).collect()
}
