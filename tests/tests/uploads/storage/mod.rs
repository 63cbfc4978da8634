//! The storage contract, run against the local backend and against a real Garage server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod migrate;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use projector_api::config::S3Config;
use projector_api::media::local::LocalStorage;
use projector_api::media::s3::S3Storage;
use projector_api::media::storage::read_all;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

/// A storage backend under test and whatever keeps it alive.
struct Store {
    storage: Arc<dyn Storage>,
    _garage: Option<Garage>,
    _dir: tempfile::TempDir,
    local_root: Option<std::path::PathBuf>,
}

enum Kind {
    Local,
    Garage,
}

async fn open(kind: Kind, adjust: impl FnOnce(&mut S3Config)) -> Store {
    let dir = tempfile::tempdir().unwrap();
    match kind {
        Kind::Local => {
            let root = dir.path().join("media");
            Store {
                storage: Arc::new(LocalStorage::new(&root).unwrap()),
                _garage: None,
                _dir: dir,
                local_root: Some(root),
            }
        }
        Kind::Garage => {
            let garage = Garage::start();
            let mut s3 = garage.s3.clone();
            adjust(&mut s3);
            Store {
                storage: Arc::new(S3Storage::new(&s3).await.unwrap()),
                _garage: Some(garage),
                _dir: dir,
                local_root: None,
            }
        }
    }
}

macro_rules! both_storages {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_local() {
                    super::$name(super::Kind::Local).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_garage() {
                    super::$name(super::Kind::Garage).await
                }
            }
        )*
    };
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

async fn an_object_reads_back_whole_and_by_range(kind: Kind) {
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "source").unwrap();
    let data = pattern(300_000);
    let file = store._dir.path().join("in.bin");
    std::fs::write(&file, &data).unwrap();

    let meta = s
        .put_file(&key, &file, "application/octet-stream")
        .await
        .unwrap();
    assert_eq!(meta.size, 300_000);
    assert!(meta.etag.is_some());
    assert!(file.exists(), "put_file leaves the source in place");
    assert_eq!(read_all(s, &key).await.unwrap(), data);

    let part = s.get(&key, Some(1000..2000)).await.unwrap();
    assert_eq!(part.range, 1000..2000);
    let bytes: Vec<Bytes> = futures::TryStreamExt::try_collect(part.body).await.unwrap();
    assert_eq!(bytes.concat(), data[1000..2000]);

    // A range past the end is clamped to the object.
    let tail = s.get(&key, Some(299_990..400_000)).await.unwrap();
    assert_eq!(tail.range, 299_990..300_000);
    let bytes: Vec<Bytes> = futures::TryStreamExt::try_collect(tail.body).await.unwrap();
    assert_eq!(bytes.concat(), data[299_990..]);

    let head = s.head(&key).await.unwrap().unwrap();
    assert_eq!(head.size, 300_000);
}

async fn missing_objects_are_not_found_and_deleting_twice_is_fine(kind: Kind) {
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "nothing").unwrap();
    assert!(s.head(&key).await.unwrap().is_none());
    let err = s.get(&key, None).await.unwrap_err();
    assert_eq!(err.code(), "NOT_FOUND");
    s.put_bytes(&key, Bytes::from_static(b"x"), "text/plain")
        .await
        .unwrap();
    s.delete(&key).await.unwrap();
    s.delete(&key).await.unwrap();
    assert!(s.head(&key).await.unwrap().is_none());
}

async fn listing_by_prefix_returns_only_that_assets_objects_in_order(kind: Kind) {
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let a = Uuid::now_v7();
    let b = Uuid::now_v7();
    for name in ["z.ts", "a.m3u8", "m.jpg"] {
        s.put_bytes(
            &ObjectKey::for_asset(a, name).unwrap(),
            Bytes::from(name.as_bytes().to_vec()),
            "x/y",
        )
        .await
        .unwrap();
    }
    s.put_bytes(
        &ObjectKey::for_asset(b, "other").unwrap(),
        Bytes::from_static(b"o"),
        "x/y",
    )
    .await
    .unwrap();
    let listed = s.list(&ObjectKey::asset_prefix(a)).await.unwrap();
    let names: Vec<String> = listed
        .iter()
        .map(|m| m.key.as_str().rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["a.m3u8", "m.jpg", "z.ts"]);
    assert_eq!(listed[0].size, 6);
}

async fn overwriting_replaces_the_whole_object(kind: Kind) {
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "poster.jpg").unwrap();
    s.put_bytes(&key, Bytes::from(vec![1u8; 10_000]), "image/jpeg")
        .await
        .unwrap();
    s.put_bytes(&key, Bytes::from(vec![2u8; 10]), "image/jpeg")
        .await
        .unwrap();
    assert_eq!(read_all(s, &key).await.unwrap(), vec![2u8; 10]);
}

async fn a_large_file_goes_up_in_parts_and_comes_back_identical(kind: Kind) {
    let store = open(kind, |s3| {
        s3.multipart_threshold_mib = 5;
        s3.part_size_mib = 5;
    })
    .await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "source").unwrap();
    let data = pattern(13 * 1024 * 1024 + 17);
    let file = store._dir.path().join("big.bin");
    std::fs::write(&file, &data).unwrap();
    let meta = s.put_file(&key, &file, "video/mp4").await.unwrap();
    assert_eq!(meta.size, data.len() as u64);
    let back = read_all(s, &key).await.unwrap();
    assert_eq!(Sha256::digest(&back), Sha256::digest(&data));
}

async fn a_failed_write_leaves_no_object_behind(kind: Kind) {
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "source").unwrap();
    let missing = store._dir.path().join("does-not-exist");
    assert!(s.put_file(&key, &missing, "video/mp4").await.is_err());
    assert!(s.head(&key).await.unwrap().is_none());
    if let Some(root) = &store.local_root {
        let staging: Vec<_> = std::fs::read_dir(root.join(".staging")).unwrap().collect();
        assert!(staging.is_empty(), "temporary files left: {staging:?}");
    }
}

async fn presigned_urls_work_where_the_backend_signs(kind: Kind) {
    let is_s3 = matches!(kind, Kind::Garage);
    let store = open(kind, |_| {}).await;
    let s = store.storage.as_ref();
    let key = ObjectKey::for_asset(Uuid::now_v7(), "thumb.jpg").unwrap();
    s.put_bytes(&key, Bytes::from_static(b"jpeg bytes"), "image/jpeg")
        .await
        .unwrap();
    let url = s
        .presign_get(&key, Duration::from_secs(60), None)
        .await
        .unwrap();
    if is_s3 {
        let url = url.expect("S3 signs URLs");
        let res = reqwest::get(&url).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().as_ref(), b"jpeg bytes");
        // Garage refuses the same object without a signature.
        let unsigned = url.split('?').next().unwrap();
        assert_eq!(reqwest::get(unsigned).await.unwrap().status(), 403);
    } else {
        assert!(
            url.is_none(),
            "the local store is served by projector itself"
        );
    }
}

both_storages!(
    an_object_reads_back_whole_and_by_range,
    missing_objects_are_not_found_and_deleting_twice_is_fine,
    listing_by_prefix_returns_only_that_assets_objects_in_order,
    overwriting_replaces_the_whole_object,
    a_large_file_goes_up_in_parts_and_comes_back_identical,
    a_failed_write_leaves_no_object_behind,
    presigned_urls_work_where_the_backend_signs,
);
