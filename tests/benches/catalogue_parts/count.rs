//! Instructions per request, which the load of a shared machine does not change: the uncached
//! server runs under `valgrind --tool=callgrind`, and this process sends it exactly N requests
//! of each subject, one at a time, between a `callgrind_control --zero` and a `--dump`.
//!
//! `PROJECTOR_BENCH_CALLGRIND=<directory>` turns it on (the dumps stay there, one per subject,
//! for `callgrind_annotate`); `PROJECTOR_BENCH_CALLGRIND_REQUESTS` sets N (default 200).
//! Subjects, all on the one server process (the routes of `server::serve_if_asked`):
//! (a) the uncached public list, (b) `{ version }` through the full stack, (c) a bare axum
//! handler on the same server, (d) async-graphql serving the same page from memory.
//! Kernel instructions (futex waits, socket calls) are not counted: callgrind sees user space.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::server::Server;
use crate::{PAGE, post};

const DIR: &str = "PROJECTOR_BENCH_CALLGRIND";
const REQUESTS: &str = "PROJECTOR_BENCH_CALLGRIND_REQUESTS";

/// The directory for the dumps when counting was asked for.
pub fn requested() -> Option<PathBuf> {
    std::env::var_os(DIR).map(PathBuf::from)
}

/// One subject: its label, path and body (`None`: a GET).
struct Subject {
    label: &'static str,
    path: &'static str,
    body: Option<Value>,
}

/// Counts every subject on the database at `url` and prints instructions per request.
pub fn run(runtime: &tokio::runtime::Runtime, url: &str, dir: &Path, out: &Path) {
    let n: usize = std::env::var(REQUESTS)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    std::fs::create_dir_all(out).expect("create the callgrind directory");
    // Idle memory and the page the baseline serves, from a server without valgrind.
    let plain = Server::start(url, dir);
    std::thread::sleep(Duration::from_secs(1));
    let [idle, anon, file] = plain.rss_parts();
    let page = runtime.block_on(async {
        let (_, body) = post(
            &reqwest::Client::new(),
            &format!("{}/graphql", plain.base),
            PAGE,
            json!({}),
        )
        .await;
        body["data"]["videos"].clone()
    });
    drop(plain);
    let page_file = dir.join("baseline-page.json");
    std::fs::write(&page_file, page.to_string()).expect("write the page");

    let started = Instant::now();
    let server = Server::start_counted(url, dir, &page_file, out);
    println!(
        "callgrind server ready in {:.1}s, pid {}",
        started.elapsed().as_secs_f64(),
        server.pid()
    );
    settle(runtime, &server, out);
    let list = json!({ "query": PAGE, "variables": {} });
    let subjects = [
        Subject {
            label: "a-list-uncached",
            path: "/graphql",
            body: Some(list.clone()),
        },
        Subject {
            label: "b-version",
            path: "/graphql",
            body: Some(json!({ "query": "{ version }" })),
        },
        Subject {
            label: "c-bare",
            path: "/bare",
            body: None,
        },
        Subject {
            label: "d-async-graphql",
            path: "/baseline",
            body: Some(list),
        },
    ];
    let mut results = Vec::new();
    for subject in &subjects {
        let url = format!("{}{}", server.base, subject.path);
        runtime.block_on(send(&url, subject.body.as_ref(), 20));
        control(server.pid(), &["--zero"], || {
            runtime.block_on(send(&url, subject.body.as_ref(), 1))
        });
        runtime.block_on(send(&url, subject.body.as_ref(), n));
        let before = dumps(out);
        control(server.pid(), &["--dump", subject.label], || ());
        let file = newest_dump(out, &before);
        let total = totals(&file);
        println!(
            "  {:<18} {:>10.0} instructions per request ({total} for {n}; {})",
            subject.label,
            total as f64 / n as f64,
            file.display()
        );
        results.push(total as f64 / n as f64);
    }
    // Fewer instructions per request is more requests per second on a saturated core, so the
    // inverse of each instruction ratio stands in for the throughput ratio of the wrk rounds.
    let (list, version) = (results[0] / results[3], results[1] / results[2]);
    println!(
        "  instructions: list / async-graphql {list:.2} (throughput-equivalent {:.3}x), \
         version / bare {version:.2} (throughput-equivalent {:.3}x); \
         idle RSS {idle:.1} MiB ({anon:.1} anonymous, {file:.1} file pages)",
        1.0 / list,
        1.0 / version,
    );
}

/// Waits until the server's own background work (on a freshly seeded database, the first
/// view flush rescoring every video, slow under valgrind) is over: windows of 5 s without
/// requests are counted until one costs under 10 million instructions (at most 5 minutes).
fn settle(runtime: &tokio::runtime::Runtime, server: &Server, out: &Path) {
    let bare = format!("{}/bare", server.base);
    for _ in 0..60 {
        control(server.pid(), &["--zero"], || {
            runtime.block_on(send(&bare, None, 1))
        });
        std::thread::sleep(Duration::from_secs(5));
        let before = dumps(out);
        control(server.pid(), &["--dump", "idle"], || {
            runtime.block_on(send(&bare, None, 1))
        });
        let file = newest_dump(out, &before);
        let idle = totals(&file);
        println!("  idle window: {idle} instructions in 5 s");
        if idle < 10_000_000 {
            return;
        }
    }
}

/// Sends `n` requests one after the other; each must succeed.
async fn send(url: &str, body: Option<&Value>, n: usize) {
    let client = reqwest::Client::new();
    for _ in 0..n {
        let request = match body {
            Some(b) => client.post(url).json(b),
            None => client.get(url),
        };
        let response = request.send().await.expect("send");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        let answer: Value = response.json().await.expect("a JSON answer");
        assert!(answer.get("errors").is_none(), "{answer}");
    }
}

/// Runs `callgrind_control <args> <pid>`; valgrind reads the command when one of the
/// process's threads runs, so `nudge` is called until it has answered.
fn control(pid: u32, args: &[&str], mut nudge: impl FnMut()) {
    let mut child = Command::new("callgrind_control")
        .args(args)
        .arg(pid.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("callgrind_control is installed (valgrind)");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "callgrind_control {args:?} failed");
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
        nudge();
    }
}

fn dumps(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .expect("read the callgrind directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect()
}

fn newest_dump(out: &Path, before: &[PathBuf]) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(p) = dumps(out).into_iter().find(|p| !before.contains(p)) {
            // The file is written before callgrind_control returns; give it a moment anyway.
            std::thread::sleep(Duration::from_millis(200));
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "no new dump in {}",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The instructions a dump counted (its `summary:` or `totals:` line).
fn totals(file: &Path) -> u64 {
    let text = std::fs::read_to_string(file).expect("read the dump");
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no totals in {}", file.display()))
}
