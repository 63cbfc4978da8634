//! What integrators build on: the page, embed page and iframe snippet every video, episode and
//! playlist hands out (each fetched, serving what it claims), and oEmbed for the three kinds
//! in JSON and XML.

use projector_tests::{Backend, TestApp, both_databases, error_code};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{self, advertised, local};

/// A published video, a published episode (with audio, its podcast with square artwork) and a
/// public playlist holding the video.
pub struct Items {
    pub video: String,
    pub video_asset: Uuid,
    pub episode: String,
    pub audio: support::Outputs,
    pub artwork: Uuid,
    pub playlist: String,
}

pub async fn items(app: &TestApp, admin: &str) -> Items {
    let (video, out) =
        support::playable_video(app, admin, json!({ "title": "Sea & <Sky>" }), 10).await;
    let channel = app
        .graphql_ok(
            Some(admin),
            "query($id: ID!) { node(id: $id) { ... on Video { channel { id } } } }",
            json!({ "id": video }),
        )
        .await["node"]["channel"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let podcast = support::podcast(app, admin, &channel, json!({})).await;
    let episode = support::episode(app, admin, &podcast, "Episode One", json!({})).await;
    let storage = support::storage(app).await;
    let audio = support::audio_outputs(app, storage.as_ref()).await;
    support::attach_episode(app, &episode, audio.asset).await;
    let artwork = support::uploaded_picture(app, admin, "image/png", b"artwork").await;
    let db = app.db().await;
    use projector_api::media::entity::media_asset;
    use projector_api::podcasts::entity::podcast;
    podcast::Entity::update_many()
        .col_expr(podcast::Column::ArtworkAssetId, Expr::value(artwork))
        .filter(podcast::Column::Id.eq(support::uuid_of(&podcast)))
        .exec(&db)
        .await
        .unwrap();
    media_asset::Entity::update_many()
        .col_expr(
            media_asset::Column::Probe,
            Expr::value(r#"{"width":1400,"height":1400}"#),
        )
        .filter(media_asset::Column::Id.eq(artwork))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
    let playlist = playlist(app, admin, &channel, "Best of <Sea>", "PUBLIC", &[&video]).await;
    Items {
        video,
        video_asset: out.asset,
        episode,
        audio,
        artwork,
        playlist,
    }
}

/// A playlist of `videos`, in that order.
pub async fn playlist(
    app: &TestApp,
    admin: &str,
    channel: &str,
    title: &str,
    visibility: &str,
    videos: &[&str],
) -> String {
    let id = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": title, "visibility": visibility } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for v in videos {
        app.graphql_ok(
            Some(admin),
            "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
            json!({ "i": { "playlistId": id, "videoId": v } }),
        )
        .await;
    }
    id
}

const LINKS: &str = "query($id: ID!) { node(id: $id) { \
    ... on Video { watchUrl embedUrl embedHtml small: embedHtml(width: 320, height: 180) } \
    ... on Episode { watchUrl embedUrl embedHtml small: embedHtml(width: 320, height: 180) } \
    ... on Playlist { watchUrl embedUrl embedHtml small: embedHtml(width: 320, height: 180) } } }";

async fn links(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    app.graphql_ok(token, LINKS, json!({ "id": id })).await["node"].clone()
}

async fn fetch(app: &TestApp, url: &str) -> (StatusCode, String, String) {
    let r = app.client.get(local(app, url)).send().await.unwrap();
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

/// The `src` of the snippet's iframe, unescaped.
fn iframe_src(html: &str) -> String {
    let rest = &html[html.find("<iframe src=\"").expect("an iframe") + 13..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

async fn every_item_hands_out_urls_that_serve_what_they_claim(backend: Backend) {
    let app = crate::pages::spawn(backend).await;
    let admin = app.admin_token().await;
    let it = items(&app, &admin).await;
    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let master = advertised(&app, it.video_asset, "hls/master.m3u8");
    let mp3 = advertised(&app, it.audio.asset, "audio/audio.mp3");
    let cases = [
        (
            &it.video,
            "watch",
            "embed",
            "Sea &amp; &lt;Sky&gt;",
            master.clone(),
        ),
        (
            &it.episode,
            "episodes",
            "embed/episodes",
            "Episode One",
            mp3,
        ),
        (
            &it.playlist,
            "playlists",
            "embed/playlists",
            "Best of &lt;Sea&gt;",
            master,
        ),
    ];
    for (id, page, embed, title, media) in cases {
        let uuid = support::uuid_of(id);
        // The same for an anonymous reader and for the editor.
        for token in [None, Some(admin.as_str())] {
            let l = links(&app, token, id).await;
            assert_eq!(l["watchUrl"], format!("{base}/{page}/{uuid}"), "{l}");
            assert_eq!(l["embedUrl"], format!("{base}/{embed}/{uuid}"), "{l}");
            let html = l["embedHtml"].as_str().unwrap();
            assert_eq!(iframe_src(html), l["embedUrl"].as_str().unwrap(), "{html}");
            assert!(html.contains("width=\"640\" height=\"360\""), "{html}");
            assert!(html.contains(&format!("title=\"{title}\"")), "{html}");
            let small = l["small"].as_str().unwrap();
            assert!(small.contains("width=\"320\" height=\"180\""), "{small}");
        }
        let l = links(&app, None, id).await;
        // The page is the app with the item's head filled in.
        let (status, kind, html) = fetch(&app, l["watchUrl"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(html.contains("app shell"), "{html}");
        assert!(
            html.contains(&format!("<title>{title} · Projector</title>")),
            "{html}"
        );
        // The embed page (reached through the snippet) plays the item's media.
        let src = iframe_src(l["embedHtml"].as_str().unwrap());
        let (status, kind, html) = fetch(&app, &src).await;
        assert_eq!(status, StatusCode::OK, "{embed}");
        assert_eq!(kind, "text/html; charset=utf-8");
        assert!(html.contains("id=\"player\""), "{html}");
        assert!(
            html.contains(&media),
            "{embed} does not play {media}: {html}"
        );
        assert!(html.contains("/embed/assets/player.js"), "{html}");
        assert!(html.contains("application/json+oembed"), "{html}");
        assert!(html.contains("text/xml+oembed"), "{html}");
    }
    // The episode's page is an audio player with the podcast's artwork; the playlist's names
    // the playlist and where the item stands.
    let (_, _, html) = fetch(
        &app,
        &format!("{base}/embed/episodes/{}", support::uuid_of(&it.episode)),
    )
    .await;
    assert!(html.contains("<audio id=\"player\""), "{html}");
    assert!(
        html.contains(&advertised(&app, it.artwork, "source")),
        "{html}"
    );
    let list = support::uuid_of(&it.playlist);
    let (_, _, html) = fetch(&app, &format!("{base}/embed/playlists/{list}")).await;
    assert!(html.contains("Best of &lt;Sea&gt;</a> · 1/1"), "{html}");
    assert!(
        !html.contains("data-next"),
        "the last item has no next: {html}"
    );
    let (status, _, _) = fetch(&app, &format!("{base}/embed/playlists/{list}?index=1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an index past the end");
}

async fn a_playlists_embed_page_moves_on_to_the_next_public_item(backend: Backend) {
    let app = crate::pages::spawn(backend).await;
    let admin = app.admin_token().await;
    let (first, _) = support::playable_video(&app, &admin, json!({ "title": "First" }), 10).await;
    let channel = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on Video { channel { id } } } }",
            json!({ "id": first }),
        )
        .await["node"]["channel"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let hidden = support::video(
        &app,
        &admin,
        &channel,
        "Hidden",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let third = support::video(&app, &admin, &channel, "Third", json!({})).await;
    let list = playlist(
        &app,
        &admin,
        &channel,
        "Mix",
        "UNLISTED",
        &[&first, &hidden, &third],
    )
    .await;
    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let embed = format!("{base}/embed/playlists/{}", support::uuid_of(&list));
    let (status, _, html) = fetch(&app, &embed).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Mix</a> · 1/2 · First"),
        "the private item is not counted: {html}"
    );
    assert!(
        html.contains(&format!("data-next=\"{embed}?index=1&amp;autoplay=1\"")),
        "{html}"
    );
    let (status, _, html) = fetch(&app, &format!("{embed}?index=1&autoplay=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Mix</a> · 2/2 · Third"), "{html}");
    assert!(html.contains(" autoplay muted"), "{html}");
    assert!(!html.contains("Hidden"), "{html}");
}

async fn embed_sizes_outside_the_limits_are_refused(backend: Backend) {
    let app = crate::pages::spawn(backend).await;
    let admin = app.admin_token().await;
    let it = items(&app, &admin).await;
    let bad = [
        (99, 360),
        (3841, 360),
        (640, 49),
        (640, 2161),
        (0, 0),
        (-640, 360),
    ];
    for id in [&it.video, &it.episode, &it.playlist] {
        for (w, h) in bad {
            let body = app
                .graphql(
                    None,
                    "query($id: ID!, $w: Int!, $h: Int!) { node(id: $id) { \
                     ... on Video { embedHtml(width: $w, height: $h) } \
                     ... on Episode { embedHtml(width: $w, height: $h) } \
                     ... on Playlist { embedHtml(width: $w, height: $h) } } }",
                    json!({ "id": id, "w": w, "h": h }),
                )
                .await;
            assert_eq!(error_code(&body), Some("VALIDATION"), "{w}x{h}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains("pixels"), "{message}");
        }
        // The limits themselves are fine.
        for (w, h) in [(100, 50), (3840, 2160)] {
            let body = app
                .graphql(
                    None,
                    "query($id: ID!, $w: Int!, $h: Int!) { node(id: $id) { \
                     ... on Video { embedHtml(width: $w, height: $h) } \
                     ... on Episode { embedHtml(width: $w, height: $h) } \
                     ... on Playlist { embedHtml(width: $w, height: $h) } } }",
                    json!({ "id": id, "w": w, "h": h }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{w}x{h}: {body}");
        }
    }
}

async fn private_episodes_and_playlists_have_no_embed_page(backend: Backend) {
    let app = crate::pages::spawn(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Quiet").await;
    let podcast = support::podcast(&app, &admin, &channel, json!({})).await;
    let private = support::episode(
        &app,
        &admin,
        &podcast,
        "Secret",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let draft = support::episode(
        &app,
        &admin,
        &podcast,
        "Draft",
        json!({ "publishAt": null }),
    )
    .await;
    let list = playlist(&app, &admin, &channel, "Secret list", "PRIVATE", &[]).await;
    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let pages = [
        format!("{base}/embed/episodes/{}", support::uuid_of(&private)),
        format!("{base}/embed/episodes/{}", support::uuid_of(&draft)),
        format!("{base}/embed/episodes/{}", Uuid::now_v7()),
        format!("{base}/embed/episodes/not-a-uuid"),
        format!("{base}/embed/playlists/{}", support::uuid_of(&list)),
        format!("{base}/embed/playlists/{}", Uuid::now_v7()),
    ];
    for page in pages {
        let (status, _, _) = fetch(&app, &page).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    }
    // The editor still gets the URLs (they are where the item will be once public).
    let l = links(&app, Some(&admin), &list).await;
    assert_eq!(
        l["embedUrl"],
        format!("{base}/embed/playlists/{}", support::uuid_of(&list))
    );
}

both_databases!(
    every_item_hands_out_urls_that_serve_what_they_claim,
    a_playlists_embed_page_moves_on_to_the_next_public_item,
    embed_sizes_outside_the_limits_are_refused,
    private_episodes_and_playlists_have_no_embed_page,
);
