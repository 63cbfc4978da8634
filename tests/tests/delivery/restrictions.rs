//! Playback restrictions: a channel's referrer allowlist on the embed page and public media.

use projector_api::config::StorageBackend;
use projector_tests::garage::Garage;
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{self, with_secret};

const SET: &str = "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { \
                   playbackRestriction { allowedDomains allowNoReferrer } } } }";

/// A playable video in a new channel: (channel ID, video UUID, asset).
async fn restricted_video(app: &TestApp, admin: &str) -> (String, Uuid, Uuid) {
    let channel = support::channel(app, admin, "Restricted").await;
    let video = support::video(app, admin, &channel, "Guarded", json!({})).await;
    let storage = support::storage(app).await;
    let outputs = support::video_outputs(app, storage.as_ref(), 100).await;
    support::attach_video(app, &video, outputs.asset).await;
    (channel, support::uuid_of(&video), outputs.asset)
}

/// The statuses of the embed page, the master playlist and a segment with `referer`.
async fn statuses(app: &TestApp, video: Uuid, asset: Uuid, referer: Option<&str>) -> [u16; 3] {
    let urls = [
        app.url(&format!("/embed/{video}")),
        support::served(app, asset, "hls/master.m3u8"),
        support::served(app, asset, "hls/360p/seg-00001.ts"),
    ];
    let mut out = [0; 3];
    for (i, url) in urls.iter().enumerate() {
        let mut request = app.client.get(url);
        if let Some(r) = referer {
            request = request.header("referer", r);
        }
        let response = request.send().await.unwrap();
        out[i] = response.status().as_u16();
        let body = response.bytes().await.unwrap();
        if out[i] == 403 {
            assert_eq!(&body[..], b"forbidden", "{url}");
        }
    }
    out
}

async fn restriction(app: &TestApp, token: &str, channel: &str) -> Value {
    app.graphql_ok(
        Some(token),
        "query($id: ID!) { channel(id: $id) { playbackRestriction { allowedDomains allowNoReferrer } } }",
        json!({ "id": channel }),
    )
    .await["channel"]["playbackRestriction"]
        .clone()
}

async fn a_referrer_allowlist_guards_the_embed_page_and_media(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    allowlist_guards_the_embed_page_and_media(&app).await;
}

/// On S3 the media answer is a redirect to a presigned URL (followed here): the allowlist is
/// checked before it, so a refused referrer never learns a URL that would serve the bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_garage_the_allowlist_is_checked_before_the_presigned_redirect() {
    let garage = tokio::task::spawn_blocking(Garage::start).await.unwrap();
    let s3 = garage.s3.clone();
    let app = spawn_app_with(Backend::Sqlite, move |c| {
        with_secret(c);
        c.storage.backend = StorageBackend::S3;
        c.storage.s3 = s3;
    })
    .await;
    allowlist_guards_the_embed_page_and_media(&app).await;
}

async fn allowlist_guards_the_embed_page_and_media(app: &TestApp) {
    let admin = app.admin_token().await;
    let (channel, video, asset) = restricted_video(app, &admin).await;
    let (_, open_video, open_asset) = restricted_video(app, &admin).await;
    const OK: [u16; 3] = [200, 200, 200];
    const NO: [u16; 3] = [403, 403, 403];

    // Unrestricted: anyone, from anywhere.
    assert_eq!(
        statuses(app, video, asset, Some("https://evil.net/")).await,
        OK
    );
    assert_eq!(statuses(app, video, asset, None).await, OK);
    assert_eq!(
        restriction(app, &admin, &channel).await,
        json!({ "allowedDomains": [], "allowNoReferrer": true })
    );

    let set = app
        .graphql_ok(
            Some(&admin),
            SET,
            json!({ "i": { "id": channel, "playbackRestriction": {
                "allowedDomains": ["Example.com", "*.partner.org", "example.com"],
                "allowNoReferrer": false } } }),
        )
        .await;
    assert_eq!(
        set["updateChannel"]["channel"]["playbackRestriction"],
        json!({ "allowedDomains": ["example.com", "*.partner.org"], "allowNoReferrer": false })
    );
    for allowed in [
        "https://example.com/blog/post",
        "http://EXAMPLE.com:8080/",
        "https://www.partner.org/",
        "https://a.b.partner.org/x",
    ] {
        assert_eq!(
            statuses(app, video, asset, Some(allowed)).await,
            OK,
            "{allowed}"
        );
    }
    for refused in [
        "https://evil.net/",
        "https://evil-example.com/",
        "https://example.com.evil.net/",
        "https://www.example.com/",
        "https://partner.org/",
        "https://notpartner.org/",
        "garbage",
    ] {
        assert_eq!(
            statuses(app, video, asset, Some(refused)).await,
            NO,
            "{refused}"
        );
    }
    assert_eq!(statuses(app, video, asset, None).await, NO);
    // Another channel's video is untouched.
    assert_eq!(
        statuses(app, open_video, open_asset, Some("https://evil.net/")).await,
        OK
    );

    // Signed URLs (editors') are not restricted; public restricted media is not for shared caches.
    let signer =
        projector_api::delivery::sign::Signer::new(support::MEDIA_SECRET.as_bytes().to_vec());
    let token = signer.token(asset, chrono::Utc::now().timestamp() + 3600);
    for path in ["hls/master.m3u8", "hls/360p/seg-00001.ts"] {
        let r = app
            .client
            .get(app.url(&format!("/media/{token}/{asset}/{path}")))
            .header("referer", "https://evil.net/")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    // (The server's own answer: the bytes here, the redirect to them on S3.)
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(support::served(app, asset, "hls/360p/seg-00001.ts"))
        .header("referer", "https://example.com/")
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );

    // Allowing requests without a referrer.
    app.graphql_ok(
        Some(&admin),
        SET,
        json!({ "i": { "id": channel, "playbackRestriction": {
            "allowedDomains": ["example.com"], "allowNoReferrer": true } } }),
    )
    .await;
    assert_eq!(statuses(app, video, asset, None).await, OK);
    assert_eq!(
        statuses(app, video, asset, Some("https://evil.net/")).await,
        NO
    );

    // An empty list lifts the restriction.
    app.graphql_ok(
        Some(&admin),
        SET,
        json!({ "i": { "id": channel, "playbackRestriction": { "allowedDomains": [] } } }),
    )
    .await;
    assert_eq!(
        statuses(app, video, asset, Some("https://evil.net/")).await,
        OK
    );
}

async fn only_managers_set_valid_restrictions(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (channel, video, asset) = restricted_video(&app, &admin).await;
    let rule = json!({ "allowedDomains": ["example.com"], "allowNoReferrer": false });
    app.graphql_ok(
        Some(&admin),
        SET,
        json!({ "i": { "id": channel, "playbackRestriction": rule } }),
    )
    .await;

    // Another editor may neither change nor read it.
    let editor = app.user_token("other-editor@example.com", "EDITOR").await;
    let body = app
        .graphql(
            Some(&editor),
            SET,
            json!({ "i": { "id": channel, "playbackRestriction": { "allowedDomains": [] } } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .graphql(
            Some(&editor),
            "query($id: ID!) { channel(id: $id) { name playbackRestriction { allowedDomains } } }",
            json!({ "id": channel }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .graphql(
            None,
            "query($id: ID!) { channel(id: $id) { playbackRestriction { allowedDomains } } }",
            json!({ "id": channel }),
        )
        .await;
    assert!(error_code(&body).is_some(), "{body}");

    // Bad domains: VALIDATION, and nothing changes.
    let many: Vec<String> = (0..101).map(|i| format!("d{i}.example.com")).collect();
    for bad in [
        json!(["http://x.com"]),
        json!([""]),
        json!(["*"]),
        json!(["exa mple.com"]),
        json!(["example.com/path"]),
        json!(["example.com", "*.*.example.com"]),
        json!(many),
    ] {
        let body = app
            .graphql(
                Some(&admin),
                SET,
                json!({ "i": { "id": channel, "name": "Renamed",
                    "playbackRestriction": { "allowedDomains": bad } } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    }
    assert_eq!(restriction(&app, &admin, &channel).await, rule);
    let name = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { channel(id: $id) { name } }",
            json!({ "id": channel }),
        )
        .await;
    assert_eq!(name["channel"]["name"], "Restricted");
    assert_eq!(
        statuses(&app, video, asset, Some("https://evil.net/")).await,
        [403, 403, 403]
    );
}

const SET_VIDEO: &str = "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { \
                         playbackRestriction { allowedDomains allowNoReferrer } } } }";

async fn a_video_overrides_its_channel(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (channel, video, asset) = restricted_video(&app, &admin).await;
    let global = projector_api::graphql::relay::to_global("Video", video).0;
    app.graphql_ok(
        Some(&admin),
        SET,
        json!({ "i": { "id": channel, "playbackRestriction": {
            "allowedDomains": ["example.com"], "allowNoReferrer": false } } }),
    )
    .await;
    let read = |token: String| {
        let app = &app;
        let global = global.clone();
        async move {
            app.graphql(
                Some(&token),
                "query($id: ID!) { video(id: $id) { playbackRestriction { allowedDomains allowNoReferrer } } }",
                json!({ "id": global }),
            )
            .await
        }
    };
    assert_eq!(
        read(admin.clone()).await["data"]["video"]["playbackRestriction"],
        Value::Null
    );

    // A playlist's embed page of the video follows the video's rule.
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "List", "visibility": "PUBLIC" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
        json!({ "i": { "playlistId": playlist, "videoId": global } }),
    )
    .await;
    let page = app.url(&format!("/embed/playlists/{}", support::uuid_of(&playlist)));
    for (referer, status) in [("https://example.com/", 200), ("https://evil.net/", 403)] {
        let r = app
            .client
            .get(&page)
            .header("referer", referer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{referer}");
    }

    // Its own list replaces the channel's.
    let set = app
        .graphql_ok(
            Some(&admin),
            SET_VIDEO,
            json!({ "i": { "id": global, "playbackRestriction": { "allowedDomains": ["*.other.org"] } } }),
        )
        .await;
    assert_eq!(
        set["updateVideo"]["video"]["playbackRestriction"],
        json!({ "allowedDomains": ["*.other.org"], "allowNoReferrer": true })
    );
    assert_eq!(
        statuses(&app, video, asset, Some("https://www.other.org/")).await,
        [200; 3]
    );
    assert_eq!(statuses(&app, video, asset, None).await, [200; 3]);
    assert_eq!(
        statuses(&app, video, asset, Some("https://example.com/")).await,
        [403; 3]
    );

    // An empty list lifts the channel's restriction for this video.
    app.graphql_ok(
        Some(&admin),
        SET_VIDEO,
        json!({ "i": { "id": global, "playbackRestriction": { "allowedDomains": [] } } }),
    )
    .await;
    assert_eq!(
        statuses(&app, video, asset, Some("https://evil.net/")).await,
        [200; 3]
    );

    // Null: the channel's applies again.
    app.graphql_ok(
        Some(&admin),
        SET_VIDEO,
        json!({ "i": { "id": global, "playbackRestriction": null } }),
    )
    .await;
    assert_eq!(
        statuses(&app, video, asset, Some("https://evil.net/")).await,
        [403; 3]
    );
    assert_eq!(
        statuses(&app, video, asset, Some("https://example.com/")).await,
        [200; 3]
    );

    // Bad domains change nothing; other editors may neither set nor read it.
    let body = app
        .graphql(
            Some(&admin),
            SET_VIDEO,
            json!({ "i": { "id": global, "title": "Renamed", "playbackRestriction": { "allowedDomains": ["*"] } } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let editor = app.user_token("video-outsider@example.com", "EDITOR").await;
    let body = app
        .graphql(
            Some(&editor),
            SET_VIDEO,
            json!({ "i": { "id": global, "playbackRestriction": { "allowedDomains": [] } } }),
        )
        .await;
    assert!(
        matches!(error_code(&body), Some("FORBIDDEN" | "NOT_FOUND")),
        "{body}"
    );
    let body = read(editor).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(
        read(admin.clone()).await["data"]["video"]["playbackRestriction"],
        Value::Null
    );
    assert_eq!(
        statuses(&app, video, asset, Some("https://evil.net/")).await,
        [403; 3]
    );
}

both_databases!(
    a_referrer_allowlist_guards_the_embed_page_and_media,
    only_managers_set_valid_restrictions,
    a_video_overrides_its_channel,
);
