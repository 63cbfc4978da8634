//! Pictures over GraphQL multipart requests: checked by their bytes, limited in size, swapped in
//! place of the previous picture, and refused with a clear code and nothing stored.

use projector_api::media::ObjectKey;
use projector_tests::media::png;
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use serde_json::{Value, json};
use uuid::Uuid;

const MUTATION: &str = "mutation($i: UploadImageInput!, $f: Upload!) { uploadImage(input: $i, file: $f) { assetId contentType width height bytes } }";

/// Sends `uploadImage` with one file.
async fn send(
    app: &TestApp,
    token: &str,
    target: &str,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    app.graphql_multipart(
        token,
        MUTATION,
        json!({ "i": { "target": target, "id": id } }),
        "f",
        name,
        bytes,
    )
    .await
}

async fn channel_and_video(app: &TestApp, token: &str) -> (String, String) {
    let channel = app.create_channel(token, "Pics").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let video = app.create_video(token, &channel, "V", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    (channel, video)
}

fn picture(app: &TestApp, name: &str) -> Vec<u8> {
    let path = app.dir.path().join(name);
    png(&path);
    std::fs::read(path).unwrap()
}

fn asset_of(body: &Value) -> Uuid {
    projector_api::relay::from_global(
        &body["data"]["uploadImage"]["assetId"]
            .as_str()
            .unwrap()
            .into(),
        "Asset",
    )
    .unwrap()
}

async fn a_poster_sent_as_multipart_is_stored_and_replaces_the_previous_one(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let token = app.admin_token().await;
    let (_, video) = channel_and_video(&app, &token).await;
    let (status, first) = send(
        &app,
        &token,
        "VIDEO_POSTER",
        &video,
        "poster.png",
        picture(&app, "a.png"),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let payload = &first["data"]["uploadImage"];
    assert_eq!(payload["contentType"], "image/png", "{first}");
    assert_eq!(
        (payload["width"].as_i64(), payload["height"].as_i64()),
        (Some(64), Some(64))
    );
    let first_asset = asset_of(&first);
    let storage = projector_api::media::open_storage(&app.config.storage, &app.config.media_dir)
        .await
        .unwrap();
    let key = ObjectKey::for_asset(first_asset, "original.png").unwrap();
    assert_eq!(
        storage.head(&key).await.unwrap().map(|m| m.size as i64),
        payload["bytes"].as_i64()
    );

    let (_, second) = send(
        &app,
        &token,
        "VIDEO_POSTER",
        &video,
        "poster2.png",
        picture(&app, "b.png"),
    )
    .await;
    let second_asset = asset_of(&second);
    assert_ne!(first_asset, second_asset);
    assert!(
        storage.head(&key).await.unwrap().is_none(),
        "the replaced picture is still stored"
    );
    assert_eq!(app.count("media_assets").await, 1);
    let db = app.db().await;
    let vid = projector_api::relay::from_global(&video.as_str().into(), "Video").unwrap();
    use sea_orm::EntityTrait as _;
    let row = projector_api::videos::entity::video::Entity::find_by_id(vid)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.poster_asset_id, Some(second_asset));

    // Channel avatars and banners go through the same door.
    let (channel, _) = channel_and_video(&app, &token).await;
    let (status, body) = send(
        &app,
        &token,
        "CHANNEL_AVATAR",
        &channel,
        "me.png",
        picture(&app, "c.png"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
}

async fn pictures_that_are_not_pictures_too_big_or_not_yours_are_refused_and_nothing_is_stored(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| c.uploads.max_image_bytes = 4096).await;
    let admin = app.admin_token().await;
    let (_, video) = channel_and_video(&app, &admin).await;
    let code = |body: &Value| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };

    let (_, body) = send(
        &app,
        &admin,
        "VIDEO_POSTER",
        &video,
        "notes.png",
        b"just some text, honest".to_vec(),
    )
    .await;
    assert_eq!(code(&body), "UNSUPPORTED_MEDIA", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a JPEG, PNG or WebP")
    );

    // A PNG header claiming 1×1 pixels.
    let mut tiny = picture(&app, "t.png");
    tiny[16..20].copy_from_slice(&1u32.to_be_bytes());
    tiny[20..24].copy_from_slice(&1u32.to_be_bytes());
    let (_, body) = send(&app, &admin, "VIDEO_POSTER", &video, "tiny.png", tiny).await;
    assert_eq!(code(&body), "UNSUPPORTED_MEDIA", "{body}");

    let mut big = picture(&app, "big.png");
    big.resize(10_000, 0);
    let (status, body) = send(&app, &admin, "VIDEO_POSTER", &video, "big.png", big).await;
    assert!(
        status == 413 || code(&body) == "PAYLOAD_TOO_LARGE",
        "{status} {body}"
    );

    let (_, body) = send(
        &app,
        &admin,
        "VIDEO_POSTER",
        "VmlkZW86bm9wZQ==",
        "x.png",
        picture(&app, "x.png"),
    )
    .await;
    assert!(!code(&body).is_empty(), "{body}");

    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let (_, body) = send(
        &app,
        &editor,
        "VIDEO_POSTER",
        &video,
        "p.png",
        picture(&app, "p.png"),
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let (_, body) = send(
        &app,
        &viewer,
        "VIDEO_POSTER",
        &video,
        "p.png",
        picture(&app, "q.png"),
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");

    assert_eq!(app.count("media_assets").await, 0);
    let storage = projector_api::media::open_storage(&app.config.storage, &app.config.media_dir)
        .await
        .unwrap();
    assert!(
        storage.list("").await.unwrap().is_empty(),
        "something was stored"
    );
}

both_databases!(
    a_poster_sent_as_multipart_is_stored_and_replaces_the_previous_one,
    pictures_that_are_not_pictures_too_big_or_not_yours_are_refused_and_nothing_is_stored,
);
