//! Media delivery against nginx, in one run: the same HLS segments (2 MB) and a page of 60
//! thumbnails (~20 KB each), from the local backend, served by Projector (`/media/p/...`, the
//! full stack: routing, key checks, the cached visibility lookup, tracing, metrics) and by
//! nginx (Debian's package, started here on a loopback port over the very same files, with
//! sendfile and ETags). Figures are ratios of requests/s and MB/s (wrk, medians of 3
//! alternating rounds). Goals: ≥ 0.8 for segments, ≥ 0.75 for the thumbnail page.
//!
//! Run with `scripts/bench` (or `cargo bench -p projector-tests --bench delivery`; needs `wrk`
//! and `nginx`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use projector_api::channels::entity::channel;
use projector_api::media::ObjectKey;
use projector_api::videos::entity::video;
use projector_tests::{Backend, test_config};
use sea_orm::{ActiveValue::Set, Database, EntityTrait};
use uuid::Uuid;

const SEGMENTS: usize = 8;
const SEGMENT_BYTES: usize = 2 * 1024 * 1024;
const THUMBNAILS: usize = 60;
const THUMBNAIL_BYTES: usize = 20 * 1024;
const SECONDS: u32 = 5;

/// Requests/s and bytes/s of one wrk run.
#[derive(Clone, Copy, Debug)]
struct Rate {
    rps: f64,
    bytes: f64,
}

fn parse_size(v: &str) -> f64 {
    let v = v.trim();
    let (number, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = number.parse().unwrap_or(0.0);
    n * match unit {
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        _ => 1.0,
    }
}

fn wrk(base: &str, script: &Path, connections: u32) -> Rate {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{SECONDS}s"),
            "-s",
        ])
        .arg(script)
        .arg(base)
        .output()
        .expect("wrk is installed (scripts/bench installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "errors under load:\n{text}");
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(str::to_string))
            .unwrap_or_else(|| panic!("no {name} in wrk output:\n{text}"))
    };
    Rate {
        rps: field("Requests/sec:").trim().parse().unwrap(),
        bytes: parse_size(&field("Transfer/sec:")),
    }
}

fn rotation_script(path: &Path, urls: &[String]) {
    let list = urls
        .iter()
        .map(|u| format!("\"{u}\""))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(
        path,
        format!(
            "local paths = {{{list}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
        ),
    )
    .unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx over `dir` (the asset's directory) at `/media/p/<asset>/`, like Projector's URLs.
fn start_nginx(work: &Path, asset: Uuid, dir: &Path, port: u16) -> Nginx {
    let conf = work.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            r#"user root;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types {{ video/mp2t ts; image/jpeg jpg; application/vnd.apple.mpegurl m3u8; }}
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /media/p/{asset}/ {{
      alias {dir}/;
      etag on;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }}
  }}
}}
"#,
            work = work.display(),
            dir = dir.display(),
        ),
    )
    .unwrap();
    let mut child = Command::new("nginx")
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx is installed (scripts/bench installs it)");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Nginx { child, conf, port };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("nginx did not start: see {}/error.log", work.display());
}

/// A running nginx: stopped through its master (which stops its workers) when dropped, even
/// when the bench panics. Killing the master alone would leave the workers listening.
struct Nginx {
    child: Child,
    conf: std::path::PathBuf,
    port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("nginx")
            .arg("-c")
            .arg(&self.conf)
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The workers go with their master; make sure nothing of ours still listens.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!(
            "nginx workers still listen on port {} after stop",
            self.port
        );
    }
}

fn median(mut v: Vec<Rate>) -> Rate {
    v.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    v[v.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let asset = Uuid::now_v7();
    let (addr, media_dir, segments, thumbnails) = runtime.block_on(async {
        let url = Backend::Sqlite.fresh_database_url(dir.path()).await;
        let mut config = test_config(url.clone(), dir.path());
        config.log = "error".into();
        let media_dir = config.media_dir.clone();
        let storage = projector_api::media::open_storage(&config.storage, &config.media_dir)
            .await
            .unwrap();
        let router = projector_api::build_app(config).await.unwrap();
        // One public video whose source asset holds the objects.
        let db = Database::connect(&url).await.unwrap();
        let now = Utc::now();
        let channel_id = Uuid::now_v7();
        channel::Entity::insert(channel::ActiveModel {
            id: Set(channel_id),
            name: Set("Bench".into()),
            slug: Set("bench".into()),
            description: Set(String::new()),
            avatar_asset_id: Set(None),
            banner_asset_id: Set(None),
            view_count: Set(0),
            subscriber_count: Set(0),
            comment_moderation: Set("publish".into()),
            playback_restriction: Set(None),
            downloads_enabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&db)
        .await
        .unwrap();
        video::Entity::insert(video::ActiveModel {
            id: Set(Uuid::now_v7()),
            channel_id: Set(channel_id),
            title: Set("Bench".into()),
            slug: Set("bench".into()),
            description: Set(String::new()),
            status: Set("ready".into()),
            visibility: Set("public".into()),
            publish_at: Set(None),
            unpublish_at: Set(None),
            duration_secs: Set(Some(60.0)),
            language: Set(None),
            license: Set(None),
            category_id: Set(None),
            view_count: Set(0),
            like_count: Set(0),
            comment_count: Set(0),
            comments_enabled: Set(true),
            trending_score: Set(0.0),
            chapters: Set("[]".into()),
            source_asset_id: Set(Some(asset)),
            poster_asset_id: Set(None),
            media_error: Set(None),
            playback_restriction: Set(None),
            downloads_enabled: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&db)
        .await
        .unwrap();
        db.close().await.ok();
        let mut segments = Vec::new();
        for i in 1..=SEGMENTS {
            let path = format!("hls/720p/seg-{i:05}.ts");
            let bytes: Vec<u8> = (0..SEGMENT_BYTES).map(|b| (b * 7 + i) as u8).collect();
            let key = ObjectKey::for_asset(asset, &path).unwrap();
            storage
                .put_bytes(&key, Bytes::from(bytes), "video/mp2t")
                .await
                .unwrap();
            segments.push(path);
        }
        let mut thumbnails = Vec::new();
        for i in 1..=THUMBNAILS {
            let path = format!("images/thumb-{i}-320.jpg");
            let bytes: Vec<u8> = (0..THUMBNAIL_BYTES).map(|b| (b * 13 + i) as u8).collect();
            let key = ObjectKey::for_asset(asset, &path).unwrap();
            storage
                .put_bytes(&key, Bytes::from(bytes), "image/jpeg")
                .await
                .unwrap();
            thumbnails.push(path);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(projector_api::serve(
            listener,
            router,
            std::future::pending(),
        ));
        (addr, media_dir, segments, thumbnails)
    });
    let asset_dir = media_dir.join(ObjectKey::asset_prefix(asset).trim_end_matches('/'));
    let nginx_port = free_port();
    let work = dir.path().join("nginx");
    std::fs::create_dir_all(&work).unwrap();
    let nginx = start_nginx(&work, asset, &asset_dir, nginx_port);

    let projector = format!("http://{addr}");
    let baseline = format!("http://127.0.0.1:{nginx_port}");
    let urls = |paths: &[String]| -> Vec<String> {
        paths
            .iter()
            .map(|p| format!("/media/p/{asset}/{p}"))
            .collect()
    };
    // Both servers must give the same bytes before their speeds mean anything.
    runtime.block_on(async {
        let client = reqwest::Client::new();
        for path in urls(&segments)
            .iter()
            .chain(urls(&thumbnails).iter())
            .step_by(7)
        {
            let a = client
                .get(format!("{projector}{path}"))
                .send()
                .await
                .unwrap();
            let b = client
                .get(format!("{baseline}{path}"))
                .send()
                .await
                .unwrap();
            assert_eq!(a.status(), 200, "{path}");
            assert_eq!(b.status(), 200, "{path}");
            assert_eq!(a.bytes().await.unwrap(), b.bytes().await.unwrap(), "{path}");
        }
    });
    let segment_script = dir.path().join("segments.lua");
    rotation_script(&segment_script, &urls(&segments));
    let thumb_script = dir.path().join("thumbnails.lua");
    rotation_script(&thumb_script, &urls(&thumbnails));

    let mut results = Vec::new();
    for (name, script, connections, goal) in [
        ("HLS segments (2 MB)", &segment_script, 16, 0.8),
        ("60-thumbnail page (20 KB each)", &thumb_script, 64, 0.75),
    ] {
        // Warm both (page cache, connection setup), then alternate.
        wrk(&projector, script, connections);
        wrk(&baseline, script, connections);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            ours.push(wrk(&projector, script, connections));
            theirs.push(wrk(&baseline, script, connections));
        }
        let (ours, theirs) = (median(ours), median(theirs));
        results.push((name, connections, goal, ours, theirs));
    }
    drop(nginx);

    println!(
        "\nmedia delivery, Projector vs nginx on the same files (wrk -t2, {SECONDS}s x 3, medians)"
    );
    for (name, connections, goal, ours, theirs) in results {
        let mb = |r: Rate| r.bytes / 1024.0 / 1024.0;
        println!(
            "{name:32} -c{connections:<3} requests/s {:>9.0} vs {:>9.0} = {:.2}x   MB/s {:>8.1} vs {:>8.1} = {:.2}x   (goal >= {goal})",
            ours.rps,
            theirs.rps,
            ours.rps / theirs.rps,
            mb(ours),
            mb(theirs),
            ours.bytes / theirs.bytes,
        );
    }
}
