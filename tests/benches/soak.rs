//! Soak: 64 anonymous readers, 4 uploaders and 2 transcode workers on one server for
//! `PROJECTOR_SOAK_SECS` (default 300) seconds, on SQLite and (when `PROJECTOR_TEST_POSTGRES`
//! names a server) on PostgreSQL.
//!
//! Each run first measures the readers alone (the idle baseline: the same 64 readers with no
//! upload or transcode running), then under load. It reports errors, uploads and jobs left
//! unfinished, the p99 read latency under load as a ratio to idle, and the process's resident
//! memory (the server runs in this process) in the first and the last minute of the load. It
//! exits non-zero on any error, anything stranded, a p99 ratio above 3, or memory that grew by
//! more than 25%.
//!
//! Run with `PROJECTOR_SOAK_SECS=60 cargo bench -p projector-tests --bench soak`. Not part of
//! CI (it runs for minutes); `scripts/bench` runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use projector_tests::media::mp4;
use projector_tests::tus::{create_with_upload, metadata};
use projector_tests::{Backend, TestApp, spawn_app_with};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tokio::sync::Mutex;

const READERS: usize = 64;
const UPLOADERS: usize = 4;
const WORKERS: u32 = 2;
/// Longest an upload may take to be transcoded, and the drain after the load stops.
const SETTLE: Duration = Duration::from_secs(180);

const WATCH: &str = "query Watch($id: ID!) { video(id: $id) { id title descriptionHtml duration viewCount channel { name slug } media { playable hlsUrl posterUrl } } videos(first: 24) { nodes { id title slug duration channel { name } } } }";

/// Resident memory of this process (the server runs in it), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Read latencies, counted in fixed buckets: its memory does not grow with the number of
/// reads, so the bench measures the server's memory and not its own (millions of samples kept
/// in a list grew this process by some 100 MiB over a five-minute soak). Buckets are 1/64 of
/// an octave wide from 1 µs, so a percentile is exact to within about 1%.
struct Latencies {
    buckets: Vec<u64>,
    count: u64,
}

impl Latencies {
    const SUB: u32 = 64;
    const OCTAVES: u32 = 40;

    fn new() -> Self {
        Self {
            buckets: vec![0; (Self::SUB * Self::OCTAVES) as usize],
            count: 0,
        }
    }

    fn bucket(micros: u64) -> usize {
        let m = micros.max(1);
        let octave = 63 - m.leading_zeros();
        // The position within the octave, in 64ths.
        let sub = if octave >= 6 {
            (m >> (octave - 6)) & 63
        } else {
            (m << (6 - octave)) & 63
        };
        ((octave.min(Self::OCTAVES - 1) * Self::SUB) as usize) + sub as usize
    }

    /// The upper bound of a bucket, in microseconds.
    fn bound(bucket: usize) -> f64 {
        let octave = bucket as u32 / Self::SUB;
        let sub = bucket as u32 % Self::SUB;
        2f64.powi(octave as i32) * (1.0 + f64::from(sub + 1) / f64::from(Self::SUB))
    }

    fn record(&mut self, d: Duration) {
        let b = Self::bucket(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        self.buckets[b] += 1;
        self.count += 1;
    }

    fn merge(&mut self, other: &Self) {
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
    }

    fn len(&self) -> u64 {
        self.count
    }

    fn p99(&self) -> Duration {
        let rank = (self.count * 99).div_ceil(100).max(1);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Duration::from_secs_f64(Self::bound(i) / 1e6);
            }
        }
        Duration::default()
    }
}

/// A draft video with `clip` uploaded to it over tus; returns its ID once the upload is
/// acknowledged.
async fn upload(
    app: &TestApp,
    token: &str,
    channel: &str,
    clip: &[u8],
    n: usize,
) -> Result<String, String> {
    let video = app
        .graphql(
            Some(token),
            "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }",
            json!({ "i": { "channelId": channel, "title": format!("Soak upload {n}"), "visibility": "PUBLIC" } }),
        )
        .await;
    let Some(id) = video["data"]["createVideo"]["video"]["id"].as_str() else {
        return Err(format!("createVideo: {video}"));
    };
    let res = create_with_upload(
        app,
        token,
        clip.to_vec(),
        &metadata(&[("filename", "clip.mp4"), ("videoId", id)]),
    )
    .await;
    if res.status() != 201 {
        return Err(format!("upload: {} {:?}", res.status(), res.text().await));
    }
    Ok(id.to_string())
}

/// Waits until the video is READY; an error when it fails or takes longer than [`SETTLE`].
async fn transcoded(app: &TestApp, token: &str, id: &str) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let v = app
            .graphql(
                Some(token),
                "query($id: ID!) { video(id: $id) { status mediaError } }",
                json!({ "id": id }),
            )
            .await;
        match v["data"]["video"]["status"].as_str() {
            Some("READY") => return Ok(()),
            Some("FAILED") => return Err(format!("transcode failed: {v}")),
            _ if v.get("errors").is_some() => return Err(format!("status query: {v}")),
            _ => {}
        }
        if started.elapsed() > SETTLE {
            return Err(format!("video {id} not READY after {SETTLE:?}: {v}"));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// 64 readers of the watch query for `secs`; returns their latencies and errors.
async fn read_for(app: &Arc<TestApp>, video: &str, secs: Duration) -> (Latencies, Vec<String>) {
    let until = Instant::now() + secs;
    let mut tasks = Vec::new();
    for _ in 0..READERS {
        let app = app.clone();
        let video = video.to_string();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Latencies::new();
            let mut errors = Vec::new();
            while Instant::now() < until {
                let started = Instant::now();
                let res = app
                    .client
                    .post(app.url("/graphql"))
                    .json(&json!({ "query": WATCH, "variables": { "id": video } }))
                    .send()
                    .await;
                let outcome = match res {
                    Ok(r) if r.status() == 200 => match r.json::<Value>().await {
                        Ok(v)
                            if v.get("errors").is_none()
                                && v["data"]["video"]["id"].is_string() =>
                        {
                            Ok(())
                        }
                        Ok(v) => Err(format!("read: {v}")),
                        Err(e) => Err(format!("read body: {e}")),
                    },
                    Ok(r) => Err(format!("read: status {}", r.status())),
                    Err(e) => Err(format!("read: {e}")),
                };
                latencies.record(started.elapsed());
                if let Err(e) = outcome {
                    errors.push(e);
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Latencies::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.merge(&l);
        errors.extend(e);
    }
    (latencies, errors)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.db().await;
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    db.close().await.ok();
    row.try_get::<i64>("", "n").unwrap()
}

/// One soak on `backend`; returns whether it passed.
async fn soak(name: &str, backend: Backend, secs: u64) -> bool {
    let app = Arc::new(
        spawn_app_with(backend, |c| {
            c.workers = WORKERS;
            // The deployed pool size, not the tests' small one: 64 readers share it.
            c.database_max_connections = projector_api::Config::default().database_max_connections;
            // One small rendition keeps two workers busy without starving the readers of the
            // only two cores a CI machine has; the point is concurrency, not transcode speed.
            c.transcode.ladder = vec![240];
            // The watch path as deployed: hot public reads come from memory. The uploads are
            // drafts, which the public cannot see, so they leave the cached pages alone.
            c.graphql.public_cache_ttl_ms =
                projector_api::Config::default().graphql.public_cache_ttl_ms;
            // 64 readers on one address: the API rate limits would refuse most of them.
            c.rate_limits.enabled = false;
        })
        .await,
    );
    // The server's warnings and errors go to stderr, as `projector serve` logs them, so an
    // error counted here can be traced to its cause.
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(|| projector_api::observability::init_tracing(&app.config));
    let token = app.user_token("soak@example.com", "EDITOR").await;
    let channel = app.create_channel(&token, "Soak").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let clip_path = app.dir.path().join("clip.mp4");
    mp4(&clip_path, 2);
    let clip = Arc::new(std::fs::read(&clip_path).unwrap());

    // The video the readers watch: uploaded, transcoded and published before anything else.
    let watched = upload(&app, &token, &channel, &clip, 0)
        .await
        .expect("first upload");
    transcoded(&app, &token, &watched)
        .await
        .expect("first transcode");
    let published = app
        .graphql(
            Some(&token),
            "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
            json!({ "i": { "id": watched } }),
        )
        .await;
    assert!(published.get("errors").is_none(), "publish: {published}");

    let idle_secs = Duration::from_secs((secs / 5).clamp(10, 30));
    let (idle, idle_errors) = read_for(&app, &watched, idle_secs).await;
    let idle_p99 = idle.p99();

    // The load: readers, uploaders and the workers at once; memory sampled every second.
    let stop = Arc::new(AtomicBool::new(false));
    let uploaded = Arc::new(AtomicU64::new(0));
    let upload_errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut uploaders = Vec::new();
    for u in 0..UPLOADERS {
        let (app, token, channel, clip) =
            (app.clone(), token.clone(), channel.clone(), clip.clone());
        let (stop, uploaded, errors) = (stop.clone(), uploaded.clone(), upload_errors.clone());
        uploaders.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let result = match upload(&app, &token, &channel, &clip, u * 100_000 + n).await {
                    Ok(id) => transcoded(&app, &token, &id).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => {
                        uploaded.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => errors.lock().await.push(e),
                }
            }
        }));
    }
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                samples.push((started.elapsed(), rss_kib()));
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            samples
        })
    };
    let rss_start = rss_kib();
    let (loaded, load_errors) = read_for(&app, &watched, Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.await.unwrap();
    let drain_started = Instant::now();
    for u in uploaders {
        u.await.unwrap();
    }
    let drain = drain_started.elapsed();
    let rss_end = rss_kib();
    let load_p99 = loaded.p99();

    let stranded_uploads = count(
        &app,
        "SELECT COUNT(*) AS n FROM uploads WHERE status IN ('uploading', 'processing')",
    )
    .await;
    let stranded_jobs = count(
        &app,
        "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')",
    )
    .await;
    let failed_jobs = count(
        &app,
        "SELECT COUNT(*) AS n FROM jobs WHERE status = 'failed'",
    )
    .await;

    // Memory: the mean of the first and of the last minute of the load (a quarter of it each
    // when it is shorter than four minutes).
    let window = Duration::from_secs((secs / 4).clamp(1, 60));
    let total = samples.last().map(|s| s.0).unwrap_or_default();
    let mean = |keep: &dyn Fn(Duration) -> bool| {
        let picked: Vec<u64> = samples.iter().filter(|s| keep(s.0)).map(|s| s.1).collect();
        picked.iter().sum::<u64>() as f64 / picked.len().max(1) as f64
    };
    let first = mean(&|t| t < window);
    let last = mean(&|t| t + window > total);
    let growth = last / first.max(1.0) - 1.0;
    let ratio = load_p99.as_secs_f64() / idle_p99.as_secs_f64().max(1e-6);
    let upload_errors = upload_errors.lock().await.clone();
    let errors: Vec<&String> = idle_errors
        .iter()
        .chain(&load_errors)
        .chain(&upload_errors)
        .collect();

    println!(
        "soak on {name}: {READERS} readers, {UPLOADERS} uploaders, {WORKERS} workers, {secs} s"
    );
    println!(
        "  reads idle / under load              : {} / {}",
        idle.len(),
        loaded.len()
    );
    println!(
        "  uploads transcoded under load        : {}",
        uploaded.load(Ordering::Relaxed)
    );
    println!(
        "  errors                               : {}  (goal 0)",
        errors.len()
    );
    for e in errors.iter().take(10) {
        println!("    {e}");
    }
    println!(
        "  stranded uploads / jobs              : {stranded_uploads} / {stranded_jobs}  (goal 0 / 0; failed jobs {failed_jobs}; drain {:.1} s)",
        drain.as_secs_f64()
    );
    println!(
        "  p99 read idle / under load           : {:.1} ms / {:.1} ms = {ratio:.2}x  (goal <= 3)",
        idle_p99.as_secs_f64() * 1e3,
        load_p99.as_secs_f64() * 1e3
    );
    println!(
        "  RSS start / end of load              : {} / {} MiB; first vs last {} s mean {:.0} / {:.0} MiB = {:+.1}%  (goal <= +25%)",
        rss_start / 1024,
        rss_end / 1024,
        window.as_secs(),
        first / 1024.0,
        last / 1024.0,
        growth * 100.0
    );
    let passed = errors.is_empty()
        && stranded_uploads == 0
        && stranded_jobs == 0
        && failed_jobs == 0
        && ratio <= 3.0
        && growth <= 0.25;
    println!(
        "  verdict                              : {}",
        if passed { "pass" } else { "FAIL" }
    );
    passed
}

fn main() {
    let secs = std::env::var("PROJECTOR_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300u64);
    let passed = match std::env::var("PROJECTOR_SOAK_DB").as_deref() {
        Ok("sqlite") => {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(soak("SQLite", Backend::Sqlite, secs))
        }
        Ok("postgres") => match Backend::postgres() {
            Some(pg) => {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                runtime.block_on(soak("PostgreSQL", pg, secs))
            }
            None => {
                println!("soak on PostgreSQL: skipped (PROJECTOR_TEST_POSTGRES is not set)");
                true
            }
        },
        // Each database in a process of its own: resident memory is the process's, and an
        // allocator keeps what the first soak freed.
        _ => ["sqlite", "postgres"].iter().fold(true, |passed, db| {
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .env("PROJECTOR_SOAK_DB", db)
                .status()
                .unwrap();
            passed & status.success()
        }),
    };
    if !passed {
        std::process::exit(1);
    }
}
