//! Sign-in, sessions, refresh-token rotation and API tokens.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both_databases, error_code, spawn_app,
    spawn_app_with,
};
use serde_json::{Value, json};

const ME: &str = "{ me { email role } }";
const REFRESH: &str =
    "mutation($t: String!) { refresh(input: { refreshToken: $t }) { accessToken refreshToken } }";

async fn the_whole_account_lifecycle_works_end_to_end(backend: Backend) {
    let app = spawn_app(backend).await;

    // The admin from configuration logs in.
    let (admin, _) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me = app.graphql_ok(Some(&admin), ME, json!({})).await;
    assert_eq!(me["me"], json!({ "email": ADMIN_EMAIL, "role": "ADMIN" }));

    // The admin creates an editor, who logs in.
    let created = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email role displayName } } }",
            json!({ "i": { "email": "Ed@Example.com ", "password": "editor-password", "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(
        created["createUser"]["user"],
        json!({ "email": "ed@example.com", "role": "EDITOR", "displayName": "ed" })
    );
    let (editor, refresh1) = app.login("ed@example.com", "editor-password").await;
    let me = app.graphql_ok(Some(&editor), ME, json!({})).await;
    assert_eq!(me["me"]["role"], "EDITOR");

    // Refresh rotates: a new pair comes back and the new access token works.
    let data = app
        .graphql_ok(None, REFRESH, json!({ "t": refresh1 }))
        .await;
    let refresh2 = data["refresh"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    let access2 = data["refresh"]["accessToken"].as_str().unwrap().to_string();
    assert_ne!(refresh1, refresh2);
    assert_eq!(
        app.graphql_ok(Some(&access2), ME, json!({})).await["me"]["email"],
        "ed@example.com"
    );

    // Reusing the spent token is refused and revokes the family: the newer token dies too.
    let reuse = app.graphql(None, REFRESH, json!({ "t": refresh1 })).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"), "{reuse}");
    let after = app.graphql(None, REFRESH, json!({ "t": refresh2 })).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");

    // The editor creates a read and a write API token; the secret is shown once.
    let (editor, _) = app.login("ed@example.com", "editor-password").await;
    let create = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id name scope prefix revokedAt } } }";
    let write = app
        .graphql_ok(
            Some(&editor),
            create,
            json!({ "i": { "name": "site", "scope": "WRITE" } }),
        )
        .await;
    let write_secret = write["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let write_id = write["createApiToken"]["apiToken"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(write_secret.starts_with("prj_"));
    assert!(
        write_secret.starts_with(
            write["createApiToken"]["apiToken"]["prefix"]
                .as_str()
                .unwrap()
        )
    );
    let read = app
        .graphql_ok(
            Some(&editor),
            create,
            json!({ "i": { "name": "widget", "scope": "READ" } }),
        )
        .await;
    let read_secret = read["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();

    // A write token acts as its owner; a read token acts as nobody.
    assert_eq!(
        app.graphql_ok(Some(&write_secret), ME, json!({})).await["me"]["email"],
        "ed@example.com"
    );
    assert_eq!(
        app.graphql_ok(Some(&read_secret), ME, json!({})).await["me"],
        json!(null)
    );

    // Tokens are listed without their secrets; the database holds only hashes.
    let list = app
        .graphql_ok(Some(&editor), "{ apiTokens { name scope } }", json!({}))
        .await;
    assert_eq!(
        list["apiTokens"],
        json!([{ "name": "widget", "scope": "READ" }, { "name": "site", "scope": "WRITE" }])
    );
    assert!(!list.to_string().contains(&write_secret));
    let db = app.db().await;
    use sea_orm::ConnectionTrait as _;
    let stored = sea_orm::ConnectionTrait::query_all(
        &db,
        sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT token_hash FROM api_tokens",
        ),
    )
    .await
    .unwrap();
    for row in stored {
        let hash: String = row.try_get("", "token_hash").unwrap();
        assert_ne!(hash, write_secret);
        assert_eq!(hash.len(), 64);
    }

    // Revoked, the write token stops working.
    let revoked = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { revokedAt } } }",
            json!({ "i": { "id": write_id } }),
        )
        .await;
    assert!(revoked["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    let (status, body) = app.graphql_raw(Some(&write_secret), ME, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

async fn only_admins_create_users_and_only_sessions_manage_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let users_before = app.count("users").await;
    let create_user = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }";
    let input =
        json!({ "i": { "email": "x@example.com", "password": "password-1234", "role": "ADMIN" } });

    let body = app.graphql(Some(&editor), create_user, input.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app.graphql(None, create_user, input.clone()).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");

    // A write token cannot mint more tokens, even though it acts as its owner.
    let token = app
        .graphql_ok(
            Some(&editor),
            "mutation { createApiToken(input: { name: \"t\", scope: WRITE }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let body = app
        .graphql(
            Some(&token),
            "mutation { createApiToken(input: { name: \"u\", scope: WRITE }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    assert_eq!(app.count("users").await, users_before);
    assert_eq!(app.count("api_tokens").await, 1);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, refresh) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let out = app
        .graphql_ok(
            None,
            "mutation($t: String!) { logout(input: { refreshToken: $t }) { ok } }",
            json!({ "t": refresh }),
        )
        .await;
    assert_eq!(out["logout"]["ok"], true);
    let body = app.graphql(None, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

async fn login_is_rate_limited_per_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
    for _ in 0..5 {
        let body = app
            .graphql(
                None,
                login,
                json!({ "i": { "email": ADMIN_EMAIL, "password": "wrong-password" } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    // Even the right password is refused until the window passes.
    let body = app
        .graphql(
            None,
            login,
            json!({ "i": { "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    assert!(
        body["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert_eq!(app.count("refresh_tokens").await, 0);
}

async fn login_is_rate_limited_per_client_address(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.auth.login_attempts_per_address = 3).await;
    let login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
    for i in 0..3 {
        let body = app
            .graphql(None, login, json!({ "i": { "email": format!("nobody{i}@example.com"), "password": "whatever-1" } }))
            .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let body = app
        .graphql(
            None,
            login,
            json!({ "i": { "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
}

async fn a_wrong_password_gets_the_same_answer_as_an_unknown_email(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.auth.login_attempts_per_account = 100).await;
    let login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut bodies = Vec::new();
    for round in 0..6 {
        for (email, times) in [
            (ADMIN_EMAIL, &mut known),
            ("ghost@example.com", &mut unknown),
        ] {
            let started = std::time::Instant::now();
            let body = app
                .graphql(
                    None,
                    login,
                    json!({ "i": { "email": email, "password": "not-the-password" } }),
                )
                .await;
            if round > 0 {
                times.push(started.elapsed().as_secs_f64());
            }
            bodies.push(body["errors"].clone());
        }
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "answers differ: {bodies:?}"
    );
    known.sort_by(f64::total_cmp);
    unknown.sort_by(f64::total_cmp);
    let ratio = known[2] / unknown[2];
    // Both verify an argon2 hash; without the dummy hash an unknown email would be ~100x faster.
    assert!(
        (0.25..4.0).contains(&ratio),
        "median timing ratio {ratio}: known {known:?} unknown {unknown:?}"
    );
}

async fn the_signing_key_is_kept_so_a_restart_logs_nobody_out(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.auth.jwt_secret = None).await;
    let token = app.admin_token().await;
    assert!(app.config.data_dir.join("jwt-secret").exists());
    let app = app.restart().await;
    let me = app.graphql_ok(Some(&token), ME, json!({})).await;
    assert_eq!(me["me"]["email"], ADMIN_EMAIL);
}

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }";
const LOGOUT: &str = "mutation($t: String!) { logout(input: { refreshToken: $t }) { ok } }";

/// POSTs a GraphQL request as if from client address `from` (the server trusts
/// `X-Forwarded-For` in these tests, as behind a proxy).
async fn graphql_from(app: &TestApp, from: &str, query: &str, variables: Value) -> Value {
    app.client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", from)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn login_vars(email: &str, password: &str) -> Value {
    json!({ "i": { "email": email, "password": password } })
}

async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.auth.trust_forwarded_for = true;
        c.auth.login_attempts_per_account = 3;
    })
    .await;
    let attacker = "203.0.113.9";
    for _ in 0..3 {
        let body = graphql_from(
            &app,
            attacker,
            LOGIN,
            login_vars(ADMIN_EMAIL, "wrong-password"),
        )
        .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    // The attacking address is slowed down, even with the right password...
    let body = graphql_from(
        &app,
        attacker,
        LOGIN,
        login_vars(ADMIN_EMAIL, ADMIN_PASSWORD),
    )
    .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    let retry = body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    // ...by seconds, not for the whole five-minute window.
    assert!((1..=8).contains(&retry), "retryAfter {retry}");
    // The owner, from an address that has not been failing, signs in at once.
    let owner = graphql_from(
        &app,
        "198.51.100.7",
        LOGIN,
        login_vars(ADMIN_EMAIL, ADMIN_PASSWORD),
    )
    .await;
    assert!(owner["data"]["login"]["accessToken"].is_string(), "{owner}");
    // The account is under attack now: another address is slowed after its first failure.
    let other = "192.0.2.44";
    let body = graphql_from(&app, other, LOGIN, login_vars(ADMIN_EMAIL, "wrong-again")).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = graphql_from(&app, other, LOGIN, login_vars(ADMIN_EMAIL, "wrong-again")).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    // Waiting out the back-off is enough: the attacker's address is slowed, not locked.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let late = graphql_from(
        &app,
        attacker,
        LOGIN,
        login_vars(ADMIN_EMAIL, ADMIN_PASSWORD),
    )
    .await;
    assert!(late["data"]["login"]["accessToken"].is_string(), "{late}");
}

async fn one_address_cannot_spray_passwords_across_accounts(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.auth.trust_forwarded_for = true;
        c.auth.login_attempts_per_address = 4;
    })
    .await;
    let sprayer = "203.0.113.50";
    for i in 0..4 {
        let body = graphql_from(
            &app,
            sprayer,
            LOGIN,
            login_vars(&format!("user{i}@example.com"), "Summer2026!"),
        )
        .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    let body = graphql_from(
        &app,
        sprayer,
        LOGIN,
        login_vars("user9@example.com", "Summer2026!"),
    )
    .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    let ok = graphql_from(
        &app,
        "198.51.100.8",
        LOGIN,
        login_vars(ADMIN_EMAIL, ADMIN_PASSWORD),
    )
    .await;
    assert!(ok["data"]["login"]["accessToken"].is_string(), "{ok}");
}

async fn refresh_is_rate_limited_per_client_address(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.auth.trust_forwarded_for = true;
        c.auth.refresh_attempts_per_address = 3;
    })
    .await;
    let (_, mut refresh) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let from = "203.0.113.77";
    for _ in 0..3 {
        let body = graphql_from(&app, from, REFRESH, json!({ "t": refresh })).await;
        refresh = body["data"]["refresh"]["refreshToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_string();
    }
    let rows = app.count("refresh_tokens").await;
    let body = graphql_from(&app, from, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    assert!(
        body["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // Refused before anything was read or written: the token is still good elsewhere.
    assert_eq!(app.count("refresh_tokens").await, rows);
    let body = graphql_from(&app, "198.51.100.77", REFRESH, json!({ "t": refresh })).await;
    assert!(body["data"]["refresh"]["accessToken"].is_string(), "{body}");
    // Garbage tokens count against the budget too (they are what a guesser sends).
    for _ in 0..3 {
        graphql_from(&app, "192.0.2.1", REFRESH, json!({ "t": "prr_guess" })).await;
    }
    let body = graphql_from(&app, "192.0.2.1", REFRESH, json!({ "t": "prr_guess" })).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
}

/// Whether the WebSocket endpoint accepts `token` in `connection_init`.
async fn websocket_accepts(app: &TestApp, token: &str) -> bool {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })
            .to_string(),
    ))
    .await
    .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = ws.next().await {
            match msg {
                Message::Text(text) => {
                    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if v["type"] == "connection_ack" {
                        return true;
                    }
                }
                Message::Close(_) => return false,
                _ => {}
            }
        }
        false
    })
    .await;
    answer.unwrap_or(false)
}

/// Status and error code of `me` with `token`.
async fn me_with(app: &TestApp, token: &str) -> (u16, Option<String>) {
    let (status, body) = app.graphql_raw(Some(token), ME, json!({})).await;
    (status, error_code(&body).map(str::to_string))
}

async fn logout_ends_the_access_token_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (access, refresh) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (other, _) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(me_with(&app, &access).await, (200, None));
    assert!(websocket_accepts(&app, &access).await);

    app.graphql_ok(None, LOGOUT, json!({ "t": refresh })).await;
    assert_eq!(
        me_with(&app, &access).await,
        (401, Some("UNAUTHENTICATED".into()))
    );
    // GET requests and the WebSocket check the session the same way.
    let get = app
        .client
        .get(app.url("/graphql?query=%7Bme%7Bemail%7D%7D"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 401);
    assert!(!websocket_accepts(&app, &access).await);
    // Another session of the same user is untouched.
    assert_eq!(me_with(&app, &other).await, (200, None));

    // A restarted node still knows (it reloads recent revocations from the database).
    let app = app.restart().await;
    assert_eq!(
        me_with(&app, &access).await,
        (401, Some("UNAUTHENTICATED".into()))
    );
    assert_eq!(me_with(&app, &other).await, (200, None));
}

async fn a_reused_refresh_token_ends_every_access_token_of_its_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (access1, refresh1) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let data = app
        .graphql_ok(None, REFRESH, json!({ "t": refresh1 }))
        .await;
    let access2 = data["refresh"]["accessToken"].as_str().unwrap().to_string();
    assert_eq!(me_with(&app, &access2).await, (200, None));
    // The thief (or the owner) presents the spent token: the whole session ends now.
    let reuse = app.graphql(None, REFRESH, json!({ "t": refresh1 })).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"), "{reuse}");
    for token in [&access1, &access2] {
        assert_eq!(
            me_with(&app, token).await,
            (401, Some("UNAUTHENTICATED".into()))
        );
    }
}

/// Two API nodes on one PostgreSQL database: a logout on one is refused on the other within a
/// notification's latency, also after the second node already accepted the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_revoked_on_one_node_is_refused_by_the_other() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let a = spawn_app(backend).await;
    let b = a.spawn_sibling(|_| {}).await;
    let (access, refresh) = a.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // Let node b's listener connect, so the check below relies on the notification rather
    // than on the database fallback used while it is not listening.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(me_with(&b, &access).await, (200, None));
    a.graphql_ok(None, LOGOUT, json!({ "t": refresh })).await;
    let started = std::time::Instant::now();
    loop {
        let seen = me_with(&b, &access).await;
        if seen.0 == 401 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "node b still accepts the token: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "node b refused the token {:?} after the logout",
        started.elapsed()
    );
    // Node b's WebSocket refuses it as well.
    assert!(!websocket_accepts(&b, &access).await);
}

async fn an_email_is_shown_only_to_its_owner_and_to_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let ann = app.user_token("ann@example.com", "EDITOR").await;
    app.user_token("bob@example.com", "EDITOR").await;
    let channel = app.create_channel(&ann, "Shared").await;
    let channel_id = channel["id"].as_str().unwrap().to_string();
    // Ann adds Bob to her channel.
    let bob_id = {
        let (bob, _) = app.login("bob@example.com", "password-1234").await;
        app.graphql_ok(Some(&bob), "{ me { id } }", json!({})).await["me"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    app.graphql_ok(
        Some(&ann),
        "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": channel_id, "userId": bob_id, "role": "EDITOR" } }),
    )
    .await;
    let (bob, _) = app.login("bob@example.com", "password-1234").await;
    let bob_write = app
        .graphql_ok(
            Some(&bob),
            "mutation { createApiToken(input: { name: \"cms\", scope: WRITE }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let members =
        "query($id: ID!) { channel(id: $id) { members { user { id email displayName } } } }";
    let emails = |data: &Value| -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = data["channel"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["user"]["displayName"].as_str().unwrap().to_string(),
                    m["user"]["email"].clone(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let vars = json!({ "id": channel_id });
    // Every co-member sees their own email and nobody else's, by session or by write token.
    for (who, token) in [("bob session", &bob), ("bob write token", &bob_write)] {
        let data = app.graphql_ok(Some(token), members, vars.clone()).await;
        assert_eq!(
            emails(&data),
            vec![
                ("ann".to_string(), Value::Null),
                ("bob".to_string(), json!("bob@example.com")),
            ],
            "{who}"
        );
    }
    let data = app.graphql_ok(Some(&ann), members, vars.clone()).await;
    assert_eq!(
        emails(&data),
        vec![
            ("ann".to_string(), json!("ann@example.com")),
            ("bob".to_string(), Value::Null),
        ]
    );
    // Admins see every email.
    let data = app.graphql_ok(Some(&admin), members, vars.clone()).await;
    assert_eq!(
        emails(&data),
        vec![
            ("ann".to_string(), json!("ann@example.com")),
            ("bob".to_string(), json!("bob@example.com")),
        ]
    );
    // The other paths to a user: `node` hides other users entirely, `me` and the session
    // payload show the caller's own email.
    let node = "query($id: ID!) { node(id: $id) { ... on User { email } } }";
    let data = app
        .graphql_ok(Some(&ann), node, json!({ "id": bob_id }))
        .await;
    assert_eq!(data["node"], Value::Null);
    let data = app
        .graphql_ok(Some(&bob_write), node, json!({ "id": bob_id }))
        .await;
    assert_eq!(data["node"]["email"], "bob@example.com");
    let data = app
        .graphql_ok(Some(&admin), node, json!({ "id": bob_id }))
        .await;
    assert_eq!(data["node"]["email"], "bob@example.com");
    let data = app
        .graphql_ok(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { user { email } } }",
            login_vars("bob@example.com", "password-1234"),
        )
        .await;
    assert_eq!(data["login"]["user"]["email"], "bob@example.com");
    assert_eq!(
        app.graphql_ok(Some(&bob), ME, json!({})).await["me"]["email"],
        "bob@example.com"
    );
}

both_databases!(
    the_whole_account_lifecycle_works_end_to_end,
    only_admins_create_users_and_only_sessions_manage_tokens,
    logout_ends_the_session,
    login_is_rate_limited_per_account,
    login_is_rate_limited_per_client_address,
    a_wrong_password_gets_the_same_answer_as_an_unknown_email,
    the_signing_key_is_kept_so_a_restart_logs_nobody_out,
    wrong_passwords_from_one_address_do_not_lock_the_owner_out,
    one_address_cannot_spray_passwords_across_accounts,
    refresh_is_rate_limited_per_client_address,
    logout_ends_the_access_token_at_once,
    a_reused_refresh_token_ends_every_access_token_of_its_session,
    an_email_is_shown_only_to_its_owner_and_to_admins,
);
