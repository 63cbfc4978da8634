//! Webhooks that go wrong: endpoints refused when registered (not http(s), private, link-local
//! or loopback addresses, unknown event types, callers who are not admins), private addresses
//! refused again when delivering, receivers that redirect, never answer or answer too much, and
//! an endpoint that keeps failing, disabled with its reason.

use std::time::Duration;

use projector_api::webhooks::entity::endpoint as endpoint_row;
use projector_tests::{Backend, TestApp, both_databases, spawn_app, spawn_app_with};
use sea_orm::{ActiveModelTrait as _, Set};
use serde_json::{Value, json};

use crate::receiver::{Behaviour, Receiver};
use crate::webhooks::{endpoint, fast, read_endpoint, wait_delivery};

const CREATE: &str =
    "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }";
const UPDATE: &str = "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { endpoint { id } } }";

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

async fn video(app: &TestApp, admin: &str, title: &str) {
    let channel = app.create_channel(admin, title).await;
    app.create_video(admin, channel["id"].as_str().unwrap(), title, json!({}))
        .await;
}

async fn bad_endpoints_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let cases: &[(&str, &[&str])] = &[
        ("ftp://example.com/hook", &["video.created"]),
        (
            "http://169.254.169.254/latest/meta-data/",
            &["video.created"],
        ),
        ("http://10.0.0.1/hook", &["video.created"]),
        ("http://192.168.1.20/hook", &["video.created"]),
        ("http://172.20.0.1/hook", &["video.created"]),
        ("http://127.0.0.1:9/hook", &["video.created"]),
        ("http://[::1]/hook", &["video.created"]),
        ("http://[fe80::1]/hook", &["video.created"]),
        ("http://0.0.0.0/hook", &["video.created"]),
        ("http://localhost/hook", &["video.created"]),
        ("not a url", &["video.created"]),
        ("https://192.0.2.1/hook", &["video.exploded"]),
        ("https://192.0.2.1/hook", &[]),
    ];
    for (url, types) in cases {
        let answer = app
            .graphql(
                Some(&admin),
                CREATE,
                json!({ "i": { "url": url, "eventTypes": types } }),
            )
            .await;
        assert_eq!(code(&answer), "VALIDATION", "{url} {types:?}: {answer}");
    }
    assert_eq!(app.count("webhook_endpoints").await, 0);

    // A valid endpoint (a public documentation address) keeps its settings when a change is bad.
    let (id, _) = endpoint(&app, &admin, "https://192.0.2.1/hook", &["video.created"]).await;
    for bad in [
        json!({ "id": id, "url": "http://169.254.169.254/" }),
        json!({ "id": id, "eventTypes": ["nope"] }),
        json!({ "id": id, "description": "x".repeat(501) }),
    ] {
        let answer = app.graphql(Some(&admin), UPDATE, json!({ "i": bad })).await;
        assert_eq!(code(&answer), "VALIDATION", "{answer}");
    }
    let kept = read_endpoint(&app, &admin, &id).await;
    assert_eq!(kept["url"], "https://192.0.2.1/hook");

    // Only admins.
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    for (token, expected) in [
        (Some(editor.as_str()), "FORBIDDEN"),
        (Some(viewer.as_str()), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ] {
        let listed = app
            .graphql(token, "{ webhookEndpoints { id } }", json!({}))
            .await;
        assert_eq!(code(&listed), expected, "{listed}");
        let created = app
            .graphql(
                token,
                CREATE,
                json!({ "i": { "url": "https://192.0.2.2/", "eventTypes": ["video.created"] } }),
            )
            .await;
        assert_eq!(code(&created), expected, "{created}");
        let deleted = app
            .graphql(
                token,
                "mutation($i: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $i) { deletedId } }",
                json!({ "i": { "id": id } }),
            )
            .await;
        assert_eq!(code(&deleted), expected, "{deleted}");
    }
    assert_eq!(app.count("webhook_endpoints").await, 1);
    let unknown = projector_api::graphql::relay::to_global("WebhookEndpoint", uuid::Uuid::now_v7());
    let answer = app
        .graphql(
            Some(&admin),
            "mutation($i: WebhookEndpointIdInput!) { rotateWebhookSecret(input: $i) { secret } }",
            json!({ "i": { "id": unknown } }),
        )
        .await;
    assert_eq!(code(&answer), "NOT_FOUND", "{answer}");
}

async fn receivers_that_redirect_hang_or_answer_too_much_get_recorded_failed_attempts(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        fast(c);
        c.webhooks.timeout_ms = 700;
        // One attempt within the test.
        c.webhooks.retry_base_ms = 600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let target = Receiver::start(Behaviour::Ok).await;
    let redirect = Receiver::start(Behaviour::RedirectTo(target.port)).await;
    let hang = Receiver::start(Behaviour::Hang).await;
    let huge = Receiver::start(Behaviour::Huge).await;
    let (redirect_id, _) = endpoint(&app, &admin, &redirect.url, &["video.created"]).await;
    let (hang_id, _) = endpoint(&app, &admin, &hang.url, &["video.created"]).await;
    let (huge_id, _) = endpoint(&app, &admin, &huge.url, &["video.created"]).await;
    video(&app, &admin, "Trouble").await;

    let redirected = wait_delivery(&app, &admin, &redirect_id, |d| {
        d["attemptCount"] == 1 && d["lastResponseCode"] != Value::Null
    })
    .await;
    assert_eq!(redirected["lastResponseCode"], 302);
    assert_eq!(
        redirected["status"], "PENDING",
        "retried later: {redirected}"
    );
    let error = redirected["lastError"].as_str().unwrap();
    assert!(
        error.contains("redirect") && error.contains("not followed"),
        "{error}"
    );

    let hung = wait_delivery(&app, &admin, &hang_id, |d| d["lastError"] != Value::Null).await;
    assert_eq!(hung["lastError"], "no answer within 700 ms");
    assert_eq!(hung["lastResponseCode"], Value::Null);
    let took = hung["attempts"][0]["durationMs"].as_i64().unwrap();
    assert!((650..5000).contains(&took), "{took} ms");

    // 10 MB and then a body that never ends: read up to 64 KiB, then the answer is the status.
    let answered = wait_delivery(&app, &admin, &huge_id, |d| d["status"] != "PENDING").await;
    assert_eq!(answered["status"], "SUCCEEDED", "{answered}");
    assert_eq!(answered["lastResponseCode"], 200);
    let took = answered["attempts"][0]["durationMs"].as_i64().unwrap();
    assert!(took < 700, "the whole answer was waited for: {took} ms");

    assert!(target.received().is_empty(), "the redirect was followed");
    assert_eq!(redirect.received().len(), 1);
    assert_eq!(hang.received().len(), 1);
}

async fn private_addresses_are_refused_again_at_delivery(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    // Rows as registration would never write them here (as if DNS or the settings changed since):
    // by name (the sender's resolver checks it) and by address.
    let db = app.db().await;
    let mut ids = Vec::new();
    for host in ["localhost", "127.0.0.1"] {
        let now = chrono::Utc::now();
        let id = uuid::Uuid::now_v7();
        endpoint_row::ActiveModel {
            id: Set(id),
            url: Set(format!("http://{host}:{}/hook", receiver.port)),
            description: Set(String::new()),
            event_types: Set(r#"["video.created"]"#.into()),
            enabled: Set(true),
            secret: Set(projector_api::webhooks::sign::new_secret()),
            previous_secret: Set(None),
            previous_secret_until: Set(None),
            disabled_reason: Set(None),
            disabled_at: Set(None),
            failing_since: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&db)
        .await
        .unwrap();
        ids.push(projector_api::graphql::relay::to_global("WebhookEndpoint", id).0);
    }
    video(&app, &admin, "Rebound").await;
    for id in &ids {
        let refused = wait_delivery(&app, &admin, id, |d| d["lastError"] != Value::Null).await;
        let error = refused["lastError"].as_str().unwrap();
        assert!(
            error.contains("refused to connect") && error.contains("loopback"),
            "{error}"
        );
        assert_eq!(refused["lastResponseCode"], Value::Null);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.received().is_empty());
}

async fn an_endpoint_that_keeps_failing_is_disabled_and_says_why(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        fast(c);
        c.webhooks.disable_after_secs = 0;
    })
    .await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::AlwaysFail).await;
    let (id, _) = endpoint(&app, &admin, &receiver.url, &["video.created"]).await;
    video(&app, &admin, "Failing").await;
    receiver.wait_for(1).await;
    // (As patient as `wait_delivery`: 20 s, for a loaded machine.)
    let mut disabled = Value::Null;
    for _ in 0..400 {
        disabled = read_endpoint(&app, &admin, &id).await;
        if disabled["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(disabled["enabled"], false, "{disabled}");
    let reason = disabled["disabledReason"].as_str().unwrap();
    assert!(reason.contains("disabled automatically"), "{reason}");
    let disabled_at = disabled["disabledAt"].clone();
    assert!(disabled_at.is_string(), "{disabled}");
    // An edit while it is disabled (say, its URL fixed before enabling it) moves `updatedAt`,
    // not when it was disabled.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.graphql_ok(
        Some(&admin),
        UPDATE,
        json!({ "i": { "id": id, "description": "fixed soon" } }),
    )
    .await;
    let edited = read_endpoint(&app, &admin, &id).await;
    assert_eq!(edited["disabledAt"], disabled_at, "{edited}");
    assert_eq!(edited["enabled"], false, "{edited}");
    // Nothing more is sent to it: neither the retry nor new events.
    video(&app, &admin, "Failing again").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.received().len(), 1);
    let delivery = &disabled["deliveries"]["nodes"][0];
    let answer = app
        .graphql(
            Some(&admin),
            "mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { delivery { id } } }",
            json!({ "i": { "deliveryId": delivery["id"] } }),
        )
        .await;
    assert_eq!(code(&answer), "VALIDATION", "{answer}");

    // Enabled again, the reason goes and the pending retry is sent. The state is the one the
    // enabling committed (its payload): read afterwards, the retry may already have failed
    // again against this always-failing receiver and, after a 0 s window, disabled it anew.
    let enabled = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) {
                endpoint { id enabled disabledReason disabledAt } } }",
            json!({ "i": { "id": id, "enabled": true } }),
        )
        .await;
    let enabled = &enabled["updateWebhookEndpoint"]["endpoint"];
    assert_eq!(enabled["enabled"], true, "{enabled}");
    assert_eq!(enabled["disabledReason"], Value::Null, "{enabled}");
    assert_eq!(enabled["disabledAt"], Value::Null, "{enabled}");
    receiver.wait_for(2).await;

    // An admin's disabling of a working endpoint is dated too.
    let working = Receiver::start(Behaviour::Ok).await;
    let (other, _) = endpoint(&app, &admin, &working.url, &["video.created"]).await;
    assert_eq!(
        read_endpoint(&app, &admin, &other).await["disabledAt"],
        Value::Null
    );
    app.graphql_ok(
        Some(&admin),
        UPDATE,
        json!({ "i": { "id": other, "enabled": false } }),
    )
    .await;
    let by_admin = read_endpoint(&app, &admin, &other).await;
    assert!(by_admin["disabledAt"].is_string(), "{by_admin}");
    assert_eq!(by_admin["disabledReason"], Value::Null, "{by_admin}");

    // Deleting it deletes its log.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $i) { deletedId } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    assert_eq!(app.count("webhook_deliveries").await, 0);
    assert_eq!(app.count("webhook_attempts").await, 0);
}

both_databases!(
    bad_endpoints_are_refused_and_change_nothing,
    receivers_that_redirect_hang_or_answer_too_much_get_recorded_failed_attempts,
    private_addresses_are_refused_again_at_delivery,
    an_endpoint_that_keeps_failing_is_disabled_and_says_why,
);
