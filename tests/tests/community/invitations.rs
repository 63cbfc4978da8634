//! Admins list invitations (newest first, with where each stands) and revoke unused ones; a
//! revoked link no longer signs anyone up; bad revocations change nothing.

use projector_api::config::Registration;
use projector_tests::{Backend, both_databases, error_code, spawn_app_with};
use serde_json::{Value, json};

use crate::support::{SIGN_UP, sql, viewer};

const INVITE: &str = "mutation { createInvitation { token url } }";
const LIST: &str = "query($after: String) { invitations(first: 2, after: $after) { totalCount nodes { id status createdAt expiresAt usedAt } pageInfo { hasNextPage endCursor } } }";
const REVOKE: &str =
    "mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { revokedId } }";

fn sign_up_with(token: &str, email: &str) -> Value {
    json!({ "i": { "email": email, "password": "a quiet river 42", "displayName": "Guest",
        "invitation": token } })
}

fn nodes(data: &Value) -> Vec<Value> {
    data["invitations"]["nodes"].as_array().unwrap().clone()
}

async fn all(app: &projector_tests::TestApp, admin: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql_ok(Some(admin), LIST, json!({ "after": after }))
            .await;
        out.extend(nodes(&page));
        if page["invitations"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = page["invitations"]["pageInfo"]["endCursor"].clone();
    }
}

async fn admins_list_invitations_newest_first_and_revoke_unused_ones(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.accounts.registration = Some(Registration::Invitation);
        c.accounts.signups_per_address = 1000;
    })
    .await;
    let admin = app.admin_token().await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let created = app.graphql_ok(Some(&admin), INVITE, json!({})).await;
        tokens.push(
            created["createInvitation"]["token"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // The first is used, the second expires, the third stays open.
    let body = app
        .graphql(None, SIGN_UP, sign_up_with(&tokens[0], "used@example.com"))
        .await;
    assert_eq!(body["data"]["signUp"]["ok"], true, "{body}");
    let listed = all(&app, &admin).await;
    assert_eq!(listed.len(), 3);
    let second_id = listed[1]["id"].clone();
    sql(
        &app,
        "UPDATE invitations SET expires_at = created_at WHERE id = (SELECT id FROM invitations WHERE used_at IS NULL ORDER BY id LIMIT 1)",
    )
    .await;
    let listed = all(&app, &admin).await;
    let statuses: Vec<_> = listed.iter().map(|n| n["status"].clone()).collect();
    assert_eq!(statuses, [json!("OPEN"), json!("EXPIRED"), json!("USED")]);
    assert!(listed[2]["usedAt"].is_string());
    assert!(listed[0]["usedAt"].is_null());
    assert_eq!(listed[1]["id"], second_id);
    let first = app.graphql_ok(Some(&admin), LIST, json!({})).await;
    assert_eq!(first["invitations"]["totalCount"], 3);

    // Revoking the open one: its link stops working, the list loses it.
    let open_id = listed[0]["id"].clone();
    let revoked = app
        .graphql_ok(Some(&admin), REVOKE, json!({ "i": { "id": open_id } }))
        .await;
    assert_eq!(revoked["revokeInvitation"]["revokedId"], open_id);
    let body = app
        .graphql(None, SIGN_UP, sign_up_with(&tokens[2], "late@example.com"))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(app.count("users").await, 2);
    let listed = all(&app, &admin).await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|n| n["id"] != open_id));
}

async fn bad_revocations_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.accounts.registration = Some(Registration::Open);
        c.accounts.signups_per_address = 1000;
    })
    .await;
    let admin = app.admin_token().await;
    let created = app.graphql_ok(Some(&admin), INVITE, json!({})).await;
    let token = created["createInvitation"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    app.graphql_ok(None, SIGN_UP, sign_up_with(&token, "used@example.com"))
        .await;
    app.graphql_ok(Some(&admin), INVITE, json!({})).await;
    let before = all(&app, &admin).await;
    let used_id = before[1]["id"].clone();
    let open_id = before[0]["id"].clone();
    let unknown = projector_api::graphql::relay::to_global("Invitation", uuid::Uuid::now_v7()).0;
    let video_id = projector_api::graphql::relay::to_global("Video", uuid::Uuid::now_v7()).0;
    for (id, code) in [
        (used_id, "VALIDATION"),
        (json!(unknown), "NOT_FOUND"),
        (json!(video_id), "VALIDATION"),
        (json!("garbage"), "VALIDATION"),
    ] {
        let body = app
            .graphql(Some(&admin), REVOKE, json!({ "i": { "id": id } }))
            .await;
        assert_eq!(error_code(&body), Some(code), "{id}: {body}");
    }
    // A viewer, and nobody, may neither list nor revoke.
    let ada = viewer(&app, "ada@example.com").await;
    for token in [Some(ada.as_str()), None] {
        let body = app
            .graphql(token, REVOKE, json!({ "i": { "id": open_id } }))
            .await;
        assert!(
            matches!(error_code(&body), Some("FORBIDDEN" | "UNAUTHENTICATED")),
            "{body}"
        );
        let body = app.graphql(token, LIST, json!({})).await;
        assert!(
            matches!(error_code(&body), Some("FORBIDDEN" | "UNAUTHENTICATED")),
            "{body}"
        );
    }
    assert_eq!(all(&app, &admin).await, before);
}

both_databases!(
    admins_list_invitations_newest_first_and_revoke_unused_ones,
    bad_revocations_are_refused_and_change_nothing,
);
