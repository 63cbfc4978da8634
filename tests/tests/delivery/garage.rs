//! Media from the S3 backend (a real Garage server): presign redirects (the default), and
//! streaming through the server (proxy mode) with ranges and conditional requests.

use projector_api::config::{S3DeliveryMode, StorageBackend};
use projector_tests::garage::Garage;
use projector_tests::{Backend, TestApp, spawn_app_with};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION, RANGE};
use serde_json::json;

use crate::support::{self, public_url, with_secret};

const SEGMENT: usize = 200_000;

async fn app_on(garage: &Garage, mode: S3DeliveryMode) -> TestApp {
    let s3 = garage.s3.clone();
    spawn_app_with(Backend::Sqlite, move |c| {
        with_secret(c);
        c.storage.backend = StorageBackend::S3;
        c.storage.s3 = s3;
        c.delivery.s3_mode = mode;
    })
    .await
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garage_media_redirects_to_presigned_urls_that_serve_ranges_and_conditionals() {
    let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
    let app = app_on(&garage, S3DeliveryMode::Presign).await;
    let admin = app.admin_token().await;
    let (id, out) = support::playable_video(&app, &admin, json!({}), SEGMENT).await;
    let url = public_url(&app, out.asset, "hls/360p/seg-00001.ts");

    let r = no_redirects().get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()[LOCATION].to_str().unwrap().to_string();
    let endpoint = garage.s3.endpoint.clone().unwrap();
    assert!(location.starts_with(&endpoint), "{location}");
    assert!(location.contains("X-Amz-Signature"), "{location}");

    // Following the redirect gives the bytes, ranges and conditional answers from the store.
    let c = &app.client;
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "video/mp2t");
    let etag = r.headers()[ETAG].to_str().unwrap().to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), out.segment.as_slice());
    let r = c
        .get(&url)
        .header(RANGE, "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &out.segment[100..200]);
    let r = c
        .get(&url)
        .header(RANGE, "bytes=999999-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // Playlists come from the server itself, so their relative URIs stay on it.
    let r = no_redirects()
        .get(public_url(&app, out.asset, "hls/master.m3u8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), support::MASTER);

    // Private: the signed URL redirects; a wrong token gets 403 and no redirect.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "visibility": "PRIVATE" } }),
    )
    .await;
    let r = no_redirects().get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers().get(LOCATION).is_none());
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { media { hlsUrl } } }",
            json!({ "id": id }),
        )
        .await;
    let master = support::local(&app, data["video"]["media"]["hlsUrl"].as_str().unwrap());
    let signed_segment = master.replace("master.m3u8", "360p/seg-00001.ts");
    let r = no_redirects().get(&signed_segment).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let r = c
        .get(&signed_segment)
        .header(RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &out.segment[..10]);
    let forged = signed_segment.replacen("/media/s", "/media/s9", 1);
    let r = no_redirects().get(&forged).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get(LOCATION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garage_media_in_proxy_mode_streams_ranges_and_conditionals_through_the_server() {
    let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
    let app = app_on(&garage, S3DeliveryMode::Proxy).await;
    let admin = app.admin_token().await;
    let (_, out) = support::playable_video(&app, &admin, json!({}), SEGMENT).await;
    let url = public_url(&app, out.asset, "hls/360p/seg-00001.ts");
    let c = no_redirects();
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()[ETAG].to_str().unwrap().to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), out.segment.as_slice());
    let r = c.get(&url).header(RANGE, "bytes=-50").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()[CONTENT_RANGE],
        format!("bytes {}-{}/{SEGMENT}", SEGMENT - 50, SEGMENT - 1)
    );
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        &out.segment[SEGMENT - 50..]
    );
    let r = c
        .get(&url)
        .header(RANGE, format!("bytes={SEGMENT}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, "garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
