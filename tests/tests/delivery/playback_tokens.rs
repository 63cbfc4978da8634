//! Signed playback tokens: a private video, transcoded from a generated clip, played with JWTs
//! signed by the private key `createPlaybackKey` handed out: its master playlist, every child
//! playlist and segment (bytes equal to what is stored), the embed page and the URLs in it,
//! pictures and the storyboard by audience, the ladder capped by `max_resolution`, referrer
//! restrictions still applying; every bad token a 403 with its code and no media; a deleted key
//! stops its tokens at once. On SQLite and PostgreSQL with local storage, and on Garage.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use projector_api::config::{S3DeliveryMode, StorageBackend};
use projector_api::media::ObjectKey;
use projector_api::videos::entity::video;
use projector_tests::garage::Garage;
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use reqwest::StatusCode;
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support;

const CREATE_KEY: &str = "mutation($i: CreatePlaybackKeyInput!) { createPlaybackKey(input: $i) \
    { playbackKey { id algorithm publicKeyPem } privateKeyPem } }";

/// A key made through the API: its ID (the `kid`), algorithm, public and private PEM.
pub struct Key {
    pub kid: String,
    pub algorithm: Algorithm,
    pub public_pem: String,
    pub private_pem: String,
}

/// Makes a key as `admin` with `algorithm` (`EDDSA` or `RS256`).
pub async fn make_key(app: &TestApp, admin: &str, algorithm: &str) -> Key {
    let data = app
        .graphql_ok(
            Some(admin),
            CREATE_KEY,
            json!({ "i": { "name": format!("{algorithm} key"), "algorithm": algorithm } }),
        )
        .await;
    let payload = &data["createPlaybackKey"];
    Key {
        kid: payload["playbackKey"]["id"].as_str().unwrap().into(),
        algorithm: match algorithm {
            "EDDSA" => Algorithm::EdDSA,
            _ => Algorithm::RS256,
        },
        public_pem: payload["playbackKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .into(),
        private_pem: payload["privateKeyPem"].as_str().unwrap().into(),
    }
}

/// Signs `claims` with `key`'s private key, as an integrator would.
pub fn sign(key: &Key, claims: &Value) -> String {
    let encoding = match key.algorithm {
        Algorithm::EdDSA => {
            use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
            let signing = ed25519_dalek::SigningKey::from_pkcs8_pem(&key.private_pem).unwrap();
            EncodingKey::from_ed_der(signing.to_pkcs8_der().unwrap().as_bytes())
        }
        _ => {
            use rsa::pkcs1::EncodeRsaPrivateKey as _;
            use rsa::pkcs8::DecodePrivateKey as _;
            let private = rsa::RsaPrivateKey::from_pkcs8_pem(&key.private_pem).unwrap();
            EncodingKey::from_rsa_der(private.to_pkcs1_der().unwrap().as_bytes())
        }
    };
    let mut header = Header::new(key.algorithm);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

/// Claims for `video` (its global ID), audience `aud`, expiring `secs` from now.
pub fn claims(video: &str, aud: Value, secs: i64) -> Value {
    json!({ "sub": video, "aud": aud, "exp": chrono::Utc::now().timestamp() + secs })
}

const CAPTIONS: &str = "WEBVTT\n\n00:00.000 --> 00:01.500\nOnly for members\n";

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A private video made from a generated 640×360 clip, transcoded to 360p and 240p; returns
/// its global ID, UUID and source asset.
async fn private_transcoded_video(app: &TestApp, admin: &str) -> (String, Uuid, Uuid) {
    let channel = support::channel(app, admin, "Members only").await;
    let created = app
        .create_video(
            admin,
            &channel,
            "Secret",
            json!({ "visibility": "PRIVATE" }),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let clip = app.dir.path().join("clip.mp4");
    projector_tests::media::Clip::new(640, 360, 2.0).write(&clip);
    let bytes = std::fs::read(&clip).unwrap();
    let meta = metadata(&[("filename", "clip.mp4"), ("videoId", &id)]);
    let res = tus::create_with_upload(app, admin, bytes, &meta).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        tus::wait_until_settled(app, admin, &location).await,
        "complete"
    );
    let started = std::time::Instant::now();
    loop {
        let v = app
            .graphql_ok(
                Some(admin),
                "query($id: ID!) { video(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        if v["video"]["status"] == "READY" {
            break;
        }
        assert_ne!(v["video"]["status"], "FAILED", "{v}");
        assert!(started.elapsed() < Duration::from_secs(180), "{v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, body) = app
        .graphql_multipart(
            admin,
            "mutation($i: UploadCaptionInput!, $f: Upload!) { uploadCaption(input: $i, file: $f) { language } }",
            json!({ "i": { "videoId": id, "language": "en" } }),
            "f",
            "en.vtt",
            CAPTIONS.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(body["data"]["uploadCaption"]["language"], "en", "{body}");
    let uuid = support::uuid_of(&id);
    let db = app.db().await;
    let row = video::Entity::find_by_id(uuid)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    db.close().await.ok();
    (id, uuid, row.source_asset_id.unwrap())
}

/// What is stored at `path` of `asset`.
async fn stored(app: &TestApp, asset: Uuid, path: &str) -> Vec<u8> {
    let storage = support::storage(app).await;
    let key = ObjectKey::for_asset(asset, path).unwrap();
    projector_api::media::storage::read_all(storage.as_ref(), &key)
        .await
        .unwrap()
}

/// GETs `url` (following redirects) and returns its status and bytes.
async fn fetch(app: &TestApp, url: &str) -> (StatusCode, Vec<u8>) {
    let r = app.client.get(url).send().await.unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

/// The URI lines of a playlist.
fn uris(playlist: &str) -> Vec<String> {
    playlist
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// Follows a master playlist at `url` through every variant to every segment, checking each
/// segment's bytes against storage; returns the variants' rungs, tallest first.
async fn play_through(app: &TestApp, asset: Uuid, url: &str, token: &str) -> Vec<String> {
    let (status, body) = fetch(app, url).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let master = String::from_utf8(body).unwrap();
    assert!(master.starts_with("#EXTM3U"), "{master}");
    let base = url::Url::parse(url).unwrap();
    let mut rungs = Vec::new();
    for variant in uris(&master) {
        assert!(variant.ends_with(&format!("?token={token}")), "{variant}");
        rungs.push(variant.split('/').next().unwrap().to_string());
        let variant_url = base.join(&variant).unwrap();
        let (status, body) = fetch(app, variant_url.as_str()).await;
        assert_eq!(status, StatusCode::OK, "{variant_url}");
        let playlist = String::from_utf8(body).unwrap();
        let segments = uris(&playlist);
        assert!(!segments.is_empty(), "{playlist}");
        for segment in segments {
            assert!(segment.ends_with(&format!("?token={token}")), "{segment}");
            let segment_url = variant_url.join(&segment).unwrap();
            let (status, bytes) = fetch(app, segment_url.as_str()).await;
            assert_eq!(status, StatusCode::OK, "{segment_url}");
            let name = segment.split('?').next().unwrap();
            let path = format!("hls/{}/{name}", rungs.last().unwrap());
            assert_eq!(bytes, stored(app, asset, &path).await, "{path}");
        }
    }
    rungs.sort_by_key(|r| r.trim_end_matches('p').parse::<u32>().unwrap());
    rungs.reverse();
    rungs
}

/// Follows the master's subtitle playlist to its WebVTT file, every URI carrying the token;
/// returns the captions' text.
async fn captions_through(app: &TestApp, url: &str, token: &str) -> String {
    let (_, body) = fetch(app, url).await;
    let master = String::from_utf8(body).unwrap();
    let line = master
        .lines()
        .find(|l| l.starts_with("#EXT-X-MEDIA:TYPE=SUBTITLES"))
        .unwrap_or_else(|| panic!("no subtitles in {master}"));
    let uri = line
        .split("URI=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(uri.ends_with(&format!("?token={token}")), "{uri}");
    let playlist_url = url::Url::parse(url).unwrap().join(uri).unwrap();
    let (status, body) = fetch(app, playlist_url.as_str()).await;
    assert_eq!(status, StatusCode::OK, "{playlist_url}");
    let vtt = uris(&String::from_utf8(body).unwrap())[0].clone();
    assert!(vtt.ends_with(&format!("?token={token}")), "{vtt}");
    let (status, body) = fetch(app, playlist_url.join(&vtt).unwrap().as_str()).await;
    assert_eq!(status, StatusCode::OK, "{vtt}");
    String::from_utf8(body).unwrap()
}

/// Asserts a refusal: 403, the code in a JSON body, no media and no redirect.
async fn refused(url: &str, code: &str) {
    let r = no_redirects().get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{url}");
    assert!(r.headers().get("location").is_none(), "{url}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "{url}: {body}");
}

/// The value of `attr="…"` in `html` (unescaped), if present.
fn attribute(html: &str, attr: &str) -> Option<String> {
    let start = html.find(&format!(" {attr}=\""))? + attr.len() + 3;
    let len = html[start..].find('"')?;
    Some(html[start..start + len].replace("&amp;", "&"))
}

/// The whole walk on one running app; shared by the local and Garage tests.
async fn tokens_play_a_private_video_and_nothing_else_on(app: &TestApp) {
    let admin = app.admin_token().await;
    let key = make_key(app, &admin, "EDDSA").await;
    let (id, uuid, asset) = private_transcoded_video(app, &admin).await;
    let media = |path: &str, token: &str| app.url(&format!("/media/v/{uuid}/{path}?token={token}"));

    // Without a token: nothing, as before.
    refused(
        &app.url(&format!("/media/v/{uuid}/hls/master.m3u8")),
        "TOKEN_REQUIRED",
    )
    .await;
    let r = app
        .client
        .get(app.url(&format!("/embed/{uuid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The master, every variant and every segment, with the bytes stored.
    let token = sign(&key, &claims(&id, json!("v"), 600));
    let rungs = play_through(app, asset, &media("hls/master.m3u8", &token), &token).await;
    assert_eq!(rungs, ["360p", "240p"]);
    let captions = captions_through(app, &media("hls/master.m3u8", &token), &token).await;
    assert!(captions.contains("Only for members"), "{captions}");
    // `sub` may also be the bare UUID.
    let by_uuid = sign(&key, &claims(&uuid.to_string(), json!("v"), 600));
    let (status, _) = fetch(app, &media("hls/master.m3u8", &by_uuid)).await;
    assert_eq!(status, StatusCode::OK);

    // The embed page plays: its media URL carries the token and leads to the bytes.
    let r = app
        .client
        .get(app.url(&format!("/embed/{uuid}?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let html = r.text().await.unwrap();
    let src = support::local(app, &attribute(&html, "data-src").expect("a media URL"));
    assert_eq!(
        play_through(app, asset, &src, &token).await,
        ["360p", "240p"]
    );
    assert!(
        attribute(&html, "poster").is_none(),
        "a `v` token shows no pictures: {html}"
    );
    let both = sign(&key, &claims(&id, json!(["v", "t"]), 600));
    let html = app
        .client
        .get(app.url(&format!("/embed/{uuid}?token={both}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let poster = support::local(app, &attribute(&html, "poster").expect("a poster"));
    let (status, bytes) = fetch(app, &poster).await;
    assert_eq!(status, StatusCode::OK, "{poster}");
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");

    // Pictures need `t`, the storyboard `s`.
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { media { thumbnails { url } spriteVttUrl } } }",
            json!({ "id": id }),
        )
        .await;
    let below = |url: &str| url.split_once(&format!("/{asset}/")).unwrap().1.to_string();
    let thumb = below(
        data["video"]["media"]["thumbnails"][0]["url"]
            .as_str()
            .unwrap(),
    );
    let thumb = thumb.split('?').next().unwrap().to_string();
    let pictures = sign(&key, &claims(&id, json!("t"), 600));
    let (status, bytes) = fetch(app, &media(&thumb, &pictures)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, stored(app, asset, &thumb).await);
    refused(&media(&thumb, &token), "TOKEN_AUDIENCE").await;
    refused(&media("hls/master.m3u8", &pictures), "TOKEN_AUDIENCE").await;
    let storyboard = sign(&key, &claims(&id, json!("s"), 600));
    let (status, index) = fetch(app, &media("images/sprite.vtt", &storyboard)).await;
    assert_eq!(status, StatusCode::OK);
    let index = String::from_utf8(index).unwrap();
    let sprite = index.lines().find(|l| l.contains("#xywh=")).expect("a cue");
    assert!(
        sprite.contains(&format!("?token={storyboard}#xywh=")),
        "{sprite}"
    );
    let sprite_url = url::Url::parse(&media("images/sprite.vtt", &storyboard))
        .unwrap()
        .join(sprite)
        .unwrap();
    let (status, _) = fetch(app, sprite_url.as_str()).await;
    assert_eq!(status, StatusCode::OK);
    refused(&media("images/sprite.jpg", &pictures), "TOKEN_AUDIENCE").await;

    // max_resolution: the master lists only what it allows, and the rest is refused.
    let mut capped = claims(&id, json!("v"), 600);
    capped["max_resolution"] = json!("240p");
    let capped = sign(&key, &capped);
    let (_, master) = fetch(app, &media("hls/master.m3u8", &capped)).await;
    let master = String::from_utf8(master).unwrap();
    assert_eq!(
        uris(&master),
        [format!("240p/index.m3u8?token={capped}")],
        "{master}"
    );
    let first_360 =
        uris(&String::from_utf8(stored(app, asset, "hls/360p/index.m3u8").await).unwrap())[0]
            .clone();
    refused(&media("hls/360p/index.m3u8", &capped), "TOKEN_RESOLUTION").await;
    refused(
        &media(&format!("hls/360p/{first_360}"), &capped),
        "TOKEN_RESOLUTION",
    )
    .await;

    bad_tokens_are_refused(app, &admin, &key, &id, uuid, &first_360).await;
    referrer_rules_still_apply(app, &admin, &id, &media("hls/master.m3u8", &token)).await;

    // Deleting the key stops its tokens at once, on media and on the embed page.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeletePlaybackKeyInput!) { deletePlaybackKey(input: $i) { deletedId } }",
        json!({ "i": { "id": key.kid } }),
    )
    .await;
    refused(&media("hls/master.m3u8", &token), "TOKEN_UNKNOWN_KEY").await;
    refused(
        &media(&format!("hls/360p/{first_360}"), &token),
        "TOKEN_UNKNOWN_KEY",
    )
    .await;
    refused(
        &app.url(&format!("/embed/{uuid}?token={token}")),
        "TOKEN_UNKNOWN_KEY",
    )
    .await;
}

/// Every kind of bad token, each on the master and a segment (and the embed page).
async fn bad_tokens_are_refused(
    app: &TestApp,
    admin: &str,
    key: &Key,
    id: &str,
    uuid: Uuid,
    segment: &str,
) {
    let good = claims(id, json!("v"), 600);
    let token = sign(key, &good);
    let parts: Vec<&str> = token.split('.').collect();
    // The claims changed under the signature (a longer life).
    let mut longer = good.clone();
    longer["exp"] = json!(good["exp"].as_i64().unwrap() + 3600);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(longer.to_string()),
        parts[2]
    );
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": key.kid }).to_string()),
        parts[1]
    );
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(key.kid.clone());
    let hmac_with_public_key = jsonwebtoken::encode(
        &hs,
        &good,
        &EncodingKey::from_secret(key.public_pem.as_bytes()),
    )
    .unwrap();
    let other = make_key(app, admin, "EDDSA").await;
    let mut other_signed_as_key = sign(&other, &good)
        .split('.')
        .map(String::from)
        .collect::<Vec<_>>();
    other_signed_as_key[0] = parts[0].to_string();
    let mut unknown = copy(key);
    unknown.kid = Uuid::now_v7().to_string();
    let channel = support::channel(app, admin, "Elsewhere").await;
    let another = support::video(
        app,
        admin,
        &channel,
        "Another",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut bad_cap = good.clone();
    bad_cap["max_resolution"] = json!("high");
    let cases: Vec<(String, &str)> = vec![
        (tampered, "TOKEN_SIGNATURE"),
        (other_signed_as_key.join("."), "TOKEN_SIGNATURE"),
        (sign(key, &claims(id, json!("v"), -120)), "TOKEN_EXPIRED"),
        (
            sign(key, &claims(id, json!("v"), 8 * 86_400)),
            "TOKEN_EXPIRY_TOO_FAR",
        ),
        (sign(key, &claims(id, json!("s"), 600)), "TOKEN_AUDIENCE"),
        (
            sign(key, &claims(&another, json!("v"), 600)),
            "TOKEN_WRONG_VIDEO",
        ),
        (sign(&unknown, &good), "TOKEN_UNKNOWN_KEY"),
        (none, "TOKEN_ALGORITHM"),
        (hmac_with_public_key, "TOKEN_ALGORITHM"),
        (sign(key, &no_exp), "TOKEN_CLAIMS"),
        (sign(key, &bad_cap), "TOKEN_CLAIMS"),
        ("garbage".into(), "TOKEN_MALFORMED"),
        (format!("{}.{}", parts[0], parts[1]), "TOKEN_MALFORMED"),
    ];
    for (bad, code) in &cases {
        for path in ["hls/master.m3u8".to_string(), format!("hls/360p/{segment}")] {
            refused(
                &app.url(&format!("/media/v/{uuid}/{path}?token={bad}")),
                code,
            )
            .await;
        }
        refused(&app.url(&format!("/embed/{uuid}?token={bad}")), code).await;
    }
    // A good token for the other video does not open this one's media, nor does this one's
    // open the other's.
    let theirs = support::uuid_of(&another);
    refused(
        &app.url(&format!("/media/v/{theirs}/hls/master.m3u8?token={token}")),
        "TOKEN_WRONG_VIDEO",
    )
    .await;
    // RS256 keys work the same way; an RS256 header on an EdDSA key does not.
    let rsa = make_key(app, admin, "RS256").await;
    let rs_token = sign(&rsa, &good);
    let (status, _) = fetch(
        app,
        &app.url(&format!("/media/v/{uuid}/hls/master.m3u8?token={rs_token}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut rs_header_on_ed = rs_token.split('.').map(String::from).collect::<Vec<_>>();
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&rs_header_on_ed[0]).unwrap()).unwrap();
    header["kid"] = json!(key.kid);
    rs_header_on_ed[0] = URL_SAFE_NO_PAD.encode(header.to_string());
    refused(
        &app.url(&format!(
            "/media/v/{uuid}/hls/master.m3u8?token={}",
            rs_header_on_ed.join(".")
        )),
        "TOKEN_ALGORITHM",
    )
    .await;
}

fn copy(key: &Key) -> Key {
    Key {
        kid: key.kid.clone(),
        algorithm: key.algorithm,
        public_pem: key.public_pem.clone(),
        private_pem: key.private_pem.clone(),
    }
}

/// A referrer allowlist on the video binds token requests too.
async fn referrer_rules_still_apply(app: &TestApp, admin: &str, id: &str, master: &str) {
    app.graphql_ok(
        Some(admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "playbackRestriction": {
            "allowedDomains": ["partner.example"], "allowNoReferrer": false } } }),
    )
    .await;
    let c = no_redirects();
    let r = c.get(master).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!r.text().await.unwrap().contains("#EXTM3U"));
    let r = c
        .get(master)
        .header("referer", "https://evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .get(master)
        .header("referer", "https://partner.example/watch")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.graphql_ok(
        Some(admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "playbackRestriction": { "allowedDomains": [] } } }),
    )
    .await;
}

fn transcoding(c: &mut projector_api::Config) {
    support::with_secret(c);
    c.workers = 1;
    c.transcode.ladder = vec![360, 240];
}

async fn playback_tokens_play_a_private_video_and_every_bad_token_gets_403(backend: Backend) {
    let app = spawn_app_with(backend, transcoding).await;
    tokens_play_a_private_video_and_nothing_else_on(&app).await;
}

both_databases!(playback_tokens_play_a_private_video_and_every_bad_token_gets_403);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_tokens_play_a_private_video_from_garage_through_presigned_redirects() {
    let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
    let s3 = garage.s3.clone();
    let app = spawn_app_with(Backend::Sqlite, move |c| {
        transcoding(c);
        c.storage.backend = StorageBackend::S3;
        c.storage.s3 = s3;
        c.delivery.s3_mode = S3DeliveryMode::Presign;
    })
    .await;
    tokens_play_a_private_video_and_nothing_else_on(&app).await;
}
