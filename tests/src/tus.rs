//! A small tus 1.0 client for tests, over real HTTP (and raw TCP for interrupted requests).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest as _;
use tokio::io::AsyncWriteExt as _;

use crate::TestApp;

/// Encodes tus `Upload-Metadata`.
pub fn metadata(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", STANDARD.encode(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// `POST /uploads/`; returns the response.
pub async fn create(app: &TestApp, token: &str, length: u64, meta: &str) -> reqwest::Response {
    app.client
        .post(app.url("/uploads/"))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", length.to_string())
        .header("upload-metadata", meta)
        .send()
        .await
        .expect("create upload")
}

/// Creates an upload that must succeed; returns its path (`/uploads/<id>`).
pub async fn create_ok(app: &TestApp, token: &str, length: u64, meta: &str) -> String {
    let res = create(app, token, length, meta).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

/// `POST /uploads/` with the whole file as the body (creation-with-upload); returns the
/// response.
pub async fn create_with_upload(
    app: &TestApp,
    token: &str,
    bytes: Vec<u8>,
    meta: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/uploads/"))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header("upload-metadata", meta)
        .header("content-type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("create upload with its bytes")
}

/// `PATCH` a chunk at `offset`, with a sha256 checksum when `checksum` is true.
pub async fn patch(
    app: &TestApp,
    token: &str,
    location: &str,
    offset: u64,
    chunk: Vec<u8>,
    checksum: bool,
) -> reqwest::Response {
    let mut req = app
        .client
        .patch(app.url(location))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string());
    if checksum {
        let digest = sha2::Sha256::digest(&chunk);
        req = req.header(
            "upload-checksum",
            format!("sha256 {}", STANDARD.encode(digest)),
        );
    }
    req.body(chunk).send().await.expect("patch")
}

/// `HEAD` an upload; returns `(status, offset, x-upload-status)`.
pub async fn head(
    app: &TestApp,
    token: &str,
    location: &str,
) -> (u16, Option<u64>, Option<String>) {
    let res = app
        .client
        .head(app.url(location))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .expect("head");
    let offset = res
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let status = res
        .headers()
        .get("x-upload-status")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (res.status().as_u16(), offset, status)
}

/// Sends a PATCH that announces `announced` bytes but sends only `sent`, then drops the
/// connection (a network failure in the middle of a chunk). Returns the still-open stream when
/// `keep_open`, so a test can hold the request in flight.
pub async fn patch_partial(
    app: &TestApp,
    token: &str,
    location: &str,
    offset: u64,
    announced: usize,
    sent: &[u8],
    keep_open: bool,
) -> Option<tokio::net::TcpStream> {
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\nContent-Length: {announced}\r\n\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(sent).await.expect("write body");
    stream.flush().await.expect("flush");
    if keep_open {
        return Some(stream);
    }
    drop(stream);
    None
}

/// Polls until the upload leaves `uploading`/`processing`; returns the final status.
pub async fn wait_until_settled(app: &TestApp, token: &str, location: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let (_, _, status) = head(app, token, location).await;
        if let Some(s) = status
            && s != "uploading"
            && s != "processing"
        {
            return s;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "upload did not settle"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
