//! `/admin/users` and `/admin/tokens`.

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser};
use serde_json::json;

use crate::admin_site::support::*;

/// The account with this email as the API lists it to the admin (`None` when there is none).
async fn account(app: &TestApp, email: &str) -> Option<serde_json::Value> {
    let admin = app.admin_token().await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($t: String) { users(filter: { text: $t }) { nodes { email role disabled } } }",
            json!({ "t": email }),
        )
        .await;
    data["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .cloned()
}

/// The user row of the users page for this email.
fn row(email: &str, inner: &str) -> String {
    format!("li.user-row[data-email=\"{email}\"] {inner}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_user_changes_the_role_and_disables_the_account_whose_token_then_stops_working()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/users").await;

    // A weak password is refused beside the password field, and nobody is created.
    fill(&browser, "#new-user-email", "ana@example.com").await;
    fill(&browser, "#new-user-name", "Ana").await;
    fill(&browser, "#new-user-password", "short").await;
    choose(&browser, "#new-user-role", "EDITOR").await;
    click(&browser, "#new-user-submit").await;
    let weak = text_of(&browser, "#new-user-password-error").await;
    let after_weak = account(&app, "ana@example.com").await;

    fill(&browser, "#new-user-password", "a-good-password").await;
    click(&browser, "#new-user-submit").await;
    let created = text_of(&browser, "#new-user-notice").await;
    let listed = text_of(&browser, &row("ana@example.com", ".user-state")).await;
    let after_create = account(&app, "ana@example.com").await;

    // The same email again: refused beside the email field.
    fill(&browser, "#new-user-email", "ANA@example.com").await;
    fill(&browser, "#new-user-password", "another-good-one").await;
    click(&browser, "#new-user-submit").await;
    let duplicate = text_of(&browser, "#new-user-email-error").await;

    // Ana works with a WRITE token of her own.
    let (session, _) = app.login("ana@example.com", "a-good-password").await;
    let token = app
        .graphql_ok(
            Some(&session),
            "mutation { createApiToken(input: { name: \"script\", scope: WRITE }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let token_before = me_with(&app, &token).await;

    // Search finds her; the role becomes viewer.
    fill(&browser, "#user-search", "ana").await;
    click(&browser, "#user-search-submit").await;
    let count = text_containing(&browser, "#user-count", "1 of 1").await;
    choose(&browser, &row("ana@example.com", ".user-role"), "VIEWER").await;
    click(&browser, &row("ana@example.com", ".user-set-role")).await;
    let role_notice = text_of(&browser, &row("ana@example.com", ".notice")).await;
    let after_role = account(&app, "ana@example.com").await;

    // The last admin cannot be demoted: the refusal shows in the admin's row.
    fill(&browser, "#user-search", "").await;
    click(&browser, "#user-search-submit").await;
    choose(&browser, &row(ADMIN_EMAIL, ".user-role"), "EDITOR").await;
    click(&browser, &row(ADMIN_EMAIL, ".user-set-role")).await;
    let last_admin = text_of(&browser, &row(ADMIN_EMAIL, ".form-error")).await;
    let admin_after = account(&app, ADMIN_EMAIL).await;
    let admin_choice = wait_for_js(
        &browser,
        &format!(
            "document.querySelector({}).value === 'ADMIN'",
            serde_json::to_string(&row(ADMIN_EMAIL, ".user-role")).unwrap()
        ),
    )
    .await;

    // Disabled: her token stops working at once.
    click(&browser, &row("ana@example.com", ".user-toggle")).await;
    let disabled_notice = text_of(&browser, &row("ana@example.com", ".notice")).await;
    let state = text_containing(&browser, &row("ana@example.com", ".user-state"), "disabled").await;
    let token_after = me_with(&app, &token).await;
    let after_disable = account(&app, "ana@example.com").await;

    // A new password set by the admin (she is enabled again first).
    click(&browser, &row("ana@example.com", ".user-toggle")).await;
    text_containing(&browser, &row("ana@example.com", ".user-state"), "active").await;
    let token_enabled = me_with(&app, &token).await;
    fill(
        &browser,
        &row("ana@example.com", ".user-password"),
        "brand-new-secret",
    )
    .await;
    click(&browser, &row("ana@example.com", ".user-set-password")).await;
    let password_notice = text_of(&browser, &row("ana@example.com", ".notice")).await;
    let new_login = app
        .graphql(
            None,
            "mutation { login(input: { email: \"ana@example.com\", password: \"brand-new-secret\" }) { accessToken } }",
            json!({}),
        )
        .await;

    // Keyboard: the search field and the row controls are reachable and labelled.
    let labelled = js(
        &browser,
        "return [...document.querySelectorAll('.user-role, .user-password')].every(e => e.getAttribute('aria-label'));",
    )
    .await;
    screenshots(&browser, "admin-users").await;
    browser.close().await;

    assert_eq!(
        weak.as_deref(),
        Some("Must be at least 8 characters"),
        "a weak password is refused beside its field"
    );
    assert_eq!(after_weak, None, "a refused user is not created");
    assert_eq!(created.as_deref(), Some("Created ana@example.com."));
    assert_eq!(listed.as_deref(), Some("active"));
    assert_eq!(
        after_create,
        Some(json!({ "email": "ana@example.com", "role": "EDITOR", "disabled": false }))
    );
    assert!(
        duplicate
            .as_deref()
            .unwrap_or_default()
            .contains("already exists"),
        "{duplicate:?}"
    );
    assert_eq!(token_before, Ok(Some("ana@example.com".to_owned())));
    assert_eq!(count, "1 of 1 accounts");
    assert_eq!(
        role_notice.as_deref(),
        Some("ana@example.com is now viewer.")
    );
    assert_eq!(
        after_role.as_ref().map(|u| &u["role"]),
        Some(&json!("VIEWER"))
    );
    assert!(
        last_admin
            .as_deref()
            .unwrap_or_default()
            .contains("last active admin"),
        "{last_admin:?}"
    );
    assert_eq!(
        admin_after.as_ref().map(|u| &u["role"]),
        Some(&json!("ADMIN"))
    );
    assert_eq!(
        admin_choice,
        Some(json!(true)),
        "the refused choice goes back to the role kept"
    );
    assert!(
        disabled_notice
            .as_deref()
            .unwrap_or_default()
            .contains("is disabled"),
        "{disabled_notice:?}"
    );
    assert_eq!(state, "disabled");
    assert!(
        token_after.is_err(),
        "a disabled user's token still works: {token_after:?}"
    );
    assert_eq!(
        after_disable.as_ref().map(|u| &u["disabled"]),
        Some(&json!(true))
    );
    assert_eq!(token_enabled, Ok(Some("ana@example.com".to_owned())));
    assert!(
        password_notice
            .as_deref()
            .unwrap_or_default()
            .contains("New password set"),
        "{password_notice:?}"
    );
    assert!(
        new_login["data"]["login"]["accessToken"].is_string(),
        "the new password signs in: {new_login}"
    );
    assert_eq!(labelled, json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_on_the_tokens_page_works_shows_its_secret_once_and_stops_working_once_revoked()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#nav-tokens").await;
    wait_for(&browser, "#new-token-form").await;

    // A name too long is refused beside the field.
    fill(&browser, "#new-token-name", &"x".repeat(101)).await;
    click(&browser, "#new-token-submit").await;
    let too_long = text_of(&browser, "#new-token-name-error").await;

    fill(&browser, "#new-token-name", "Partner site").await;
    click(&browser, "#new-token-cap-WRITE").await;
    click(&browser, "#new-token-submit").await;
    let notice = text_of(&browser, "#new-token-notice").await;
    let secret = text_of(&browser, "#new-token-secret").await.unwrap();
    click(&browser, "#copy-token").await;
    let copied = text_of(&browser, "#copy-notice").await;
    let works = me_with(&app, &secret).await;

    // Listed with its last use once the page is read again; the secret is not shown again.
    open(&browser, &app, "/admin/tokens").await;
    let last_used = text_of(
        &browser,
        "li.token-row[data-name=\"Partner site\"] .token-last-used",
    )
    .await;
    let secret_again = js(
        &browser,
        "return document.getElementById('new-token-secret') !== null;",
    )
    .await;
    let page = body_text(&browser).await;
    screenshots(&browser, "admin-tokens").await;

    click(
        &browser,
        "li.token-row[data-name=\"Partner site\"] .token-revoke",
    )
    .await;
    let revoked_notice =
        text_of(&browser, "li.token-row[data-name=\"Partner site\"] .notice").await;
    let revoked = text_of(
        &browser,
        "li.token-row[data-name=\"Partner site\"] .token-revoked",
    )
    .await;
    let after = me_with(&app, &secret).await;
    browser.close().await;

    assert_eq!(too_long.as_deref(), Some("Must be 1 to 100 characters"));
    assert_eq!(notice.as_deref(), Some("Created the token “Partner site”."));
    assert!(copied.is_some(), "the copy button says what happened");
    assert_eq!(works, Ok(Some(ADMIN_EMAIL.to_owned())));
    assert!(
        last_used
            .as_deref()
            .unwrap_or_default()
            .starts_with("last used 20"),
        "{last_used:?}"
    );
    assert_eq!(secret_again, json!(false));
    assert!(!page.contains(&secret), "the secret is shown once only");
    assert_eq!(
        revoked_notice.as_deref(),
        Some("Revoked “Partner site”: it no longer works.")
    );
    assert!(
        revoked
            .as_deref()
            .unwrap_or_default()
            .starts_with("revoked 20"),
        "{revoked:?}"
    );
    assert!(after.is_err(), "a revoked token still works: {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_on_the_tokens_page_keeps_to_its_capabilities_channels_and_expiry() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let alpha = app.create_channel(&admin, "Alpha").await;
    let beta = app.create_channel(&admin, "Beta").await;
    let in_alpha = app
        .create_video(&admin, alpha["id"].as_str().unwrap(), "In alpha", json!({}))
        .await;
    let in_beta = app
        .create_video(&admin, beta["id"].as_str().unwrap(), "In beta", json!({}))
        .await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/tokens").await;
    wait_for(&browser, "label.token-channel[data-name=\"Alpha\"] input").await;
    let webhooks_offered = js(
        &browser,
        "return document.getElementById('new-token-cap-WEBHOOKS') !== null;",
    )
    .await;

    // An expiry in the past is refused beside its field.
    fill(&browser, "#new-token-name", "Alpha writer").await;
    click(&browser, "#new-token-cap-WRITE").await;
    click(&browser, "label.token-channel[data-name=\"Alpha\"] input").await;
    js(
        &browser,
        "document.getElementById('new-token-expires').value = '2020-01-01'; return true;",
    )
    .await;
    click(&browser, "#new-token-submit").await;
    let past = text_of(&browser, "#new-token-expires-error").await;
    let tokens_after_past = app.count("api_tokens").await;

    let next_month = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    js(
        &browser,
        &format!(
            "document.getElementById('new-token-expires').value = '{next_month}'; return true;"
        ),
    )
    .await;
    click(&browser, "#new-token-submit").await;
    let notice = text_of(&browser, "#new-token-notice").await;
    let secret = text_of(&browser, "#new-token-secret").await.unwrap();
    let row = |inner: &str| format!("li.token-row[data-name=\"Alpha writer\"] {inner}");
    let capabilities = text_of(&browser, &row(".token-capabilities")).await;
    let channels = text_of(&browser, &row(".token-channels")).await;
    let expiry = text_of(&browser, &row(".token-expiry")).await;
    browser.close().await;

    let rename = |id: &serde_json::Value| json!({ "i": { "id": id, "title": "Renamed" } });
    let update = "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { title } } }";
    let inside = app
        .graphql(Some(&secret), update, rename(&in_alpha["id"]))
        .await;
    let outside = app
        .graphql(Some(&secret), update, rename(&in_beta["id"]))
        .await;

    assert_eq!(webhooks_offered, json!(true), "admins may give WEBHOOKS");
    assert_eq!(past.as_deref(), Some("Must be in the future"));
    assert_eq!(tokens_after_past, 0, "a refused token is not made");
    assert_eq!(notice.as_deref(), Some("Created the token “Alpha writer”."));
    assert_eq!(capabilities.as_deref(), Some("READ, WRITE"));
    assert_eq!(channels.as_deref(), Some("Alpha"));
    assert_eq!(
        expiry.as_deref(),
        Some(format!("expires {next_month} 00:00 UTC").as_str())
    );
    assert_eq!(
        inside["data"]["updateVideo"]["video"]["title"], "Renamed",
        "{inside}"
    );
    assert_eq!(
        projector_tests::error_code(&outside),
        Some("FORBIDDEN"),
        "{outside}"
    );
}
