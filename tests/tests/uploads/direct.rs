//! Direct uploads (issue 18): a one-time tus URL an integrator's page uploads to without a
//! Projector credential, only from its origin, only once, only until it expires and only up to
//! its size limit; the draft video is made with the given settings when the file is in, and is
//! transcoded until its HLS plays. Every misuse gets its code and creates nothing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use projector_api::config::StorageBackend;
use projector_tests::garage::Garage;
use projector_tests::media::{mp4, sine_wav};
use projector_tests::tus::metadata;
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app_with};
use serde_json::{Value, json};

const SITE: &str = "https://shop.example.com";
const CREATE: &str = "mutation($i: CreateDirectUploadInput!) { createDirectUpload(input: $i) { directUpload { id url corsOrigin status maxSize expiresAt upload { status offset } video { id } } } }";
const READ: &str = "query($id: ID!) { directUpload(id: $id) { id status error corsOrigin upload { status offset length } video { id title description visibility status channel { id } media { playable hlsUrl } } } }";

/// A server whose `public_url` is its own address (so the URLs it hands out reach it), with
/// `workers` transcoding workers and one small rendition.
async fn spawn(backend: Backend, workers: u32) -> TestApp {
    spawn_with(backend, workers, |_| {}).await
}

/// [`spawn`], letting the test adjust the configuration too.
async fn spawn_with(
    backend: Backend,
    workers: u32,
    adjust: impl FnOnce(&mut projector_api::Config),
) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    spawn_app_with(backend, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = workers;
        c.transcode.ladder = vec![240];
        adjust(c);
    })
    .await
}

/// Creates a direct upload from `input` (which must work); returns it.
async fn direct(app: &TestApp, token: &str, input: Value) -> Value {
    let data = app
        .graphql_ok(Some(token), CREATE, json!({ "i": input }))
        .await;
    data["createDirectUpload"]["directUpload"].clone()
}

/// `POST` to a direct-upload URL as a browser on `origin` would (no credential).
async fn post(app: &TestApp, url: &str, origin: Option<&str>, length: u64) -> reqwest::Response {
    let mut req = app
        .client
        .post(url)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", length.to_string())
        .header("upload-metadata", metadata(&[("filename", "holiday.mp4")]));
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    req.send().await.unwrap()
}

/// `PATCH` bytes at `offset` to an upload's URL, as a browser on `origin`.
async fn patch(
    app: &TestApp,
    location: &str,
    origin: &str,
    offset: usize,
    bytes: &[u8],
) -> reqwest::Response {
    app.client
        .patch(location)
        .header("origin", origin)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

/// The refusal's code from a tus answer's JSON body.
async fn code_of(res: reqwest::Response) -> String {
    let body: Value = res.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn allowed_origin(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string())
}

/// Reads `directUpload(id:)` until `done` holds (or two minutes pass); returns it.
async fn wait_for(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let data = app.graphql_ok(Some(token), READ, json!({ "id": id })).await;
        let it = data["directUpload"].clone();
        if done(&it) {
            return it;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the direct upload never got there: {it}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Moves a direct upload's expiry into the past, straight in the database (as time passing
/// would).
async fn expire(app: &TestApp, global_id: &str) {
    use projector_api::media::direct::direct_upload;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let id = projector_api::graphql::relay::decode(global_id).unwrap().1;
    let db = app.db().await;
    let changed = direct_upload::Entity::update_many()
        .col_expr(
            direct_upload::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(direct_upload::Column::Id.eq(id))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected, 1);
}

/// The event types the outbox holds, in order.
async fn events(app: &TestApp) -> Vec<String> {
    use sea_orm::ConnectionTrait as _;
    let db = app.db().await;
    let rows = db
        .query_all(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT event_type FROM outbox_events ORDER BY created_at, id".to_string(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<String>("", "event_type").unwrap())
        .collect()
}

async fn a_page_on_the_registered_origin_uploads_one_file_that_becomes_a_ready_video_with_the_given_settings(
    backend: Backend,
) {
    upload_until_ready(spawn(backend, 1).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_garage_a_direct_upload_becomes_a_ready_video_too() {
    let garage = Garage::start();
    let s3 = garage.s3.clone();
    let app = spawn_with(Backend::Sqlite, 1, move |c| {
        c.storage.backend = StorageBackend::S3;
        c.storage.s3 = s3;
    })
    .await;
    upload_until_ready(app).await;
    drop(garage);
}

/// The whole flow on `app` (a server with a worker): create, preflight, create the upload from
/// the registered origin, send it in two chunks, wait until the video is ready, fetch its HLS,
/// and find the URL spent.
async fn upload_until_ready(app: TestApp) {
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Shop videos").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let elsewhere = app.create_channel(&editor, "Elsewhere").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let it = direct(
        &app,
        &editor,
        json!({
            "channelId": channel,
            "corsOrigin": "https://Shop.Example.com",
            "video": { "title": "Customer clip", "description": "Sent from the shop", "visibility": "UNLISTED" }
        }),
    )
    .await;
    let id = it["id"].as_str().unwrap().to_string();
    let url = it["url"].as_str().unwrap().to_string();
    assert_eq!(it["status"], "WAITING", "{it}");
    assert_eq!(
        it["corsOrigin"], SITE,
        "the origin is stored as browsers send it"
    );
    assert_eq!(it["maxSize"], json!(app.config.uploads.max_file_bytes));
    assert!(
        url.starts_with(&format!("{}uploads/direct/", app.config.public_url)),
        "{url}"
    );
    assert_eq!(
        app.count("videos").await,
        0,
        "no draft before the file is in"
    );

    // The browser's preflight names the tus headers it will send.
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", SITE)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "tus-resumable,upload-length",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(allowed_origin(&res).as_deref(), Some(SITE));
    let allowed = res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("upload-length") && allowed.contains("tus-resumable"));

    let clip = app.dir.path().join("holiday.mp4");
    mp4(&clip, 2);
    let bytes = std::fs::read(&clip).unwrap();
    // A browser cannot send `channelId` to put the video elsewhere: only the file's name counts.
    let res = app
        .client
        .post(&url)
        .header("origin", SITE)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header(
            "upload-metadata",
            metadata(&[("filename", "holiday.mp4"), ("channelId", &elsewhere)]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(allowed_origin(&res).as_deref(), Some(SITE));
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("location") && exposed.contains("upload-offset"));
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("{url}/")), "{location}");
    let now = wait_for(&app, &editor, &id, |_| true).await;
    assert_eq!(now["status"], "UPLOADING", "{now}");
    assert_eq!(now["upload"]["offset"], 0);

    // Two chunks, no credential.
    let half = bytes.len() / 2;
    let res = patch(&app, &location, SITE, 0, &bytes[..half]).await;
    assert_eq!(res.status(), 204);
    assert_eq!(allowed_origin(&res).as_deref(), Some(SITE));
    let res = patch(&app, &location, SITE, half, &bytes[half..]).await;
    assert_eq!(res.status(), 204);

    let done = wait_for(&app, &editor, &id, |d| {
        d["status"] == "ERRORED"
            || d["video"]["status"] == "READY"
            || d["video"]["status"] == "FAILED"
    })
    .await;
    assert_eq!(done["status"], "ASSET_CREATED", "{done}");
    let video = &done["video"];
    assert_eq!(video["status"], "READY", "{done}");
    assert_eq!(video["title"], "Customer clip");
    assert_eq!(video["description"], "Sent from the shop");
    assert_eq!(video["visibility"], "UNLISTED");
    assert_eq!(video["channel"]["id"], channel.as_str());
    assert_eq!(done["upload"]["status"], "COMPLETE");
    assert_eq!(app.count("videos").await, 1);

    // The HLS it hands out plays.
    let hls = video["media"]["hlsUrl"].as_str().unwrap();
    let res = app.client.get(hls).send().await.unwrap();
    assert_eq!(res.status(), 200, "{hls}");
    assert!(res.text().await.unwrap().starts_with("#EXTM3U"));

    // The same URL takes no second file.
    let res = post(&app, &url, Some(SITE), 1000).await;
    assert_eq!(res.status(), 409);
    assert_eq!(allowed_origin(&res).as_deref(), Some(SITE));
    assert_eq!(code_of(res).await, "ALREADY_USED");
    assert_eq!(app.count("uploads").await, 1);
    assert_eq!(app.count("videos").await, 1);

    // The integrator follows it by webhook as any upload, plus the video's creation.
    let seen = events(&app).await;
    for wanted in ["upload.created", "video.created", "upload.completed"] {
        assert!(seen.iter().any(|e| e == wanted), "no {wanted} in {seen:?}");
    }
}

async fn each_misuse_of_a_direct_upload_url_gets_its_code_and_creates_nothing(backend: Backend) {
    let app = spawn(backend, 0).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Shop videos").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let make = |extra: Value| {
        let mut input = json!({ "channelId": channel, "corsOrigin": SITE });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };

    // Another origin: refused with no CORS grant, before and at creation.
    let it = direct(&app, &editor, make(json!({}))).await;
    let url = it["url"].as_str().unwrap().to_string();
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://evil.example.net")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(allowed_origin(&res), None);
    let res = post(&app, &url, Some("https://evil.example.net"), 1000).await;
    assert_eq!(res.status(), 403);
    assert_eq!(allowed_origin(&res), None);
    assert_eq!(code_of(res).await, "FORBIDDEN");
    // A look-alike is another origin too.
    let res = post(&app, &url, Some("http://shop.example.com"), 1000).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("uploads").await, 0);
    let id = it["id"].as_str().unwrap();
    let after = wait_for(&app, &editor, id, |_| true).await;
    assert_eq!(
        after["status"], "WAITING",
        "refusals leave the URL usable: {after}"
    );

    // Over its size limit.
    let small = direct(&app, &editor, make(json!({ "maxSize": 1000 }))).await;
    let small_url = small["url"].as_str().unwrap();
    let res = post(&app, small_url, Some(SITE), 1001).await;
    assert_eq!(res.status(), 413);
    assert_eq!(
        allowed_origin(&res).as_deref(),
        Some(SITE),
        "the page may read why"
    );
    assert_eq!(code_of(res).await, "PAYLOAD_TOO_LARGE");
    assert_eq!(app.count("uploads").await, 0);

    // Used twice: the second creation is refused, and the upload's own URL only takes the
    // registered origin's bytes and only for that upload.
    let res = post(&app, small_url, Some(SITE), 1000).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let res = post(&app, small_url, Some(SITE), 1000).await;
    assert_eq!(res.status(), 409);
    assert_eq!(code_of(res).await, "ALREADY_USED");
    let res = patch(&app, &location, "https://evil.example.net", 0, &[0u8; 10]).await;
    assert_eq!(res.status(), 403);
    let head = |origin: &'static str| {
        app.client
            .head(&location)
            .header("origin", origin)
            .header("tus-resumable", "1.0.0")
            .send()
    };
    let res = head(SITE).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["upload-offset"], "0");
    assert_eq!(allowed_origin(&res).as_deref(), Some(SITE));
    assert_eq!(
        head("https://evil.example.net").await.unwrap().status(),
        403
    );
    let other_upload = format!("{small_url}/{}", uuid::Uuid::now_v7());
    let res = patch(&app, &other_upload, SITE, 0, &[0u8; 10]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.count("uploads").await, 1);
    let small_now = wait_for(&app, &editor, small["id"].as_str().unwrap(), |_| true).await;
    assert_eq!(small_now["upload"]["offset"], 0, "{small_now}");

    // After its expiry: 410, and the sweep marks it TIMED_OUT.
    let late = direct(&app, &editor, make(json!({ "expiresInSecs": 60 }))).await;
    expire(&app, late["id"].as_str().unwrap()).await;
    let res = post(&app, late["url"].as_str().unwrap(), Some(SITE), 1000).await;
    assert_eq!(res.status(), 410);
    assert_eq!(code_of(res).await, "EXPIRED");
    let db = app.db().await;
    assert_eq!(
        projector_api::media::direct::sweep_timed_out(&db)
            .await
            .unwrap(),
        1,
        "only the expired waiting one is swept"
    );
    let late_now = wait_for(&app, &editor, late["id"].as_str().unwrap(), |_| true).await;
    assert_eq!(late_now["status"], "TIMED_OUT");

    // Cancelled: 410; a second cancel, or cancelling a used one, is a conflict.
    let cancel =
        "mutation($id: ID!) { cancelDirectUpload(input: { id: $id }) { directUpload { status } } }";
    let gone = direct(&app, &editor, make(json!({}))).await;
    let data = app
        .graphql_ok(Some(&editor), cancel, json!({ "id": gone["id"] }))
        .await;
    assert_eq!(
        data["cancelDirectUpload"]["directUpload"]["status"],
        "CANCELLED"
    );
    let res = post(&app, gone["url"].as_str().unwrap(), Some(SITE), 1000).await;
    assert_eq!(res.status(), 410);
    assert_eq!(code_of(res).await, "CANCELLED");
    let body = app
        .graphql(Some(&editor), cancel, json!({ "id": gone["id"] }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = app
        .graphql(Some(&editor), cancel, json!({ "id": small["id"] }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    // Expired, even before the sweep stored it.
    let stale = direct(&app, &editor, make(json!({}))).await;
    expire(&app, stale["id"].as_str().unwrap()).await;
    let body = app
        .graphql(Some(&editor), cancel, json!({ "id": stale["id"] }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    // A secret nobody was given.
    let res = post(
        &app,
        &format!(
            "{}uploads/direct/{}",
            app.config.public_url,
            "ab".repeat(32)
        ),
        Some(SITE),
        1000,
    )
    .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.count("uploads").await, 1);
    assert_eq!(app.count("videos").await, 0);

    // A request with no `Origin` is no browser's (a server, curl): the secret is enough, and no
    // CORS grant is sent.
    let res = post(&app, &url, None, 1000).await;
    assert_eq!(res.status(), 201);
    assert_eq!(allowed_origin(&res), None);
    assert_eq!(app.count("uploads").await, 2);
}

/// Sends `bytes` through a fresh direct-upload URL from [`SITE`] in one request; returns the
/// direct upload once it has settled.
async fn send_through(app: &TestApp, token: &str, channel: &str, bytes: Vec<u8>) -> Value {
    let it = direct(
        app,
        token,
        json!({ "channelId": channel, "corsOrigin": SITE }),
    )
    .await;
    send_to(app, token, &it, bytes).await
}

/// Sends `bytes` through the direct upload `it` from [`SITE`] in one request; returns it once
/// it has settled.
async fn send_to(app: &TestApp, token: &str, it: &Value, bytes: Vec<u8>) -> Value {
    let res = app
        .client
        .post(it["url"].as_str().unwrap())
        .header("origin", SITE)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    wait_for(app, token, it["id"].as_str().unwrap(), |d| {
        d["status"] != "WAITING" && d["status"] != "UPLOADING"
    })
    .await
}

async fn an_owner_who_lost_the_channel_before_the_file_was_in_gets_errored_and_no_video(
    backend: Backend,
) {
    let app = spawn(backend, 0).await;
    let admin = app.admin_token().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let me = app
        .graphql_ok(Some(&editor), "{ me { id } }", json!({}))
        .await["me"]["id"]
        .clone();
    let channel = app.create_channel(&admin, "Shop videos").await["id"].clone();
    let member = json!({ "channelId": channel, "userId": me });
    app.graphql_ok(
        Some(&admin),
        "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": channel, "userId": me, "role": "EDITOR" } }),
    )
    .await;
    let it = direct(
        &app,
        &editor,
        json!({ "channelId": channel, "corsOrigin": SITE }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: RemoveChannelMemberInput!) { removeChannelMember(input: $i) { channel { id } } }",
        json!({ "i": member }),
    )
    .await;
    let clip = app.dir.path().join("clip.mp4");
    mp4(&clip, 1);
    let started = Instant::now();
    let done = send_to(&app, &admin, &it, std::fs::read(&clip).unwrap()).await;
    assert_eq!(done["status"], "ERRORED", "{done}");
    assert!(
        done["error"]
            .as_str()
            .unwrap()
            .contains("could not be made"),
        "{done}"
    );
    assert_eq!(done["video"], Value::Null);
    assert_eq!(done["upload"]["status"], "COMPLETE");
    assert_eq!(app.count("videos").await, 0);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a refusal that another try cannot change is not retried for half a minute"
    );
}

async fn a_file_no_video_can_be_made_of_ends_errored_with_its_reason_and_makes_no_video(
    backend: Backend,
) {
    let app = spawn(backend, 0).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Shop videos").await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let not_media = send_through(&app, &editor, &channel, b"not a video at all".repeat(100)).await;
    assert_eq!(not_media["status"], "ERRORED", "{not_media}");
    assert_eq!(not_media["upload"]["status"], "REJECTED");
    assert!(
        not_media["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{not_media}"
    );
    assert_eq!(not_media["video"], Value::Null);

    let wav = app.dir.path().join("voice.wav");
    sine_wav(&wav, 1);
    let audio = send_through(&app, &editor, &channel, std::fs::read(&wav).unwrap()).await;
    assert_eq!(audio["status"], "ERRORED", "{audio}");
    assert!(
        audio["error"].as_str().unwrap().contains("audio file"),
        "{audio}"
    );
    assert_eq!(audio["video"], Value::Null);
    assert_eq!(app.count("videos").await, 0);
    assert!(!events(&app).await.iter().any(|e| e == "video.created"));
}

async fn an_upload_over_the_owners_quota_is_refused_and_the_url_stays_usable(backend: Backend) {
    let app = spawn_with(backend, 0, |c| c.uploads.user_quota_bytes = 5000).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Shop videos").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let it = direct(
        &app,
        &editor,
        json!({ "channelId": channel, "corsOrigin": SITE }),
    )
    .await;
    let url = it["url"].as_str().unwrap();
    let res = post(&app, url, Some(SITE), 6000).await;
    assert_eq!(res.status(), 413);
    assert_eq!(code_of(res).await, "QUOTA_EXCEEDED");
    assert_eq!(app.count("uploads").await, 0);
    let now = wait_for(&app, &editor, it["id"].as_str().unwrap(), |_| true).await;
    assert_eq!(now["status"], "WAITING", "{now}");
    let res = post(&app, url, Some(SITE), 4000).await;
    assert_eq!(
        res.status(),
        201,
        "a file within the quota still goes through"
    );
}

async fn create_direct_upload_refuses_bad_inputs_and_stores_nothing(backend: Backend) {
    let app = spawn(backend, 0).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let channel = app.create_channel(&editor, "Shop videos").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let over = app.config.uploads.max_file_bytes + 1;
    let cases = [
        json!({ "corsOrigin": "not an origin" }),
        json!({ "corsOrigin": "https://shop.example.com/upload" }),
        json!({ "corsOrigin": "ftp://shop.example.com" }),
        json!({ "corsOrigin": "*" }),
        json!({ "corsOrigin": SITE, "expiresInSecs": 59 }),
        json!({ "corsOrigin": SITE, "expiresInSecs": 604_801 }),
        json!({ "corsOrigin": SITE, "maxSize": 0 }),
        json!({ "corsOrigin": SITE, "maxSize": over }),
        json!({ "corsOrigin": SITE, "video": { "title": "   " } }),
        json!({ "corsOrigin": SITE, "video": { "title": "x".repeat(201) } }),
        json!({ "corsOrigin": SITE, "video": { "publishAt": "2030-01-02T00:00:00Z", "unpublishAt": "2030-01-01T00:00:00Z" } }),
    ];
    for mut input in cases {
        input["channelId"] = json!(channel);
        let body = app
            .graphql(Some(&editor), CREATE, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{input}: {body}");
    }
    let unknown_tag = projector_api::graphql::relay::to_global("Tag", uuid::Uuid::now_v7());
    let body = app
        .graphql(
            Some(&editor),
            CREATE,
            json!({ "i": { "channelId": channel, "corsOrigin": SITE, "video": { "tagIds": [unknown_tag.to_string()] } } }),
        )
        .await;
    assert_eq!(
        error_code(&body),
        Some("NOT_FOUND"),
        "an unknown tag: {body}"
    );
    assert_eq!(app.count("direct_uploads").await, 0);
}

async fn only_editors_of_the_channel_and_write_upload_tokens_within_their_channels_make_and_read_direct_uploads(
    backend: Backend,
) {
    let app = spawn(backend, 0).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let stranger = app.user_token("other@example.com", "EDITOR").await;
    let ours = app.create_channel(&editor, "Ours").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = app.create_channel(&editor, "Second").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let input = |channel: &str| json!({ "i": { "channelId": channel, "corsOrigin": SITE } });
    let token = |caps: Value, channels: Option<Value>| {
        let app = &app;
        let editor = editor.clone();
        async move {
            let mut i = json!({ "name": "t", "capabilities": caps });
            if let Some(c) = channels {
                i["channelIds"] = c;
            }
            let data = app
                .graphql_ok(
                    Some(&editor),
                    "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                    json!({ "i": i }),
                )
                .await;
            data["createApiToken"]["token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let it = direct(&app, &editor, input(&ours)["i"].clone()).await;
    let read = json!({ "id": it["id"] });

    // Nobody but the channel's editors, and tokens that may write and upload there.
    let read_only = token(json!(["READ"]), None).await;
    let no_upload = token(json!(["READ", "WRITE"]), None).await;
    let limited = token(json!(["READ", "WRITE", "UPLOAD"]), Some(json!([second]))).await;
    let full = token(json!(["READ", "WRITE", "UPLOAD"]), None).await;
    for (who, caller, code) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        ("a READ token", Some(read_only.as_str()), "FORBIDDEN"),
        (
            "a token without UPLOAD",
            Some(no_upload.as_str()),
            "FORBIDDEN",
        ),
        (
            "a token limited to another channel",
            Some(limited.as_str()),
            "FORBIDDEN",
        ),
        (
            "an editor of another channel",
            Some(stranger.as_str()),
            "FORBIDDEN",
        ),
    ] {
        let body = app.graphql(caller, CREATE, input(&ours)).await;
        assert_eq!(error_code(&body), Some(code), "{who} creating: {body}");
    }
    for (who, caller, code) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        ("a READ token", Some(read_only.as_str()), "FORBIDDEN"),
        (
            "a token limited to another channel",
            Some(limited.as_str()),
            "NOT_FOUND",
        ),
        (
            "an editor of another channel",
            Some(stranger.as_str()),
            "NOT_FOUND",
        ),
    ] {
        let body = app.graphql(caller, READ, read.clone()).await;
        assert_eq!(error_code(&body), Some(code), "{who} reading: {body}");
        assert!(body["data"]["directUpload"].is_null(), "{who}: {body}");
    }
    assert_eq!(app.count("direct_uploads").await, 1);

    // Those who may.
    direct(&app, &limited, input(&second)["i"].clone()).await;
    direct(&app, &full, input(&ours)["i"].clone()).await;
    let data = app.graphql_ok(Some(&full), READ, read).await;
    assert_eq!(data["directUpload"]["status"], "WAITING");
    assert_eq!(app.count("direct_uploads").await, 3);
}

both_databases!(
    a_page_on_the_registered_origin_uploads_one_file_that_becomes_a_ready_video_with_the_given_settings,
    each_misuse_of_a_direct_upload_url_gets_its_code_and_creates_nothing,
    a_file_no_video_can_be_made_of_ends_errored_with_its_reason_and_makes_no_video,
    an_upload_over_the_owners_quota_is_refused_and_the_url_stays_usable,
    an_owner_who_lost_the_channel_before_the_file_was_in_gets_errored_and_no_video,
    create_direct_upload_refuses_bad_inputs_and_stores_nothing,
    only_editors_of_the_channel_and_write_upload_tokens_within_their_channels_make_and_read_direct_uploads,
);
