//! What both halves of the campaign share: generated cases, raw HTTP, row counts and the checks
//! every answer must pass.

use std::fmt::Debug;

use projector_tests::TestApp;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// `n` cases drawn from `strategy`. The runner is deterministic, so CI sees the same cases on
/// every run and a failure names an input that can be replayed; `PROJECTOR_CAMPAIGN_RANDOM=1`
/// draws fresh ones for a longer local hunt.
pub fn cases<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value>
where
    S::Value: Debug,
{
    let mut runner = if std::env::var("PROJECTOR_CAMPAIGN_RANDOM").is_ok_and(|v| v == "1") {
        TestRunner::default()
    } else {
        TestRunner::deterministic()
    };
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The tables a bad request must not write to.
const TABLES: &[&str] = &[
    "users",
    "channels",
    "channel_members",
    "videos",
    "media_assets",
    "uploads",
    "media_outputs",
    "podcasts",
    "episodes",
    "playlists",
    "playlist_items",
    "jobs",
    "api_tokens",
    "categories",
    "tags",
    "video_tags",
    "episode_tags",
];

/// One connection to the server's database for counting rows between requests.
pub struct Counter(DatabaseConnection);

impl Counter {
    /// Connects to `app`'s database.
    pub async fn new(app: &TestApp) -> Self {
        Self(app.db().await)
    }

    /// The row count of every main table, in [`TABLES`] order.
    pub async fn snapshot(&self) -> Vec<(&'static str, i64)> {
        let sql = TABLES
            .iter()
            .map(|t| format!("SELECT '{t}' AS t, COUNT(*) AS n FROM {t}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = self
            .0
            .query_all(Statement::from_string(self.0.get_database_backend(), sql))
            .await
            .expect("count rows");
        let mut counts: Vec<(&'static str, i64)> = rows
            .iter()
            .map(|r| {
                let t: String = r.try_get("", "t").unwrap();
                let name = TABLES.iter().find(|x| **x == t).unwrap();
                (*name, r.try_get::<i64>("", "n").unwrap())
            })
            .collect();
        counts.sort();
        counts
    }
}

/// An answer to a raw HTTP request.
#[derive(Debug)]
pub struct Raw {
    /// The status code.
    pub status: u16,
    /// The body (de-chunked when needed).
    pub body: Vec<u8>,
}

/// Sends `request_line` and `headers` exactly as given over a fresh TCP connection, so paths
/// like `/media/../x` reach the server un-normalised (HTTP clients clean them up first).
pub async fn raw(app: &TestApp, method: &str, target: &str, headers: &[(&str, String)]) -> Raw {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        app.addr
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "{method} {target}: no answer within 30 s");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = buf.get(split + 4..).unwrap_or_default().to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Raw { status, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = data.get(end + 2..).unwrap_or_default();
    }
    out
}

/// The error code a JSON answer carries: `error.code` (REST surfaces) or
/// `errors[0].extensions.code` (GraphQL).
pub fn json_code(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v["error"]["code"]
        .as_str()
        .or_else(|| v["errors"][0]["extensions"]["code"].as_str())
        .map(str::to_string)
}

/// What every answer must be: not a 5xx, and, on a JSON surface, a 4xx names its error code.
/// Returns a description of what is wrong, if anything.
pub fn judge(what: &str, status: u16, body: &[u8], speaks_json: bool) -> Option<String> {
    if status == 0 || status >= 500 {
        return Some(format!(
            "{what}: answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    if speaks_json && (400..500).contains(&status) && json_code(body).is_none() {
        return Some(format!(
            "{what}: a {status} without a JSON error code: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    None
}

/// Whether the server still answers its health check.
pub async fn healthy(app: &TestApp) -> bool {
    matches!(
        app.client.get(app.url("/healthz")).send().await,
        Ok(res) if res.status() == 200
    )
}

/// Sends a GraphQL multipart request (one file in variable `file_var`), signed in or not;
/// returns status and JSON body.
pub async fn multipart(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    mut variables: Value,
    file_var: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let boundary = "campaign-boundary-41c2";
    variables[file_var] = Value::Null;
    let operations = serde_json::json!({ "query": query, "variables": variables });
    let map = serde_json::json!({ "0": [format!("variables.{file_var}")] });
    let mut body = Vec::new();
    for (name, value) in [
        ("operations", operations.to_string()),
        ("map", map.to_string()),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("send multipart request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A real 64×64 PNG made by GStreamer.
pub fn png_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.png");
    projector_tests::media::png(&path);
    std::fs::read(path).unwrap()
}
