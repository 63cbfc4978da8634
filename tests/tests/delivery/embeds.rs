//! The embed page and oEmbed.

use projector_tests::{Backend, both_databases, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{self, advertised as public_url, with_secret};

async fn oembed_describes_a_public_video_per_the_spec(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (id, out) =
        support::playable_video(&app, &admin, json!({ "title": "Nice & <bold>" }), 100).await;
    let uuid = support::uuid_of(&id);
    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let watch = format!("{base}/watch/{uuid}");
    let ask = |params: Vec<(&'static str, String)>| {
        let mut url = url::Url::parse(&app.url("/oembed")).unwrap();
        for (k, v) in params {
            url.query_pairs_mut().append_pair(k, &v);
        }
        app.client.get(url.to_string()).send()
    };
    let r = ask(vec![("url", watch.clone()), ("format", "json".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "video");
    assert_eq!(body["version"], "1.0");
    assert_eq!(body["title"], "Nice & <bold>");
    assert!(
        body["author_name"]
            .as_str()
            .unwrap()
            .starts_with("Channel ")
    );
    assert!(body["author_url"].as_str().unwrap().starts_with(&base));
    assert_eq!(body["provider_name"], "Projector");
    assert_eq!(body["provider_url"], format!("{base}/"));
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(640), Some(360))
    );
    let html = body["html"].as_str().unwrap();
    assert!(html.starts_with("<iframe src=\""), "{html}");
    assert!(html.contains(&format!("{base}/embed/{uuid}")), "{html}");
    assert!(html.contains("title=\"Nice &amp; &lt;bold&gt;\""), "{html}");
    assert!(html.contains("width=\"640\" height=\"360\""), "{html}");
    assert_eq!(
        body["thumbnail_url"],
        public_url(&app, out.asset, "images/thumb-1-1280.jpg")
    );
    assert_eq!(
        (
            body["thumbnail_width"].as_u64(),
            body["thumbnail_height"].as_u64()
        ),
        (Some(1280), Some(720))
    );

    // maxwidth/maxheight shrink the player (keeping 16:9) and pick a thumbnail that fits.
    let body: Value = ask(vec![
        ("url", format!("{base}/embed/{uuid}")),
        ("maxwidth", "320".into()),
        ("maxheight", "400".into()),
    ])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(320), Some(180))
    );
    assert_eq!(body["thumbnail_width"], 320);
    let body: Value = ask(vec![("url", watch.clone()), ("maxheight", "90".into())])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(160), Some(90))
    );
    // Garbage sizes are ignored.
    let body: Value = ask(vec![("url", watch.clone()), ("maxwidth", "wide".into())])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["width"], 640);
}

async fn oembed_refuses_other_hosts_private_videos_unknown_formats_and_huge_queries(
    backend: Backend,
) {
    // A listener standing in for "another host": the server must never connect to it.
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_addr = trap.local_addr().unwrap();
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (public_id, _) = support::playable_video(&app, &admin, json!({}), 10).await;
    let (private_id, _) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 10).await;
    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let public = support::uuid_of(&public_id);
    let private = support::uuid_of(&private_id);
    let ask = |params: Vec<(&'static str, String)>| {
        let mut url = url::Url::parse(&app.url("/oembed")).unwrap();
        for (k, v) in params {
            url.query_pairs_mut().append_pair(k, &v);
        }
        app.client.get(url.to_string()).send()
    };
    let not_found = [
        format!("http://{trap_addr}/watch/{public}"),
        format!("https://evil.example/watch/{public}"),
        format!("{}/watch/{public}", base.replacen("http://", "https://", 1)),
        format!("{base}:9/watch/{public}"),
        format!("{base}/watch/{private}"),
        format!("{base}/watch/{}", uuid::Uuid::now_v7()),
        format!("{base}/watch/not-a-uuid"),
        format!("{base}/other/{public}"),
        "not a url".to_string(),
        "javascript:alert(1)".to_string(),
    ];
    for target in not_found {
        let r = ask(vec![("url", target.clone())]).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{target}");
    }
    let watch = format!("{base}/watch/{public}");
    let r = ask(vec![("url", watch.clone()), ("format", "yaml".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_IMPLEMENTED);
    let r = ask(vec![]).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = ask(vec![("url", watch.clone()), ("pad", "x".repeat(20_000))])
        .await
        .unwrap();
    assert!(
        r.status() == StatusCode::URI_TOO_LONG || r.status() == StatusCode::BAD_REQUEST,
        "{}",
        r.status()
    );
    // Nothing ever connected to the other host.
    let accepted = tokio::time::timeout(std::time::Duration::from_millis(50), trap.accept()).await;
    assert!(accepted.is_err(), "the server fetched a URL it was given");
}

async fn the_embed_page_plays_hls_with_poster_captions_options_and_a_frame_policy(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        c.delivery.frame_ancestors = "https://site.example".into();
    })
    .await;
    let admin = app.admin_token().await;
    let (id, out) =
        support::playable_video(&app, &admin, json!({ "title": "<script>x</script>" }), 10).await;
    let uuid = support::uuid_of(&id);
    let r = app
        .client
        .get(app.url(&format!("/embed/{uuid}?autoplay=1&t=1m5s&loop=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(
        r.headers()["content-security-policy"],
        "frame-ancestors https://site.example"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "data-src=\"{}\"",
            public_url(&app, out.asset, "hls/master.m3u8")
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "poster=\"{}\"",
        public_url(&app, out.asset, "images/poster-1280.jpg")
    )));
    assert!(html.contains(&format!(
        "<track kind=\"captions\" srclang=\"en\" label=\"en\" src=\"{}\" default>",
        public_url(&app, out.asset, "captions/en.vtt")
    )));
    assert!(html.contains(" autoplay muted"));
    assert!(html.contains(" loop"));
    assert!(html.contains("data-start=\"65\""));
    assert!(html.contains("type=\"application/json+oembed\""));
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!html.contains("<script>x</script>"));
    // Without options: no autoplay, no loop, no start.
    let html = app
        .client
        .get(app.url(&format!("/embed/{uuid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("autoplay") && !html.contains(" loop") && !html.contains("data-start"));
    // The scripts it loads are served by the binary.
    for script in ["/embed/assets/hls.light.min.js", "/embed/assets/player.js"] {
        assert!(html.contains(script));
        let r = app.client.get(app.url(script)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        assert!(r.bytes().await.unwrap().len() > 500);
    }
}

async fn private_and_unknown_videos_have_no_embed_page(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (private_id, _) =
        support::playable_video(&app, &admin, json!({ "visibility": "PRIVATE" }), 10).await;
    let mut targets = vec![support::uuid_of(&private_id).to_string()];
    // Media attached but not playable (or never published): no embed page either.
    for extra in [
        json!({ "status": "DRAFT" }),
        json!({ "status": "PROCESSING" }),
        json!({ "status": "FAILED" }),
        json!({ "publishAt": null }),
    ] {
        let (id, _) = support::playable_video(&app, &admin, extra, 10).await;
        targets.push(support::uuid_of(&id).to_string());
    }
    targets.push(uuid::Uuid::now_v7().to_string());
    targets.push("nope".to_string());
    for target in targets {
        let r = app
            .client
            .get(app.url(&format!("/embed/{target}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{target}");
        assert!(!r.text().await.unwrap().contains("<video"));
    }
}

both_databases!(
    oembed_describes_a_public_video_per_the_spec,
    oembed_refuses_other_hosts_private_videos_unknown_formats_and_huge_queries,
    the_embed_page_plays_hls_with_poster_captions_options_and_a_frame_policy,
    private_and_unknown_videos_have_no_embed_page,
);
