//! The image API (`/images/{videoId}/thumbnail.{jpg,webp}`, `/images/{videoId}/animated.webp`)
//! on a video really uploaded and transcoded: a clip that is red for 5 s and then blue for 5 s,
//! so a picture shows which moment it was taken at. Its renditions (360p, 240p) are cut into
//! segments of 0-2 s, 2-6 s and 6-10 s: 4.6 s and 5.4 s fall in the same segment on either side
//! of the change, which a picture of the segment's (or the GOP's) first frame would get wrong.

use std::time::{Duration, Instant};

use image::{AnimationDecoder as _, RgbImage};
use projector_api::config::StorageBackend;
use projector_api::media::{ObjectKey, Storage};
use projector_tests::garage::Garage;
use projector_tests::media::two_colours;
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, spawn_app_with};
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_LOCATION, CONTENT_TYPE, ETAG, HeaderMap, IF_NONE_MATCH, LOCATION,
};
use serde_json::json;
use uuid::Uuid;

/// A published video made from the red-then-blue clip.
pub struct Clip {
    pub app: TestApp,
    pub admin: String,
    /// Its global ID.
    pub id: String,
    /// Its UUID.
    pub uuid: String,
    /// Its source asset, under whose prefix its pictures are stored.
    pub asset: Uuid,
    _garage: Option<Garage>,
}

/// Uploads and transcodes the clip on a server with `backend` and local storage, or Garage.
pub async fn published_clip(backend: Backend, garage: Option<Garage>) -> Clip {
    published_clip_with(backend, garage, |_| {}).await
}

/// [`published_clip`] on a server whose configuration `adjust` changes last.
pub async fn published_clip_with(
    backend: Backend,
    garage: Option<Garage>,
    adjust: impl FnOnce(&mut projector_api::Config) + Send + 'static,
) -> Clip {
    let s3 = garage.as_ref().map(|g| g.s3.clone());
    let app = spawn_app_with(backend, move |c| {
        c.workers = 1;
        c.transcode.ladder = vec![360, 240];
        c.transcode.preset = "ultrafast".into();
        if let Some(s3) = s3 {
            c.storage.backend = StorageBackend::S3;
            c.storage.s3 = s3;
        }
        adjust(c);
    })
    .await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Pictures").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let video = app
        .create_video(&admin, &channel, "Red, then blue", json!({}))
        .await;
    let id = video["id"].as_str().unwrap().to_string();
    let uuid = video["uuid"].as_str().unwrap().to_string();
    let file = app.dir.path().join("red-blue.mp4");
    two_colours(&file, 640, 360, ["red", "blue"], 5);
    let bytes = std::fs::read(&file).unwrap();
    let meta = metadata(&[("filename", "red-blue.mp4"), ("videoId", &id)]);
    let location = tus::create_ok(&app, &admin, bytes.len() as u64, &meta).await;
    let res = tus::patch(&app, &admin, &location, 0, bytes, true).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        tus::wait_until_settled(&app, &admin, &location).await,
        "complete"
    );
    let started = Instant::now();
    loop {
        let v = app
            .graphql_ok(
                Some(&admin),
                "query($id: ID!) { video(id: $id) { status mediaError } }",
                json!({ "id": id }),
            )
            .await;
        match v["video"]["status"].as_str() {
            Some("READY") => break,
            Some("FAILED") => panic!("the transcode failed: {v}"),
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "not ready: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.graphql_ok(
        Some(&admin),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": id }),
    )
    .await;
    let asset = source_asset(&app, &uuid).await;
    Clip {
        app,
        admin,
        id,
        uuid,
        asset,
        _garage: garage,
    }
}

async fn source_asset(app: &TestApp, uuid: &str) -> Uuid {
    use projector_api::videos::entity::video;
    use sea_orm::EntityTrait as _;
    let db = app.db().await;
    let row = video::Entity::find_by_id(Uuid::parse_str(uuid).unwrap())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    db.close().await.ok();
    row.source_asset_id.unwrap()
}

impl Clip {
    /// `/images/{uuid}/{rest}` on the server.
    pub fn url(&self, rest: &str) -> String {
        self.app.url(&format!("/images/{}/{rest}", self.uuid))
    }

    /// Pictures the server has made so far, of `kind` (`thumbnail` or `animated`).
    pub async fn renders(&self, kind: &str) -> u64 {
        let text = self
            .app
            .client
            .get(self.app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let prefix = format!("projector_images_rendered_total{{kind=\"{kind}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no {prefix} in /metrics"))
            .trim()
            .parse()
            .unwrap()
    }

    /// Pictures stored under the video's asset.
    pub async fn stored(&self) -> usize {
        let storage: std::sync::Arc<dyn Storage> = projector_api::media::open_storage(
            &self.app.config.storage,
            &self.app.config.media_dir,
        )
        .await
        .unwrap();
        let prefix = format!("{}images/frames/", ObjectKey::asset_prefix(self.asset));
        storage.list(&prefix).await.unwrap().len()
    }
}

/// A successful GET: its headers and bytes, of the content type expected.
pub async fn fetch(app: &TestApp, url: &str, content_type: &str) -> (HeaderMap, Vec<u8>) {
    let res = app.client.get(url).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.unwrap().to_vec();
    assert_eq!(
        status,
        StatusCode::OK,
        "{url}: {}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
    );
    assert_eq!(headers[CONTENT_TYPE], content_type, "{url}");
    (headers, bytes)
}

/// What colour a pixel is, roughly.
pub fn colour(image: &RgbImage, x: u32, y: u32) -> &'static str {
    let [r, g, b] = image.get_pixel(x, y).0;
    match (r, g, b) {
        (r, g, b) if r > 150 && g < 100 && b < 100 => "red",
        (r, g, b) if b > 150 && r < 100 && g < 100 => "blue",
        (r, g, b) if r < 40 && g < 40 && b < 40 => "black",
        _ => "other",
    }
}

fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

async fn pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once(
    backend: Backend,
    garage: Option<Garage>,
) {
    let clip = published_clip(backend, garage).await;
    let app = &clip.app;
    let (early_headers, early) = fetch(
        app,
        &clip.url("thumbnail.jpg?time=4.6&width=320"),
        "image/jpeg",
    )
    .await;
    let picture = decode(&early);
    assert_eq!(picture.dimensions(), (320, 180));
    assert_eq!(colour(&picture, 160, 90), "red");
    let (_, late) = fetch(
        app,
        &clip.url("thumbnail.webp?time=5.4&width=320"),
        "image/webp",
    )
    .await;
    assert_eq!(&late[..4], b"RIFF");
    let picture = decode(&late);
    assert_eq!(picture.dimensions(), (320, 180));
    assert_eq!(colour(&picture, 160, 90), "blue");
    // Without the media's version a URL is kept a minute; the URL with it (named in
    // Content-Location) is the same picture, immutable.
    assert_eq!(early_headers[CACHE_CONTROL], "public, max-age=60");
    let pinned = format!(
        "/images/{}/thumbnail.jpg?time=4.6&width=320&v={}",
        clip.uuid,
        &clip.asset.simple().to_string()[..12]
    );
    assert_eq!(early_headers[CONTENT_LOCATION], pinned.as_str());
    let (pinned_headers, pinned_bytes) = fetch(app, &app.url(&pinned), "image/jpeg").await;
    assert_eq!(pinned_bytes, early);
    assert_eq!(
        pinned_headers[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let etag = early_headers[ETAG].to_str().unwrap().to_string();
    assert_eq!(
        (clip.renders("thumbnail").await, clip.stored().await),
        (2, 2)
    );

    // Asked again, by either id, or another way that means the same picture (times are taken
    // to the tenth below): the stored object, not a new one.
    for again in [
        clip.url("thumbnail.jpg?time=4.6&width=320"),
        clip.url("thumbnail.jpg?width=320&time=4.65"),
        app.url(&format!(
            "/images/{}/thumbnail.jpg?time=4.6&width=320",
            clip.id
        )),
    ] {
        let (headers, bytes) = fetch(app, &again, "image/jpeg").await;
        assert_eq!(bytes, early, "{again}");
        assert_eq!(headers[ETAG], etag.as_str(), "{again}");
    }
    let res = app
        .client
        .get(clip.url("thumbnail.jpg?time=4.6&width=320"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        (clip.renders("thumbnail").await, clip.stored().await),
        (2, 2)
    );

    // Sizes and fits.
    let (_, b) = fetch(
        app,
        &clip.url("thumbnail.jpg?time=1&height=90"),
        "image/jpeg",
    )
    .await;
    assert_eq!(decode(&b).dimensions(), (160, 90));
    let q = "thumbnail.jpg?time=1&width=100&height=100";
    let (_, b) = fetch(app, &clip.url(&format!("{q}&fit=crop")), "image/jpeg").await;
    let cropped = decode(&b);
    assert_eq!(cropped.dimensions(), (100, 100));
    assert_eq!(colour(&cropped, 2, 2), "red");
    let (_, b) = fetch(app, &clip.url(&format!("{q}&fit=pad")), "image/jpeg").await;
    let padded = decode(&b);
    assert_eq!(padded.dimensions(), (100, 100));
    assert_eq!(
        (colour(&padded, 2, 2), colour(&padded, 50, 50)),
        ("black", "red")
    );
    let (_, b) = fetch(app, &clip.url(&format!("{q}&fit=preserve")), "image/jpeg").await;
    assert_eq!(decode(&b).dimensions(), (100, 56));
    // Without a size: the video's own (640x360, under the 1280 default).
    let (_, b) = fetch(app, &clip.url("thumbnail.jpg?time=9.9"), "image/jpeg").await;
    let last = decode(&b);
    assert_eq!(last.dimensions(), (640, 360));
    assert_eq!(colour(&last, 320, 180), "blue");

    // A hundred first requests for one picture at once: made once, all get it.
    let before = clip.renders("thumbnail").await;
    let url = clip.url("thumbnail.jpg?time=7.3&width=200");
    let all = futures::future::join_all((0..100).map(|_| fetch(app, &url, "image/jpeg"))).await;
    assert!(all.iter().all(|(_, b)| *b == all[0].1));
    assert_eq!(colour(&decode(&all[0].1), 100, 56), "blue");
    assert_eq!(clip.renders("thumbnail").await, before + 1);

    // An animated preview of 4 s to 6 s at 5 frames a second: red, then blue.
    let (headers, bytes) = fetch(
        app,
        &clip.url("animated.webp?start=4&end=6&width=160"),
        "image/webp",
    )
    .await;
    assert_eq!(headers[CACHE_CONTROL], "public, max-age=60");
    let frames = image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(&bytes))
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 10);
    let first = image::DynamicImage::ImageRgba8(frames[0].buffer().clone()).to_rgb8();
    let last = image::DynamicImage::ImageRgba8(frames[9].buffer().clone()).to_rgb8();
    assert_eq!(first.dimensions(), (160, 90));
    assert_eq!(
        (colour(&first, 80, 45), colour(&last, 80, 45)),
        ("red", "blue")
    );
    assert_eq!(frames[0].delay().numer_denom_ms(), (200, 1));
    let (_, again) = fetch(
        app,
        &clip.url("animated.webp?start=4&end=6&width=160"),
        "image/webp",
    )
    .await;
    assert_eq!(again, bytes);
    assert_eq!(clip.renders("animated").await, 1);
}

mod pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite_and_local_storage() {
        super::pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once(
            Backend::Sqlite,
            None,
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_and_local_storage() {
        if let Some(backend) = Backend::postgres() {
            super::pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once(
                backend, None,
            )
            .await
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite_and_garage() {
        let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
        super::pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once(
            Backend::Sqlite,
            Some(garage),
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_and_garage() {
        if let Some(backend) = Backend::postgres() {
            let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
            super::pictures_show_the_moment_asked_at_the_size_asked_and_each_is_made_once(
                backend,
                Some(garage),
            )
            .await
        }
    }
}

/// Anyone may ask for a picture at any tenth of a second and any size: a video keeps only the
/// newest `delivery.images_kept_per_video` of them, and one that went is made again when asked.
async fn a_video_keeps_only_its_newest_pictures_and_makes_a_removed_one_again(
    garage: Option<Garage>,
) {
    let clip = published_clip_with(Backend::Sqlite, garage, |c| {
        c.delivery.images_kept_per_video = 3;
        // Served from storage, not from memory, so a removed picture is really gone.
        c.delivery.memory_cache_mib = 0;
    })
    .await;
    let url = |t: u32| clip.url(&format!("thumbnail.jpg?time={t}&width=64"));
    for (made, t) in [1, 2, 3, 4, 6].into_iter().enumerate() {
        let (_, bytes) = fetch(&clip.app, &url(t), "image/jpeg").await;
        let expected = if t < 5 { "red" } else { "blue" };
        assert_eq!(colour(&decode(&bytes), 32, 18), expected, "time {t}");
        assert_eq!(clip.renders("thumbnail").await, made as u64 + 1);
        assert!(
            clip.stored().await <= 3,
            "{} stored after {t}",
            clip.stored().await
        );
    }
    assert_eq!(clip.stored().await, 3);
    // The newest is kept: asking again makes nothing.
    fetch(&clip.app, &url(6), "image/jpeg").await;
    assert_eq!(clip.renders("thumbnail").await, 5);
    // The oldest went, and comes back the same when asked for.
    let (_, again) = fetch(&clip.app, &url(1), "image/jpeg").await;
    assert_eq!(colour(&decode(&again), 32, 18), "red");
    assert_eq!(clip.renders("thumbnail").await, 6);
    assert_eq!(clip.stored().await, 3);
}

mod a_video_keeps_only_its_newest_pictures_and_makes_a_removed_one_again {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_local_storage() {
        super::a_video_keeps_only_its_newest_pictures_and_makes_a_removed_one_again(None).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_garage() {
        let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
        super::a_video_keeps_only_its_newest_pictures_and_makes_a_removed_one_again(Some(garage))
            .await
    }
}

/// Uploads `file` as the clip's new media and waits until the video has switched to it.
async fn replace_media(clip: &Clip, file: &std::path::Path) -> Uuid {
    let app = &clip.app;
    let bytes = std::fs::read(file).unwrap();
    let meta = metadata(&[("filename", "replacement.mp4"), ("videoId", &clip.id)]);
    let location = tus::create_ok(app, &clip.admin, bytes.len() as u64, &meta).await;
    let res = tus::patch(app, &clip.admin, &location, 0, bytes, true).await;
    assert_eq!(res.status(), 204);
    let started = Instant::now();
    loop {
        let now = source_asset(app, &clip.uuid).await;
        if now != clip.asset {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the replacement never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The `v=` a picture URL of the media as it is now carries.
fn version_in(headers: &HeaderMap) -> String {
    let pinned = headers[CONTENT_LOCATION].to_str().unwrap();
    pinned
        .rsplit_once("v=")
        .unwrap_or_else(|| panic!("no version in {pinned}"))
        .1
        .to_string()
}

/// After an editor replaces a video's media, the same picture URL shows the new media: a URL
/// without a version is kept a minute (never `immutable`), the URL with the media's version is
/// immutable, and that URL of the old media redirects to the new one.
async fn a_replaced_video_s_picture_urls_show_the_new_media(
    backend: Backend,
    garage: Option<Garage>,
) {
    let clip = published_clip(backend, garage).await;
    let app = &clip.app;
    let still = clip.url("thumbnail.jpg?time=1&width=160");
    let moving = clip.url("animated.webp?start=1&end=2&width=160");
    let (before_headers, before) = fetch(app, &still, "image/jpeg").await;
    assert_eq!(colour(&decode(&before), 80, 45), "red");
    assert_eq!(before_headers[CACHE_CONTROL], "public, max-age=60");
    let old_version = version_in(&before_headers);
    assert_eq!(old_version, clip.asset.simple().to_string()[..12]);
    assert_eq!(
        before_headers[CONTENT_LOCATION],
        format!(
            "/images/{}/thumbnail.jpg?time=1&width=160&v={old_version}",
            clip.uuid
        )
    );
    let old_etag = before_headers[ETAG].to_str().unwrap().to_string();
    let old_pinned = app.url(before_headers[CONTENT_LOCATION].to_str().unwrap());
    let (pinned_headers, pinned) = fetch(app, &old_pinned, "image/jpeg").await;
    assert_eq!(pinned, before);
    assert_eq!(
        pinned_headers[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let (moving_headers, moving_before) = fetch(app, &moving, "image/webp").await;
    assert_eq!(moving_headers[CACHE_CONTROL], "public, max-age=60");
    // A version that is not hex digits of the right length is refused.
    let res = app
        .client
        .get(format!("{still}&v=latest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "VALIDATION", "{body}");

    // The new media is blue, then red.
    let file = app.dir.path().join("blue-red.mp4");
    two_colours(&file, 640, 360, ["blue", "red"], 5);
    let new_asset = replace_media(&clip, &file).await;
    let new_version = new_asset.simple().to_string()[..12].to_string();
    assert_ne!(new_version, old_version);

    // The same URL: another picture, of the new media, with another ETag; the old ETag no
    // longer matches.
    let (after_headers, after) = fetch(app, &still, "image/jpeg").await;
    assert_ne!(after, before);
    assert_eq!(colour(&decode(&after), 80, 45), "blue");
    assert_eq!(after_headers[CACHE_CONTROL], "public, max-age=60");
    assert_ne!(after_headers[ETAG].to_str().unwrap(), old_etag);
    assert_eq!(version_in(&after_headers), new_version);
    let res = app
        .client
        .get(&still)
        .header(IF_NONE_MATCH, &old_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), after);
    let (_, moving_after) = fetch(app, &moving, "image/webp").await;
    assert_ne!(moving_after, moving_before);
    let first = image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(&moving_after))
        .unwrap()
        .into_frames()
        .next()
        .unwrap()
        .unwrap();
    let first = image::DynamicImage::ImageRgba8(first.buffer().clone()).to_rgb8();
    assert_eq!(colour(&first, 80, 45), "blue");

    // The old media's pinned URL redirects (briefly) to the new media's, which is immutable.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = plain.get(&old_pinned).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[CACHE_CONTROL], "public, max-age=60");
    let new_pinned = format!(
        "/images/{}/thumbnail.jpg?time=1&width=160&v={new_version}",
        clip.uuid
    );
    assert_eq!(res.headers()[LOCATION], new_pinned.as_str());
    let (headers, bytes) = fetch(app, &app.url(&new_pinned), "image/jpeg").await;
    assert_eq!(bytes, after);
    assert_eq!(
        headers[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

mod a_replaced_video_s_picture_urls_show_the_new_media {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite_and_local_storage() {
        super::a_replaced_video_s_picture_urls_show_the_new_media(Backend::Sqlite, None).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_and_local_storage() {
        if let Some(backend) = Backend::postgres() {
            super::a_replaced_video_s_picture_urls_show_the_new_media(backend, None).await
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_and_garage() {
        if let Some(backend) = Backend::postgres() {
            let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
            super::a_replaced_video_s_picture_urls_show_the_new_media(backend, Some(garage)).await
        }
    }
}
