//! Playback keys through GraphQL: made (the private key shown once, never stored or listed),
//! listed, deleted; bad names and algorithms refused with nothing made; admins only, and of API
//! tokens only an admin's with WRITE.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreatePlaybackKeyInput!) { createPlaybackKey(input: $i) \
    { playbackKey { id name algorithm publicKeyPem createdAt } privateKeyPem } }";
const LIST: &str = "{ playbackKeys { id name algorithm publicKeyPem createdAt } }";
const DELETE: &str =
    "mutation($i: DeletePlaybackKeyInput!) { deletePlaybackKey(input: $i) { deletedId } }";

async fn create(app: &TestApp, token: Option<&str>, name: &str, algorithm: &str) -> Value {
    app.graphql(
        token,
        CREATE,
        json!({ "i": { "name": name, "algorithm": algorithm } }),
    )
    .await
}

/// An API token of `owner` with `capabilities`.
async fn api_token(app: &TestApp, owner: &str, capabilities: Value) -> String {
    let data = app
        .graphql_ok(
            Some(owner),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "name": "integrator", "capabilities": capabilities } }),
        )
        .await;
    data["createApiToken"]["token"].as_str().unwrap().into()
}

async fn playback_keys_are_made_once_listed_without_secrets_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let made = create(&app, Some(&admin), "  Partner site ", "EDDSA").await;
    let payload = &made["data"]["createPlaybackKey"];
    assert_eq!(payload["playbackKey"]["name"], "Partner site", "{made}");
    assert_eq!(payload["playbackKey"]["algorithm"], "EDDSA");
    let private = payload["privateKeyPem"].as_str().unwrap();
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{private}"
    );
    let public = payload["playbackKey"]["publicKeyPem"].as_str().unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    let rsa = create(&app, Some(&admin), "Legacy", "RS256").await;
    assert_eq!(
        rsa["data"]["createPlaybackKey"]["playbackKey"]["algorithm"], "RS256",
        "{rsa}"
    );
    let rsa_private = rsa["data"]["createPlaybackKey"]["privateKeyPem"]
        .as_str()
        .unwrap();
    {
        use rsa::pkcs8::DecodePrivateKey as _;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(rsa_private).unwrap();
        assert_eq!(rsa::traits::PublicKeyParts::size(&key), 256, "RSA 2048");
    }

    // Listed without any private key; nothing private is stored either.
    let list = app.graphql_ok(Some(&admin), LIST, json!({})).await;
    let keys = list["playbackKeys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{list}");
    assert_eq!(keys[0]["id"], payload["playbackKey"]["id"]);
    assert!(!list.to_string().contains("PRIVATE KEY"), "{list}");
    let db = app.db().await;
    use sea_orm::EntityTrait as _;
    let rows = projector_api::delivery::playback::keys::playback_key::Entity::find()
        .all(&db)
        .await
        .unwrap();
    db.close().await.ok();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert!(row.public_key.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(!row.public_key.contains("PRIVATE"));
    }

    // Bad inputs: each its code, nothing made.
    let long = "x".repeat(101);
    for (name, algorithm) in [
        ("", "EDDSA"),
        ("   ", "EDDSA"),
        (long.as_str(), "EDDSA"),
        ("a\nb", "EDDSA"),
        ("Site", "HS256"),
        ("Site", "NONE"),
    ] {
        let body = create(&app, Some(&admin), name, algorithm).await;
        assert_eq!(
            error_code(&body),
            Some("VALIDATION"),
            "{name:?} {algorithm}: {body}"
        );
    }
    assert_eq!(app.count("playback_keys").await, 2);

    // Deleted: gone from the list; again, NOT_FOUND; a foreign ID, VALIDATION.
    let id = payload["playbackKey"]["id"].as_str().unwrap();
    let gone = app
        .graphql_ok(Some(&admin), DELETE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(gone["deletePlaybackKey"]["deletedId"], id);
    let again = app
        .graphql(Some(&admin), DELETE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
    let me = app
        .graphql_ok(Some(&admin), "{ me { id } }", json!({}))
        .await;
    let wrong = app
        .graphql(
            Some(&admin),
            DELETE,
            json!({ "i": { "id": me["me"]["id"] } }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("VALIDATION"), "{wrong}");
    assert_eq!(app.count("playback_keys").await, 1);
}

async fn only_admins_and_their_write_tokens_manage_playback_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let viewer = app.user_token("vi@example.com", "VIEWER").await;
    let existing = create(&app, Some(&admin), "Existing", "EDDSA").await;
    let existing = existing["data"]["createPlaybackKey"]["playbackKey"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let admin_read = api_token(&app, &admin, json!(["READ"])).await;
    let admin_upload = api_token(&app, &admin, json!(["READ", "UPLOAD"])).await;
    let admin_write = api_token(&app, &admin, json!(["READ", "WRITE"])).await;
    let editor_write = api_token(&app, &editor, json!(["READ", "WRITE"])).await;

    let refused = [
        (None, "UNAUTHENTICATED"),
        (Some(viewer.as_str()), "FORBIDDEN"),
        (Some(editor.as_str()), "FORBIDDEN"),
        (Some(editor_write.as_str()), "FORBIDDEN"),
        // A READ-only token is a valid credential used outside its capabilities.
        (Some(admin_read.as_str()), "FORBIDDEN"),
        // The gate wants WRITE, even to list.
        (Some(admin_upload.as_str()), "FORBIDDEN"),
    ];
    for (token, code) in refused {
        let made = create(&app, token, "Mine", "EDDSA").await;
        assert_eq!(error_code(&made), Some(code), "create: {made}");
        let list = app.graphql(token, LIST, json!({})).await;
        assert_eq!(error_code(&list), Some(code), "list: {list}");
        assert!(!list.to_string().contains(&existing), "{list}");
        let gone = app
            .graphql(token, DELETE, json!({ "i": { "id": existing } }))
            .await;
        assert_eq!(error_code(&gone), Some(code), "delete: {gone}");
    }
    assert_eq!(app.count("playback_keys").await, 1);

    // An admin's WRITE token may.
    let made = create(&app, Some(&admin_write), "From the integration", "EDDSA").await;
    assert!(made["errors"].is_null(), "{made}");
    let list = app.graphql_ok(Some(&admin_write), LIST, json!({})).await;
    assert_eq!(list["playbackKeys"].as_array().unwrap().len(), 2);
    app.graphql_ok(
        Some(&admin_write),
        DELETE,
        json!({ "i": { "id": existing } }),
    )
    .await;
    assert_eq!(app.count("playback_keys").await, 1);
}

both_databases!(
    playback_keys_are_made_once_listed_without_secrets_and_deleted,
    only_admins_and_their_write_tokens_manage_playback_keys,
);
