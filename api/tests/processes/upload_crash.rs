//! A server killed with SIGKILL in the middle of an upload chunk loses nothing it acknowledged
//! and keeps nothing it did not.

use std::io::Write as _;
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use crate::support;

const MB: usize = 1024 * 1024;

fn start(dir: &std::path::Path) -> (support::Proc, String) {
    let mut cmd = support::projector();
    cmd.current_dir(dir)
        .env("PROJECTOR_ADMIN_EMAIL", "admin@example.com")
        .env("PROJECTOR_ADMIN_PASSWORD", "admin-password")
        .env(
            "PROJECTOR_AUTH__JWT_SECRET",
            "crash-test-secret-0123456789abcdef0123",
        )
        .args(["serve", "--listen", "127.0.0.1:0"]);
    support::until_listening(&mut cmd, dir)
}

fn wav(bytes: usize) -> Vec<u8> {
    let data_len = (bytes - 44) as u32 / 4 * 4;
    let mut out = Vec::with_capacity(bytes);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&48_000u32.to_le_bytes());
    out.extend_from_slice(&192_000u32.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend((0..data_len).map(|i| (i % 97) as u8));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_in_the_middle_of_a_chunk_loses_no_acknowledged_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr) = start(dir.path());
    let api = support::login(&addr).await;
    let (client, token) = (api.client.clone(), api.token.clone());
    let data = wav(10 * MB);
    let created = client
        .post(format!("http://{addr}/uploads/"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", data.len().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let patch = |addr: String, offset: usize, end: usize| {
        let client = client.clone();
        let token = token.clone();
        let location = location.clone();
        let body = data[offset..end].to_vec();
        async move {
            client
                .patch(format!("http://{addr}{location}"))
                .bearer_auth(token)
                .header("tus-resumable", "1.0.0")
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", offset.to_string())
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(patch(addr.clone(), 0, 3 * MB).await.status(), 204);

    // A 5 MB chunk is 2 MB in when the server is killed.
    let mut raw = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        raw,
        "PATCH {location} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {}\r\nContent-Length: {}\r\n\r\n",
        3 * MB,
        5 * MB
    )
    .unwrap();
    raw.write_all(&data[3 * MB..5 * MB]).unwrap();
    raw.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    server.kill().unwrap();
    server.wait().unwrap();
    drop(raw);

    let (mut server, addr) = start(dir.path());
    let head = client
        .head(format!("http://{addr}{location}"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.headers()["upload-offset"],
        (3 * MB).to_string(),
        "only acknowledged bytes count"
    );
    assert_eq!(patch(addr.clone(), 3 * MB, 8 * MB).await.status(), 204);
    assert_eq!(patch(addr.clone(), 8 * MB, data.len()).await.status(), 204);

    // Processing finishes in the background; the stored object is byte-identical.
    let id = location.rsplit('/').next().unwrap();
    let mut stored = None;
    for _ in 0..200 {
        let found = walk(&dir.path().join("data/media"), id);
        if let Some(path) = found {
            stored = Some(path);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(stored) = stored else {
        panic!(
            "the source object was not stored; server log:\n{}",
            std::fs::read_to_string(dir.path().join("serve.out")).unwrap_or_default()
        );
    };
    let stored = std::fs::read(stored).unwrap();
    assert_eq!(Sha256::digest(&stored), Sha256::digest(&data));
    server.kill().unwrap();
    server.wait().unwrap();
}

fn walk(dir: &std::path::Path, id: &str) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == ".staging") {
                continue;
            }
            if let Some(found) = walk(&path, id) {
                return Some(found);
            }
        } else if path.to_string_lossy().contains(id) && path.ends_with("source") {
            return Some(path);
        }
    }
    None
}
