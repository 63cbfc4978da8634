//! A private video played in Chromium from its embed page opened with a signed playback token:
//! the page, the playlists and the segments all reach the browser through the token alone, and
//! the token's `max_resolution` is the highest picture the player gets.

use std::net::SocketAddr;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use projector_tests::{Backend, browser::Browser, spawn_app_with};
use serde_json::json;

use super::{body_text, open, upload, wait_for_data, wait_for_js};

/// Signs `claims` with an Ed25519 private key in PKCS#8 PEM, `kid` in the header.
fn sign(private_pem: &str, kid: &str, claims: &serde_json::Value) -> String {
    use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(private_pem).unwrap();
    let encoding = EncodingKey::from_ed_der(key.to_pkcs8_der().unwrap().as_bytes());
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_video_plays_in_its_embed_page_with_a_playback_token_that_caps_its_ladder() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let app = spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 1;
        c.transcode.ladder = vec![240, 120];
    })
    .await;
    let admin = app.admin_token().await;
    let (channel, _) = super::channel(&app, &admin, "Members").await;
    let created = app
        .create_video(
            &admin,
            &channel,
            "Members only",
            json!({ "visibility": "PRIVATE" }),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let file = app.dir.path().join("members.mp4");
    projector_tests::media::Clip::new(320, 240, 4.0).write(&file);
    upload(&app, &admin, &file, &[("videoId", &id)]).await;
    let data = wait_for_data(
        &app,
        &admin,
        "query($id: ID!) { video(id: $id) { status } }",
        json!({ "id": id }),
        |d| d["video"]["status"] == "READY" || d["video"]["status"] == "FAILED",
    )
    .await;
    assert_eq!(data["video"]["status"], "READY", "{data}");
    let key = app
        .graphql_ok(
            Some(&admin),
            "mutation { createPlaybackKey(input: { name: \"Members site\", algorithm: EDDSA }) { playbackKey { id } privateKeyPem } }",
            json!({}),
        )
        .await;
    let kid = key["createPlaybackKey"]["playbackKey"]["id"]
        .as_str()
        .unwrap();
    let pem = key["createPlaybackKey"]["privateKeyPem"].as_str().unwrap();
    let exp = chrono::Utc::now().timestamp() + 600;
    let token = sign(
        pem,
        kid,
        &json!({ "sub": id, "aud": "v", "exp": exp, "max_resolution": "120p" }),
    );
    // Without the token the private video has no embed page.
    let r = app
        .client
        .get(app.url(&format!("/embed/{uuid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let browser = Browser::start().await;
    open(&browser, &app, &format!("/embed/{uuid}?token={token}")).await;
    browser
        .client
        .execute(
            "const v = document.getElementById('player'); v.muted = true; v.play().catch(() => {});",
            vec![],
        )
        .await
        .unwrap();
    let played = wait_for_js(
        &browser,
        "document.getElementById('player').currentTime > 0.5",
    )
    .await;
    let height = wait_for_js(&browser, "document.getElementById('player').videoHeight").await;
    // What the page itself is given: a master naming only the allowed rung, and a refusal for
    // the other one even with the same token.
    let seen = browser
        .client
        .execute(
            "const src = document.getElementById('player').getAttribute('data-src'); \
             const master = await (await fetch(src)).text(); \
             const above = await fetch(src.replace('master.m3u8', '240p/index.m3u8')); \
             return [master, above.status];",
            vec![],
        )
        .await
        .unwrap();
    let text = body_text(&browser).await;
    browser.close().await;
    assert!(
        played.is_some(),
        "the video never played; the page read:\n{text}"
    );
    assert_eq!(
        height,
        Some(json!(120)),
        "the player got more than the token allows"
    );
    let master = seen[0].as_str().unwrap();
    assert!(master.contains("120p/index.m3u8?token="), "{master}");
    assert!(!master.contains("240p"), "{master}");
    assert_eq!(seen[1], 403);
}
