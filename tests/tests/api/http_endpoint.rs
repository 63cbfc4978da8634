//! The GraphQL-over-HTTP surface: GET queries, GraphiQL, mutations refused over GET.

use projector_tests::{Backend, both_databases, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn queries_work_over_get_but_mutations_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ version }")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"]["version"], env!("CARGO_PKG_VERSION"));

    let users = app.count("refresh_tokens").await;
    let mutation = format!(
        "mutation {{ login(input: {{ email: \"{}\", password: \"{}\" }}) {{ accessToken }} }}",
        projector_tests::ADMIN_EMAIL,
        projector_tests::ADMIN_PASSWORD
    );
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", mutation.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let body: Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), Some("VALIDATION"));
    assert_eq!(
        app.count("refresh_tokens").await,
        users,
        "the mutation must not run"
    );
}

async fn browsers_get_graphiql_and_other_clients_get_an_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.to_lowercase().contains("graphiql"), "{html}");

    let res = app.client.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(res.status(), 400);
}

async fn introspection_can_be_switched_off(backend: Backend) {
    let on = spawn_app(backend.clone()).await;
    let data = on
        .graphql_ok(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "QueryRoot");
    drop(on);
    let off = spawn_app_with(backend, |c| c.graphql.introspection = false).await;
    let body = off
        .graphql(
            None,
            "{ __schema { queryType { name } } __type(name: \"User\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["__schema"], Value::Null, "{body}");
    assert_eq!(body["data"]["__type"], Value::Null, "{body}");
    // Ordinary queries still work.
    let data = off.graphql_ok(None, "{ version }", json!({})).await;
    assert!(data["version"].is_string());
}

async fn batched_requests_answer_each_operation(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ version }" }, { "query": "{ me { id } }" }]))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body[0]["data"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body[1]["data"]["me"], Value::Null);
}

async fn a_non_json_content_type_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ version }")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), Some("VALIDATION"));
}

both_databases!(
    queries_work_over_get_but_mutations_are_refused,
    browsers_get_graphiql_and_other_clients_get_an_error,
    introspection_can_be_switched_off,
    batched_requests_answer_each_operation,
    a_non_json_content_type_is_refused,
);
