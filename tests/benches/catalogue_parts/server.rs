//! A Projector server in a process of its own, on an existing database, with the hot-read cache
//! off: how long it takes to be ready, what it holds in memory idle and under load, and the
//! uncached figures, without the bench's own allocations in the same process.
//!
//! The bench runs itself again with `PROJECTOR_BENCH_SERVE=<database URL>` to be that server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use projector_tests::test_config;

const SERVE: &str = "PROJECTOR_BENCH_SERVE";
const DIR: &str = "PROJECTOR_BENCH_DIR";
/// A page (JSON) for the async-graphql baseline: the child also serves `/bare` and
/// `/baseline` beside the app, for the instruction counts (`count.rs`).
const ROUTES: &str = "PROJECTOR_BENCH_ROUTES";

/// In the child: serves and never returns. In the bench itself: does nothing.
pub fn serve_if_asked() {
    let Ok(url) = std::env::var(SERVE) else {
        return;
    };
    let dir = PathBuf::from(std::env::var(DIR).expect("PROJECTOR_BENCH_DIR"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let defaults = projector_api::Config::default();
        let mut config = test_config(url, &dir);
        // What `projector serve` runs with, except the cache (off: every request runs its SQL)
        // and the log level.
        config.database_max_connections = defaults.database_max_connections;
        config.workers = defaults.workers;
        config.log = "error".into();
        config.graphql.public_cache_ttl_ms = 0;
        // Throughput from one address: the API rate limits would refuse most of it.
        config.rate_limits.enabled = false;
        if let Some(page) = std::env::var_os(ROUTES) {
            return serve_with_baselines(config, &PathBuf::from(page)).await;
        }
        let app = projector_api::Application::build(config)
            .await
            .expect("build the app");
        println!("listening {}", app.local_addr().expect("address"));
        app.run_until(std::future::pending::<()>())
            .await
            .expect("serve");
    });
    std::process::exit(0);
}

/// The app with a bare axum handler (`GET /bare`) and async-graphql serving `page` from memory
/// (`POST /baseline`) beside it, outside its layers, as in the `http` bench.
async fn serve_with_baselines(config: projector_api::Config, page: &Path) {
    use axum::Json;
    use axum::routing::get;
    let page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(page).expect("read the page"))
            .expect("a JSON page");
    let version = env!("CARGO_PKG_VERSION");
    let router = projector_api::build_app(config)
        .await
        .expect("build the app")
        .route(
            "/bare",
            get(move || async move { Json(serde_json::json!({ "data": { "version": version } })) }),
        )
        .merge(crate::baseline::router(&page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("listening {}", listener.local_addr().expect("address"));
    projector_api::serve(listener, router, std::future::pending())
        .await
        .expect("serve");
}

/// A server process, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// From spawning the process to the first `200` from `/readyz`.
    pub cold_start: Duration,
}

impl Server {
    /// Starts a server on `url` (data under `dir`) and waits until `/readyz` answers 200.
    pub fn start(url: &str, dir: &Path) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command.env(SERVE, url).env(DIR, dir);
        Self::spawn(command)
    }

    /// Starts a server under `valgrind --tool=callgrind` (dumps into `out`), serving the
    /// baselines beside the app with `page` (see [`serve_with_baselines`]).
    pub fn start_counted(url: &str, dir: &Path, page: &Path, out: &Path) -> Self {
        let mut command = Command::new("valgrind");
        command
            .arg("--tool=callgrind")
            .arg("--dump-instr=no")
            .arg(format!(
                "--callgrind-out-file={}/callgrind.out.%p",
                out.display()
            ))
            .arg(std::env::current_exe().expect("own path"))
            .env(SERVE, url)
            .env(DIR, dir)
            .env(ROUTES, page);
        Self::spawn(command)
    }

    fn spawn(mut command: Command) -> Self {
        let started = Instant::now();
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the address");
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the server said {line:?}"))
            .to_string();
        let base = format!("http://{addr}");
        while !ready(&addr) {
            std::thread::sleep(Duration::from_millis(2));
        }
        Server {
            cold_start: started.elapsed(),
            child,
            base,
        }
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the process now, in MiB.
    pub fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc status");
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kib / 1024.0
    }

    /// `VmRSS`, `RssAnon` and `RssFile` of the process now (what it allocated, and the pages
    /// of its binary and libraries it has touched), in MiB.
    pub fn rss_parts(&self) -> [f64; 3] {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc status");
        ["VmRSS:", "RssAnon:", "RssFile:"].map(|field| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or(0.0, |kib| kib / 1024.0)
        })
    }

    /// Runs `load` while sampling resident memory every 100 ms; returns its result and the
    /// highest RSS seen, in MiB.
    pub fn peak_rss_during<T>(&self, load: impl FnOnce() -> T) -> (T, f64) {
        let pid = self.child.id();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        let sampler = std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    && let Some(kib) = status
                        .lines()
                        .find_map(|l| l.strip_prefix("VmRSS:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                {
                    peak = peak.max(kib / 1024.0);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        });
        let out = load();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (out, sampler.join().expect("sampler"))
    }
}

/// Whether `GET /readyz` answers 200 (plain HTTP/1.1 over a new connection).
fn ready(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
