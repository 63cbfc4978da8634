//! The image API's refusals: every bad parameter gets `400` with its code and changes nothing,
//! and the pictures of a video the public may not see (private, unpublished, deleted, another
//! site's referrer) are refused however they are asked for, even once stored.

use projector_tests::{Backend, both_databases};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, REFERER};
use serde_json::{Value, json};

use crate::images::{Clip, fetch, published_clip};
use crate::support;

/// The status and the error code of a request.
async fn refusal(clip: &Clip, url: &str, referer: Option<&str>) -> (StatusCode, String, String) {
    let mut req = clip.app.client.get(url);
    if let Some(r) = referer {
        req = req.header(REFERER, r);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

async fn every_bad_image_request_gets_its_code_and_stores_nothing(backend: Backend) {
    let clip = published_clip(backend, None).await;
    let duration = clip
        .app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { duration } }",
            json!({ "id": clip.id }),
        )
        .await["video"]["duration"]
        .as_f64()
        .unwrap();
    assert!((9.9..10.1).contains(&duration), "{duration}");
    let at_end = format!("thumbnail.jpg?time={duration}");
    let past_end = format!("thumbnail.jpg?time={:.2}", duration + 0.01);
    let start_at_end = format!("animated.webp?start={duration}");
    let cases: &[(&str, &str)] = &[
        ("thumbnail.jpg?time=-1", "time:"),
        (&at_end, "time:"),
        (&past_end, "time:"),
        ("thumbnail.jpg?time=99999", "time:"),
        ("thumbnail.jpg?time=abc", "time:"),
        ("thumbnail.jpg?time=1e1", "time:"),
        ("thumbnail.jpg?time=NaN", "time:"),
        ("thumbnail.jpg?time=", "time:"),
        ("thumbnail.jpg?width=0", "width:"),
        ("thumbnail.jpg?width=100000", "width:"),
        ("thumbnail.jpg?width=1921", "width:"),
        ("thumbnail.jpg?width=12.5", "width:"),
        ("thumbnail.jpg?width=wide", "width:"),
        ("thumbnail.jpg?height=0", "height:"),
        ("thumbnail.jpg?height=100000", "height:"),
        ("thumbnail.jpg?width=100&height=100&fit=stretch", "fit:"),
        ("thumbnail.jpg?widht=100", "widht:"),
        ("thumbnail.jpg?time=1&time=2", "time:"),
        ("thumbnail.gif", "format:"),
        ("thumbnail.png?time=1", "format:"),
        ("animated.gif", "format:"),
        ("animated.webp?start=0&end=10.5", "end:"),
        ("animated.webp?start=5&end=5", "end:"),
        ("animated.webp?start=6&end=5", "end:"),
        ("animated.webp?start=5&end=10.5", "end:"),
        (&start_at_end, "start:"),
        ("animated.webp?start=-1", "start:"),
        ("animated.webp?width=641", "width:"),
        ("animated.webp?width=0", "width:"),
        ("animated.webp?time=1", "time:"),
    ];
    for (rest, field) in cases {
        let (status, code, message) = refusal(&clip, &clip.url(rest), None).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "VALIDATION"),
            "{rest}: {message}"
        );
        assert!(message.starts_with(field), "{rest}: {message}");
    }
    let app = &clip.app;
    for (url, why) in [
        (clip.url("poster.jpg"), "not a picture of the API"),
        (
            app.url(&format!("/images/{}/thumbnail.jpg", uuid::Uuid::now_v7())),
            "an unknown video",
        ),
        (app.url("/images/not-an-id/thumbnail.jpg"), "not an id"),
    ] {
        let (status, code, _) = refusal(&clip, &url, None).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "NOT_FOUND"),
            "{why}"
        );
    }
    assert_eq!(clip.renders("thumbnail").await, 0);
    assert_eq!(clip.renders("animated").await, 0);
    assert_eq!(clip.stored().await, 0);
    // The bounds themselves are fine.
    let last = format!(
        "thumbnail.jpg?time={:.2}&width=1920&height=1",
        duration - 0.01
    );
    fetch(app, &clip.url(&last), "image/jpeg").await;
    let longest = format!("animated.webp?start=0&end={}&width=640", duration.min(10.0));
    fetch(app, &clip.url(&longest), "image/webp").await;
    assert_eq!(clip.stored().await, 2);
}

async fn pictures_of_a_video_the_public_may_not_see_are_refused_even_when_stored(backend: Backend) {
    let clip = published_clip(backend, None).await;
    let app = &clip.app;
    let admin = clip.admin.clone();
    let stored = clip.url("thumbnail.jpg?time=1&width=160");
    let urls = [
        stored.clone(),
        clip.url("thumbnail.webp?time=2"),
        clip.url("animated.webp?start=1&end=2"),
    ];
    fetch(app, &stored, "image/jpeg").await;
    let update = |input: Value| {
        let admin = admin.clone();
        async move {
            app.graphql_ok(
                Some(&admin),
                "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
                json!({ "i": input }),
            )
            .await;
        }
    };
    let refused_everywhere = |status: StatusCode, referer: Option<&'static str>| {
        let urls = urls.clone();
        let clip = &clip;
        async move {
            for url in &urls {
                let (got, _, message) = refusal(clip, url, referer).await;
                assert_eq!(got, status, "{url}: {message}");
            }
        }
    };

    update(json!({ "id": clip.id, "visibility": "PRIVATE" })).await;
    refused_everywhere(StatusCode::NOT_FOUND, None).await;
    update(json!({ "id": clip.id, "visibility": "PUBLIC" })).await;
    fetch(app, &stored, "image/jpeg").await;

    app.graphql_ok(
        Some(&admin),
        "mutation($id: ID!) { unpublishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": clip.id }),
    )
    .await;
    refused_everywhere(StatusCode::NOT_FOUND, None).await;
    app.graphql_ok(
        Some(&admin),
        "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id } } }",
        json!({ "id": clip.id }),
    )
    .await;

    // Another site's page may not show them; the allowed one may, kept out of shared caches.
    update(json!({ "id": clip.id, "playbackRestriction": {
        "allowedDomains": ["example.com"], "allowNoReferrer": false } }))
    .await;
    refused_everywhere(StatusCode::FORBIDDEN, None).await;
    refused_everywhere(StatusCode::FORBIDDEN, Some("https://evil.net/")).await;
    let res = app
        .client
        .get(&stored)
        .header(REFERER, "https://example.com/post")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private"),
        "{:?}",
        res.headers()
    );
    update(json!({ "id": clip.id, "playbackRestriction": null })).await;
    fetch(app, &stored, "image/jpeg").await;

    app.graphql_ok(
        Some(&admin),
        "mutation($id: ID!) { deleteVideo(input: { id: $id }) { deletedId } }",
        json!({ "id": clip.id }),
    )
    .await;
    refused_everywhere(StatusCode::NOT_FOUND, None).await;
    // Refusals made nothing: only the three pictures fetched while it was allowed.
    assert_eq!(clip.renders("thumbnail").await, 1);
    assert_eq!(clip.renders("animated").await, 0);

    // A public video whose media is not there: a conflict, said so. A draft: not found.
    let channel = support::channel(app, &admin, "Other").await;
    let bare = support::video(app, &admin, &channel, "No media", json!({})).await;
    let (status, code, _) = refusal(
        &clip,
        &app.url(&format!("/images/{bare}/thumbnail.jpg")),
        None,
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "CONFLICT"));
    let draft = app.create_video(&admin, &channel, "Draft", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, _) = refusal(
        &clip,
        &app.url(&format!("/images/{draft}/thumbnail.jpg")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both_databases!(
    every_bad_image_request_gets_its_code_and_stores_nothing,
    pictures_of_a_video_the_public_may_not_see_are_refused_even_when_stored,
);

async fn a_playback_token_shows_the_pictures_of_a_private_video_and_nothing_else(backend: Backend) {
    use crate::playback_tokens::{claims, make_key, sign};
    let clip = published_clip(backend, None).await;
    let app = &clip.app;
    app.graphql_ok(
        Some(&clip.admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": clip.id, "visibility": "PRIVATE" } }),
    )
    .await;
    let picture = clip.url("thumbnail.jpg?time=5.4&width=160");
    let (status, _, _) = refusal(&clip, &picture, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let key = make_key(app, &clip.admin, "EDDSA").await;
    let token = sign(&key, &claims(&clip.id, json!("t"), 600));
    let (headers, bytes) = fetch(app, &format!("{picture}&token={token}"), "image/jpeg").await;
    let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (160, 90));
    assert_eq!(crate::images::colour(&image, 80, 45), "blue");
    let cache_control = headers[CACHE_CONTROL].to_str().unwrap();
    assert!(
        cache_control.starts_with("private, max-age="),
        "{cache_control}"
    );
    fetch(
        app,
        &clip.url(&format!("animated.webp?start=1&end=2&token={token}")),
        "image/webp",
    )
    .await;

    // Only a token for pictures of this video, still valid, will do; its bad parameters are
    // still refused first.
    let other = support::channel(app, &clip.admin, "Else").await;
    let other = support::video(app, &clip.admin, &other, "Another", json!({})).await;
    for (bad, want) in [
        (
            sign(&key, &claims(&clip.id, json!("v"), 600)),
            "TOKEN_AUDIENCE",
        ),
        (
            sign(&key, &claims(&other, json!("t"), 600)),
            "TOKEN_WRONG_VIDEO",
        ),
        (
            sign(&key, &claims(&clip.id, json!("t"), -600)),
            "TOKEN_EXPIRED",
        ),
        ("not.a.token".to_string(), "TOKEN_MALFORMED"),
    ] {
        let res = app
            .client
            .get(format!("{picture}&token={bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], want, "{body}");
    }
    let (status, code, _) = refusal(
        &clip,
        &clip.url(&format!("thumbnail.jpg?width=0&token={token}")),
        None,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "VALIDATION")
    );
    assert_eq!(clip.renders("thumbnail").await, 1);
}

both_databases!(a_playback_token_shows_the_pictures_of_a_private_video_and_nothing_else);
