//! oEmbed for videos, playlists and episodes, in JSON and in the spec's XML form.

use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::integrators::{Items, items, playlist};
use crate::support::{self, advertised, with_secret};

fn base(app: &TestApp) -> String {
    app.config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

async fn ask(app: &TestApp, target: &str, params: &[(&str, &str)]) -> reqwest::Response {
    let mut url = url::Url::parse(&app.url("/oembed")).unwrap();
    url.query_pairs_mut().append_pair("url", target);
    for (k, v) in params {
        url.query_pairs_mut().append_pair(k, v);
    }
    app.client.get(url.to_string()).send().await.unwrap()
}

/// The fields of an XML answer (`<oembed><name>text</name>...</oembed>`), unescaped, as the
/// JSON form would carry them (numbers as numbers).
fn parse_xml(xml: &str) -> Value {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\""),
        "{xml}"
    );
    let open = xml.find("<oembed>").expect("an <oembed> element") + 8;
    let close = xml.rfind("</oembed>").expect("a closed <oembed>");
    let mut rest = &xml[open..close];
    let mut out = serde_json::Map::new();
    while let Some(start) = rest.find('<') {
        let name_end = rest[start..].find('>').unwrap() + start;
        let name = &rest[start + 1..name_end];
        let end_tag = format!("</{name}>");
        let text_end = rest.find(&end_tag).expect("a closing tag");
        let raw = &rest[name_end + 1..text_end];
        assert!(!raw.contains('<'), "markup in <{name}>: {raw}");
        let text = raw
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        let value = match text.parse::<u64>() {
            Ok(n) if name != "title" && name != "version" => json!(n),
            _ => json!(text),
        };
        out.insert(name.to_string(), value);
        rest = &rest[text_end + end_tag.len()..];
    }
    Value::Object(out)
}

/// Both forms of the answer for `target`, after checking status and content type.
async fn both_forms(app: &TestApp, target: &str, params: &[(&str, &str)]) -> [Value; 2] {
    let r = ask(app, target, &[params, &[("format", "json")]].concat()).await;
    assert_eq!(r.status(), StatusCode::OK, "{target}");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let from_json: Value = r.json().await.unwrap();
    let r = ask(app, target, &[params, &[("format", "xml")]].concat()).await;
    assert_eq!(r.status(), StatusCode::OK, "{target}");
    assert_eq!(r.headers()["content-type"], "text/xml; charset=utf-8");
    let from_xml = parse_xml(&r.text().await.unwrap());
    [from_json, from_xml]
}

async fn oembed_describes_videos_playlists_and_episodes_in_json_and_xml(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let Items {
        video,
        video_asset,
        episode,
        artwork,
        playlist,
        ..
    } = items(&app, &admin).await;
    let base = base(&app);
    let thumb = advertised(&app, video_asset, "images/thumb-1-1280.jpg");
    let art = advertised(&app, artwork, "source");
    let (v, e, p) = (
        support::uuid_of(&video),
        support::uuid_of(&episode),
        support::uuid_of(&playlist),
    );
    // (page URL, embed URL, type, title, size, thumbnail and its size)
    let cases = [
        (
            format!("{base}/watch/{v}"),
            format!("{base}/embed/{v}"),
            "video",
            "Sea & <Sky>",
            (640, 360),
            (&thumb, 1280),
        ),
        (
            format!("{base}/playlists/{p}"),
            format!("{base}/embed/playlists/{p}"),
            "video",
            "Best of <Sea>",
            (640, 360),
            (&thumb, 1280),
        ),
        (
            format!("{base}/episodes/{e}"),
            format!("{base}/embed/episodes/{e}"),
            "rich",
            "Episode One",
            (640, 360),
            (&art, 1400),
        ),
    ];
    for (page, embed, kind, title, (w, h), (thumbnail, side)) in &cases {
        for target in [page, embed] {
            for body in both_forms(&app, target, &[]).await {
                assert_eq!(body["type"], *kind, "{target}: {body}");
                assert_eq!(body["version"], "1.0");
                assert_eq!(body["title"], *title, "{body}");
                assert_eq!(body["provider_name"], "Projector");
                assert_eq!(body["provider_url"], format!("{base}/"));
                assert!(
                    body["author_name"].as_str().is_some_and(|a| !a.is_empty()),
                    "{body}"
                );
                assert!(
                    body["author_url"].as_str().unwrap().starts_with(&base),
                    "{body}"
                );
                assert_eq!(
                    (body["width"].as_u64(), body["height"].as_u64()),
                    (Some(*w), Some(*h)),
                    "{body}"
                );
                let html = body["html"].as_str().unwrap();
                assert!(
                    html.starts_with(&format!(
                        "<iframe src=\"{embed}\" width=\"{w}\" height=\"{h}\""
                    )),
                    "{html}"
                );
                assert!(html.ends_with("</iframe>"), "{html}");
                assert_eq!(body["thumbnail_url"], json!(thumbnail), "{body}");
                assert_eq!(body["thumbnail_width"], *side, "{body}");
                assert_eq!(
                    body["thumbnail_height"],
                    if *kind == "rich" { 1400 } else { 720 },
                    "{body}"
                );
            }
        }
        // The maxima shrink the player in both forms.
        for body in both_forms(&app, page, &[("maxwidth", "320")]).await {
            assert_eq!(
                (body["width"].as_u64(), body["height"].as_u64()),
                (Some(320), Some(180)),
                "{body}"
            );
        }
    }
    // The episode's author is the podcast's.
    let [body, _] = both_forms(&app, &cases[2].0, &[]).await;
    assert_eq!(body["author_name"], "Ann Author");
    let author_url = body["author_url"].as_str().unwrap();
    assert!(
        author_url.starts_with(&format!("{base}/podcasts/")) && author_url.ends_with("/the-show"),
        "{author_url}"
    );
}

async fn private_and_unpublished_items_get_404_in_both_formats_and_unknown_formats_501(
    backend: Backend,
) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let it = items(&app, &admin).await;
    let channel = support::channel(&app, &admin, "Quiet").await;
    let (private_video, _) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 10).await;
    let draft_video = support::video(
        &app,
        &admin,
        &channel,
        "Draft",
        json!({ "publishAt": null }),
    )
    .await;
    let podcast = support::podcast(&app, &admin, &channel, json!({})).await;
    let private_episode = support::episode(
        &app,
        &admin,
        &podcast,
        "Secret",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let draft_episode = support::episode(
        &app,
        &admin,
        &podcast,
        "Draft",
        json!({ "publishAt": null }),
    )
    .await;
    let private_list = playlist(&app, &admin, &channel, "Secret list", "PRIVATE", &[]).await;
    let base = base(&app);
    let u = |id: &str| support::uuid_of(id);
    let hidden = [
        format!("{base}/watch/{}", u(&private_video)),
        format!("{base}/embed/{}", u(&draft_video)),
        format!("{base}/episodes/{}", u(&private_episode)),
        format!("{base}/embed/episodes/{}", u(&draft_episode)),
        format!("{base}/playlists/{}", u(&private_list)),
        format!("{base}/embed/playlists/{}", u(&private_list)),
        format!("{base}/episodes/{}", Uuid::now_v7()),
        format!("{base}/playlists/{}", Uuid::now_v7()),
        format!("{base}/embed/watch/{}", u(&it.video)),
        format!("https://evil.example/episodes/{}", u(&it.episode)),
    ];
    for target in &hidden {
        for format in ["json", "xml"] {
            let r = ask(&app, target, &[("format", format)]).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{target} as {format}");
        }
    }
    // Unknown formats are 501 (the spec's answer), for every kind.
    for target in [
        format!("{base}/watch/{}", u(&it.video)),
        format!("{base}/episodes/{}", u(&it.episode)),
        format!("{base}/playlists/{}", u(&it.playlist)),
    ] {
        for format in ["yaml", "XML", ""] {
            let r = ask(&app, &target, &[("format", format)]).await;
            assert_eq!(
                r.status(),
                StatusCode::NOT_IMPLEMENTED,
                "{target} as {format:?}"
            );
        }
    }
}

both_databases!(
    oembed_describes_videos_playlists_and_episodes_in_json_and_xml,
    private_and_unpublished_items_get_404_in_both_formats_and_unknown_formats_501,
);
