//! User administration: the admins' user list and search, role changes, disabling and enabling
//! accounts, admins' password resets, the last-admin rule, and API tokens as admins see them.

use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both_databases, error_code, spawn_app,
};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

const CREATE: &str =
    "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id email role } } }";
const SET_ROLE: &str =
    "mutation($i: SetUserRoleInput!) { setUserRole(input: $i) { user { id role } } }";
const DISABLE: &str = "mutation($i: DisableUserInput!) { disableUser(input: $i) { user { id disabled disabledAt } } }";
const ENABLE: &str =
    "mutation($i: EnableUserInput!) { enableUser(input: $i) { user { id disabled disabledAt } } }";
const SET_PASSWORD: &str =
    "mutation($i: SetUserPasswordInput!) { setUserPassword(input: $i) { user { id } } }";
const USERS: &str = "query($first: Int, $after: String, $f: UserFilter) { users(first: $first, after: $after, filter: $f) { totalCount edges { node { email role disabled } } pageInfo { hasNextPage endCursor } } }";
const ME: &str = "{ me { email role } }";
const REFRESH: &str =
    "mutation($t: String!) { refresh(input: { refreshToken: $t }) { accessToken refreshToken } }";
const PASSWORD: &str = "password-1234";

/// Creates a user as `admin`; returns the user's global ID.
async fn create(app: &TestApp, admin: &str, email: &str, role: &str, name: Option<&str>) -> String {
    let data = app
        .graphql_ok(
            Some(admin),
            CREATE,
            json!({ "i": { "email": email, "password": PASSWORD, "role": role, "displayName": name } }),
        )
        .await;
    data["createUser"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn my_id(app: &TestApp, token: &str) -> String {
    app.graphql_ok(Some(token), "{ me { id } }", json!({}))
        .await["me"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn write_token(app: &TestApp, session: &str, scope: &str) -> String {
    app.graphql_ok(
        Some(session),
        &format!(
            "mutation {{ createApiToken(input: {{ name: \"t\", scope: {scope} }}) {{ token }} }}"
        ),
        json!({}),
    )
    .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The code a request with `token` gets: None when it is served.
async fn refused(app: &TestApp, token: &str) -> Option<String> {
    let body = app
        .graphql(
            Some(token),
            "{ channels(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    error_code(&body).map(str::to_string)
}

/// The code a GET request with `token` gets (the other way in to the API).
async fn refused_over_get(app: &TestApp, token: &str) -> Option<String> {
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ channels(first: 1) { totalCount } }")])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    error_code(&body).map(str::to_string)
}

fn emails(page: &Value) -> Vec<String> {
    page["users"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["email"].as_str().unwrap().to_string())
        .collect()
}

async fn active_admins(app: &TestApp) -> i64 {
    let db = app.db().await;
    let row = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn an_admin_lists_and_searches_users_page_by_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    create(&app, &admin, "ed@example.com", "EDITOR", Some("Edith Piaf")).await;
    create(&app, &admin, "vi@example.com", "VIEWER", Some("Vincent")).await;
    let off = create(&app, &admin, "off@example.com", "EDITOR", Some("Otto")).await;
    create(&app, &admin, "pat@sample.org", "ADMIN", None).await;
    create(&app, &admin, "zed@example.com", "VIEWER", Some("EDGAR")).await;
    app.graphql_ok(Some(&admin), DISABLE, json!({ "i": { "id": off } }))
        .await;

    // Every user once, newest first, across pages of two.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .graphql_ok(Some(&admin), USERS, json!({ "first": 2, "after": after }))
            .await;
        assert_eq!(page["users"]["totalCount"], 6);
        seen.extend(emails(&page));
        if !page["users"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = Some(
            page["users"]["pageInfo"]["endCursor"]
                .as_str()
                .unwrap()
                .into(),
        );
    }
    assert_eq!(
        seen,
        [
            "zed@example.com",
            "pat@sample.org",
            "off@example.com",
            "vi@example.com",
            "ed@example.com",
            ADMIN_EMAIL
        ]
    );

    // Search matches the email and the display name, whatever the case.
    let search = |f: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { emails(&app.graphql_ok(Some(&admin), USERS, json!({ "f": f })).await) }
    };
    assert_eq!(
        search(json!({ "text": "ED" })).await,
        ["zed@example.com", "ed@example.com"]
    );
    assert_eq!(
        search(json!({ "text": "sample" })).await,
        ["pat@sample.org"]
    );
    assert_eq!(
        search(json!({ "text": "vincent" })).await,
        ["vi@example.com"]
    );
    assert_eq!(
        search(json!({ "role": "ADMIN" })).await,
        ["pat@sample.org", ADMIN_EMAIL]
    );
    assert_eq!(
        search(json!({ "disabled": true })).await,
        ["off@example.com"]
    );
    assert_eq!(
        search(json!({ "role": "EDITOR", "disabled": false })).await,
        ["ed@example.com"]
    );
    assert_eq!(
        search(json!({ "text": "nobody" })).await,
        Vec::<String>::new()
    );

    // Only admins list users.
    let editor = app.login("ed@example.com", PASSWORD).await.0;
    let body = app.graphql(Some(&editor), USERS, json!({})).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert!(body["data"]["users"].is_null(), "{body}");
    let body = app.graphql(None, USERS, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    // A cursor of another list is refused.
    let body = app
        .graphql(Some(&admin), USERS, json!({ "after": "bm90IGEgY3Vyc29y" }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
}

async fn a_disabled_user_is_locked_out_at_once_everywhere_and_can_come_back(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let admin = app.admin_token().await;
    let id = create(&app, &admin, "ed@example.com", "EDITOR", None).await;
    let (access, refresh) = app.login("ed@example.com", PASSWORD).await;
    let write = write_token(&app, &access, "WRITE").await;
    let read = write_token(&app, &access, "READ").await;
    // A second session of the same user, opened before the account is disabled.
    let (access2, _) = app.login("ed@example.com", PASSWORD).await;
    for token in [&access, &access2, &write, &read] {
        assert_eq!(refused(&app, token).await, None);
    }

    let data = app
        .graphql_ok(Some(&admin), DISABLE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(data["disableUser"]["user"]["disabled"], true);
    assert!(data["disableUser"]["user"]["disabledAt"].is_string());

    // Every credential stops at once, through POST and GET, many requests at once.
    let checks = [&access, &access2, &write, &read].map(|t| {
        let app = &app;
        async move { (refused(app, t).await, refused_over_get(app, t).await) }
    });
    for (post, get) in futures::future::join_all(checks).await {
        assert_eq!(post.as_deref(), Some("UNAUTHENTICATED"));
        assert_eq!(get.as_deref(), Some("UNAUTHENTICATED"));
    }
    let body = app.graphql(None, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = app
        .graphql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "ed@example.com", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("disabled"),
        "{body}"
    );

    // On PostgreSQL a second API node refuses the old session too.
    if matches!(backend, Backend::Postgres(_)) {
        let sibling = app.spawn_sibling(|_| {}).await;
        for token in [&access, &write] {
            assert_eq!(
                refused(&sibling, token).await.as_deref(),
                Some("UNAUTHENTICATED")
            );
        }
    }

    // Enabled again: the user signs in again and the API tokens work again; the old sessions
    // stay ended.
    let data = app
        .graphql_ok(Some(&admin), ENABLE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(data["enableUser"]["user"]["disabled"], false);
    assert!(data["enableUser"]["user"]["disabledAt"].is_null());
    let (fresh, _) = app.login("ed@example.com", PASSWORD).await;
    assert_eq!(refused(&app, &fresh).await, None);
    assert_eq!(refused(&app, &write).await, None);
    assert_eq!(
        refused(&app, &access).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
}

async fn a_new_role_takes_effect_and_ends_the_old_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let id = create(&app, &admin, "vi@example.com", "VIEWER", None).await;
    let (old, _) = app.login("vi@example.com", PASSWORD).await;
    let token = write_token(&app, &old, "WRITE").await;
    let body = app.graphql(Some(&token), USERS, json!({})).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    let data = app
        .graphql_ok(
            Some(&admin),
            SET_ROLE,
            json!({ "i": { "id": id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(data["setUserRole"]["user"]["role"], "ADMIN");
    // The old access token carried VIEWER: it stops.
    assert_eq!(
        refused(&app, &old).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    let (new, _) = app.login("vi@example.com", PASSWORD).await;
    let me = app.graphql_ok(Some(&new), ME, json!({})).await;
    assert_eq!(me["me"]["role"], "ADMIN");
    // The write token acts with the owner's current role.
    app.graphql_ok(Some(&token), USERS, json!({})).await;

    // Setting the role a user already has changes nothing and ends nothing.
    app.graphql_ok(
        Some(&admin),
        SET_ROLE,
        json!({ "i": { "id": id, "role": "ADMIN" } }),
    )
    .await;
    assert_eq!(refused(&app, &new).await, None);
}

async fn an_admin_sets_a_new_password_and_the_users_sessions_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let id = create(&app, &admin, "ed@example.com", "EDITOR", None).await;
    let (access, refresh) = app.login("ed@example.com", PASSWORD).await;

    app.graphql_ok(
        Some(&admin),
        SET_PASSWORD,
        json!({ "i": { "id": id, "password": "a brand new secret" } }),
    )
    .await;
    assert_eq!(
        refused(&app, &access).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    let body = app.graphql(None, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = app
        .graphql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "ed@example.com", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let (fresh, _) = app.login("ed@example.com", "a brand new secret").await;
    assert_eq!(refused(&app, &fresh).await, None);

    // A weak password is refused with the sign-up rule and changes nothing.
    let body = app
        .graphql(
            Some(&admin),
            SET_PASSWORD,
            json!({ "i": { "id": id, "password": "short" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("password:"),
        "{body}"
    );
    assert_eq!(
        refused(&app, &fresh).await,
        None,
        "a refused reset ends no session"
    );
    app.login("ed@example.com", "a brand new secret").await;
}

async fn the_last_active_admin_can_be_neither_demoted_nor_disabled(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let me = my_id(&app, &admin).await;

    for (query, input) in [
        (SET_ROLE, json!({ "id": me, "role": "EDITOR" })),
        (DISABLE, json!({ "id": me })),
    ] {
        let body = app
            .graphql(Some(&admin), query, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("last active admin"),
            "{body}"
        );
    }
    assert_eq!(active_admins(&app).await, 1);
    assert_eq!(
        refused(&app, &admin).await,
        None,
        "nothing changed, the session lives"
    );

    // A disabled admin does not count: the first admin is still the last active one.
    let second = create(&app, &admin, "second@example.com", "ADMIN", None).await;
    app.graphql_ok(Some(&admin), DISABLE, json!({ "i": { "id": second } }))
        .await;
    let body = app
        .graphql(
            Some(&admin),
            SET_ROLE,
            json!({ "i": { "id": me, "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    // With another active admin, the first one may step down.
    app.graphql_ok(Some(&admin), ENABLE, json!({ "i": { "id": second } }))
        .await;
    let data = app
        .graphql_ok(
            Some(&admin),
            SET_ROLE,
            json!({ "i": { "id": me, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(data["setUserRole"]["user"]["role"], "EDITOR");
    assert_eq!(active_admins(&app).await, 1);
}

async fn two_admins_demoting_or_disabling_each_other_at_once_leave_one_admin(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.admin_token().await;
    let a = my_id(&app, &first).await;
    let b = create(&app, &first, "b@example.com", "ADMIN", None).await;
    for round in 0..6 {
        let ta = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.0;
        let tb = app.login("b@example.com", PASSWORD).await.0;
        let (query, ia, ib) = if round % 2 == 0 {
            (
                SET_ROLE,
                json!({ "id": b, "role": "EDITOR" }),
                json!({ "id": a, "role": "EDITOR" }),
            )
        } else {
            (DISABLE, json!({ "id": b }), json!({ "id": a }))
        };
        let (ra, rb) = tokio::join!(
            app.graphql(Some(&ta), query, json!({ "i": ia })),
            app.graphql(Some(&tb), query, json!({ "i": ib })),
        );
        let ok = [&ra, &rb]
            .iter()
            .filter(|r| r.get("errors").is_none())
            .count();
        assert!(ok <= 1, "both succeeded in round {round}: {ra} {rb}");
        assert_eq!(active_admins(&app).await, 1, "round {round}: {ra} {rb}");
        // Put both back for the next round, through the database (whoever is left may be
        // either of them).
        let db = app.db().await;
        db.execute_unprepared("UPDATE users SET role = 'admin', disabled_at = NULL")
            .await
            .unwrap();
        let _ = db.execute_unprepared(&format!(
            "UPDATE users SET role = 'editor' WHERE email NOT IN ('{ADMIN_EMAIL}', 'b@example.com')"
        ))
        .await;
    }
}

async fn bad_admin_inputs_get_their_code_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let id = create(&app, &admin, "ed@example.com", "EDITOR", None).await;
    let editor = app.login("ed@example.com", PASSWORD).await.0;
    let users_before = app.count("users").await;

    // Duplicate email, whatever its case: CONFLICT naming the field.
    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "i": { "email": " ED@example.com", "password": PASSWORD, "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("email:"),
        "{body}"
    );
    // Weak password: VALIDATION, the sign-up rule.
    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "i": { "email": "new@example.com", "password": "1234567", "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(app.count("users").await, users_before);

    // Unknown ids: NOT_FOUND on every mutation.
    let nobody = "VXNlcjowMTkzZjAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"; // User:0193f000-...
    let all = [
        (SET_ROLE, json!({ "id": nobody, "role": "ADMIN" })),
        (DISABLE, json!({ "id": nobody })),
        (ENABLE, json!({ "id": nobody })),
        (
            SET_PASSWORD,
            json!({ "id": nobody, "password": "long enough secret" }),
        ),
    ];
    for (query, input) in &all {
        let body = app
            .graphql(Some(&admin), query, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{query}: {body}");
    }

    // A non-admin caller: FORBIDDEN on every mutation, aimed at themself or anyone.
    for (query, input) in [
        (SET_ROLE, json!({ "id": id, "role": "ADMIN" })),
        (DISABLE, json!({ "id": id })),
        (ENABLE, json!({ "id": id })),
        (
            SET_PASSWORD,
            json!({ "id": id, "password": "long enough secret" }),
        ),
        (
            CREATE,
            json!({ "email": "x@example.com", "password": PASSWORD, "role": "ADMIN" }),
        ),
    ] {
        let body = app
            .graphql(Some(&editor), query, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{query}: {body}");
    }
    // An admin's API token cannot manage accounts (a leaked token must not take one over).
    let token = write_token(&app, &admin, "WRITE").await;
    let body = app
        .graphql(
            Some(&token),
            SET_PASSWORD,
            json!({ "i": { "id": id, "password": "taken over!" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Nothing changed: same users, the editor is still an editor with the same password and
    // a live session.
    assert_eq!(app.count("users").await, users_before);
    let me = app.graphql_ok(Some(&editor), ME, json!({})).await;
    assert_eq!(me["me"]["role"], "EDITOR");
    app.login("ed@example.com", PASSWORD).await;
}

async fn api_tokens_are_listed_with_their_last_use_and_a_revoked_one_stops_at_once(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    create(&app, &admin, "ed@example.com", "EDITOR", None).await;
    let editor = app.login("ed@example.com", PASSWORD).await.0;
    let secret = write_token(&app, &editor, "WRITE").await;
    write_token(&app, &admin, "READ").await;

    const LIST: &str = "query($all: Boolean) { apiTokens(all: $all) { id name lastUsedAt revokedAt owner { email } } }";
    let list = app.graphql_ok(Some(&editor), LIST, json!({})).await;
    assert_eq!(list["apiTokens"].as_array().unwrap().len(), 1);
    assert!(list["apiTokens"][0]["lastUsedAt"].is_null());
    assert!(
        !list.to_string().contains(&secret),
        "the secret is shown only once"
    );

    assert_eq!(refused(&app, &secret).await, None);
    let list = app.graphql_ok(Some(&editor), LIST, json!({})).await;
    assert!(list["apiTokens"][0]["lastUsedAt"].is_string(), "{list}");

    // Admins see everyone's tokens with their owner; others may not ask for them.
    let all = app
        .graphql_ok(Some(&admin), LIST, json!({ "all": true }))
        .await;
    let owners: Vec<&str> = all["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["owner"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(owners, [ADMIN_EMAIL, "ed@example.com"]);
    let mine = app.graphql_ok(Some(&admin), LIST, json!({})).await;
    assert_eq!(mine["apiTokens"].as_array().unwrap().len(), 1);
    let body = app
        .graphql(Some(&editor), LIST, json!({ "all": true }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // The admin revokes the editor's token: every request with it is refused from then on.
    let id = list["apiTokens"][0]["id"].as_str().unwrap();
    app.graphql_ok(
        Some(&admin),
        "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { revokedAt } } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    let checks = (0..10).map(|_| refused(&app, &secret));
    for code in futures::future::join_all(checks).await {
        assert_eq!(code.as_deref(), Some("UNAUTHENTICATED"));
    }
}

both_databases!(
    an_admin_lists_and_searches_users_page_by_page,
    a_disabled_user_is_locked_out_at_once_everywhere_and_can_come_back,
    a_new_role_takes_effect_and_ends_the_old_sessions,
    an_admin_sets_a_new_password_and_the_users_sessions_end,
    the_last_active_admin_can_be_neither_demoted_nor_disabled,
    two_admins_demoting_or_disabling_each_other_at_once_leave_one_admin,
    bad_admin_inputs_get_their_code_and_change_nothing,
    api_tokens_are_listed_with_their_last_use_and_a_revoked_one_stops_at_once,
);
