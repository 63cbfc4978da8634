//! `projector storage migrate`: every object copied and verified in both directions, re-runs that
//! copy only what is missing or wrong, and runs stopped half-way that finish when run again.

use std::collections::BTreeMap;
use std::path::Path;

use bytes::Bytes;
use projector_api::config::StorageBackend;
use projector_api::media::local::LocalStorage;
use projector_api::media::migrate::{self, Catalogue, Options, Recorded, Report};
use projector_api::media::s3::S3Storage;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use projector_tests::{Backend, both_databases, spawn_app, tus};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

/// Bytes that differ from object to object (a xorshift stream seeded per object).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn sha_hex(bytes: &[u8]) -> String {
    hex_string(&Sha256::digest(bytes))
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The objects a migrated store holds: a source larger than the multipart threshold, an HLS
/// rendition in a sub-directory of its asset, a thumbnail, and an empty caption file, over two
/// assets (so two different hashed prefixes).
fn catalogue_objects(large: bool) -> Vec<(ObjectKey, Vec<u8>)> {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let source_len = if large { 40 * 1024 * 1024 + 3 } else { 300_000 };
    let mut objects = vec![
        (
            ObjectKey::for_asset(a, "source").unwrap(),
            noise(source_len, 1),
        ),
        (
            ObjectKey::for_asset(a, "hls/720p/index.m3u8").unwrap(),
            b"#EXTM3U\n#EXT-X-ENDLIST\n".to_vec(),
        ),
        (
            ObjectKey::for_asset(a, "thumb-1.jpg").unwrap(),
            noise(20_000, 4),
        ),
        (
            ObjectKey::for_asset(a, "captions-en.vtt").unwrap(),
            Vec::new(),
        ),
        (ObjectKey::for_asset(b, "source").unwrap(), noise(70_000, 5)),
    ];
    for i in 0..3u64 {
        objects.push((
            ObjectKey::for_asset(a, &format!("hls/720p/seg-{i:05}.ts")).unwrap(),
            noise(50_000 + i as usize, 10 + i),
        ));
    }
    objects.sort_by(|x, y| x.0.cmp(&y.0));
    objects
}

/// Stores objects through files, as uploads and transcodes do (large ones go up in parts).
async fn fill(store: &dyn Storage, dir: &Path, objects: &[(ObjectKey, Vec<u8>)]) {
    for (i, (key, bytes)) in objects.iter().enumerate() {
        let file = dir.join(format!("fill-{i}"));
        std::fs::write(&file, bytes).unwrap();
        store
            .put_file(key, &file, "application/octet-stream")
            .await
            .unwrap();
        std::fs::remove_file(&file).unwrap();
    }
}

/// Asserts the target holds exactly the expected objects, byte for byte.
async fn assert_holds(target: &dyn Storage, objects: &[(ObjectKey, Vec<u8>)]) {
    let listed: Vec<ObjectKey> = target
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.key)
        .collect();
    let expected: Vec<ObjectKey> = objects.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(listed, expected, "the target holds other keys");
    for (key, bytes) in objects {
        let (size, sha) = migrate::hash_object(target, key).await.unwrap();
        assert_eq!(size, bytes.len() as u64, "{key}: size");
        assert_eq!(sha, sha_hex(bytes), "{key}: bytes differ");
    }
}

fn total(objects: &[(ObjectKey, Vec<u8>)]) -> u64 {
    objects.iter().map(|(_, b)| b.len() as u64).sum()
}

fn clean(report: &Report, copied: usize, skipped: usize, bytes: u64) {
    assert_eq!(
        (report.copied, report.skipped, report.failed, report.bytes),
        (copied, skipped, 0, bytes),
        "{report} {:?}",
        report.failures
    );
}

fn staging_is_empty(local: &LocalStorage) {
    let left: Vec<_> = std::fs::read_dir(local.staging_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A local store and a Garage bucket, side by side.
struct Pair {
    local: LocalStorage,
    s3: S3Storage,
    dir: tempfile::TempDir,
    _garage: Garage,
}

async fn pair() -> Pair {
    let garage = Garage::start();
    let dir = tempfile::tempdir().unwrap();
    Pair {
        local: LocalStorage::new(dir.path().join("media")).unwrap(),
        s3: S3Storage::new(&garage.s3).await.unwrap(),
        dir,
        _garage: garage,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_to_garage_copies_every_object_with_equal_bytes() {
    let p = pair().await;
    let objects = catalogue_objects(true);
    fill(&p.local, p.dir.path(), &objects).await;
    // The database's facts travel along: the recorded checksum and the content type.
    let mut recorded = Catalogue::new();
    recorded.insert(
        objects[0].0.to_string(),
        Recorded {
            sha256: Some(sha_hex(&objects[0].1)),
            content_type: Some("audio/wav".into()),
        },
    );

    let report = migrate::migrate(
        &p.local,
        &p.s3,
        &recorded,
        &p.local.staging_dir(),
        &Options::default(),
    )
    .await
    .unwrap();

    clean(&report, objects.len(), 0, total(&objects));
    assert_holds(&p.s3, &objects).await;
    let content_type = |key: &ObjectKey| {
        let client = p.s3.client().clone();
        let bucket = p.s3.bucket().to_string();
        let key = key.to_string();
        async move {
            client
                .head_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .unwrap()
                .content_type()
                .map(str::to_string)
        }
    };
    assert_eq!(
        content_type(&objects[0].0).await.as_deref(),
        Some("audio/wav")
    );
    let segment = objects
        .iter()
        .find(|(k, _)| k.as_str().ends_with(".ts"))
        .unwrap();
    assert_eq!(
        content_type(&segment.0).await.as_deref(),
        Some("video/mp2t")
    );
    // The source is left as it was.
    assert_holds(&p.local, &objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_copies_nothing_and_verifies_everything() {
    let p = pair().await;
    let objects = catalogue_objects(false);
    fill(&p.local, p.dir.path(), &objects).await;
    let scratch = p.local.staging_dir();
    let options = Options::default();
    let first = migrate::migrate(&p.local, &p.s3, &Catalogue::new(), &scratch, &options)
        .await
        .unwrap();
    clean(&first, objects.len(), 0, total(&objects));

    let second = migrate::migrate(&p.local, &p.s3, &Catalogue::new(), &scratch, &options)
        .await
        .unwrap();

    clean(&second, 0, objects.len(), 0);
    assert_holds(&p.s3, &objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_corrupted_between_runs_is_detected_and_copied_again() {
    let p = pair().await;
    let objects = catalogue_objects(false);
    fill(&p.local, p.dir.path(), &objects).await;
    // With the checksums the database recorded, and without: both must catch the damage.
    let recorded: Catalogue = objects
        .iter()
        .map(|(k, b)| {
            (
                k.to_string(),
                Recorded {
                    sha256: Some(sha_hex(b)),
                    content_type: None,
                },
            )
        })
        .collect();
    for catalogue in [recorded, Catalogue::new()] {
        let scratch = p.local.staging_dir();
        let options = Options::default();
        migrate::migrate(&p.local, &p.s3, &catalogue, &scratch, &options)
            .await
            .unwrap();
        // Same size, other bytes; shorter; gone.
        let named = |suffix: &str| {
            objects
                .iter()
                .find(|(k, _)| k.as_str().ends_with(suffix))
                .unwrap()
        };
        let (same_size, shorter, gone) = (named("thumb-1.jpg"), named(".m3u8"), named("00001.ts"));
        let mut flipped = same_size.1.clone();
        flipped[same_size.1.len() / 2] ^= 0xff;
        p.s3.put_bytes(&same_size.0, Bytes::from(flipped), "x/y")
            .await
            .unwrap();
        p.s3.put_bytes(&shorter.0, Bytes::from_static(b"short"), "x/y")
            .await
            .unwrap();
        p.s3.delete(&gone.0).await.unwrap();

        let report = migrate::migrate(&p.local, &p.s3, &catalogue, &scratch, &options)
            .await
            .unwrap();

        let repaired = same_size.1.len() + shorter.1.len() + gone.1.len();
        clean(&report, 3, objects.len() - 3, repaired as u64);
        assert_holds(&p.s3, &objects).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garage_to_local_copies_every_object_with_equal_bytes() {
    let p = pair().await;
    let objects = catalogue_objects(true);
    fill(&p.s3, p.dir.path(), &objects).await;
    let scratch = p.local.staging_dir();

    let report = migrate::migrate(
        &p.s3,
        &p.local,
        &Catalogue::new(),
        &scratch,
        &Options::default(),
    )
    .await
    .unwrap();

    clean(&report, objects.len(), 0, total(&objects));
    assert_holds(&p.local, &objects).await;
    staging_is_empty(&p.local);
    let again = migrate::migrate(
        &p.s3,
        &p.local,
        &Catalogue::new(),
        &scratch,
        &Options::default(),
    )
    .await
    .unwrap();
    clean(&again, 0, objects.len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_finishes_when_run_again() {
    let p = pair().await;
    let objects = catalogue_objects(false);
    fill(&p.local, p.dir.path(), &objects).await;
    let scratch = p.local.staging_dir();
    let stopped_early = Options {
        limit: Some(3),
        ..Options::default()
    };

    let first = migrate::migrate(&p.local, &p.s3, &Catalogue::new(), &scratch, &stopped_early)
        .await
        .unwrap();
    assert_eq!((first.copied, first.remaining), (3, objects.len() - 3));
    assert_eq!(p.s3.list("").await.unwrap().len(), 3);

    let second = migrate::migrate(
        &p.local,
        &p.s3,
        &Catalogue::new(),
        &scratch,
        &Options::default(),
    )
    .await
    .unwrap();

    let rest: u64 = objects[3..].iter().map(|(_, b)| b.len() as u64).sum();
    clean(&second, objects.len() - 3, 3, rest);
    assert_eq!(second.remaining, 0);
    assert_holds(&p.s3, &objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_the_target_cannot_take_fail_the_run_and_a_later_run_copies_them() {
    let p = pair().await;
    let objects = catalogue_objects(false);
    fill(&p.s3, p.dir.path(), &objects).await;
    // A file where the first asset's top-level directory must go: every object under that
    // prefix fails to land (root ignores permissions, so a mode change would not do).
    let first_dir = objects[0].0.as_str().split('/').next().unwrap().to_string();
    let blocker = p.local.root().join(&first_dir);
    std::fs::write(&blocker, b"in the way").unwrap();
    let blocked: BTreeMap<String, ()> = objects
        .iter()
        .filter(|(k, _)| k.as_str().starts_with(&format!("{first_dir}/")))
        .map(|(k, _)| (k.to_string(), ()))
        .collect();
    let scratch = p.local.staging_dir();
    let options = Options::default();

    let failed = migrate::migrate(&p.s3, &p.local, &Catalogue::new(), &scratch, &options)
        .await
        .unwrap();

    assert_eq!(failed.failed, blocked.len(), "{failed}");
    assert_eq!(failed.copied, objects.len() - blocked.len());
    let failed_keys: Vec<&String> = failed.failures.iter().map(|(k, _)| k).collect();
    assert_eq!(failed_keys, blocked.keys().collect::<Vec<_>>());
    staging_is_empty(&p.local);

    std::fs::remove_file(&blocker).unwrap();
    let finished = migrate::migrate(&p.s3, &p.local, &Catalogue::new(), &scratch, &options)
        .await
        .unwrap();

    let rest: u64 = objects
        .iter()
        .filter(|(k, _)| blocked.contains_key(k.as_str()))
        .map(|(_, b)| b.len() as u64)
        .sum();
    clean(
        &finished,
        blocked.len(),
        objects.len() - blocked.len(),
        rest,
    );
    assert_holds(&p.local, &objects).await;
}

/// A server's uploads on local disk move to Garage under the same keys, stored with the content
/// type the database recorded; the command copies from `storage.backend` to the other side and
/// refuses to copy a store onto itself.
async fn a_servers_uploads_move_to_garage_under_their_keys(backend: Backend) {
    let garage = Garage::start();
    let mut app = spawn_app(backend).await;
    let token = app.admin_token().await;
    let wav = app.dir.path().join("a.wav");
    projector_tests::media::wav(&wav, 200_000);
    let bytes = std::fs::read(&wav).unwrap();
    let meta = tus::metadata(&[("filename", "a.wav"), ("filetype", "audio/wav")]);
    let location = tus::create_ok(&app, &token, bytes.len() as u64, &meta).await;
    let res = tus::patch(&app, &token, &location, 0, bytes.clone(), true).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "complete"
    );
    app.shutdown().await;

    let mut config = app.config.clone();
    config.storage.s3 = garage.s3.clone();
    let same = migrate::run(&config, StorageBackend::Local, &Options::default()).await;
    assert!(same.unwrap_err().to_string().contains("already local"));
    let report = migrate::run(&config, StorageBackend::S3, &Options::default())
        .await
        .unwrap();
    assert_eq!((report.copied, report.failed), (1, 0), "{report}");

    let id: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let key = ObjectKey::for_asset(id, "source").unwrap();
    let s3 = S3Storage::new(&garage.s3).await.unwrap();
    let (size, sha) = migrate::hash_object(&s3, &key).await.unwrap();
    assert_eq!((size, sha), (bytes.len() as u64, sha_hex(&bytes)));
    let head = s3
        .client()
        .head_object()
        .bucket(s3.bucket())
        .key(key.as_str())
        .send()
        .await
        .unwrap();
    // A key without an extension: the type can only have come from the asset's row.
    assert!(
        head.content_type()
            .unwrap_or_default()
            .starts_with("audio/"),
        "{:?}",
        head.content_type()
    );
}

both_databases!(a_servers_uploads_move_to_garage_under_their_keys);
