//! The app's pages as unfurlers and crawlers read them (no scripts run): the head filled per
//! item, 404 for what the public may not see, the sitemap and robots.txt, and the cache and
//! compression headers of the app's files. The app is a small fake dist directory so the tests
//! do not depend on a Trunk build.

use std::path::Path;

use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{self, with_secret};

const INDEX: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Projector</title>\
<link rel=\"modulepreload\" href=\"/app-0123abcd.js\"></head><body>app shell</body></html>";
const WASM: &[u8] = b"\0asm plain wasm bytes";
const WASM_BR: &[u8] = b"brotli bytes";
const WASM_GZ: &[u8] = b"gzip bytes";

/// Writes a small built app into `dir`.
fn fake_dist(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("app-0123abcd.wasm"), WASM).unwrap();
    std::fs::write(dir.join("app-0123abcd.wasm.br"), WASM_BR).unwrap();
    std::fs::write(dir.join("app-0123abcd.wasm.gz"), WASM_GZ).unwrap();
    std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
    for name in ["app-0123abcd.js", "style-89abcdef01234567.css"] {
        std::fs::write(dir.join(name), format!("plain {name}")).unwrap();
        std::fs::write(dir.join(format!("{name}.br")), format!("brotli {name}")).unwrap();
        std::fs::write(dir.join(format!("{name}.gz")), format!("gzip {name}")).unwrap();
    }
}

/// A server serving the fake app, with the known media secret.
pub async fn spawn(backend: Backend) -> TestApp {
    // Outside the app's own temporary directory, which does not exist before the app starts.
    let dist = std::env::temp_dir().join(format!("projector-dist-{}", uuid::Uuid::now_v7()));
    fake_dist(&dist);
    spawn_app_with(backend, |c| {
        with_secret(c);
        c.frontend_dir = dist;
    })
    .await
}

fn base(app: &TestApp) -> String {
    app.config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

async fn set_duration(app: &TestApp, id: &str, seconds: f64) {
    use projector_api::videos::entity::video;
    let db = app.db().await;
    video::Entity::update_many()
        .col_expr(video::Column::DurationSecs, Expr::value(seconds))
        .filter(video::Column::Id.eq(support::uuid_of(id)))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

/// The `content` of `<meta property|name="key" content="...">`.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    for attr in ["property", "name"] {
        let needle = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(i) = html.find(&needle) {
            let rest = &html[i + needle.len()..];
            return Some(&rest[..rest.find('"').unwrap()]);
        }
    }
    None
}

fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let i = html.find(open).expect("a JSON-LD block") + open.len();
    let end = html[i..].find("</script>").unwrap();
    serde_json::from_str(&html[i..i + end]).unwrap()
}

async fn a_watch_page_carries_the_videos_head_for_unfurlers(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin_token().await;
    let (id, out) = support::playable_video(
        &app,
        &admin,
        json!({ "title": "Sunset & Sea", "description": "Waves at dusk." }),
        100,
    )
    .await;
    set_duration(&app, &id, 3725.0).await;
    let uuid = support::uuid_of(&id);
    let base = base(&app);

    let (status, headers, html) = get(&app, &format!("/watch/{uuid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-cache");
    assert!(
        html.contains("<title>Sunset &amp; Sea · Projector</title>"),
        "{html}"
    );
    assert_eq!(html.matches("<title>").count(), 1, "{html}");
    assert!(html.contains("app shell"), "the app itself is sent: {html}");
    assert_eq!(meta(&html, "description"), Some("Waves at dusk."));
    assert!(html.contains(&format!(
        "<link rel=\"canonical\" href=\"{base}/watch/{uuid}\">"
    )));
    assert_eq!(meta(&html, "og:type"), Some("video.other"));
    assert_eq!(meta(&html, "og:title"), Some("Sunset &amp; Sea"));
    assert_eq!(
        meta(&html, "og:url"),
        Some(format!("{base}/watch/{uuid}").as_str())
    );
    let embed = format!("{base}/embed/{uuid}");
    assert_eq!(meta(&html, "og:video"), Some(embed.as_str()));
    let image = meta(&html, "og:image").expect("og:image");
    assert!(image.contains(&out.asset.to_string()), "{image}");
    assert_eq!(meta(&html, "twitter:card"), Some("player"));
    assert_eq!(meta(&html, "twitter:player"), Some(embed.as_str()));
    assert!(
        meta(&html, "twitter:player:width")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    assert!(
        meta(&html, "twitter:player:height")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    assert_eq!(meta(&html, "robots"), None, "a public video may be indexed");

    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "VideoObject");
    assert_eq!(ld["name"], "Sunset & Sea");
    assert_eq!(ld["description"], "Waves at dusk.");
    assert_eq!(ld["duration"], "PT1H2M5S");
    assert_eq!(ld["embedUrl"], embed);
    assert!(ld["uploadDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(ld["thumbnailUrl"][0], image);
    assert!(
        ld["contentUrl"]
            .as_str()
            .unwrap()
            .contains(&out.asset.to_string())
    );

    // The oEmbed discovery link, and it answers.
    let needle = "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"";
    let i = html.find(needle).expect("an oEmbed link") + needle.len();
    let href = html[i..i + html[i..].find('"').unwrap()].replace("&amp;", "&");
    let oembed: Value = app
        .client
        .get(support::local(&app, &href))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(oembed["title"], "Sunset & Sea");
}

both_databases!(a_watch_page_carries_the_videos_head_for_unfurlers);

async fn user_text_in_a_title_cannot_break_out_of_the_head(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin_token().await;
    let evil = "</title><script>alert(1)</script>\"'><b>";
    let (id, _) = support::playable_video(
        &app,
        &admin,
        json!({ "title": evil, "description": "</script><script>alert(2)</script>" }),
        100,
    )
    .await;
    let (status, _, html) = get(&app, &format!("/watch/{}", support::uuid_of(&id))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert_eq!(html.matches("</title>").count(), 1, "{html}");
    // The only </script> is the JSON-LD block's own end, and the JSON still reads back.
    assert_eq!(html.matches("</script>").count(), 1, "{html}");
    let ld = json_ld(&html);
    assert_eq!(ld["name"], evil);
    assert_eq!(ld["description"], "</script><script>alert(2)</script>");
}

both_databases!(user_text_in_a_title_cannot_break_out_of_the_head);

async fn hidden_and_unknown_items_answer_404_with_the_app(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Hidden Things").await;
    let private = support::video(
        &app,
        &admin,
        &channel,
        "Secret plan",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let draft = support::video(
        &app,
        &admin,
        &channel,
        "Draft plan",
        json!({ "status": "DRAFT" }),
    )
    .await;
    let unpublished = support::video(
        &app,
        &admin,
        &channel,
        "Unpublished plan",
        json!({ "publishAt": null }),
    )
    .await;
    let paths = [
        format!("/watch/{}", support::uuid_of(&private)),
        format!("/watch/{}", support::uuid_of(&draft)),
        format!("/watch/{}", support::uuid_of(&unpublished)),
        format!("/watch/{}", uuid::Uuid::now_v7()),
        "/watch/not-a-uuid".to_string(),
        "/channels/no-such-channel".to_string(),
        "/podcasts/no-such-channel/no-such-show".to_string(),
        format!("/playlists/{}", uuid::Uuid::now_v7()),
        format!("/episodes/{}", uuid::Uuid::now_v7()),
    ];
    for path in &paths {
        let (status, headers, html) = get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(html.contains("app shell"), "{path}: {html}");
        assert!(!html.contains("plan"), "{path} leaks the title: {html}");
        assert!(!html.contains("og:"), "{path}: {html}");
    }
    // Sent the same way to many at once.
    let all = futures::future::join_all(paths.iter().map(|p| get(&app, p))).await;
    assert!(all.iter().all(|(s, _, _)| *s == StatusCode::NOT_FOUND));

    // The channel exists: its page is filled; plain client routes still get the app.
    let slug = app
        .graphql_ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Channel { slug } } }",
            json!({ "id": channel }),
        )
        .await["node"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, html) = get(&app, &format!("/channels/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<title>Hidden Things · Projector</title>"),
        "{html}"
    );
    // (`/admin` addresses get the admin build: see the tests below.)
    for path in ["/", "/search", "/no/such/page"] {
        let (status, _, html) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(html, INDEX, "{path}");
    }
}

both_databases!(hidden_and_unknown_items_answer_404_with_the_app);

async fn the_sitemap_lists_public_videos_and_robots_names_it(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin_token().await;
    let (public, out) =
        support::playable_video(&app, &admin, json!({ "title": "Listed <one>" }), 100).await;
    set_duration(&app, &public, 42.0).await;
    let channel = support::channel(&app, &admin, "Other").await;
    let private = support::video(
        &app,
        &admin,
        &channel,
        "Private one",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let unlisted = support::video(
        &app,
        &admin,
        &channel,
        "Unlisted one",
        json!({ "visibility": "UNLISTED" }),
    )
    .await;
    let base = base(&app);

    let (status, headers, xml) = get(&app, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    assert!(xml.starts_with("<?xml"), "{xml}");
    let public_uuid = support::uuid_of(&public);
    assert!(
        xml.contains(&format!("<loc>{base}/watch/{public_uuid}</loc>")),
        "{xml}"
    );
    assert!(
        xml.contains("<video:title>Listed &lt;one&gt;</video:title>"),
        "{xml}"
    );
    assert!(xml.contains("<video:duration>42</video:duration>"), "{xml}");
    assert!(xml.contains(&format!(
        "<video:player_loc>{base}/embed/{public_uuid}</video:player_loc>"
    )));
    assert!(xml.contains("<video:thumbnail_loc>"), "{xml}");
    assert!(xml.contains(&out.asset.to_string()), "{xml}");
    assert!(xml.contains("<video:publication_date>"), "{xml}");
    assert!(
        !xml.contains(&support::uuid_of(&private).to_string()),
        "{xml}"
    );
    assert!(
        !xml.contains(&support::uuid_of(&unlisted).to_string()),
        "{xml}"
    );
    assert!(xml.contains(&format!("{base}/channels/")), "{xml}");
    assert_eq!(
        xml.matches("<url>").count(),
        3,
        "two channels and one video: {xml}"
    );

    let (status, _, robots) = get(&app, "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains("User-agent: *\nAllow: /\n"), "{robots}");
    assert!(robots.contains("Disallow: /admin\n"), "{robots}");
    assert!(robots.contains("Disallow: /graphql\n"), "{robots}");
    assert!(
        robots.contains(&format!("Sitemap: {base}/sitemap.xml")),
        "{robots}"
    );
}

both_databases!(the_sitemap_lists_public_videos_and_robots_names_it);

async fn the_app_s_html_is_marked_in_the_language_the_browser_prefers(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Quais").await;
    let channel_slug = app
        .graphql_ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Channel { slug } } }",
            json!({ "id": channel }),
        )
        .await["node"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let unknown = format!("/watch/{}", uuid::Uuid::now_v7());
    let cases = [
        (None, "en"),
        (Some("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), "fr"),
        (Some("fr-CA"), "fr"),
        (Some("de-DE,de;q=0.9,fr;q=0.8,en;q=0.7"), "fr"),
        (Some("en-GB,fr;q=0.5"), "en"),
        (Some("de, ja"), "en"),
    ];
    for path in [
        "/",
        "/search?q=port",
        &format!("/channels/{channel_slug}"),
        &unknown,
    ] {
        for (accept, lang) in cases {
            let mut r = app.client.get(app.url(path));
            if let Some(a) = accept {
                r = r.header("accept-language", a);
            }
            let r = r.send().await.unwrap();
            let status = r.status();
            let headers = r.headers().clone();
            let html = r.text().await.unwrap();
            let case = format!("{path} with {accept:?}");
            let expected = if path == unknown {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            assert_eq!(status, expected, "{case}");
            assert!(
                html.starts_with(&format!("<!DOCTYPE html><html lang=\"{lang}\"><head>")),
                "{case}: {html}"
            );
            assert_eq!(html.matches(" lang=").count(), 1, "{case}: {html}");
            assert!(html.contains("app shell"), "{case}: {html}");
            assert_eq!(headers["content-language"], lang, "{case}");
            assert!(
                headers["vary"]
                    .to_str()
                    .unwrap()
                    .to_ascii_lowercase()
                    .contains("accept-language"),
                "{case}"
            );
        }
    }
    // The head the server fills stays as it is in either language.
    let english = app
        .client
        .get(app.url(&format!("/channels/{channel_slug}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let french = app
        .client
        .get(app.url(&format!("/channels/{channel_slug}")))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("<title>Quais · Projector</title>"),
        "{english}"
    );
    assert_eq!(
        french,
        english.replacen("<html lang=\"en\">", "<html lang=\"fr\">", 1)
    );
}

both_databases!(the_app_s_html_is_marked_in_the_language_the_browser_prefers);

#[tokio::test]
async fn hashed_files_are_immutable_and_precompressed_by_accept_encoding() {
    let app = spawn(Backend::Sqlite).await;
    let ask = |encoding: Option<&'static str>, path: &'static str| {
        let mut r = app.client.get(app.url(path));
        if let Some(e) = encoding {
            r = r.header("accept-encoding", e);
        }
        r.send()
    };
    for (accept, encoding, body) in [
        (Some("br, gzip"), Some("br"), WASM_BR),
        (Some("gzip"), Some("gzip"), WASM_GZ),
        (None, None, WASM),
        (Some("identity"), None, WASM),
    ] {
        let r = ask(accept, "/app-0123abcd.wasm").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{accept:?}"
        );
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(
            r.headers()["content-type"],
            "application/wasm",
            "{accept:?}"
        );
        assert!(
            r.headers()["vary"]
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding"),
            "{accept:?}"
        );
        assert_eq!(&r.bytes().await.unwrap()[..], body, "{accept:?}");
    }
    // The start-up script and the style sheet the same way.
    for (path, name, kind) in [
        ("/app-0123abcd.js", "app-0123abcd.js", "javascript"),
        (
            "/style-89abcdef01234567.css",
            "style-89abcdef01234567.css",
            "text/css",
        ),
    ] {
        for (accept, encoding, body) in [
            (Some("gzip, deflate, br, zstd"), Some("br"), "brotli"),
            (Some("gzip;q=1.0, identity;q=0.5"), Some("gzip"), "gzip"),
            (None, None, "plain"),
        ] {
            let r = ask(accept, path).await.unwrap();
            let case = format!("{path} with {accept:?}");
            assert_eq!(r.status(), StatusCode::OK, "{case}");
            assert_eq!(
                r.headers()["cache-control"],
                "public, max-age=31536000, immutable",
                "{case}"
            );
            assert_eq!(
                r.headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{case}"
            );
            assert!(
                r.headers()["content-type"].to_str().unwrap().contains(kind),
                "{case}"
            );
            assert!(
                r.headers()["vary"]
                    .to_str()
                    .unwrap()
                    .to_ascii_lowercase()
                    .contains("accept-encoding"),
                "{case}"
            );
            assert_eq!(r.text().await.unwrap(), format!("{body} {name}"), "{case}");
        }
    }
    // Unhashed files and the app itself are revalidated.
    let r = ask(Some("br"), "/favicon.svg").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    for path in ["/", "/index.html", "/watch/not-a-uuid"] {
        let r = ask(Some("br"), path).await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
    }
}

const ADMIN_INDEX: &str = "<!DOCTYPE html><html><head><title>Projector admin</title>\
<script type=\"module\">import init from '/admin/admin-4567cdef.js';init('/admin/admin-4567cdef_bg.wasm');</script>\
</head><body>admin shell</body></html>";

#[tokio::test]
async fn admin_addresses_get_the_admin_build_and_every_other_address_the_viewer_build() {
    let dist = std::env::temp_dir().join(format!("projector-dist-{}", uuid::Uuid::now_v7()));
    fake_dist(&dist);
    std::fs::create_dir_all(dist.join("admin")).unwrap();
    std::fs::write(dist.join("admin/index.html"), ADMIN_INDEX).unwrap();
    std::fs::write(dist.join("admin/admin-4567cdef_bg.wasm"), b"\0asm admin").unwrap();
    let app = spawn_app_with(Backend::Sqlite, |c| {
        with_secret(c);
        c.frontend_dir = dist;
    })
    .await;

    for path in [
        "/admin",
        "/admin/",
        "/admin/library",
        "/admin/videos/0194b3a0-0000-7000-8000-000000000000",
    ] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("admin shell"), "{path} sent {body}");
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        // The admin build's start-up script is allowed by its hash.
        use base64::Engine as _;
        use sha2::Digest as _;
        let script =
            "import init from '/admin/admin-4567cdef.js';init('/admin/admin-4567cdef_bg.wasm');";
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
    }
    for path in ["/", "/search", "/administrators", "/watch/not-a-uuid"] {
        let (_, _, body) = get(&app, path).await;
        assert!(body.contains("app shell"), "{path} sent {body}");
    }
    let r = app
        .client
        .get(app.url("/admin/admin-4567cdef_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(&r.bytes().await.unwrap()[..], b"\0asm admin");
}

#[tokio::test]
async fn without_an_admin_build_admin_addresses_say_so_instead_of_loading_the_viewer_build() {
    // The viewer build reloads `/admin` addresses from the server: answering them with the
    // viewer build would reload forever.
    let app = spawn(Backend::Sqlite).await;
    for path in ["/admin", "/admin/library"] {
        let (status, _, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            body.contains("admin app is not built"),
            "{path} sent {body}"
        );
        assert!(!body.contains("app shell"), "{path}");
    }
}
