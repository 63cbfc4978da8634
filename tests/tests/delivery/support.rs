//! Fixtures: catalogue items made through the API, transcode outputs put straight into storage
//! and `media_outputs` (as the transcoder would), raw HTTP for paths a client would normalise.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use projector_api::media::entity::media_output;
use projector_api::media::{ObjectKey, Storage};
use projector_api::podcasts::entity::episode;
use projector_api::videos::entity::video;
use projector_tests::TestApp;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use uuid::Uuid;

/// The signing secret every delivery test server uses, so tests can forge tokens on purpose.
pub const MEDIA_SECRET: &str = "delivery-test-media-secret";

/// Sets the known media secret.
pub fn with_secret(config: &mut projector_api::Config) {
    config.delivery.signing_secret = Some(secrecy::SecretString::from(MEDIA_SECRET));
}

/// Bytes that differ at every offset (so a wrong range is caught).
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add((i / 251) as u8) ^ seed)
        .collect()
}

/// The app's storage backend, opened the way the server opens it.
pub async fn storage(app: &TestApp) -> Arc<dyn Storage> {
    projector_api::media::open_storage(&app.config.storage, &app.config.media_dir)
        .await
        .unwrap()
}

/// The UUID inside a global ID.
pub fn uuid_of(global: &str) -> Uuid {
    projector_api::graphql::relay::decode(global).unwrap().1
}

/// A source asset's outputs, stored and recorded.
pub struct Outputs {
    /// The source asset.
    pub asset: Uuid,
    /// The one HLS segment's bytes.
    pub segment: Vec<u8>,
    /// The MP3's bytes.
    pub mp3: Vec<u8>,
    /// The M4A's bytes.
    pub m4a: Vec<u8>,
}

pub const MASTER: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n\
#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\n360p/index.m3u8\n";
pub const MEDIA_PLAYLIST: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n\
#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4.000,\nseg-00001.ts\n#EXT-X-ENDLIST\n";
pub const SPRITE_VTT: &str = "WEBVTT\n\n00:00.000 --> 00:04.000\nsprite.jpg#xywh=0,0,160,90\n";
pub const CAPTIONS: &str = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n";

struct Row<'a> {
    kind: &'a str,
    name: &'a str,
    path: &'a str,
    content_type: &'a str,
    bytes: Vec<u8>,
    size: Option<(i32, i32)>,
    bitrate: Option<i64>,
}

async fn put(app: &TestApp, storage: &dyn Storage, asset: Uuid, rows: Vec<Row<'_>>) {
    let db = app.db().await;
    for row in rows {
        let key = ObjectKey::for_asset(asset, row.path).unwrap();
        storage
            .put_bytes(&key, Bytes::from(row.bytes.clone()), row.content_type)
            .await
            .unwrap();
        if row.kind.is_empty() {
            continue;
        }
        media_output::ActiveModel {
            id: Set(Uuid::now_v7()),
            asset_id: Set(asset),
            kind: Set(row.kind.into()),
            name: Set(row.name.into()),
            storage_key: Set(key.as_str().into()),
            content_type: Set(row.content_type.into()),
            bytes: Set(row.bytes.len() as i64),
            bitrate: Set(row.bitrate),
            width: Set(row.size.map(|s| s.0)),
            height: Set(row.size.map(|s| s.1)),
            duration_secs: Set(Some(4.0)),
            extra: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    db.close().await.ok();
}

/// Stores a video transcode's outputs (one 360p rendition with one segment of
/// `segment_bytes`, thumbnails, poster, sprite, English captions).
pub async fn video_outputs(app: &TestApp, storage: &dyn Storage, segment_bytes: usize) -> Outputs {
    let asset = Uuid::now_v7();
    let segment = pattern(segment_bytes, 7);
    let img = |seed| pattern(2000, seed);
    let rows = vec![
        Row {
            kind: "",
            name: "",
            path: "hls/360p/seg-00001.ts",
            content_type: "video/mp2t",
            bytes: segment.clone(),
            size: None,
            bitrate: None,
        },
        Row {
            kind: "hls_rendition",
            name: "360p",
            path: "hls/360p/index.m3u8",
            content_type: "application/vnd.apple.mpegurl",
            bytes: MEDIA_PLAYLIST.into(),
            size: Some((640, 360)),
            bitrate: Some(900_000),
        },
        Row {
            kind: "hls_master",
            name: "master",
            path: "hls/master.m3u8",
            content_type: "application/vnd.apple.mpegurl",
            bytes: MASTER.into(),
            size: None,
            bitrate: None,
        },
        Row {
            kind: "thumbnail",
            name: "1",
            path: "images/thumb-1-1280.jpg",
            content_type: "image/jpeg",
            bytes: img(1),
            size: Some((1280, 720)),
            bitrate: None,
        },
        Row {
            kind: "thumbnail",
            name: "2",
            path: "images/thumb-1-320.jpg",
            content_type: "image/jpeg",
            bytes: img(2),
            size: Some((320, 180)),
            bitrate: None,
        },
        Row {
            kind: "poster",
            name: "1280",
            path: "images/poster-1280.jpg",
            content_type: "image/jpeg",
            bytes: img(3),
            size: Some((1280, 720)),
            bitrate: None,
        },
        Row {
            kind: "sprite",
            name: "sprite",
            path: "images/sprite.jpg",
            content_type: "image/jpeg",
            bytes: img(4),
            size: Some((1600, 900)),
            bitrate: None,
        },
        Row {
            kind: "sprite_vtt",
            name: "sprite",
            path: "images/sprite.vtt",
            content_type: "text/vtt",
            bytes: SPRITE_VTT.into(),
            size: None,
            bitrate: None,
        },
        Row {
            kind: "caption",
            name: "en",
            path: "captions/en.vtt",
            content_type: "text/vtt",
            bytes: CAPTIONS.into(),
            size: None,
            bitrate: None,
        },
    ];
    put(app, storage, asset, rows).await;
    Outputs {
        asset,
        segment,
        mp3: Vec::new(),
        m4a: Vec::new(),
    }
}

/// Stores an audio transcode's outputs (MP3 and M4A).
pub async fn audio_outputs(app: &TestApp, storage: &dyn Storage) -> Outputs {
    let asset = Uuid::now_v7();
    let mp3 = pattern(30_001, 11);
    let m4a = pattern(20_002, 12);
    let rows = vec![
        Row {
            kind: "audio",
            name: "m4a",
            path: "audio/audio.m4a",
            content_type: "audio/mp4",
            bytes: m4a.clone(),
            size: None,
            bitrate: Some(128_000),
        },
        Row {
            kind: "audio",
            name: "mp3",
            path: "audio/audio.mp3",
            content_type: "audio/mpeg",
            bytes: mp3.clone(),
            size: None,
            bitrate: Some(128_000),
        },
    ];
    put(app, storage, asset, rows).await;
    Outputs {
        asset,
        segment: Vec::new(),
        mp3,
        m4a,
    }
}

/// Points a video at its source asset, as the upload flow does.
pub async fn attach_video(app: &TestApp, video_id: &str, asset: Uuid) {
    let db = app.db().await;
    video::Entity::update_many()
        .col_expr(video::Column::SourceAssetId, Expr::value(asset))
        .filter(video::Column::Id.eq(uuid_of(video_id)))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
}

/// Points an episode at its audio asset.
pub async fn attach_episode(app: &TestApp, episode_id: &str, asset: Uuid) {
    let db = app.db().await;
    episode::Entity::update_many()
        .col_expr(episode::Column::MediaAssetId, Expr::value(asset))
        .filter(episode::Column::Id.eq(uuid_of(episode_id)))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
}

/// Sets an episode's length as the pipeline would have measured it (no API input carries it).
pub async fn set_episode_duration(app: &TestApp, episode_id: &str, seconds: f64) {
    let db = app.db().await;
    episode::Entity::update_many()
        .col_expr(episode::Column::DurationSecs, Expr::value(seconds))
        .filter(episode::Column::Id.eq(uuid_of(episode_id)))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
}

/// Creates a channel and returns its ID.
pub async fn channel(app: &TestApp, token: &str, name: &str) -> String {
    app.create_channel(token, name).await["id"]
        .as_str()
        .unwrap()
        .into()
}

/// Creates a video (READY, published and PUBLIC unless `extra` says otherwise; see
/// [`projector_tests::take_media_status`]) and returns its ID.
pub async fn video(app: &TestApp, token: &str, channel: &str, title: &str, extra: Value) -> String {
    let mut input = json!({ "status": "READY" });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let status = projector_tests::take_media_status(&mut input);
    let id: String = app.create_video(token, channel, title, input).await["id"]
        .as_str()
        .unwrap()
        .into();
    if let Some(status) = status {
        app.set_media_status(&id, &status).await;
    }
    id
}

/// A public, playable video with its outputs; returns (video ID, outputs).
pub async fn playable_video(
    app: &TestApp,
    token: &str,
    extra: Value,
    segment_bytes: usize,
) -> (String, Outputs) {
    let channel = channel(app, token, &format!("Channel {}", Uuid::now_v7().simple())).await;
    let id = video(app, token, &channel, "A video", extra).await;
    let storage = storage(app).await;
    let outputs = video_outputs(app, storage.as_ref(), segment_bytes).await;
    attach_video(app, &id, outputs.asset).await;
    (id, outputs)
}

/// Creates a podcast and returns its ID.
pub async fn podcast(app: &TestApp, token: &str, channel: &str, extra: Value) -> String {
    let mut input = json!({
        "channelId": channel, "title": "The Show", "slug": "the-show", "author": "Ann Author",
        "ownerName": "Owen Owner", "ownerEmail": "owner@example.com", "language": "en",
        "itunesCategories": [{ "category": "Technology" }, { "category": "News", "subcategory": "Tech News" }],
        "explicit": false
    });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": input }),
        )
        .await;
    data["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .into()
}

/// Creates an episode (READY, published and PUBLIC unless `extra` says otherwise; see
/// [`projector_tests::take_media_status`]) and returns its ID.
pub async fn episode(
    app: &TestApp,
    token: &str,
    podcast: &str,
    title: &str,
    extra: Value,
) -> String {
    let mut input = json!({ "podcastId": podcast, "title": title, "status": "READY" });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let status = projector_tests::take_media_status(&mut input);
    let data = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": input }),
        )
        .await;
    let id: String = data["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .into();
    if let Some(status) = status {
        app.set_media_status(&id, &status).await;
    }
    id
}

/// The public media URL of an object on the running server.
pub fn public_url(app: &TestApp, asset: Uuid, path: &str) -> String {
    app.url(&format!("/media/p/{asset}/{path}"))
}

/// The public media URL of an object on the running server (alias kept for readability where
/// `public_url` means the advertised one).
pub fn served(app: &TestApp, asset: Uuid, path: &str) -> String {
    public_url(app, asset, path)
}

/// The same URL as the API hands it out (on `config.public_url`).
pub fn advertised(app: &TestApp, asset: Uuid, path: &str) -> String {
    format!(
        "{}/media/p/{asset}/{path}",
        app.config.public_url.as_str().trim_end_matches('/')
    )
}

/// An URL the API handed out, pointed at the running server.
pub fn local(app: &TestApp, url: &str) -> String {
    url.replacen(
        app.config.public_url.as_str().trim_end_matches('/'),
        &app.base,
        1,
    )
}

/// Sends a request line exactly as given (clients would normalise `..` away) and returns the
/// status and the whole response.
pub async fn raw_get(app: &TestApp, target: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Stores an uploaded picture (the asset's `source`) owned by the user behind `token`, as the
/// upload flow does; returns the asset id.
pub async fn uploaded_picture(
    app: &TestApp,
    token: &str,
    content_type: &str,
    bytes: &[u8],
) -> Uuid {
    use projector_api::media::entity::media_asset;
    let me = app
        .graphql_ok(Some(token), "{ me { id } }", json!({}))
        .await;
    let owner = uuid_of(me["me"]["id"].as_str().unwrap());
    let asset = Uuid::now_v7();
    let key = ObjectKey::for_asset(asset, "source").unwrap();
    storage(app)
        .await
        .put_bytes(&key, Bytes::copy_from_slice(bytes), content_type)
        .await
        .unwrap();
    let db = app.db().await;
    media_asset::ActiveModel {
        id: Set(asset),
        owner_id: Set(owner),
        kind: Set("image".into()),
        storage_key: Set(key.as_str().into()),
        size: Set(bytes.len() as i64),
        sha256: Set(String::new()),
        content_type: Set(content_type.into()),
        original_name: Set("poster".into()),
        probe: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&db)
    .await
    .unwrap();
    db.close().await.ok();
    asset
}

/// Sets a video's editor-uploaded poster.
pub async fn set_poster(app: &TestApp, video_id: &str, asset: Uuid) {
    let db = app.db().await;
    video::Entity::update_many()
        .col_expr(video::Column::PosterAssetId, Expr::value(asset))
        .filter(video::Column::Id.eq(uuid_of(video_id)))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
}
