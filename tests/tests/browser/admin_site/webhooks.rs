//! `/admin/webhooks`: endpoints registered, edited and disabled on the page, their delivery
//! log and redelivery, against a receiver each test starts; and who may open the page.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// What a receiver got: the `webhook-id` header and the body.
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A receiver on loopback that records each POST and answers `status`; its URL and what it saw.
async fn receiver(status: StatusCode) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
        let record = record.clone();
        async move {
            let id = headers
                .get("webhook-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = serde_json::from_str(&body).unwrap_or(Value::Null);
            record.lock().unwrap().push((id, body));
            status
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://127.0.0.1:{port}/hook"), seen)
}

/// Waits until `seen` holds `n` requests (at most 20 s); returns them.
async fn received(seen: &Seen, n: usize) -> Vec<(String, Value)> {
    for _ in 0..200 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen.lock().unwrap().clone()
}

/// Loopback receivers allowed, quick retries and a short poll.
fn fast(c: &mut projector_api::Config) {
    c.webhooks.allow_private_targets = true;
    c.webhooks.retry_base_ms = 1;
    c.webhooks.poll_ms = 50;
    c.webhooks.timeout_ms = 2000;
}

/// Every endpoint as the admin reads it through the API, with every field.
async fn endpoints(app: &TestApp) -> Vec<Value> {
    let admin = app.admin_token().await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "{ webhookEndpoints { id url description eventTypes enabled disabledReason failingSince
                 previousSecretValidUntil createdAt updatedAt deliveries(first: 10) { totalCount } } }",
            json!({}),
        )
        .await;
    data["webhookEndpoints"].as_array().unwrap().clone()
}

/// The endpoint row of the page for this URL.
fn row(url: &str, inner: &str) -> String {
    format!("li.hook-row[data-url=\"{url}\"] {inner}")
}

/// Clicks Refresh until the page shows `css` (at most 20 s); whether it did.
async fn refresh_until(browser: &Browser, css: &str) -> bool {
    let selector = serde_json::to_string(css).unwrap();
    for _ in 0..40 {
        click(browser, "#webhooks-refresh").await;
        if wait_for_js_within(
            browser,
            &format!("document.querySelector({selector})"),
            Duration::from_millis(500),
        )
        .await
        .is_some()
        {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_registers_an_endpoint_sees_its_delivery_in_the_log_and_redelivers_it() {
    assert_app_is_built();
    let app = spawn_site_with(fast).await;
    let admin = app.admin_token().await;
    let (url, seen) = receiver(StatusCode::OK).await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#nav-webhooks").await;
    wait_for(
        &browser,
        "#new-hook-types input[data-type=\"video.published\"]",
    )
    .await;
    fill(&browser, "#new-hook-url", &url).await;
    fill(&browser, "#new-hook-description", "Partner CMS").await;
    click(
        &browser,
        "#new-hook-types input[data-type=\"video.published\"]",
    )
    .await;
    click(&browser, "#new-hook-submit").await;
    let notice = text_of(&browser, "#new-hook-notice").await;
    let secret = text_of(&browser, ".hook-secret").await.unwrap_or_default();
    let listed = text_of(&browser, &row(&url, ".hook-types-list")).await;
    let made = endpoints(&app).await;

    // A video is published: its event reaches the receiver and shows in the log.
    let channel = app.create_channel(&admin, "Hooked").await;
    let video = app
        .create_video(&admin, channel["id"].as_str().unwrap(), "Launch", json!({}))
        .await;
    app.set_media_status(video["id"].as_str().unwrap(), "READY")
        .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": video["id"] } }),
    )
    .await;
    let first = received(&seen, 1).await;
    click(&browser, &row(&url, ".hook-log-toggle")).await;
    let delivered = refresh_until(
        &browser,
        &row(&url, ".hook-delivery[data-status=\"SUCCEEDED\"]"),
    )
    .await;
    let delivery = |inner: &str| row(&url, &format!(".hook-delivery {inner}"));
    let event = text_of(&browser, &delivery(".delivery-event")).await;
    let status = text_of(&browser, &delivery(".delivery-status")).await;
    let code = text_of(&browser, &delivery(".delivery-code")).await;
    let attempts = text_of(&browser, &delivery(".delivery-attempts")).await;
    click(&browser, &delivery(".delivery-attempts")).await;
    let attempt = text_of(&browser, &delivery(".hook-attempt")).await;
    screenshots_at(&browser, "#hooks-heading", "admin-webhooks").await;

    click(&browser, &delivery(".delivery-redeliver")).await;
    let redelivered = text_containing(&browser, &delivery(".notice"), "Sent again").await;
    let both = received(&seen, 2).await;
    let two_in_log = refresh_until(
        &browser,
        &row(
            &url,
            ".hook-delivery:nth-child(2)[data-status=\"SUCCEEDED\"]",
        ),
    )
    .await;
    browser.close().await;
    let after = endpoints(&app).await;

    assert_eq!(notice.as_deref(), Some("Endpoint created."));
    assert!(
        secret.starts_with("whsec_"),
        "the secret is shown: {secret:?}"
    );
    assert_eq!(listed.as_deref(), Some("video.published"));
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["url"], url.as_str());
    assert_eq!(made[0]["description"], "Partner CMS");
    assert_eq!(made[0]["eventTypes"], json!(["video.published"]));
    assert_eq!(made[0]["enabled"], true);
    assert_eq!(first.len(), 1, "only the type asked for is sent: {first:?}");
    assert_eq!(first[0].1["type"], "video.published");
    assert!(delivered, "the log never showed the delivery as succeeded");
    assert_eq!(event.as_deref(), Some("video.published"));
    assert_eq!(status.as_deref(), Some("succeeded"));
    assert_eq!(code.as_deref(), Some("200"));
    assert_eq!(attempts.as_deref(), Some("Attempts: 1"));
    assert!(
        attempt
            .as_deref()
            .unwrap_or_default()
            .starts_with("attempt 1 · 20"),
        "{attempt:?}"
    );
    assert!(redelivered.contains("Sent again"), "{redelivered}");
    assert_eq!(both.len(), 2, "the receiver got it twice: {both:?}");
    assert_eq!(both[0].0, both[1].0, "a redelivery keeps the webhook-id");
    assert_eq!(both[1].1["type"], "video.published");
    assert!(two_in_log, "the log never showed both deliveries");
    assert_eq!(after[0]["deliveries"]["totalCount"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_an_endpoints_description_on_the_page_changes_only_the_description() {
    assert_app_is_built();
    let app = spawn_site_with(fast).await;
    let admin = app.admin_token().await;
    let url = "http://127.0.0.1:9/hook";
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
        json!({ "i": { "url": url, "description": "Old words",
                       "eventTypes": ["video.created", "comment.created"] } }),
    )
    .await;
    let before = endpoints(&app).await.remove(0);
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/webhooks").await;
    click(&browser, &row(url, ".hook-edit")).await;
    let ticked = js(
        &browser,
        "return [...document.querySelectorAll('.hook-edit-form input[data-type]:checked')].map(i => i.dataset.type);",
    )
    .await;
    // Saved with no change: nothing is sent.
    click(&browser, &row(url, ".hook-save")).await;
    let nothing = text_of(&browser, &row(url, ".notice")).await;
    let untouched = endpoints(&app).await.remove(0);

    fill(&browser, &row(url, ".hook-edit-description"), "New words").await;
    click(&browser, &row(url, ".hook-save")).await;
    let saved = text_containing(&browser, &row(url, ".notice"), "Saved").await;
    let edited = endpoints(&app).await.remove(0);

    // Disabled and enabled again from its row.
    click(&browser, &row(url, ".hook-toggle")).await;
    let disabled_said = text_containing(&browser, &row(url, ".hook-health"), "Disabled").await;
    let disabled = endpoints(&app).await.remove(0);
    click(&browser, &row(url, ".hook-toggle")).await;
    text_containing(&browser, &row(url, ".hook-state"), "enabled").await;
    let enabled = endpoints(&app).await.remove(0);
    browser.close().await;

    assert_eq!(ticked, json!(["video.created", "comment.created"]));
    assert_eq!(
        nothing.as_deref(),
        Some("Nothing to save: no field was changed.")
    );
    assert_eq!(untouched, before, "a save with no change changed something");
    assert_eq!(saved, "Saved.");
    assert_eq!(edited["description"], "New words");
    let mut expected = before.clone();
    expected["description"] = json!("New words");
    expected["updatedAt"] = edited["updatedAt"].clone();
    assert_eq!(edited, expected, "only the description changes");
    assert!(
        disabled_said.contains("Disabled by an admin"),
        "{disabled_said}"
    );
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["description"], "New words");
    assert_eq!(disabled["eventTypes"], before["eventTypes"]);
    assert_eq!(enabled["enabled"], true);
    assert_eq!(enabled["url"], url);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_address_is_refused_beside_the_url_and_nothing_is_registered() {
    assert_app_is_built();
    // The default configuration: webhooks go to public addresses only.
    let app = spawn_site().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/webhooks").await;
    wait_for(
        &browser,
        "#new-hook-types input[data-type=\"video.created\"]",
    )
    .await;
    fill(&browser, "#new-hook-url", "http://10.1.2.3/hook").await;
    click(
        &browser,
        "#new-hook-types input[data-type=\"video.created\"]",
    )
    .await;
    click(&browser, "#new-hook-submit").await;
    let url_error = text_of(&browser, "#new-hook-url-error").await;
    let after_private = app.count("webhook_endpoints").await;
    // No event type ticked: said beside the event types.
    fill(&browser, "#new-hook-url", "http://8.8.8.8/hook").await;
    click(
        &browser,
        "#new-hook-types input[data-type=\"video.created\"]",
    )
    .await;
    click(&browser, "#new-hook-submit").await;
    let types_error = text_of(&browser, "#new-hook-types-error").await;
    let secret_shown = js(
        &browser,
        "return document.querySelector('.hook-secret') !== null;",
    )
    .await;
    browser.close().await;

    let url_error = url_error.unwrap_or_default();
    assert!(
        url_error.starts_with("10.1.2.3 is a private address"),
        "{url_error}"
    );
    assert_eq!(types_error.as_deref(), Some("Name at least one event type"));
    assert_eq!(after_private, 0, "a refused endpoint is not registered");
    assert_eq!(app.count("webhook_endpoints").await, 0);
    assert_eq!(secret_shown, json!(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_is_not_offered_the_webhooks_page_and_it_refuses_them() {
    assert_app_is_built();
    let app = spawn_site().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let admin = app.admin_token().await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
        json!({ "i": { "url": "http://8.8.8.8/secret-partner", "eventTypes": ["video.created"] } }),
    )
    .await;
    let (link, refused, page) = seen_by_editor(
        &app,
        "ed@example.com",
        "nav-webhooks",
        "/admin/webhooks",
        "#webhooks-admins-only",
    )
    .await;
    let api = app
        .graphql(Some(&editor), "{ webhookEndpoints { url } }", json!({}))
        .await;

    assert_eq!(link, json!(false), "editors see no link to the page");
    assert_eq!(refused.as_deref(), Some("Only admins manage webhooks."));
    assert!(!page.contains("secret-partner"), "{page}");
    assert!(!page.contains("New endpoint"), "{page}");
    assert_eq!(
        projector_tests::error_code(&api),
        Some("FORBIDDEN"),
        "{api}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_the_sender_disabled_says_it_failed_for_days() {
    use projector_api::webhooks::entity::endpoint;
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    assert_app_is_built();
    let app = spawn_site_with(fast).await;
    let admin = app.admin_token().await;
    let (url, seen) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
        json!({ "i": { "url": url, "eventTypes": ["channel.created"] } }),
    )
    .await;
    // It has failed for six days already; the next failure passes the five-day limit.
    let db = app.db().await;
    let found = endpoint::Entity::find().one(&db).await.unwrap().unwrap();
    let mut failing = found.into_active_model();
    failing.failing_since = Set(Some(chrono::Utc::now() - chrono::Duration::days(6)));
    failing.update(&db).await.unwrap();
    app.create_channel(&admin, "Noisy").await;
    received(&seen, 1).await;
    let mut after = Value::Null;
    for _ in 0..100 {
        after = endpoints(&app).await.remove(0);
        if after["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Edited three days later (its URL fixed before enabling it again, say): how long it had
    // failed when it was disabled stays six days.
    let disabled = endpoint::Entity::find().one(&db).await.unwrap().unwrap();
    let mut edited = disabled.into_active_model();
    edited.updated_at = Set(chrono::Utc::now() + chrono::Duration::days(3));
    edited.update(&db).await.unwrap();
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/webhooks").await;
    let said = text_of(&browser, &row(&url, ".hook-health")).await;
    let state = text_of(&browser, &row(&url, ".hook-state")).await;
    let button = text_of(&browser, &row(&url, ".hook-toggle")).await;
    browser.close().await;

    assert_eq!(after["enabled"], false, "{after}");
    let said = said.unwrap_or_default();
    assert!(
        said.starts_with("Disabled automatically on 20")
            && said.contains("after failing for 6 days"),
        "{said}"
    );
    assert_eq!(state.as_deref(), Some("disabled"));
    assert_eq!(button.as_deref(), Some("Enable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_is_shown_once_with_the_old_ones_overlap_and_deleting_asks_first() {
    assert_app_is_built();
    let app = spawn_site_with(fast).await;
    let admin = app.admin_token().await;
    let url = "http://127.0.0.1:9/rotating";
    let created = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
            json!({ "i": { "url": url, "eventTypes": ["video.created"] } }),
        )
        .await;
    let first_secret = created["createWebhookEndpoint"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/webhooks").await;
    click(&browser, &row(url, ".hook-rotate")).await;
    let secret = text_of(&browser, &row(url, ".hook-secret"))
        .await
        .unwrap_or_default();
    let overlap = text_of(&browser, &row(url, ".hook-old-secret")).await;
    let rotated = endpoints(&app).await.remove(0);
    // Read again: the secret is not shown a second time.
    open(&browser, &app, "/admin/webhooks").await;
    wait_for(&browser, &row(url, ".hook-delete")).await;
    let shown_again = js(
        &browser,
        "return document.querySelector('.hook-secret') !== null;",
    )
    .await;

    click(&browser, &row(url, ".hook-delete")).await;
    let warning = text_of(&browser, &row(url, ".site-confirm p")).await;
    click(&browser, &row(url, ".hook-keep")).await;
    let kept = app.count("webhook_endpoints").await;
    click(&browser, &row(url, ".hook-delete")).await;
    click(&browser, &row(url, ".hook-confirm-delete")).await;
    let deleted = text_of(&browser, "#webhooks-notice").await;
    let empty = text_of(&browser, "#no-webhooks").await;
    browser.close().await;

    assert!(secret.starts_with("whsec_"), "{secret:?}");
    assert_ne!(secret, first_secret, "a new secret");
    let until = rotated["previousSecretValidUntil"].as_str().unwrap();
    let overlap = overlap.unwrap_or_default();
    assert!(
        overlap.starts_with(&format!(
            "The old secret keeps signing until {}",
            &until[..10]
        )),
        "{overlap}"
    );
    assert_eq!(shown_again, json!(false), "a secret is shown once");
    assert_eq!(
        warning.as_deref(),
        Some("Deleting it stops its events and removes its delivery log.")
    );
    assert_eq!(kept, 1, "Keep it keeps it");
    assert_eq!(deleted.as_deref(), Some("Endpoint deleted."));
    assert_eq!(empty.as_deref(), Some("No endpoints yet."));
    assert_eq!(app.count("webhook_endpoints").await, 0);
}
