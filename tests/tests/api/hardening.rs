//! What an outside attack campaign found, kept found: the public cache is bounded in bytes,
//! and a request's cost counts lists, aliases and batches, whatever the database.

use projector_tests::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A gauge from `/metrics`.
async fn gauge(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
        .trim()
        .parse()
        .unwrap()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn anonymous_requests_with_large_variables_do_not_grow_the_public_cache() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.graphql.public_cache_ttl_ms = 600_000;
    })
    .await;
    let padding = "x".repeat(900 * 1024);
    for i in 0..20 {
        let (status, body) = post(
            &app,
            // Variables the operation does not declare are ignored, yet they were part of the key.
            json!({ "query": "{ version }", "variables": { "p": format!("{i}{padding}") } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    }
    let held = gauge(&app, "projector_public_cache_bytes").await;
    assert!(held < 64.0 * 1024.0, "the cache holds {held} bytes");
}

#[tokio::test]
async fn the_public_cache_stays_within_its_byte_budget_and_forgets_on_time() {
    let budget = 64 * 1024;
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.graphql.public_cache_ttl_ms = 400;
        c.graphql.public_cache_bytes = budget;
    })
    .await;
    for i in 0..300 {
        let (_, body) = post(
            &app,
            json!({ "query": format!("query Q{i} {{ version a{i}: version }}") }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body}");
        if i % 50 == 0 {
            let held = gauge(&app, "projector_public_cache_bytes").await;
            assert!(held <= budget as f64, "{held} bytes held, budget {budget}");
        }
    }
    assert!(gauge(&app, "projector_public_cache_entries").await > 10.0);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // One more request sweeps everything past its TTL, full or not.
    post(&app, json!({ "query": "{ version }" })).await;
    assert_eq!(gauge(&app, "projector_public_cache_entries").await, 1.0);
}

#[tokio::test]
async fn batches_aliases_and_list_sizes_cannot_buy_more_than_one_requests_budget() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.graphql.max_complexity = 2000).await;
    let aliases =
        |n: usize, field: &str| -> String { (0..n).map(|i| format!("a{i}: {field} ")).collect() };

    // One operation of 2,500 aliases is refused, and so is a batch of three of 1,000.
    let one = format!("{{ {} }}", aliases(2500, "version"));
    let (_, body) = post(&app, json!({ "query": one })).await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let third = format!("{{ {} }}", aliases(1000, "version"));
    let batch: Vec<Value> = (0..3).map(|_| json!({ "query": third })).collect();
    let (_, body) = post(&app, json!(batch)).await;
    let refused = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| code(r) == "VALIDATION")
        .count();
    assert!(refused >= 1, "a batch over the budget ran: {body}");
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .any(|r| r["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("costs too much"))),
        "{body}"
    );

    // 30 aliases of a 100-item list count their items: refused, though only 30 fields show.
    let lists = format!(
        "{{ {} }}",
        aliases(30, "videos(first: 100) { nodes { id title } }")
    );
    let (_, body) = post(&app, json!({ "query": lists })).await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    // ... through a variable too.
    let (_, body) = post(
        &app,
        json!({ "query": format!("query($n: Int) {{ {} }}", aliases(30, "videos(first: $n) { nodes { id title } }")),
                "variables": { "n": 100 } }),
    )
    .await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    // A page a site really asks for passes.
    let (_, body) = post(
        &app,
        json!({ "query": "{ videos(first: 100) { nodes { id title channel { name } } } }" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");

    // More operations than a batch may hold: refused before anything runs.
    let many: Vec<Value> = (0..17).map(|_| json!({ "query": "{ version }" })).collect();
    let (status, body) = post(&app, json!(many)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let sixteen: Vec<Value> = (0..16).map(|_| json!({ "query": "{ version }" })).collect();
    let (status, body) = post(&app, json!(sixteen)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 16);
}

#[tokio::test]
async fn a_response_larger_than_the_limit_is_refused_with_a_code() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.graphql.max_response_bytes = 2000).await;
    let big = format!(
        "{{ {} }}",
        (0..300)
            .map(|i| format!("a{i}: version "))
            .collect::<String>()
    );
    let (status, body) = post(&app, json!({ "query": big })).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    let (status, body) = post(&app, json!({ "query": "{ version }" })).await;
    assert_eq!(status, 200, "{body}");
}
