//! GraphQL over HTTP (the graphql-over-http spec): `application/graphql-response+json` with the
//! spec's status codes when the client asks for it, `application/json` as before, 406 for an
//! `Accept` neither satisfies; and the graphql-http package's own audit of the server.

use std::path::PathBuf;

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post(app: &TestApp, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut req = app.client.post(app.url("/graphql")).json(&body);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    (status, kind, res.json().await.unwrap())
}

async fn get(app: &TestApp, accept: &str, query: &str) -> reqwest::Response {
    app.client
        .get(app.url("/graphql"))
        .query(&[("query", query)])
        .header("accept", accept)
        .send()
        .await
        .unwrap()
}

async fn graphql_response_json_gives_request_errors_their_4xx_and_json_keeps_200(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, kind, body) = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        json!({ "query": "{ version }" }),
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with(GRAPHQL_RESPONSE), "{kind}");
    assert_eq!(body["data"]["version"], env!("CARGO_PKG_VERSION"));

    // (body, status with graphql-response+json); with application/json each is 200 with data null.
    let requests = [
        (json!({ "query": "{" }), 400),
        (json!({ "query": "{ noSuchField }" }), 400),
        (
            json!({ "query": "query($id: ID!) { node(id: $id) { id } }", "variables": { "id": null } }),
            400,
        ),
        (
            json!({ "query": "query($n: Int!) { version }", "variables": { "n": "seven" } }),
            400,
        ),
    ];
    for (request, expected) in requests {
        let (status, kind, body) = post(&app, Some(GRAPHQL_RESPONSE), request.clone()).await;
        assert_eq!(status, expected, "{request}: {body}");
        assert!(kind.starts_with(GRAPHQL_RESPONSE), "{kind}");
        assert!(
            body.get("data").is_none(),
            "no data entry when nothing ran: {body}"
        );
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        for accept in [None, Some("application/json"), Some("*/*")] {
            let (status, kind, body) = post(&app, accept, request.clone()).await;
            assert_eq!(status, 200, "{accept:?} {request}: {body}");
            assert_eq!(kind, "application/json");
            assert_eq!(body["data"], Value::Null, "{body}");
            assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        }
    }
    // A body that is not JSON is a 400 in both types.
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let res = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body("{ \"not a JSON")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{accept}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(accept)
        );
    }
    // An operation that ran keeps its data entry and 200, even with a field error.
    let (status, _, body) = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        json!({ "query": "{ version users { totalCount } }" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("data").is_some(), "{body}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(body["errors"][0]["path"].is_array(), "{body}");
}

async fn accept_headers_that_allow_neither_type_get_406_and_nothing_runs(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channels = app.count("channels").await;
    for accept in [
        "text/html",
        "image/png, text/plain;q=0.5",
        "application/json;q=0",
    ] {
        let res = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&admin)
            .header("accept", accept)
            .json(&json!({
                "query": "mutation { createChannel(input: { name: \"Nope\" }) { channel { id } } }"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 406, "{accept}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(GRAPHQL_RESPONSE)
        );
        let res = get(&app, accept, "{ version }").await;
        assert_eq!(res.status(), 406, "GET {accept}");
    }
    assert_eq!(
        app.count("channels").await,
        channels,
        "the mutation must not run"
    );
    // A browser's Accept still gets JSON (it allows */*), and GraphiQL is still there.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let res = get(&app, browser, "{ version }").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let res = app
        .client
        .get(app.url("/graphql"))
        .header("accept", browser)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

async fn get_answers_per_accept_with_the_public_cache_and_refuses_mutations_with_405(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    // The same public query twice per type: the second comes from the public cache, and each
    // keeps its own type; caches are told that the answer depends on Accept.
    for accept in [
        "application/json",
        GRAPHQL_RESPONSE,
        "application/json",
        GRAPHQL_RESPONSE,
    ] {
        let res = get(&app, accept, "{ version }").await;
        assert_eq!(res.status(), 200, "{accept}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(accept)
        );
        assert!(
            res.headers().get_all("vary").iter().any(|v| v
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept"))
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["data"]["version"], env!("CARGO_PKG_VERSION"));
    }
    let res = get(&app, GRAPHQL_RESPONSE, "{").await;
    assert_eq!(res.status(), 400);
    let res = get(&app, "application/json", "{").await;
    assert_eq!(res.status(), 200);
    let tokens = app.count("refresh_tokens").await;
    let login = format!(
        "mutation {{ login(input: {{ email: \"{}\", password: \"{}\" }}) {{ accessToken }} }}",
        projector_tests::ADMIN_EMAIL,
        projector_tests::ADMIN_PASSWORD
    );
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let res = get(&app, accept, &login).await;
        assert_eq!(res.status(), 405, "{accept}");
        assert_eq!(res.headers()["allow"], "POST");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(accept)
        );
    }
    assert_eq!(
        app.count("refresh_tokens").await,
        tokens,
        "the mutation must not run"
    );
}

/// Where `scripts/lib.sh ensure_graphql_http` installs the package.
fn graphql_http_package() -> PathBuf {
    let tools = std::env::var_os("PROJECTOR_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/projector/tools")
        });
    let package = tools.join("node_modules/graphql-http");
    assert!(
        package.join("package.json").exists(),
        "graphql-http is not installed in {}: run `source scripts/lib.sh && ensure_graphql_http` \
         (scripts/test does)",
        tools.display()
    );
    package
}

const AUDIT_JS: &str = r#"
const { auditServer } = require(process.argv[2] + "/lib/audits/server.js");
auditServer({ url: process.argv[3] }).then((results) => {
  console.log(JSON.stringify(results.map((r) => ({
    id: r.id, name: r.name, status: r.status, reason: r.reason || null,
  }))));
}, (e) => { console.error(e); process.exit(2); });
"#;

async fn the_graphql_http_audit_passes_every_must_and_should_check(backend: Backend) {
    let app = spawn_app(backend).await;
    let package = graphql_http_package();
    let script = app.dir.path().join("audit.js");
    std::fs::write(&script, AUDIT_JS).unwrap();
    let url = app.url("/graphql");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(&script)
            .arg(&package)
            .arg(url)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs (the audit needs Node.js 18 or later, for fetch)");
    assert!(
        out.status.success(),
        "the audit did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(results.len() > 40, "too few audits ran: {}", results.len());
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| {
            format!(
                "{} {} [{}]: {}",
                r["id"], r["name"], r["status"], r["reason"]
            )
        })
        .collect();
    eprintln!("audit: {} checks, {} not ok", results.len(), failed.len());
    for f in &failed {
        eprintln!("audit: {f}");
    }
    let required: Vec<&String> = failed
        .iter()
        .filter(|f| f.contains("\"MUST") || f.contains("\"SHOULD"))
        .collect();
    assert!(
        required.is_empty(),
        "MUST or SHOULD audits failed:\n{required:#?}"
    );
}

both_databases!(
    graphql_response_json_gives_request_errors_their_4xx_and_json_keeps_200,
    accept_headers_that_allow_neither_type_get_406_and_nothing_runs,
    get_answers_per_accept_with_the_public_cache_and_refuses_mutations_with_405,
    the_graphql_http_audit_passes_every_must_and_should_check,
);
