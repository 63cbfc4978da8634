//! Upload throughput over loopback, per storage backend, as a ratio to copying the same file
//! without Projector in the same run:
//!
//! - local: a 256 MB file uploaded with tus in 16 MB PATCHes until the upload is `complete`
//!   (staged, fsynced, probed, moved into the media directory, attached), vs `cp` of the same file to the
//!   same filesystem followed by `sync` of the copy (our store fsyncs, so the baseline does too);
//!   also the same upload in one PATCH, as tus-js-client and Uppy send a file by default;
//! - S3: the same upload to a server whose storage is a real Garage, vs the aws-sdk-s3 client
//!   putting the file straight into the same Garage as a multipart upload with our backend's part
//!   size and concurrency.
//!
//! Each upload also waits for the source's SHA-256, which is recorded just after `complete`, and
//! that time is reported beside the figure: it is the whole work, and keeps one round's hashing
//! out of the next round.
//!
//! The client streams each PATCH body from the file in 1 MiB pieces, as curl and tus-js-client
//! do, so its reads overlap its sends.
//!
//! Run with `scripts/bench` (or `cargo bench -p projector-tests --bench upload`; needs Garage,
//! which `scripts/test` installs). Rounds alternate between subjects and baselines so drift on a
//! shared machine hits all of them; each figure is the best of the rounds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use futures::{StreamExt as _, TryStreamExt as _};
use projector_api::config::{S3Config, StorageBackend};
use projector_api::media::local::LocalStorage;
use projector_api::media::s3::S3Storage;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use projector_tests::{Backend, TestApp, spawn_app_with, tus};
use sea_orm::ConnectionTrait as _;

const FILE_BYTES: usize = 256 * 1024 * 1024;
const CHUNK: usize = 16 * 1024 * 1024;
const ROUNDS: usize = 3;
/// Parts the S3 backend sends at once (`S3Storage::put_multipart`).
const PART_CONCURRENCY: usize = 4;

fn mb_per_s(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}

/// `len` bytes of `path` from `offset`, in one positional read on the blocking pool.
async fn read_range(path: &Path, offset: u64, len: usize) -> Vec<u8> {
    use std::os::unix::fs::FileExt as _;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0; len];
        std::fs::File::open(path)
            .unwrap()
            .read_exact_at(&mut buf, offset)
            .unwrap();
        buf
    })
    .await
    .unwrap()
}

/// Pieces the client reads the file in while it sends: as a streaming client (curl,
/// tus-js-client) does, so reading the next piece overlaps sending this one.
const PIECE: usize = 1024 * 1024;

/// `len` bytes of `file` from `offset`, read in [`PIECE`]s as the request goes out (into
/// fresh buffers with `read_to_end`, which does not zero them first).
fn file_body(file: &Path, offset: u64, len: usize) -> reqwest::Body {
    use std::io::{Read as _, Seek as _};
    let mut file = std::fs::File::open(file).unwrap();
    file.seek(std::io::SeekFrom::Start(offset)).unwrap();
    let pieces = futures::stream::unfold((file, len), |(file, left)| async move {
        if left == 0 {
            return None;
        }
        let n = PIECE.min(left);
        let (file, piece) = tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(n);
            let read = (&file).take(n as u64).read_to_end(&mut buf);
            (file, read.map(|_| bytes::Bytes::from(buf)))
        })
        .await
        .unwrap();
        Some((piece, (file, left - n)))
    });
    reqwest::Body::wrap_stream(pieces)
}

/// Times of one upload, from its creation.
struct Timed {
    /// Until the upload said `complete`: stored, probed, attached, its transcode queued.
    complete: Duration,
    /// Until the last PATCH was acknowledged (bytes staged).
    staged: Duration,
    /// Until the source's SHA-256 was recorded (taken just after `complete`).
    digested: Duration,
}

/// Uploads `file` with tus in PATCHes of `chunk` bytes and waits until the asset is stored and
/// its digest recorded; returns the times and the key.
async fn upload(app: &TestApp, token: &str, file: &Path, chunk: usize) -> (Timed, ObjectKey) {
    let meta = tus::metadata(&[("filename", "bench.wav"), ("filetype", "audio/wav")]);
    let started = Instant::now();
    let location = tus::create_ok(app, token, FILE_BYTES as u64, &meta).await;
    let mut offset = 0usize;
    while offset < FILE_BYTES {
        let len = chunk.min(FILE_BYTES - offset);
        let res = app
            .client
            .patch(app.url(&location))
            .bearer_auth(token)
            .header("tus-resumable", "1.0.0")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .header("content-length", len.to_string())
            .body(file_body(file, offset as u64, len))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "{:?}", res.text().await);
        offset += len;
    }
    let staged = started.elapsed();
    loop {
        let (_, _, status) = tus::head(app, token, &location).await;
        match status.as_deref() {
            Some("complete") => break,
            Some("uploading" | "processing") => {}
            other => panic!("upload ended as {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(600), "upload stuck");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let complete = started.elapsed();
    let id: uuid::Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let key = ObjectKey::for_asset(id, "source").unwrap();
    let db = app.db().await;
    let sql = format!(
        "SELECT sha256 FROM media_assets WHERE storage_key = '{}'",
        key.as_str()
    );
    loop {
        let row = db
            .query_one(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql.clone(),
            ))
            .await
            .unwrap()
            .unwrap();
        if !row.try_get_by_index::<String>(0).unwrap().is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "digest stuck");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let timed = Timed {
        complete,
        staged,
        digested: started.elapsed(),
    };
    (timed, key)
}

/// `cp` to the same filesystem, then `sync` of the copy (fsync of that one file).
fn cp_and_sync(file: &Path, dest: &Path) -> Duration {
    let started = Instant::now();
    let cp = Command::new("cp").arg(file).arg(dest).status().unwrap();
    assert!(cp.success());
    let sync = Command::new("sync").arg(dest).status().unwrap();
    assert!(sync.success());
    let elapsed = started.elapsed();
    std::fs::remove_file(dest).unwrap();
    elapsed
}

/// The aws-sdk-s3 client on its own: a multipart upload of `file` with the part size and
/// concurrency of our S3 backend.
async fn sdk_put(s3: &S3Storage, config: &S3Config, file: &Path, key: &str) -> Duration {
    let client = s3.client();
    let part_size = (config.part_size_mib * 1024 * 1024) as usize;
    let started = Instant::now();
    let created = client
        .create_multipart_upload()
        .bucket(s3.bucket())
        .key(key)
        .send()
        .await
        .unwrap();
    let upload_id = created.upload_id().unwrap().to_string();
    let parts: Vec<CompletedPart> = futures::stream::iter(0..FILE_BYTES.div_ceil(part_size))
        .map(|i| {
            let upload_id = upload_id.clone();
            async move {
                let offset = i * part_size;
                let body =
                    read_range(file, offset as u64, part_size.min(FILE_BYTES - offset)).await;
                let number = i as i32 + 1;
                let out = client
                    .upload_part()
                    .bucket(s3.bucket())
                    .key(key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .body(ByteStream::from(body))
                    .send()
                    .await?;
                Ok::<_, aws_sdk_s3::Error>(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(out.e_tag().map(str::to_string))
                        .build(),
                )
            }
        })
        .buffered(PART_CONCURRENCY)
        .try_collect()
        .await
        .unwrap();
    client
        .complete_multipart_upload()
        .bucket(s3.bucket())
        .key(key)
        .upload_id(&upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    client
        .delete_object()
        .bucket(s3.bucket())
        .key(key)
        .send()
        .await
        .unwrap();
    elapsed
}

fn best(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    // `UPLOAD_BENCH=local` measures the local store alone (for profiling without Garage's load).
    let local_only = std::env::var("UPLOAD_BENCH").as_deref() == Ok("local");
    let garage = Garage::start();
    let work = tempfile::tempdir().unwrap();
    let file: PathBuf = work.path().join("bench.wav");
    projector_tests::media::wav(&file, FILE_BYTES);
    assert_eq!(std::fs::metadata(&file).unwrap().len() as usize, FILE_BYTES);
    // Written back now, so its dirty pages do not land in the first timed rounds.
    assert!(Command::new("sync").arg(&file).status().unwrap().success());

    let quiet = |c: &mut projector_api::Config| {
        c.log = "error".into();
        // Throughput from one address: the API rate limits would count every tus PATCH.
        c.rate_limits.enabled = false;
    };
    let local_app = spawn_app_with(Backend::Sqlite, quiet).await;
    let s3_config = garage.s3.clone();
    let s3_app = spawn_app_with(Backend::Sqlite, |c| {
        quiet(c);
        c.storage.backend = StorageBackend::S3;
        c.storage.s3 = s3_config;
    })
    .await;
    let local_token = local_app.admin_token().await;
    let s3_token = s3_app.admin_token().await;
    let local_store = LocalStorage::new(&local_app.config.media_dir).unwrap();
    let s3_store = S3Storage::new(&garage.s3).await.unwrap();
    // The copy lands next to the server's media, on the same filesystem.
    let cp_dest = local_app.dir.path().join("cp-copy.wav");

    // Warm up every path once (connections, page cache, Garage's first writes).
    let (_, key) = upload(&local_app, &local_token, &file, CHUNK).await;
    local_store.delete(&key).await.unwrap();
    cp_and_sync(&file, &cp_dest);
    if !local_only {
        let (_, key) = upload(&s3_app, &s3_token, &file, CHUNK).await;
        s3_store.delete(&key).await.unwrap();
        sdk_put(&s3_store, &garage.s3, &file, "bench/warm-up").await;
    }

    let (mut cp, mut ours_local, mut sdk, mut ours_s3) = (vec![], vec![], vec![], vec![]);
    // The whole file in one PATCH, as tus-js-client and Uppy send it by default.
    let mut one_patch_local = vec![];
    // Until the last PATCH is acknowledged: the rest is finishing (probe, store).
    let (mut staged_local, mut staged_s3) = (vec![], vec![]);
    // Until the digest is recorded too.
    let (mut digested_local, mut digested_one_patch, mut digested_s3) = (vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        cp.push(cp_and_sync(&file, &cp_dest));
        let (t, key) = upload(&local_app, &local_token, &file, CHUNK).await;
        local_store.delete(&key).await.unwrap();
        ours_local.push(t.complete);
        staged_local.push(t.staged);
        digested_local.push(t.digested);
        let (t, key) = upload(&local_app, &local_token, &file, FILE_BYTES).await;
        local_store.delete(&key).await.unwrap();
        one_patch_local.push(t.complete);
        digested_one_patch.push(t.digested);
        if local_only {
            continue;
        }
        sdk.push(sdk_put(&s3_store, &garage.s3, &file, &format!("bench/{round}")).await);
        let (t, key) = upload(&s3_app, &s3_token, &file, CHUNK).await;
        s3_store.delete(&key).await.unwrap();
        ours_s3.push(t.complete);
        staged_s3.push(t.staged);
        digested_s3.push(t.digested);
    }

    let rate = |v: &[Duration]| mb_per_s(FILE_BYTES, best(v));
    let rounds = |v: &[Duration]| {
        v.iter()
            .map(|d| format!("{:.0}", mb_per_s(FILE_BYTES, *d)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "bench upload: {} MiB file, tus PATCHes of {} MiB, best of {ROUNDS} alternating rounds",
        FILE_BYTES >> 20,
        CHUNK >> 20
    );
    println!(
        "  cp + sync (same filesystem)       : {:>7.0} MB/s  (rounds: {})",
        rate(&cp),
        rounds(&cp)
    );
    println!(
        "  tus upload to the local store     : {:>7.0} MB/s  (rounds: {})",
        rate(&ours_local),
        rounds(&ours_local)
    );
    println!(
        "    of which bytes staged (PATCHes) : {:>7.0} MB/s  (rounds: {})",
        rate(&staged_local),
        rounds(&staged_local)
    );
    println!(
        "  ratio local / cp                  : {:.2}",
        rate(&ours_local) / rate(&cp)
    );
    println!(
        "    until the digest is recorded    : {:>7.0} MB/s  (ratio {:.2})",
        rate(&digested_local),
        rate(&digested_local) / rate(&cp)
    );
    println!(
        "  the same in one PATCH             : {:>7.0} MB/s  (rounds: {})",
        rate(&one_patch_local),
        rounds(&one_patch_local)
    );
    println!(
        "  ratio local (one PATCH) / cp      : {:.2}",
        rate(&one_patch_local) / rate(&cp)
    );
    println!(
        "    until the digest is recorded    : {:>7.0} MB/s  (ratio {:.2})",
        rate(&digested_one_patch),
        rate(&digested_one_patch) / rate(&cp)
    );
    if local_only {
        return;
    }
    println!(
        "  aws-sdk-s3 multipart to Garage    : {:>7.0} MB/s  (rounds: {})",
        rate(&sdk),
        rounds(&sdk)
    );
    println!(
        "  tus upload to the Garage store    : {:>7.0} MB/s  (rounds: {})",
        rate(&ours_s3),
        rounds(&ours_s3)
    );
    println!(
        "    of which bytes staged (PATCHes) : {:>7.0} MB/s  (rounds: {})",
        rate(&staged_s3),
        rounds(&staged_s3)
    );
    println!(
        "  ratio s3 / aws-sdk-s3             : {:.2}",
        rate(&ours_s3) / rate(&sdk)
    );
    println!(
        "    until the digest is recorded    : {:>7.0} MB/s  (ratio {:.2})",
        rate(&digested_s3),
        rate(&digested_s3) / rate(&sdk)
    );
}
