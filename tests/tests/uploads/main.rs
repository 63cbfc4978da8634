//! Resumable uploads over real HTTP (tus 1.0): durability across interruptions and restarts,
//! probing, and every bad input refused with nothing left behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concurrency;
mod direct;
mod finishing;
mod images;
mod storage;

use std::time::Duration;

use base64::Engine as _;
use projector_api::config::StorageBackend;
use projector_api::media::local::LocalStorage;
use projector_api::media::s3::S3Storage;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use projector_tests::media::{mp4, png, sha256_file, wav};
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use sea_orm::ConnectionTrait as _;
use uuid::Uuid;

const MB: usize = 1024 * 1024;

/// Where the test's media lives.
enum Store {
    Local,
    Garage(Box<Garage>),
}

async fn spawn(
    backend: Backend,
    store: &Store,
    adjust: impl FnOnce(&mut projector_api::Config),
) -> TestApp {
    let s3 = match store {
        Store::Garage(g) => Some(g.s3.clone()),
        Store::Local => None,
    };
    spawn_app_with(backend, move |c| {
        if let Some(s3) = s3 {
            c.storage.backend = StorageBackend::S3;
            c.storage.s3 = s3;
        }
        adjust(c);
    })
    .await
}

async fn storage_of(app: &TestApp) -> Box<dyn Storage> {
    match app.config.storage.backend {
        StorageBackend::Local => Box::new(LocalStorage::new(&app.config.media_dir).unwrap()),
        StorageBackend::S3 => Box::new(S3Storage::new(&app.config.storage.s3).await.unwrap()),
    }
}

fn upload_id(location: &str) -> Uuid {
    Uuid::parse_str(location.rsplit('/').next().unwrap()).unwrap()
}

async fn scalar(app: &TestApp, sql: &str) -> Option<String> {
    let db = app.db().await;
    let row = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap();
    row.and_then(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten())
}

/// The SHA-256 recorded for the source stored under `key`, once it is there: it is taken just
/// after the upload completes (`record_digest`).
async fn recorded_digest(app: &TestApp, key: &ObjectKey) -> String {
    let sql = format!("SELECT sha256 FROM media_assets WHERE storage_key = '{key}'");
    let started = std::time::Instant::now();
    loop {
        match scalar(app, &sql).await {
            Some(sha) if !sha.is_empty() => return sha,
            other => assert!(
                started.elapsed() < Duration::from_secs(20),
                "no digest recorded for {key}: {other:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn big_upload_survives_a_dropped_connection_and_a_restart(backend: Backend, store: Store) {
    let mut app = spawn(backend, &store, |_| {}).await;
    let token = app.user_token("uploader@example.com", "EDITOR").await;
    let file = app.dir.path().join("big.wav");
    wav(&file, 200 * MB);
    let original = sha256_file(&file);
    let data = std::fs::read(&file).unwrap();
    let total = data.len() as u64;
    let meta = metadata(&[("filename", "big.wav"), ("filetype", "audio/wav")]);
    let location = tus::create_ok(&app, &token, total, &meta).await;

    let chunk = 5 * MB;
    let mut offset = 0u64;
    let mut dropped = false;
    let mut restarted = false;
    while offset < total {
        if !dropped && offset >= 40 * MB as u64 {
            // The network fails 2 MB into a 5 MB chunk.
            dropped = true;
            let end = (offset as usize + 2 * MB).min(data.len());
            tus::patch_partial(
                &app,
                &token,
                &location,
                offset,
                chunk,
                &data[offset as usize..end],
                false,
            )
            .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (_, resumed, _) = tus::head(&app, &token, &location).await;
            let resumed = resumed.unwrap();
            assert!(
                resumed >= offset && resumed <= end as u64,
                "offset {resumed} after a drop at {offset}"
            );
            offset = resumed;
            continue;
        }
        if !restarted && offset >= 120 * MB as u64 {
            restarted = true;
            app = app.restart().await;
            let (_, resumed, status) = tus::head(&app, &token, &location).await;
            assert_eq!(resumed, Some(offset), "the offset survives a restart");
            assert_eq!(status.as_deref(), Some("uploading"));
        }
        let end = (offset as usize + chunk).min(data.len());
        let res = tus::patch(
            &app,
            &token,
            &location,
            offset,
            data[offset as usize..end].to_vec(),
            true,
        )
        .await;
        assert_eq!(res.status(), 204, "{:?}", res.text().await);
        let next: u64 = res.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(next, end as u64);
        offset = next;
    }
    assert!(dropped && restarted);
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "complete"
    );

    let id = upload_id(&location);
    let key = ObjectKey::for_asset(id, "source").unwrap();
    let storage = storage_of(&app).await;
    let object = storage
        .head(&key)
        .await
        .unwrap()
        .expect("the source object exists");
    assert_eq!(object.size, total);
    let copy = app.dir.path().join("back.wav");
    let bytes = projector_api::media::storage::read_all(storage.as_ref(), &key)
        .await
        .unwrap();
    std::fs::write(&copy, bytes).unwrap();
    assert_eq!(
        sha256_file(&copy),
        original,
        "stored bytes differ from the original"
    );
    assert_eq!(recorded_digest(&app, &key).await, original);
    assert!(
        !app.config
            .data_dir
            .join("uploads")
            .join(format!("{id}.part"))
            .exists(),
        "staging file removed"
    );
    // Parts streamed before the restart belonged to a process that is gone: they were dropped.
    assert_eq!(pending_parts(&app).await, Vec::<String>::new());
}

/// Keys of the multipart uploads still open in the test's bucket (none on local storage).
async fn pending_parts(app: &TestApp) -> Vec<String> {
    if app.config.storage.backend != StorageBackend::S3 {
        return Vec::new();
    }
    let s3 = S3Storage::new(&app.config.storage.s3).await.unwrap();
    let listed = s3
        .client()
        .list_multipart_uploads()
        .bucket(s3.bucket())
        .send()
        .await
        .unwrap();
    listed
        .uploads()
        .iter()
        .filter_map(|u| u.key().map(str::to_string))
        .collect()
}

/// Parts of the open multipart upload for `key`, as the bucket lists them.
async fn parts_in_bucket(app: &TestApp, key: &ObjectKey) -> usize {
    let s3 = S3Storage::new(&app.config.storage.s3).await.unwrap();
    let listed = s3
        .client()
        .list_multipart_uploads()
        .bucket(s3.bucket())
        .prefix(key.as_str())
        .send()
        .await
        .unwrap();
    let Some(id) = listed.uploads().first().and_then(|u| u.upload_id()) else {
        return 0;
    };
    s3.client()
        .list_parts()
        .bucket(s3.bucket())
        .key(key.as_str())
        .upload_id(id)
        .send()
        .await
        .unwrap()
        .parts()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_garage_parts_go_up_while_the_upload_arrives_and_none_are_left_behind() {
    let garage = Store::Garage(Box::new(Garage::start()));
    let app = spawn(Backend::Sqlite, &garage, |c| {
        c.storage.s3.part_size_mib = 5;
        c.storage.s3.multipart_threshold_mib = 5;
    })
    .await;
    let token = app.user_token("uploader@example.com", "EDITOR").await;

    // A 48 MB file in 4 MB chunks (parts are 5 MiB, so chunks and parts never line up), with a
    // connection that drops half-way through a chunk.
    let file = app.dir.path().join("streamed.wav");
    wav(&file, 48 * MB);
    let original = sha256_file(&file);
    let data = std::fs::read(&file).unwrap();
    let total = data.len() as u64;
    let meta = metadata(&[("filename", "streamed.wav"), ("filetype", "audio/wav")]);
    let location = tus::create_ok(&app, &token, total, &meta).await;
    let key = ObjectKey::for_asset(upload_id(&location), "source").unwrap();
    let chunk = 4 * MB;
    let mut offset = 0u64;
    let mut dropped = false;
    let mut seen_parts = 0;
    let mut bad_checksum_sent = false;
    while offset < total {
        if !dropped && offset >= 20 * MB as u64 {
            dropped = true;
            let end = offset as usize + MB;
            tus::patch_partial(
                &app,
                &token,
                &location,
                offset,
                chunk,
                &data[offset as usize..end],
                false,
            )
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            offset = tus::head(&app, &token, &location).await.1.unwrap();
            continue;
        }
        if !bad_checksum_sent && offset >= 26 * MB as u64 {
            // 6 MB of the wrong bytes under the checksum of the right ones: a whole part of
            // them is written (and may be sent) before the checksum fails; the part must be
            // sent again with the right bytes.
            bad_checksum_sent = true;
            let right = &data[offset as usize..offset as usize + 6 * MB];
            let digest = <sha2::Sha256 as sha2::Digest>::digest(right);
            let res = app
                .client
                .patch(app.url(&location))
                .bearer_auth(&token)
                .header("tus-resumable", "1.0.0")
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", offset.to_string())
                .header(
                    "upload-checksum",
                    format!(
                        "sha256 {}",
                        base64::engine::general_purpose::STANDARD.encode(digest)
                    ),
                )
                .body(vec![0xABu8; 6 * MB])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 460);
            assert_eq!(tus::head(&app, &token, &location).await.1, Some(offset));
        }
        if offset >= 32 * MB as u64 && seen_parts == 0 {
            // Well before the last byte, the first parts are already in the bucket.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while seen_parts < 4 && std::time::Instant::now() < deadline {
                seen_parts = parts_in_bucket(&app, &key).await;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(
                seen_parts >= 4,
                "only {seen_parts} parts sent with 32 MB received"
            );
            assert!(
                storage_of(&app).await.head(&key).await.unwrap().is_none(),
                "nothing is visible before the upload is probed"
            );
        }
        let end = (offset as usize + chunk).min(data.len());
        let res = tus::patch(
            &app,
            &token,
            &location,
            offset,
            data[offset as usize..end].to_vec(),
            false,
        )
        .await;
        assert_eq!(res.status(), 204, "{:?}", res.text().await);
        offset = end as u64;
    }
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "complete"
    );
    let storage = storage_of(&app).await;
    let bytes = projector_api::media::storage::read_all(storage.as_ref(), &key)
        .await
        .unwrap();
    assert_eq!(bytes.len() as u64, total);
    let copy = app.dir.path().join("back.wav");
    std::fs::write(&copy, bytes).unwrap();
    assert_eq!(
        sha256_file(&copy),
        original,
        "stored bytes differ from the original"
    );
    assert_eq!(
        recorded_digest(&app, &key).await,
        original,
        "the recorded digest is the file's"
    );
    assert_eq!(pending_parts(&app).await, Vec::<String>::new());
    // Through the parts sent on the way, not sent again whole after the last byte (which would
    // also give the right bytes, only later).
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("projector_upload_sources_stored_total{how=\"streamed_parts\"} 1\n")
            && metrics.contains("projector_upload_sources_stored_total{how=\"whole_file\"} 0\n"),
        "{metrics}"
    );

    // Bytes that are not media: their parts went up while they arrived, and are dropped.
    let junk: Vec<u8> = (0..12 * MB as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let location = tus::create_ok(
        &app,
        &token,
        junk.len() as u64,
        &metadata(&[("filename", "junk.mp4")]),
    )
    .await;
    let res = tus::patch(&app, &token, &location, 0, junk, false).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        tus::wait_until_settled(&app, &token, &location).await,
        "rejected"
    );
    let junk_key = ObjectKey::for_asset(upload_id(&location), "source").unwrap();
    assert!(storage.head(&junk_key).await.unwrap().is_none());
    assert_eq!(pending_parts(&app).await, Vec::<String>::new());

    // A cancelled upload's parts are dropped too.
    let location = tus::create_ok(
        &app,
        &token,
        20 * MB as u64,
        &metadata(&[("filename", "c.wav")]),
    )
    .await;
    let res = tus::patch(&app, &token, &location, 0, data[..11 * MB].to_vec(), false).await;
    assert_eq!(res.status(), 204);
    let cancelled = ObjectKey::for_asset(upload_id(&location), "source").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while parts_in_bucket(&app, &cancelled).await < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(parts_in_bucket(&app, &cancelled).await, 2);
    let res = app
        .client
        .delete(app.url(&location))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(pending_parts(&app).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_upload_in_5_mb_chunks_survives_two_interruptions_on_local_storage() {
    big_upload_survives_a_dropped_connection_and_a_restart(Backend::Sqlite, Store::Local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_upload_in_5_mb_chunks_survives_two_interruptions_on_garage() {
    big_upload_survives_a_dropped_connection_and_a_restart(
        Backend::Sqlite,
        Store::Garage(Box::new(Garage::start())),
    )
    .await;
}

async fn upload_file(
    app: &TestApp,
    token: &str,
    path: &std::path::Path,
    name: &str,
) -> (String, String) {
    let data = std::fs::read(path).unwrap();
    let location = tus::create_ok(
        app,
        token,
        data.len() as u64,
        &metadata(&[("filename", name)]),
    )
    .await;
    let res = tus::patch(app, token, &location, 0, data, true).await;
    assert_eq!(res.status(), 204);
    let status = tus::wait_until_settled(app, token, &location).await;
    (location, status)
}

async fn a_digest_left_pending_by_a_stopped_server_is_recorded_at_the_next_start(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let file = app.dir.path().join("tone.wav");
    wav(&file, MB);
    let original = sha256_file(&file);
    let (location, status) = upload_file(&app, &token, &file, "tone.wav").await;
    assert_eq!(status, "complete");
    let key = ObjectKey::for_asset(upload_id(&location), "source").unwrap();
    assert_eq!(recorded_digest(&app, &key).await, original);
    let shown = app
        .graphql_ok(
            Some(&token),
            "{ myUploads { media { sha256 } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(shown["myUploads"][0]["media"]["sha256"], original.as_str());

    // As if the server had stopped between `complete` and the digest.
    let db = app.db().await;
    db.execute(sea_orm::Statement::from_string(
        db.get_database_backend(),
        format!("UPDATE media_assets SET sha256 = '' WHERE storage_key = '{key}'"),
    ))
    .await
    .unwrap();
    let shown = app
        .graphql_ok(
            Some(&token),
            "{ myUploads { status media { sha256 } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(shown["myUploads"][0]["status"], "COMPLETE");
    assert!(
        shown["myUploads"][0]["media"]["sha256"].is_null(),
        "a pending digest is null, not empty: {shown}"
    );
    let app = app.restart().await;
    assert_eq!(
        recorded_digest(&app, &key).await,
        original,
        "taken from the stored object at start"
    );
}

async fn stray_staging_files_are_swept_and_unfinished_uploads_keep_theirs(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let staging = app.config.data_dir.join("uploads");
    let file = app.dir.path().join("tone.wav");
    wav(&file, MB);
    let (done, status) = upload_file(&app, &token, &file, "tone.wav").await;
    assert_eq!(status, "complete");
    let done = upload_id(&done);
    recorded_digest(&app, &ObjectKey::for_asset(done, "source").unwrap()).await;
    // An upload half-way through: its staging file is its only copy of the bytes so far.
    let data = std::fs::read(&file).unwrap();
    let half = data.len() / 2;
    let open = tus::create_ok(
        &app,
        &token,
        data.len() as u64,
        &metadata(&[("filename", "open.wav")]),
    )
    .await;
    let res = tus::patch(&app, &token, &open, 0, data[..half].to_vec(), false).await;
    assert_eq!(res.status(), 204);
    let open_file = staging.join(format!("{}.part", upload_id(&open)));

    // What a process stopped at the wrong moment leaves: the staging file of a finished upload,
    // one whose row is gone, a recheck copy; and a file that is not ours.
    let strays = [
        staging.join(format!("{done}.part")),
        staging.join(format!("{}.part", Uuid::now_v7())),
        staging.join(format!("{}.recheck", Uuid::now_v7())),
    ];
    let young = staging.join(format!("{}.part", Uuid::now_v7()));
    let foreign = staging.join("notes.txt");
    for path in strays.iter().chain([&young, &foreign]) {
        std::fs::write(path, b"left over").unwrap();
    }
    let long_ago = std::time::SystemTime::now() - Duration::from_secs(3 * 24 * 3600);
    for path in strays.iter().chain([&foreign, &open_file]) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }

    let ctx = projector_api::startup::build_ctx(app.config.clone())
        .await
        .unwrap();
    let report = projector_api::startup::sweep(&ctx).await.unwrap();
    assert_eq!(report.staging_files, 3, "{report:?}");
    for path in &strays {
        assert!(!path.exists(), "{} was left", path.display());
    }
    assert!(young.exists(), "younger than the grace period: kept");
    assert!(foreign.exists(), "not named after an upload: kept");
    assert_eq!(
        std::fs::read(&open_file).unwrap(),
        data[..half],
        "an unfinished upload keeps its bytes, however old"
    );
    // ... and finishes.
    let res = tus::patch(
        &app,
        &token,
        &open,
        half as u64,
        data[half..].to_vec(),
        false,
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        tus::wait_until_settled(&app, &token, &open).await,
        "complete"
    );
    // A second sweep finds nothing more to remove.
    let report = projector_api::startup::sweep(&ctx).await.unwrap();
    assert_eq!(report.staging_files, 0, "{report:?}");
}

async fn a_real_video_is_probed_and_stored(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let file = app.dir.path().join("clip.mp4");
    mp4(&file, 2);
    let (location, status) = upload_file(&app, &token, &file, "clip.mp4").await;
    assert_eq!(status, "complete");
    let id = upload_id(&location);
    let probe = scalar(
        &app,
        &format!("SELECT probe FROM media_assets WHERE id = '{id}'"),
    )
    .await;
    let probe = match probe {
        Some(p) => p,
        // PostgreSQL stores uuids natively; look it up by key instead.
        None => scalar(
            &app,
            &format!(
                "SELECT probe FROM media_assets WHERE storage_key = '{}'",
                ObjectKey::for_asset(id, "source").unwrap()
            ),
        )
        .await
        .unwrap(),
    };
    let probe: serde_json::Value = serde_json::from_str(&probe).unwrap();
    assert_eq!(probe["kind"], "video");
    assert_eq!(probe["video"]["width"], 320);
    assert_eq!(probe["video"]["height"], 240);
    assert_eq!(probe["video"]["frame_rate"], 25.0);
    assert_eq!(probe["audio"]["channels"], 1);
    let duration = probe["duration_secs"].as_f64().unwrap();
    assert!((duration - 2.0).abs() < 0.2, "{duration}");
    assert!(
        probe["video"]["codec"].as_str().unwrap().contains("H.264"),
        "{probe}"
    );
}

async fn files_that_are_not_media_are_rejected_with_a_reason_and_leave_nothing(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let dir = app.dir.path();
    let random = dir.join("random.mp4");
    std::fs::write(
        &random,
        (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let real = dir.join("real.mp4");
    mp4(&real, 2);
    let truncated = dir.join("truncated.mp4");
    let bytes = std::fs::read(&real).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let image = dir.join("image.mov");
    png(&image);
    let text = dir.join("notes.txt");
    std::fs::write(
        &text,
        "these are not the frames you are looking for\n".repeat(100),
    )
    .unwrap();

    for (path, expected_reason) in [
        (&random, "cannot read"),
        (&truncated, ""),
        (&image, "still image"),
        (&text, "cannot read"),
    ] {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (location, status) = upload_file(&app, &token, path, name).await;
        assert_eq!(status, "rejected", "{name} was accepted");
        let id = upload_id(&location);
        let error = scalar(
            &app,
            &format!("SELECT error FROM uploads WHERE filename = '{name}'"),
        )
        .await
        .unwrap();
        assert!(error.contains(expected_reason), "{name}: {error}");
        let key = ObjectKey::for_asset(id, "source").unwrap();
        assert!(
            !app.config.media_dir.join(key.as_str()).exists(),
            "{name}: object stored"
        );
        assert!(
            !app.config
                .data_dir
                .join("uploads")
                .join(format!("{id}.part"))
                .exists(),
            "{name}: staging left"
        );
    }
    assert_eq!(app.count("media_assets").await, 0);

    // The editor sees every refusal and its reason.
    let data = app
        .graphql_ok(
            Some(&token),
            "{ myUploads { filename status error media { kind } } }",
            serde_json::json!({}),
        )
        .await;
    let mine = data["myUploads"].as_array().unwrap();
    assert_eq!(mine.len(), 4);
    for upload in mine {
        assert_eq!(upload["status"], "REJECTED", "{upload}");
        assert!(
            upload["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{upload}"
        );
        assert_eq!(upload["media"], serde_json::Value::Null);
    }
}

async fn creation_refuses_empty_oversized_and_over_quota_files_before_storing_anything(
    backend: Backend,
) {
    let app = spawn(backend, &Store::Local, |c| {
        c.uploads.max_file_bytes = 10 * MB as u64;
        c.uploads.user_quota_bytes = 3 * MB as u64;
    })
    .await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let cases = [
        (0u64, 400, "VALIDATION"),
        (11 * MB as u64, 413, "PAYLOAD_TOO_LARGE"),
        (4 * MB as u64, 413, "QUOTA_EXCEEDED"),
    ];
    for (length, status, code) in cases {
        let res = tus::create(&app, &token, length, "").await;
        assert_eq!(res.status(), status, "length {length}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "length {length}: {body}");
    }
    // Two uploads within quota, a third that would exceed it counting the unfinished ones.
    tus::create_ok(&app, &token, 2 * MB as u64, "").await;
    let res = tus::create(&app, &token, 2 * MB as u64, "").await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.count("uploads").await, 1);
    let staged = std::fs::read_dir(app.config.data_dir.join("uploads"))
        .unwrap()
        .count();
    assert_eq!(staged, 1);
}

async fn a_patch_at_the_wrong_offset_or_with_a_wrong_checksum_changes_nothing(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let location = tus::create_ok(&app, &token, 1000, "").await;
    let res = tus::patch(&app, &token, &location, 0, vec![1u8; 100], true).await;
    assert_eq!(res.status(), 204);

    let res = tus::patch(&app, &token, &location, 50, vec![2u8; 100], false).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.headers()["upload-offset"], "100");

    let res = app
        .client
        .patch(app.url(&location))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "100")
        .header(
            "upload-checksum",
            "sha256 n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        )
        .body(vec![3u8; 100])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 460);

    let res = tus::patch(&app, &token, &location, 100, vec![4u8; 2000], false).await;
    assert_eq!(res.status(), 413, "a body past Upload-Length");

    let (_, offset, _) = tus::head(&app, &token, &location).await;
    assert_eq!(offset, Some(100));
    let id = upload_id(&location);
    let staged = std::fs::read(
        app.config
            .data_dir
            .join("uploads")
            .join(format!("{id}.part")),
    )
    .unwrap();
    assert_eq!(
        staged,
        vec![1u8; 100],
        "no byte of a refused chunk was kept"
    );
}

async fn only_the_uploader_and_editors_may_touch_an_upload(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let owner = app.user_token("owner@example.com", "EDITOR").await;
    let other = app.user_token("other@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let res = tus::create(&app, &viewer, 10, "").await;
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/uploads/"))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let location = tus::create_ok(&app, &owner, 10, "").await;
    let res = tus::patch(&app, &other, &location, 0, vec![0u8; 10], false).await;
    assert_eq!(
        res.status(),
        404,
        "someone else's upload does not exist for you"
    );
    for path in ["/uploads/..%2F..%2Fetc%2Fpasswd", "/uploads/not-a-uuid"] {
        let res = tus::patch(&app, &owner, path, 0, vec![0u8; 10], false).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    // Without the protocol version header the server says which it speaks.
    let res = app
        .client
        .head(app.url(&location))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    assert_eq!(app.count("uploads").await, 1);
}

async fn concurrent_patches_to_one_upload_do_not_interleave(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let location = tus::create_ok(&app, &token, 2000, "").await;
    // The first PATCH is in flight (half its body sent) while the second arrives.
    let held = tus::patch_partial(&app, &token, &location, 0, 1000, &[7u8; 500], true).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let res = tus::patch(&app, &token, &location, 0, vec![9u8; 1000], false).await;
    assert_eq!(res.status(), 423, "{:?}", res.text().await);
    let mut held = held.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut held, &[7u8; 500])
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::io::AsyncReadExt::read(&mut held, &mut buf)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 204"));
    let id = upload_id(&location);
    let staged = std::fs::read(
        app.config
            .data_dir
            .join("uploads")
            .join(format!("{id}.part")),
    )
    .unwrap();
    assert_eq!(staged, vec![7u8; 1000]);
}

async fn termination_removes_the_staged_bytes(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let token = app.user_token("ed@example.com", "EDITOR").await;
    let location = tus::create_ok(&app, &token, 100, "").await;
    tus::patch(&app, &token, &location, 0, vec![1u8; 50], false).await;
    let res = app
        .client
        .delete(app.url(&location))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let id = upload_id(&location);
    assert!(
        !app.config
            .data_dir
            .join("uploads")
            .join(format!("{id}.part"))
            .exists()
    );
    let (status, _, _) = tus::head(&app, &token, &location).await;
    assert_eq!(status, 410);
    let res = tus::patch(&app, &token, &location, 50, vec![1u8; 50], false).await;
    assert_eq!(res.status(), 410);
}

async fn options_advertises_the_protocol(backend: Backend) {
    let app = spawn(backend, &Store::Local, |_| {}).await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/uploads/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["tus-version"], "1.0.0");
    let ext = res.headers()["tus-extension"].to_str().unwrap();
    for e in [
        "creation",
        "creation-with-upload",
        "termination",
        "expiration",
        "checksum",
    ] {
        assert!(ext.contains(e), "{ext}");
    }
    assert_eq!(res.headers()["tus-checksum-algorithm"], "sha256");
}

both_databases!(
    a_digest_left_pending_by_a_stopped_server_is_recorded_at_the_next_start,
    stray_staging_files_are_swept_and_unfinished_uploads_keep_theirs,
    a_real_video_is_probed_and_stored,
    files_that_are_not_media_are_rejected_with_a_reason_and_leave_nothing,
    creation_refuses_empty_oversized_and_over_quota_files_before_storing_anything,
    a_patch_at_the_wrong_offset_or_with_a_wrong_checksum_changes_nothing,
    only_the_uploader_and_editors_may_touch_an_upload,
    concurrent_patches_to_one_upload_do_not_interleave,
    termination_removes_the_staged_bytes,
    options_advertises_the_protocol,
);
