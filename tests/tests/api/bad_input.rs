//! Bad input gets a clear error code and changes nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use projector_tests::{Backend, TEST_JWT_SECRET, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

/// Row counts of every table a bad request might write to.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["users", "refresh_tokens", "api_tokens"] {
        counts.push(app.count(table).await);
    }
    counts
}

async fn post_body(
    app: &TestApp,
    body: impl Into<reqwest::Body>,
    token: Option<&str>,
) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn forge(header: Value, claims: Value, secret: Option<&str>) -> String {
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = match secret {
        Some(s) => {
            use hmac::Mac as _;
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(s.as_bytes()).unwrap();
            mac.update(format!("{h}.{c}").as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        None => String::new(),
    };
    format!("{h}.{c}.{signature}")
}

async fn malformed_requests_get_validation_errors_and_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let nested_introspection = format!(
        "{{ __schema {{ types {{ {} name {} }} }} }}",
        "fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType {",
        "} } } } } } } } } } } } } } } }"
    );
    let cases: Vec<(&str, String, u16)> = vec![
        ("malformed JSON", "{\"query\": ".to_string(), 400),
        ("not an object", "[1, 2".to_string(), 400),
        ("unknown operation name", json!({ "query": "query A { version }", "operationName": "B" }).to_string(), 200),
        ("syntax error", json!({ "query": "{ version " }).to_string(), 200),
        ("unknown field", json!({ "query": "{ nope }" }).to_string(), 200),
        ("past the depth limit", json!({ "query": nested_introspection }).to_string(), 200),
        ("a role that does not exist", json!({ "query": "mutation { createUser(input: { email: \"a@b.co\", password: \"password-1234\", role: SUPERUSER }) { user { id } } }" }).to_string(), 200),
        ("a scope that does not exist", json!({ "query": "mutation { createApiToken(input: { name: \"x\", scope: EVERYTHING }) { token } }" }).to_string(), 200),
        ("a variable of the wrong type", json!({ "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", "variables": { "i": { "email": 5 } } }).to_string(), 200),
    ];
    let admin = app.admin_token().await;
    let before_with_login = snapshot(&app).await;
    for (what, body, status) in cases {
        let (got_status, got) = post_body(&app, body, Some(&admin)).await;
        assert_eq!(got_status, status, "{what}: {got}");
        assert_eq!(error_code(&got), Some("VALIDATION"), "{what}: {got}");
        assert!(
            got["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    assert_eq!(snapshot(&app).await, before_with_login);
}

async fn a_query_past_the_complexity_limit_is_refused(backend: Backend) {
    let app = projector_tests::spawn_app_with(backend, |c| c.graphql.max_complexity = 5).await;
    let body = app
        .graphql(
            None,
            "{ a: version b: version c: version d: version e: version f: version g: version }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{body}"
    );
}

/// Sends raw HTTP/1.1 (the server may answer and close before the body is sent, which an
/// ordinary client reports as a broken pipe) and returns the status line and the body.
async fn raw_post(app: &TestApp, headers: &str, body_chunks: usize) -> (String, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{headers}\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..body_chunks {
        // A 1 MiB chunk in chunked encoding; errors mean the server already answered.
        let chunk = format!("100000\r\n{}\r\n", " ".repeat(1024 * 1024));
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| b.find('{').map(|i| &b[i..]))
        .and_then(|b| b.rfind('}').map(|j| &b[..=j]))
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, body)
}

async fn a_fifty_megabyte_body_is_refused_before_it_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = snapshot(&app).await;
    // Announced: refused from the headers alone, before a byte of the body is sent.
    let (status, body) =
        raw_post(&app, "Content-Length: 52428800\r\nConnection: close\r\n", 0).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert_eq!(error_code(&body), Some("PAYLOAD_TOO_LARGE"), "{body}");
    // Streamed without a length: refused once the limit is crossed.
    let (status, body) = raw_post(
        &app,
        "Transfer-Encoding: chunked\r\nConnection: close\r\n",
        50,
    )
    .await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert_eq!(error_code(&body), Some("PAYLOAD_TOO_LARGE"), "{body}");
    assert_eq!(snapshot(&app).await, before);
}

async fn forged_expired_and_unsigned_tokens_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let real = app.admin_token().await;
    let before = snapshot(&app).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let me = app
        .graphql_ok(Some(&real), "{ me { id } }", json!({}))
        .await;
    let (_, uuid) = {
        let raw = URL_SAFE_NO_PAD
            .decode(me["me"]["id"].as_str().unwrap())
            .unwrap();
        let text = String::from_utf8(raw).unwrap();
        let (k, u) = text.split_once(':').unwrap();
        (k.to_string(), u.to_string())
    };
    let claims = |exp: i64| json!({ "sub": uuid, "role": "admin", "iss": "projector", "iat": now - 10, "exp": exp });
    let mut tampered = real.clone();
    let mid = tampered.len() / 2;
    let flipped = if &tampered[mid..=mid] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(mid..=mid, flipped);
    let cases = vec![
        ("tampered", tampered),
        (
            "expired",
            forge(
                json!({ "alg": "HS256", "typ": "JWT" }),
                claims(now - 3600),
                Some(TEST_JWT_SECRET),
            ),
        ),
        (
            "alg none",
            forge(
                json!({ "alg": "none", "typ": "JWT" }),
                claims(now + 3600),
                None,
            ),
        ),
        (
            "signed with another key",
            forge(
                json!({ "alg": "HS256", "typ": "JWT" }),
                claims(now + 3600),
                Some("another-secret-another-secret-another"),
            ),
        ),
        ("garbage", "not-a-token".to_string()),
        (
            "unknown API token",
            "prj_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
        ),
    ];
    for (what, token) in cases {
        let (status, body) = app
            .graphql_raw(
                Some(&token),
                "mutation { createApiToken(input: { name: \"x\", scope: READ }) { token } }",
                json!({}),
            )
            .await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{what}: {body}");
    }
    // The same forged claims with the right key work, so the cases above fail for their flaw.
    let good = forge(
        json!({ "alg": "HS256", "typ": "JWT" }),
        claims(now + 3600),
        Some(TEST_JWT_SECRET),
    );
    let ok = app
        .graphql_ok(Some(&good), "{ me { role } }", json!({}))
        .await;
    assert_eq!(ok["me"]["role"], "ADMIN");
    assert_eq!(snapshot(&app).await, before);
}

async fn bad_account_input_is_refused_with_validation_or_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let before = snapshot(&app).await;
    let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }";
    let cases = [
        (
            json!({ "email": "not-an-email", "password": "password-1234", "role": "EDITOR" }),
            "VALIDATION",
        ),
        (
            json!({ "email": "short@example.com", "password": "short", "role": "EDITOR" }),
            "VALIDATION",
        ),
        (
            json!({ "email": "long@example.com", "password": "p".repeat(2000), "role": "EDITOR" }),
            "VALIDATION",
        ),
        (
            json!({ "email": "ADMIN@example.com", "password": "password-1234", "role": "EDITOR" }),
            "CONFLICT",
        ),
        (
            json!({ "email": "blank@example.com", "password": "password-1234", "role": "EDITOR", "displayName": "  " }),
            "VALIDATION",
        ),
    ];
    for (input, code) in cases {
        let body = app
            .graphql(Some(&admin), create, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some(code), "{input}: {body}");
    }
    let token = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }";
    let body = app
        .graphql(
            Some(&admin),
            token,
            json!({ "i": { "name": "", "scope": "READ" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"));
    let body = app
        .graphql(
            Some(&admin),
            "mutation { revokeApiToken(input: { id: \"bm9wZQ\" }) { apiToken { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(snapshot(&app).await, before);
}

async fn internal_details_never_reach_the_client(backend: Backend) {
    // Revoking a token of another user reveals nothing: NOT_FOUND, the same as a missing one.
    let app = spawn_app(backend).await;
    let a = app.user_token("a@example.com", "EDITOR").await;
    let b = app.user_token("b@example.com", "EDITOR").await;
    let id = app
        .graphql_ok(
            Some(&a),
            "mutation { createApiToken(input: { name: \"t\", scope: READ }) { apiToken { id } } }",
            json!({}),
        )
        .await["createApiToken"]["apiToken"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = app
        .graphql(
            Some(&b),
            "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    assert_eq!(
        app.graphql_ok(Some(&a), "{ apiTokens { revokedAt } }", json!({}))
            .await["apiTokens"][0]["revokedAt"],
        json!(null)
    );
}

both_databases!(
    malformed_requests_get_validation_errors_and_write_nothing,
    a_query_past_the_complexity_limit_is_refused,
    a_fifty_megabyte_body_is_refused_before_it_is_read,
    forged_expired_and_unsigned_tokens_are_refused,
    bad_account_input_is_refused_with_validation_or_conflict,
    internal_details_never_reach_the_client,
);
