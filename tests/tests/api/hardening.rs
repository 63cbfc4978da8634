//! What an outside attack campaign found, kept found: the public cache is bounded in bytes,
//! and a request's cost counts lists, aliases and batches, whatever the database.

use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A gauge from `/metrics`.
async fn gauge(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
        .trim()
        .parse()
        .unwrap()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn anonymous_requests_with_large_variables_do_not_grow_the_public_cache() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.graphql.public_cache_ttl_ms = 600_000;
    })
    .await;
    let padding = "x".repeat(900 * 1024);
    for i in 0..20 {
        let (status, body) = post(
            &app,
            // Variables the operation does not declare are ignored, yet they were part of the key.
            json!({ "query": "{ version }", "variables": { "p": format!("{i}{padding}") } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    }
    let held = gauge(&app, "projector_public_cache_bytes").await;
    assert!(held < 64.0 * 1024.0, "the cache holds {held} bytes");
}

#[tokio::test]
async fn the_public_cache_stays_within_its_byte_budget_and_forgets_on_time() {
    let budget = 64 * 1024;
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.graphql.public_cache_ttl_ms = 400;
        c.graphql.public_cache_bytes = budget;
    })
    .await;
    for i in 0..300 {
        let (_, body) = post(
            &app,
            json!({ "query": format!("query Q{i} {{ version a{i}: version }}") }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body}");
        if i % 50 == 0 {
            let held = gauge(&app, "projector_public_cache_bytes").await;
            assert!(held <= budget as f64, "{held} bytes held, budget {budget}");
        }
    }
    assert!(gauge(&app, "projector_public_cache_entries").await > 10.0);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // One more request sweeps everything past its TTL, full or not.
    post(&app, json!({ "query": "{ version }" })).await;
    assert_eq!(gauge(&app, "projector_public_cache_entries").await, 1.0);
}

#[tokio::test]
async fn batches_aliases_and_list_sizes_cannot_buy_more_than_one_requests_budget() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.graphql.max_complexity = 2000).await;
    let aliases =
        |n: usize, field: &str| -> String { (0..n).map(|i| format!("a{i}: {field} ")).collect() };

    // One operation of 2,500 aliases is refused, and so is a batch of three of 1,000.
    let one = format!("{{ {} }}", aliases(2500, "version"));
    let (_, body) = post(&app, json!({ "query": one })).await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let third = format!("{{ {} }}", aliases(1000, "version"));
    let batch: Vec<Value> = (0..3).map(|_| json!({ "query": third })).collect();
    let (_, body) = post(&app, json!(batch)).await;
    let refused = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| code(r) == "VALIDATION")
        .count();
    assert!(refused >= 1, "a batch over the budget ran: {body}");
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .any(|r| r["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("too complex"))),
        "{body}"
    );

    // 30 aliases of a 100-item list count their items: refused, though only 30 fields show.
    let lists = format!(
        "{{ {} }}",
        aliases(30, "videos(first: 100) { nodes { id title } }")
    );
    let (_, body) = post(&app, json!({ "query": lists })).await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    // ... through a variable too.
    let (_, body) = post(
        &app,
        json!({ "query": format!("query($n: Int) {{ {} }}", aliases(30, "videos(first: $n) { nodes { id title } }")),
                "variables": { "n": 100 } }),
    )
    .await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    // A page a site really asks for passes.
    let (_, body) = post(
        &app,
        json!({ "query": "{ videos(first: 100) { nodes { id title channel { name } } } }" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");

    // More operations than a batch may hold: refused before anything runs.
    let many: Vec<Value> = (0..17).map(|_| json!({ "query": "{ version }" })).collect();
    let (status, body) = post(&app, json!(many)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let sixteen: Vec<Value> = (0..16).map(|_| json!({ "query": "{ version }" })).collect();
    let (status, body) = post(&app, json!(sixteen)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 16);
}

#[tokio::test]
async fn a_response_larger_than_the_limit_is_refused_with_a_code() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.graphql.max_response_bytes = 2000).await;
    let big = format!(
        "{{ {} }}",
        (0..300)
            .map(|i| format!("a{i}: version "))
            .collect::<String>()
    );
    let (status, body) = post(&app, json!({ "query": big })).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    let (status, body) = post(&app, json!({ "query": "{ version }" })).await;
    assert_eq!(status, 200, "{body}");
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_surface_sends_security_headers_and_only_the_embed_may_be_framed() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let token = app.admin_token().await;
    let channel = app.create_channel(&token, "Headers").await;
    let video = app
        .create_video(&token, channel["id"].as_str().unwrap(), "V", json!({}))
        .await;
    let uuid =
        projector_api::graphql::relay::from_global(&video["id"].as_str().unwrap().into(), "Video")
            .unwrap();

    let app_page = app.client.get(app.url("/")).send().await.unwrap();
    let watch_page = app.client.get(app.url("/watch/x")).send().await.unwrap();
    let graphql = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ version }" }))
        .send()
        .await
        .unwrap();
    let oembed = app
        .client
        .get(app.url("/oembed?url=http://127.0.0.1/watch/nothing"))
        .send()
        .await
        .unwrap();
    let feed = app
        .client
        .get(app.url("/feeds/channels/headers.xml"))
        .send()
        .await
        .unwrap();
    for (what, res) in [
        ("app", &app_page),
        ("client route", &watch_page),
        ("graphql", &graphql),
        ("oembed", &oembed),
        ("feed", &feed),
    ] {
        assert_eq!(header(res, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header(res, "x-frame-options"), "DENY", "{what}");
        let csp = header(res, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    }
    for page in [&app_page, &watch_page] {
        let csp = header(page, "content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"),
            "{csp}"
        );
    }
    assert!(header(&graphql, "content-security-policy").contains("default-src 'none'"));

    // The player is made to be framed by other sites: a ready (as the pipeline would leave
    // it), public, published video.
    let id = video["id"].as_str().unwrap();
    app.set_media_status(id, "READY").await;
    app.graphql_ok(
        Some(&token),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "visibility": "PUBLIC" } }),
    )
    .await;
    app.graphql_ok(
        Some(&token),
        "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    let embed = app
        .client
        .get(app.url(&format!("/embed/{uuid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(embed.status(), 200);
    assert_eq!(header(&embed, "x-frame-options"), "");
    assert_eq!(header(&embed, "x-content-type-options"), "nosniff");
    assert!(header(&embed, "content-security-policy").contains("frame-ancestors *"));
}

#[tokio::test]
async fn a_third_party_page_may_call_the_api_with_a_token_but_never_with_credentials() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://site.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
    let allowed = header(&preflight, "access-control-allow-headers").to_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert_eq!(header(&preflight, "access-control-allow-credentials"), "");
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "https://site.example")
        .json(&json!({ "query": "{ version }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), "*");

    // With a list of origins, others get no CORS headers at all.
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.delivery.cors_origins = vec!["https://friend.example".into()];
    })
    .await;
    let ask = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let friend = ask("https://friend.example").await.unwrap();
    assert_eq!(
        header(&friend, "access-control-allow-origin"),
        "https://friend.example"
    );
    let stranger = ask("https://stranger.example").await.unwrap();
    assert_eq!(header(&stranger, "access-control-allow-origin"), "");
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_the_token_holder_only() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let get = |forwarded: Option<&'static str>, token: Option<&'static str>| {
        let mut req = app.client.get(app.url("/metrics"));
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(get(None, None).await.unwrap().status(), 200);
    // Through a proxy on this machine, a remote client is not local.
    assert_eq!(get(Some("203.0.113.9"), None).await.unwrap().status(), 404);

    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.metrics.access = projector_api::security::MetricsAccess::Token;
        c.metrics.token = Some(secrecy::SecretString::from("scrape-me"));
    })
    .await;
    let get = |token: Option<&'static str>| {
        let mut req = app.client.get(app.url("/metrics"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 404);
    assert_eq!(get(Some("wrong")).await.unwrap().status(), 404);
    let ok = get(Some("scrape-me")).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.text()
            .await
            .unwrap()
            .contains("projector_http_requests_total")
    );
}

/// Sends bytes exactly as given on a fresh connection; returns the status line's code.
async fn raw_status(app: &TestApp, request: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0)
}

#[tokio::test]
async fn malformed_bodies_two_files_and_nul_characters_get_clear_codes_and_change_nothing() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let token = app.admin_token().await;
    let channel = app.create_channel(&token, "Bad").await;
    let channel = channel["id"].as_str().unwrap();

    // A chunked body that is not chunked: a malformed request, not a large one.
    let status = raw_status(
        &app,
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ-not-a-size\r\n{}\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400);

    // A multipart request carries one picture, never two.
    let boundary = "b0undary";
    let operations = json!({
        "query": "mutation($i: UploadImageInput!, $f: Upload!, $g: Upload!) { a: uploadImage(input: $i, file: $f) { assetId } b: uploadImage(input: $i, file: $g) { assetId } }",
        "variables": { "i": { "target": "CHANNEL_AVATAR", "id": channel }, "f": null, "g": null }
    });
    let map = json!({ "0": ["variables.f"], "1": ["variables.g"] });
    let mut body = Vec::new();
    for (name, value) in [
        ("operations", operations.to_string()),
        ("map", map.to_string()),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    projector_tests::media::png(&dir.path().join("p.png"));
    let png = std::fs::read(dir.path().join("p.png")).unwrap();
    for part in ["0", "1"] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&png);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let reply: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 400, "{reply}");
    assert_eq!(code(&reply), "VALIDATION", "{reply}");
    assert_eq!(app.count("media_assets").await, 0);

    // A NUL character is refused on every database, in variables and in the query text.
    let before = app.count("videos").await;
    let (_, reply) = post(
        &app,
        json!({ "query": "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }",
                "variables": { "i": { "channelId": channel, "title": "ok", "description": "a\u{0}b" } } }),
    )
    .await;
    assert!(reply["errors"].is_array(), "{reply}");
    let res = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }",
                "variables": { "i": { "channelId": channel, "title": "t\u{0}" } } }))
        .send()
        .await
        .unwrap();
    let reply: Value = res.json().await.unwrap();
    assert_eq!(code(&reply), "VALIDATION", "{reply}");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("NUL"),
        "{reply}"
    );
    assert_eq!(app.count("videos").await, before);
}
