//! Sign-in, sessions, refresh-token rotation and API tokens.

use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, both_databases, error_code, spawn_app, spawn_app_with,
};
use serde_json::json;

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

both_databases!(
    the_whole_account_lifecycle_works_end_to_end,
    only_admins_create_users_and_only_sessions_manage_tokens,
    logout_ends_the_session,
    login_is_rate_limited_per_account,
    login_is_rate_limited_per_client_address,
    a_wrong_password_gets_the_same_answer_as_an_unknown_email,
    the_signing_key_is_kept_so_a_restart_logs_nobody_out,
);
