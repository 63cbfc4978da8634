//! A `projector worker` killed with SIGKILL in the middle of a transcode loses nothing: another
//! worker process takes the job when the lease runs out and finishes it with the same keys,
//! leaving no orphaned object.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{database_url, serve, worker};

/// Every file under the local media directory, relative to it (temporary files included).
fn objects(media: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(media, media, &mut out);
    out
}

fn clip(path: &Path, seconds: u32) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    let pipeline = format!(
        "videotestsrc num-buffers={frames} pattern=ball ! video/x-raw,width=1280,height=720,framerate=25/1 ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    );
    let out = Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const VIDEO: &str =
    "query($id: ID!) { video(id: $id) { status processing { status percent attempts } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_transcode_loses_nothing_and_another_finishes_with_the_same_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_url(dir.path());
    let (mut server, addr) = serve(dir.path(), &db);
    let api = support::login(&addr).await;
    let client = api.client.clone();
    let video = api.draft("Crash", "Long").await;

    // A clip long enough that the kill lands mid-transcode.
    let file = dir.path().join("long.mp4");
    clip(&file, 30);
    let bytes = std::fs::read(&file).unwrap();
    let meta = format!(
        "filename {},videoId {}",
        base64_encode(b"long.mp4"),
        base64_encode(video.as_bytes())
    );
    let created = client
        .post(format!("http://{addr}/uploads/"))
        .bearer_auth(&api.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header("upload-metadata", meta)
        .header("content-type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let wait = |what: &'static str, timeout: Duration, done: fn(&Value) -> bool| {
        let api = &api;
        let video = video.clone();
        async move {
            let started = Instant::now();
            loop {
                let v = api.gql(VIDEO, json!({ "id": video })).await["video"].clone();
                if done(&v) {
                    return v;
                }
                assert!(started.elapsed() < timeout, "{what}: timed out at {v}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };

    let mut first = worker(dir.path(), &db, "worker-a");
    let running = wait("first worker under way", Duration::from_secs(120), |v| {
        v["processing"]["status"] == "RUNNING"
            && v["processing"]["percent"].as_f64().unwrap_or(0.0) > 15.0
    })
    .await;
    assert_eq!(running["processing"]["attempts"], 1);
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let media = dir.path().join("data/media");
    let written_before = objects(&media);
    assert!(
        written_before.iter().any(|k| k.ends_with(".ts")),
        "the first worker stored segments before it died: {written_before:?}"
    );

    let mut second = worker(dir.path(), &db, "worker-b");
    let done = wait("second worker finishes", Duration::from_secs(300), |v| {
        v["status"] == "READY" || v["status"] == "FAILED"
    })
    .await;
    assert_eq!(done["status"], "READY", "{done}");
    assert_eq!(done["processing"]["status"], "SUCCEEDED");
    assert_eq!(
        done["processing"]["attempts"], 2,
        "the retry is the job's second attempt"
    );
    let _ = second.kill();
    let _ = second.wait();

    // Same keys: everything the dead worker stored (bar its unfinished temporary files) is part
    // of the final set; and nothing is orphaned: every stored object is the source, a recorded
    // output, or a segment a recorded playlist names.
    let after = objects(&media);
    let durable_before: BTreeSet<&String> = written_before
        .iter()
        .filter(|k| !k.starts_with('.'))
        .collect();
    for k in &durable_before {
        assert!(
            after.contains(*k),
            "{k} vanished: the retry used other keys"
        );
    }
    let outputs = stored_outputs(&media, &after);
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for (key, body) in &outputs {
        expected.insert(key.clone());
        if key.ends_with("index.m3u8") {
            let prefix = &key[..key.rfind('/').unwrap() + 1];
            for line in body
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
            {
                expected.insert(format!("{prefix}{line}"));
            }
        }
    }
    let durable_after: BTreeSet<String> = after
        .iter()
        .filter(|k| !k.starts_with('.'))
        .cloned()
        .collect();
    let unexplained: Vec<&String> = durable_after
        .iter()
        .filter(|k| {
            !expected.contains(*k)
                && !k.ends_with("/source")
                && !k.contains("/images/")
                && !k.ends_with("master.m3u8")
        })
        .collect();
    assert!(unexplained.is_empty(), "orphaned objects: {unexplained:?}");
    let _ = server.kill();
    let _ = server.wait();
}

/// The playlists under the media directory with their text.
fn stored_outputs(media: &Path, keys: &BTreeSet<String>) -> Vec<(String, String)> {
    keys.iter()
        .filter(|k| k.ends_with(".m3u8"))
        .map(|k| (k.clone(), std::fs::read_to_string(media.join(k)).unwrap()))
        .collect()
}

fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
