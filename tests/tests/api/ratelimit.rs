//! API-wide rate limits (`api/src/ratelimit/`): token buckets per token or session and per
//! address, their headers, the 429 answers, the budget two nodes on one PostgreSQL database
//! share, and the configuration.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use projector_api::Config;
use projector_api::config::{Overrides, RateLimitsConfig};
use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both_databases, spawn_app_with,
};
use serde_json::{Value, json};

const CHEAP: &str = "{ __typename }";

/// Limits of `token_burst` and `address_burst` requests that come back one per 100 s: nothing
/// refills during a test unless it says so.
fn limits(token_burst: u32, address_burst: u32) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        c.rate_limits = RateLimitsConfig {
            enabled: true,
            token_burst,
            token_per_sec: 0.01,
            address_burst,
            address_per_sec: 0.01,
        }
    }
}

/// What one request came back with.
#[derive(Debug)]
struct Answer {
    status: u16,
    policy: Option<String>,
    limit: Option<String>,
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    async fn of(res: reqwest::Response) -> Self {
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let policy = header("ratelimit-policy");
        let limit = header("ratelimit");
        let retry_after = header("retry-after").map(|v| v.parse().unwrap());
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Self {
            status,
            policy,
            limit,
            retry_after,
            body,
        }
    }

    fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }
}

async fn post(app: &TestApp, token: Option<&str>, query: &str) -> Answer {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Answer::of(req.send().await.unwrap()).await
}

async fn get(app: &TestApp, path: &str) -> Answer {
    Answer::of(app.client.get(app.url(path)).send().await.unwrap()).await
}

async fn a_burst_beyond_the_limit_is_refused_with_retry_after_and_the_headers_count_down(
    backend: Backend,
) {
    let app = spawn_app_with(backend, limits(100, 3)).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let answer = post(&app, None, CHEAP).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(
            answer.policy.as_deref(),
            Some("\"address\";q=3;w=300"),
            "{answer:?}"
        );
        seen.push(answer.limit.unwrap());
    }
    assert_eq!(
        seen,
        [
            "\"address\";r=2;t=100",
            "\"address\";r=1;t=200",
            "\"address\";r=0;t=300"
        ]
    );
    let refused = post(&app, None, CHEAP).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(refused.code(), Some("RATE_LIMITED"), "{refused:?}");
    let retry = refused.retry_after.expect("Retry-After");
    assert!((99..=100).contains(&retry), "{refused:?}");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["retryAfter"],
        json!(retry)
    );
    assert_eq!(refused.limit.as_deref(), Some("\"address\";r=0;t=300"));
    // The other limited endpoints answer in their own error shape; health and media are not
    // limited at all.
    let oembed = get(&app, "/oembed?url=http%3A%2F%2Fexample.org%2F").await;
    assert_eq!(oembed.status, 429, "{oembed:?}");
    assert_eq!(oembed.body["error"]["code"], "RATE_LIMITED", "{oembed:?}");
    assert!(oembed.retry_after.is_some());
    let feed = get(&app, "/feeds/channels/nothing.xml").await;
    assert_eq!(feed.status, 429, "{feed:?}");
    let upload = Answer::of(
        app.client
            .head(app.url("/uploads/0190f0f0-0000-7000-8000-000000000000"))
            .header("tus-resumable", "1.0.0")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(upload.status, 429, "{upload:?}");
    for path in ["/healthz", "/readyz", "/media/nothing/there.m3u8"] {
        let answer = get(&app, path).await;
        assert_ne!(answer.status, 429, "{path}: {answer:?}");
        assert_eq!(answer.limit, None, "{path} has RateLimit headers");
    }
}

async fn after_waiting_the_refill_a_refused_client_gets_through_again(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.rate_limits.address_burst = 2;
        c.rate_limits.address_per_sec = 1.0;
    })
    .await;
    assert_eq!(post(&app, None, CHEAP).await.status, 200);
    assert_eq!(post(&app, None, CHEAP).await.status, 200);
    let refused = post(&app, None, CHEAP).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(refused.retry_after, Some(1));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = post(&app, None, CHEAP).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert!(
        again
            .limit
            .as_deref()
            .is_some_and(|l| l.starts_with("\"address\";r=0;")),
        "{again:?}"
    );
    assert_eq!(post(&app, None, CHEAP).await.status, 429);
}

async fn a_tokens_budget_is_separate_from_its_addresss(backend: Backend) {
    let app = spawn_app_with(backend, limits(3, 3)).await;
    // Logging in is an anonymous request: it takes from the address.
    let (token, _) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(post(&app, None, CHEAP).await.status, 200);
    assert_eq!(post(&app, None, CHEAP).await.status, 200);
    assert_eq!(post(&app, None, CHEAP).await.status, 429);
    // The session still has its whole budget, from the same address.
    for left in [2, 1, 0] {
        let answer = post(&app, Some(&token), "{ me { email } }").await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(answer.body["data"]["me"]["email"], ADMIN_EMAIL);
        assert_eq!(answer.policy.as_deref(), Some("\"token\";q=3;w=300"));
        assert_eq!(
            answer.limit.as_deref(),
            Some(format!("\"token\";r={left};t={}", 100 * (3 - left)).as_str())
        );
    }
    let refused = post(&app, Some(&token), "{ me { email } }").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), Some("RATE_LIMITED"));
    // A token that does not verify brings no budget of its own: it is the address's.
    let forged = post(
        &app,
        Some("eyJhbGciOiJIUzI1NiJ9.e30.bm90IGEgc2lnbmF0dXJl"),
        CHEAP,
    )
    .await;
    assert_eq!(forged.status, 429, "{forged:?}");
    assert!(
        forged
            .policy
            .as_deref()
            .is_some_and(|p| p.starts_with("\"address\"")),
        "{forged:?}"
    );
}

async fn a_mutation_refused_for_the_limit_changes_nothing(backend: Backend) {
    let app = spawn_app_with(backend, limits(2, 100)).await;
    let token = app.admin_token().await;
    app.create_channel(&token, "Kept").await;
    assert_eq!(post(&app, Some(&token), CHEAP).await.status, 200);
    let before = app.count("channels").await;
    let create = "mutation { createChannel(input: { name: \"Refused\" }) { channel { id } } }";
    let refused = post(&app, Some(&token), create).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(refused.code(), Some("RATE_LIMITED"));
    assert_eq!(refused.body["data"], Value::Null, "{refused:?}");
    assert_eq!(app.count("channels").await, before);
}

async fn a_spray_of_16_concurrent_requests_never_lets_more_than_the_burst_through(
    backend: Backend,
) {
    let app = spawn_app_with(backend, limits(100, 5)).await;
    let answers = futures::future::join_all((0..16).map(|_| post(&app, None, CHEAP))).await;
    let through = answers.iter().filter(|a| a.status == 200).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!((through, refused), (5, 11), "{answers:?}");
    // Each request that went through saw its own count (the seconds until full may differ by
    // one under concurrency: PostgreSQL's clock is read before the row lock is waited for).
    let mut left: Vec<String> = answers
        .iter()
        .filter(|a| a.status == 200)
        .map(|a| {
            let limit = a.limit.clone().unwrap();
            limit.split(";t=").next().unwrap().to_string()
        })
        .collect();
    left.sort();
    assert_eq!(
        left,
        (0..5)
            .map(|r| format!("\"address\";r={r}"))
            .collect::<Vec<_>>(),
        "{answers:?}"
    );
}

async fn with_rate_limits_off_there_are_no_headers_and_no_limit(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        limits(1, 1)(c);
        c.rate_limits.enabled = false;
    })
    .await;
    for _ in 0..20 {
        let answer = post(&app, None, CHEAP).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!((answer.policy, answer.limit), (None, None));
    }
}

async fn each_websocket_operation_takes_from_the_connections_bucket(backend: Backend) {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let app = spawn_app_with(backend, limits(100, 4)).await;
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    // The upgrade is one request of the address's four.
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response
            .headers()
            .get("ratelimit")
            .and_then(|v| v.to_str().ok()),
        Some("\"address\";r=3;t=100")
    );
    let send = |v: Value| Message::text(v.to_string());
    ws.send(send(json!({ "type": "connection_init", "payload": {} })))
        .await
        .unwrap();
    let ack = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let ack = match ack {
        Message::Text(text) => text.to_string(),
        other => format!("{other:?}"),
    };
    assert!(ack.contains("connection_ack"), "{ack}");
    let mut codes = Vec::new();
    for id in 0..4 {
        ws.send(send(json!({
            "id": id.to_string(), "type": "subscribe", "payload": { "query": CHEAP }
        })))
        .await
        .unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(Ok(Message::Text(text))) = ws.next().await {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["type"] == "next" {
                    return v["payload"].clone();
                }
            }
            Value::Null
        })
        .await
        .unwrap();
        codes.push(answer["errors"][0]["extensions"]["code"].clone());
        if id == 3 {
            assert!(
                answer["errors"][0]["extensions"]["retryAfter"]
                    .as_u64()
                    .is_some(),
                "{answer}"
            );
        }
    }
    assert_eq!(
        codes,
        [Value::Null, Value::Null, Value::Null, json!("RATE_LIMITED")]
    );
    // The socket's operations emptied the address's bucket for POST too.
    assert_eq!(post(&app, None, CHEAP).await.status, 429);
}

both_databases!(
    a_burst_beyond_the_limit_is_refused_with_retry_after_and_the_headers_count_down,
    after_waiting_the_refill_a_refused_client_gets_through_again,
    a_tokens_budget_is_separate_from_its_addresss,
    a_mutation_refused_for_the_limit_changes_nothing,
    a_spray_of_16_concurrent_requests_never_lets_more_than_the_burst_through,
    with_rate_limits_off_there_are_no_headers_and_no_limit,
    each_websocket_operation_takes_from_the_connections_bucket,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_database_share_one_budget() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = spawn_app_with(backend, limits(100, 4)).await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let mut left = Vec::new();
    for node in [&app, &sibling, &app, &sibling] {
        let answer = post(node, None, CHEAP).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        left.push(answer.limit.unwrap());
    }
    assert_eq!(
        left,
        (0..4)
            .rev()
            .map(|r| format!("\"address\";r={r};t={}", 100 * (4 - r)))
            .collect::<Vec<_>>()
    );
    assert_eq!(post(&app, None, CHEAP).await.status, 429);
    assert_eq!(post(&sibling, None, CHEAP).await.status, 429);
    // The four requests shared one row: the address's.
    assert_eq!(app.count("rate_limits").await, 1);
}

#[test]
fn bad_rate_limit_values_are_refused_when_the_configuration_loads() {
    let load = |key: &str, value: &str| {
        Config::load_from(
            None,
            &Overrides::default(),
            vec![(format!("PROJECTOR_RATE_LIMITS__{key}"), value.to_string())],
        )
    };
    for (key, value, says) in [
        (
            "TOKEN_BURST",
            "0",
            "key `rate_limits.token_burst`: 0 is not a burst",
        ),
        (
            "ADDRESS_BURST",
            "2000000",
            "key `rate_limits.address_burst`",
        ),
        (
            "TOKEN_PER_SEC",
            "0",
            "key `rate_limits.token_per_sec`: 0 is not a refill",
        ),
        (
            "ADDRESS_PER_SEC",
            "-1.5",
            "key `rate_limits.address_per_sec`",
        ),
        (
            "ADDRESS_PER_SEC",
            "lots",
            "key `rate_limits.address_per_sec`",
        ),
    ] {
        let error = load(key, value).expect_err(value).to_string();
        assert!(error.contains(says), "{key}={value}: {error}");
    }
    assert!(load("ENABLED", "false").is_ok());
    assert!(load("TOKEN_PER_SEC", "2.5").is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_built_with_bad_rate_limits_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = Backend::Sqlite.fresh_database_url(dir.path()).await;
    let mut config = projector_tests::test_config(url, dir.path());
    config.rate_limits.address_per_sec = f64::NAN;
    let error = projector_api::Application::build(config)
        .await
        .expect_err("a NaN refill");
    assert!(
        format!("{error:#}").contains("key `rate_limits.address_per_sec`: NaN is not a refill"),
        "{error:#}"
    );
}
