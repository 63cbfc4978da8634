//! Health, readiness, metrics and request ids.

use projector_tests::{Backend, both_databases, spawn_app};
use serde_json::json;

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ready");
}

async fn metrics_count_requests_by_route_and_operation(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..3 {
        let res = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "query ServerVersion { version }", "operationName": "ServerVersion" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    assert!(
        text.contains(
            "projector_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"} 3"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "projector_graphql_operations_total{operation=\"ServerVersion\",outcome=\"ok\"} 3"
        ),
        "{text}"
    );
    assert!(text.contains("projector_graphql_operation_duration_seconds_bucket{operation=\"ServerVersion\",outcome=\"ok\",le=\"+Inf\"} 3"));
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "{id}");
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-proxy")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "from-the-proxy");
}

async fn the_single_page_app_or_a_helpful_page_is_served_at_the_root(backend: Backend) {
    let app =
        projector_tests::spawn_app_with(backend, |c| c.frontend_dir = "/nonexistent".into()).await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Projector is running"));
}

both_databases!(
    health_and_readiness_answer,
    metrics_count_requests_by_route_and_operation,
    every_response_carries_a_request_id,
    the_single_page_app_or_a_helpful_page_is_served_at_the_root,
);
