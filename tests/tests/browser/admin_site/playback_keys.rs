//! `/admin/playback-keys`: a key made on the page, its private key shown once (the private half
//! of the public key the API keeps), listed, deleted after a warning; a blank name refused
//! beside the field; and who may open the page.

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser, error_code};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// Every key as the admin reads it through the API, with every field.
async fn keys(app: &TestApp) -> Vec<Value> {
    let admin = app.admin_token().await;
    app.graphql_ok(
        Some(&admin),
        "{ playbackKeys { id name algorithm publicKeyPem createdAt } }",
        json!({}),
    )
    .await["playbackKeys"]
        .as_array()
        .unwrap()
        .clone()
}

/// Whether `private_pem` (PKCS#8, RSA) is the private half of `public_pem` (SPKI).
fn halves_of_one_key(private_pem: &str, public_pem: &str) -> bool {
    use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
    let (Ok(private), Ok(public)) = (
        rsa::RsaPrivateKey::from_pkcs8_pem(private_pem),
        rsa::RsaPublicKey::from_public_key_pem(public_pem),
    ) else {
        return false;
    };
    private.to_public_key() == public
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_makes_a_key_sees_its_private_key_once_and_deletes_it_after_a_warning() {
    assert_app_is_built();
    let app = spawn_site().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#nav-playback-keys").await;
    let empty = text_of(&browser, "#no-keys").await;

    // A blank name: refused beside the field, no key made.
    click(&browser, "#new-key-submit").await;
    let blank = text_of(&browser, "#new-key-name-error").await;
    let after_blank = keys(&app).await;

    fill(&browser, "#new-key-name", "Partner site").await;
    choose(&browser, "#new-key-algorithm", "RS256").await;
    click(&browser, "#new-key-submit").await;
    let notice = text_of(&browser, "#new-key-notice").await;
    let private = text_of(&browser, "#new-key-private")
        .await
        .unwrap_or_default();
    let example = text_of(&browser, "#new-key-example")
        .await
        .unwrap_or_default();
    let note = text_of(&browser, ".key-secret p").await;
    let copy = wait_for(&browser, "#copy-key").await.text().await.unwrap();
    let row = text_of(&browser, ".key-row").await.unwrap_or_default();
    let row_id = js(
        &browser,
        "return document.querySelector('.key-row').dataset.id;",
    )
    .await;
    let made = keys(&app).await;
    screenshots_at(&browser, "#new-key-heading", "admin-playback-keys").await;

    // Read again: listed, the private key gone from the page.
    open(&browser, &app, "/admin/playback-keys").await;
    wait_for(&browser, ".key-row").await;
    let after_reload = body_text(&browser).await;

    // Delete asks first and says what happens; keeping it changes nothing.
    click(&browser, ".key-delete").await;
    let warning = text_of(&browser, ".key-delete-warning").await;
    click(&browser, ".key-keep").await;
    let kept = keys(&app).await;
    click(&browser, ".key-delete").await;
    click(&browser, ".key-confirm-delete").await;
    let deleted = text_of(&browser, "#keys-notice").await;
    let none_left = text_of(&browser, "#no-keys").await;
    browser.close().await;
    let after_delete = keys(&app).await;

    assert_eq!(empty.as_deref(), Some("No keys yet."));
    assert_eq!(blank.as_deref(), Some("Give the key a name"));
    assert!(after_blank.is_empty(), "{after_blank:?}");
    assert_eq!(notice.as_deref(), Some("Key created."));
    assert_eq!(made.len(), 1, "{made:?}");
    let key = &made[0];
    let kid = key["id"].as_str().unwrap();
    assert_eq!(key["name"], "Partner site");
    assert_eq!(key["algorithm"], "RS256");
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{private:?}"
    );
    assert!(
        halves_of_one_key(&private, key["publicKeyPem"].as_str().unwrap()),
        "the private key shown is the half of the key the API keeps"
    );
    let (header, claims) = example.split_once('\n').unwrap();
    let header: Value = serde_json::from_str(header).unwrap();
    let claims: Value = serde_json::from_str(claims).unwrap();
    assert_eq!(header, json!({ "alg": "RS256", "typ": "JWT", "kid": kid }));
    assert_eq!(claims["sub"], "VIDEO_ID");
    assert_eq!(claims["aud"], json!(["v", "t", "s"]));
    let ahead = claims["exp"].as_i64().unwrap() - chrono::Utc::now().timestamp();
    assert!(
        (3500..=3600).contains(&ahead),
        "exp is an hour ahead: {ahead}"
    );
    assert_eq!(
        note.as_deref(),
        Some(
            "Copy this private key now: it is shown only this once, and Projector does not keep it."
        )
    );
    assert_eq!(copy, "Copy");
    assert_eq!(row_id, json!(kid));
    for part in ["Partner site", "RS256", kid, "Created 20"] {
        assert!(row.contains(part), "the row shows {part:?}: {row:?}");
    }
    assert!(after_reload.contains("Partner site"), "{after_reload}");
    assert!(
        !after_reload.contains("PRIVATE KEY"),
        "the private key is shown once only: {after_reload}"
    );
    assert_eq!(
        warning.as_deref(),
        Some("Players using tokens signed with it stop working at once.")
    );
    assert_eq!(kept, made, "keeping it changes nothing");
    assert_eq!(deleted.as_deref(), Some("Key deleted."));
    assert_eq!(none_left.as_deref(), Some("No keys yet."));
    assert!(after_delete.is_empty(), "{after_delete:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_is_not_offered_the_playback_keys_page_and_it_shows_them_no_key() {
    assert_app_is_built();
    let app = spawn_site().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let admin = app.admin_token().await;
    app.graphql_ok(
        Some(&admin),
        "mutation { createPlaybackKey(input: { name: \"secret partner\", algorithm: EDDSA }) { privateKeyPem } }",
        json!({}),
    )
    .await;
    let (link, refused, page) = seen_by_editor(
        &app,
        "ed@example.com",
        "nav-playback-keys",
        "/admin/playback-keys",
        "#keys-admins-only",
    )
    .await;
    let api = app
        .graphql(Some(&editor), "{ playbackKeys { name } }", json!({}))
        .await;

    assert_eq!(link, json!(false), "editors see no link to the page");
    assert_eq!(
        refused.as_deref(),
        Some("Only admins manage playback keys.")
    );
    assert!(!page.contains("secret partner"), "{page}");
    assert!(!page.contains("New key"), "{page}");
    assert_eq!(error_code(&api), Some("FORBIDDEN"), "{api}");
}
