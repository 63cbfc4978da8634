//! Media over HTTP from the local backend: ranges, conditional requests, content types, cache
//! headers, private and unlisted rules, and paths that must not reach storage.

use projector_tests::{Backend, both_databases, spawn_app_with};
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, RANGE,
};
use serde_json::json;

use crate::support::{self, MEDIA_SECRET, public_url, raw_get, with_secret};

const SEGMENT: usize = 300_000;

async fn public_segments_are_served_with_ranges_etags_and_immutable_caching(backend: Backend) {
    segments_with_ranges_and_conditionals(backend, 64).await;
}

/// The same answers when every byte comes from disk (no hot-object memory).
async fn ranges_and_conditionals_hold_without_the_memory_cache(backend: Backend) {
    segments_with_ranges_and_conditionals(backend, 0).await;
}

async fn segments_with_ranges_and_conditionals(backend: Backend, memory_cache_mib: u64) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        c.delivery.memory_cache_mib = memory_cache_mib;
    })
    .await;
    let admin = app.admin_token().await;
    let (_, out) = support::playable_video(&app, &admin, json!({}), SEGMENT).await;
    let url = public_url(&app, out.asset, "hls/360p/seg-00001.ts");
    let c = &app.client;

    let full = c.get(&url).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    let h = full.headers().clone();
    assert_eq!(h[CONTENT_TYPE], "video/mp2t");
    assert_eq!(h[CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(h[ACCEPT_RANGES], "bytes");
    let etag = h[ETAG].to_str().unwrap().to_string();
    let modified = h[LAST_MODIFIED].to_str().unwrap().to_string();
    assert_eq!(full.bytes().await.unwrap().as_ref(), out.segment.as_slice());

    // One range, a suffix range, an open range.
    for (range, want) in [
        ("bytes=0-99", 0..100),
        ("bytes=1000-1999", 1000..2000),
        ("bytes=-100", SEGMENT - 100..SEGMENT),
        ("bytes=299990-", SEGMENT - 10..SEGMENT),
        ("bytes=299990-999999", SEGMENT - 10..SEGMENT),
    ] {
        let r = c.get(&url).header(RANGE, range).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            r.headers()[CONTENT_RANGE].to_str().unwrap(),
            format!("bytes {}-{}/{SEGMENT}", want.start, want.end - 1),
            "{range}"
        );
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            &out.segment[want],
            "{range}"
        );
    }

    // Past the end: 416 with the size, and no bytes.
    for range in ["bytes=300000-", "bytes=300000-300010", "bytes=999999999-"] {
        let r = c.get(&url).header(RANGE, range).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(r.headers()[CONTENT_RANGE], format!("bytes */{SEGMENT}"));
        assert!(r.bytes().await.unwrap().is_empty());
    }

    // Malformed or multiple ranges are ignored (RFC 9110 lets a server do so): the whole object.
    for range in [
        "bytes=abc",
        "bytes=9-5",
        "bytes=1-2,5-6",
        "lines=1-2",
        "bytes=",
        "bytes=--1",
    ] {
        let r = c.get(&url).header(RANGE, range).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{range}");
        assert_eq!(r.bytes().await.unwrap().len(), SEGMENT, "{range}");
    }

    // Conditional requests.
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[ETAG].to_str().unwrap(), etag);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, format!("\"nope\", W/{etag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    for garbage in ["garbage", "\"", "W/", ",,,", "\"other\""] {
        let r = c
            .get(&url)
            .header(IF_NONE_MATCH, garbage)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{garbage}");
        assert_eq!(r.bytes().await.unwrap().len(), SEGMENT);
    }
    let r = c
        .get(&url)
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = c
        .get(&url)
        .header(IF_MODIFIED_SINCE, "Sat, 01 Jan 2000 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(&url)
        .header(IF_MODIFIED_SINCE, "not a date")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // If-None-Match wins over If-Modified-Since.
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, "\"other\"")
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // If-Range with a stale tag: the whole object instead of the range.
    let r = c
        .get(&url)
        .header(RANGE, "bytes=0-9")
        .header("if-range", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(&url)
        .header(RANGE, "bytes=0-9")
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);

    // HEAD: the headers, no body.
    let r = c.head(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-length"], SEGMENT.to_string());

    // Playlists: their type and a short max-age (they change while transcoding).
    let r = c
        .get(public_url(&app, out.asset, "hls/master.m3u8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/vnd.apple.mpegurl");
    assert_eq!(r.headers()[CACHE_CONTROL], "public, max-age=2");
    assert_eq!(r.text().await.unwrap(), support::MASTER);
    // Pictures and WebVTT.
    let r = c
        .get(public_url(&app, out.asset, "images/poster-1280.jpg"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[CONTENT_TYPE], "image/jpeg");
    assert_eq!(
        r.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let r = c
        .get(public_url(&app, out.asset, "captions/en.vtt"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[CONTENT_TYPE], "text/vtt; charset=utf-8");
    assert_eq!(r.text().await.unwrap(), support::CAPTIONS);
}

async fn paths_that_are_not_plain_keys_get_404_without_touching_storage(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (_, out) = support::playable_video(&app, &admin, json!({}), 1000).await;
    let a = out.asset;
    // The source file of an upload also sits under the asset's prefix: never served.
    let storage = support::storage(&app).await;
    storage
        .put_bytes(
            &projector_api::media::ObjectKey::for_asset(a, "source").unwrap(),
            bytes::Bytes::from_static(b"original upload"),
            "video/mp4",
        )
        .await
        .unwrap();
    let long = "a/".repeat(400);
    let targets = [
        format!("/media/p/{a}/hls/../source"),
        format!("/media/p/{a}/../{a}/hls/master.m3u8"),
        format!("/media/p/{a}/hls/%2e%2e/source"),
        format!("/media/p/{a}/hls%2F360p%2Fseg-00001.ts"),
        format!("/media/p/{a}/hls/360p%2fseg-00001.ts"),
        format!("/media/p/{a}/hls//master.m3u8"),
        format!("/media/p/{a}/hls/./master.m3u8"),
        format!("/media/p/{a}/hls/master.m3u8%00"),
        format!("/media/p/{a}/hls/mas%20ter.m3u8"),
        format!("/media/p/{a}/source"),
        format!("/media/p/{a}/hls/"),
        format!("/media/p/{a}/"),
        format!("/media/p/{a}"),
        format!("/media/p/{}/hls/master.m3u8", a.simple()),
        format!("/media/p/{}/hls/master.m3u8", a.to_string().to_uppercase()),
        format!("/media/p/{}/hls/master.m3u8", uuid::Uuid::now_v7()),
        "/media/p/not-a-uuid/hls/master.m3u8".to_string(),
        format!("/media/x/{a}/hls/master.m3u8"),
        format!("/media/p/{a}/{long}x"),
        format!("/media/p/{a}/hls/master.m3u8/"),
        format!("/media/p/{a}/other/file.txt"),
    ];
    for target in &targets {
        let (status, response) = raw_get(&app, target).await;
        assert_eq!(status, 404, "{target}: {response}");
        assert!(!response.contains("original upload"), "{target}");
        assert!(!response.contains("#EXTM3U"), "{target}");
    }
    // The same keys through a normal client, for good measure.
    let r = app
        .client
        .get(app.url(&format!("/media/p/{a}/source")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn private_media_needs_a_signed_url_that_expires(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (id, out) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 5000).await;
    let (_, other) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 10).await;
    let c = &app.client;

    // The plain URL shows nothing, for any object.
    for path in [
        "hls/master.m3u8",
        "hls/360p/seg-00001.ts",
        "images/poster-1280.jpg",
    ] {
        let r = c
            .get(public_url(&app, out.asset, path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Anonymous callers do not see the video, so they get no URL at all.
    let q = "query($id: ID!) { video(id: $id) { media { hlsUrl posterUrl } } }";
    let anon = app.graphql_ok(None, q, json!({ "id": id })).await;
    assert!(anon["video"].is_null());

    // A member gets signed URLs; relative URIs in the playlists keep the token.
    let data = app.graphql_ok(Some(&admin), q, json!({ "id": id })).await;
    let master = support::local(&app, data["video"]["media"]["hlsUrl"].as_str().unwrap());
    assert!(!master.contains("/media/p/"), "{master}");
    let r = c.get(&master).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let base = master.trim_end_matches("master.m3u8");
    let rendition = format!("{base}360p/index.m3u8");
    assert_eq!(
        c.get(&rendition).send().await.unwrap().status(),
        StatusCode::OK
    );
    let segment_url = format!("{base}360p/seg-00001.ts");
    let r = c.get(&segment_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cc = r.headers()[CACHE_CONTROL].to_str().unwrap().to_string();
    assert!(cc.starts_with("private, max-age="), "{cc}");
    assert_eq!(r.bytes().await.unwrap().as_ref(), out.segment.as_slice());
    let r = c
        .get(&segment_url)
        .header(RANGE, "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &out.segment[10..20]);

    // The token opens this asset only.
    let token = master
        .split("/media/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let foreign = app.url(&format!("/media/{token}/{}/hls/master.m3u8", other.asset));
    let r = c.get(&foreign).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!r.text().await.unwrap().contains("#EXTM3U"));

    // Guessed, tampered and expired tokens: 403 and no bytes.
    let signer = projector_api::delivery::sign::Signer::new(MEDIA_SECRET.as_bytes().to_vec());
    let now = chrono::Utc::now().timestamp();
    let expired = signer.token(out.asset, now - 1);
    let wrong_key =
        projector_api::delivery::sign::Signer::new(b"guess".to_vec()).token(out.asset, now + 3600);
    let (exp, mac) = token.split_once('.').unwrap();
    let tampered_expiry = format!("s{}.{mac}", exp[1..].parse::<i64>().unwrap() + 600);
    let mut flipped = mac.chars().collect::<Vec<_>>();
    flipped[0] = if flipped[0] == 'A' { 'B' } else { 'A' };
    let tampered_mac = format!("{exp}.{}", flipped.into_iter().collect::<String>());
    for bad in [expired, wrong_key, tampered_expiry, tampered_mac] {
        let r = c
            .get(app.url(&format!("/media/{bad}/{}/hls/360p/seg-00001.ts", out.asset)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{bad}");
        assert!(r.bytes().await.unwrap().len() < 100, "{bad}");
    }
    // A token that is not a token at all: 404.
    let r = c
        .get(app.url(&format!("/media/nonsense/{}/hls/master.m3u8", out.asset)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A fresh token the test signs itself works: the format is what the server checks.
    let fresh = signer.token(out.asset, now + 60);
    let r = c
        .get(app.url(&format!(
            "/media/{fresh}/{}/hls/360p/seg-00001.ts",
            out.asset
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn unlisted_media_plays_for_anyone_with_the_url_and_private_changes_apply_at_once(
    backend: Backend,
) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (id, out) =
        support::playable_video(&app, &admin, json!({ "visibility": "UNLISTED" }), 100).await;
    let q = "query($id: ID!) { video(id: $id) { media { hlsUrl } } }";
    let data = app.graphql_ok(None, q, json!({ "id": id })).await;
    let master = data["video"]["media"]["hlsUrl"].as_str().unwrap();
    assert_eq!(
        master,
        support::advertised(&app, out.asset, "hls/master.m3u8")
    );
    let url = public_url(&app, out.asset, "hls/360p/seg-00001.ts");
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );

    // Made private through the API: the very next request is refused (no stale cache).
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "visibility": "PRIVATE" } }),
    )
    .await;
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Nor are drafts, videos whose media is processing or failed, or ones never published.
    for extra in [
        json!({ "status": "DRAFT" }),
        json!({ "status": "PROCESSING" }),
        json!({ "status": "FAILED" }),
        json!({ "publishAt": null }),
    ] {
        let (_, hidden) = support::playable_video(&app, &admin, extra.clone(), 100).await;
        let r = app
            .client
            .get(public_url(&app, hidden.asset, "hls/master.m3u8"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{extra}");
    }
}

async fn cors_follows_the_configured_origins(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        c.delivery.cors_origins = vec!["https://player.example".into()];
    })
    .await;
    let admin = app.admin_token().await;
    let (_, out) = support::playable_video(&app, &admin, json!({}), 100).await;
    let url = public_url(&app, out.asset, "hls/master.m3u8");
    let r = app
        .client
        .get(&url)
        .header("origin", "https://player.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://player.example"
    );
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("content-range"), "{exposed}");
    let r = app
        .client
        .get(&url)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // A preflight for a ranged request.
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://player.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "range")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert!(
        r.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("range")
    );
}

both_databases!(
    public_segments_are_served_with_ranges_etags_and_immutable_caching,
    ranges_and_conditionals_hold_without_the_memory_cache,
    paths_that_are_not_plain_keys_get_404_without_touching_storage,
    private_media_needs_a_signed_url_that_expires,
    unlisted_media_plays_for_anyone_with_the_url_and_private_changes_apply_at_once,
    cors_follows_the_configured_origins,
);
