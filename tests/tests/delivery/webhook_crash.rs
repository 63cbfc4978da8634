//! At least once, across a crash: an API node killed while it delivers an event (the change
//! committed, the receiver never answered) loses nothing; another node delivers the same
//! message, with the same `webhook-id`, once the dead node's lease runs out.

use std::time::{Duration, Instant};

use projector_tests::{Backend, both_databases, spawn_app_with};
use serde_json::json;

use crate::receiver::{Behaviour, Receiver, endpoint, fast, signed_with};
use crate::webhooks::read_endpoint;

async fn an_api_node_killed_while_it_delivers_loses_no_event(backend: Backend) {
    let receiver = Receiver::start(Behaviour::HangFirst(1)).await;
    // Node A runs on a runtime of its own, so that it can be killed: a runtime shut down in the
    // background drops every task at its next await, with no graceful shutdown, no recorded
    // attempt and no released lease, as `kill -9` leaves them.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = runtime.handle().clone();
    let adjust = |c: &mut projector_api::Config| {
        fast(c);
        c.webhooks.timeout_ms = 5000;
    };
    let a = std::thread::spawn(move || handle.block_on(spawn_app_with(backend, adjust)))
        .join()
        .unwrap();
    let admin = a.admin_token().await;
    let (endpoint_id, secret) = endpoint(&a, &admin, &receiver.url, &["channel.created"]).await;
    let channel = a.create_channel(&admin, "Crash").await;

    // A has sent the event and waits for an answer that never comes: kill it now.
    let first = receiver.wait_for(1).await;
    runtime.shutdown_background();
    let killed = Instant::now();

    let b = a.spawn_sibling(fast).await;
    let deadline = Duration::from_secs(90);
    while receiver.received().len() < 2 {
        assert!(
            killed.elapsed() < deadline,
            "the event was lost with node A"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let got = receiver.received();
    assert_eq!(got[1].id, first[0].id, "the same message, redelivered");
    assert!(signed_with(&got[1], &secret));
    let body = got[1].json();
    assert_eq!(body["type"], "channel.created");
    assert_eq!(body["data"]["id"], channel["id"]);
    let b_admin = b.admin_token().await;
    let delivery =
        read_endpoint(&b, &b_admin, &endpoint_id).await["deliveries"]["nodes"][0].clone();
    assert_eq!(delivery["status"], "SUCCEEDED", "{delivery}");
    assert_eq!(delivery["attemptCount"], 2, "{delivery}");
    assert_eq!(delivery["lastResponseCode"], json!(200));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        receiver.received().len(),
        2,
        "delivered once more, not more"
    );
}

both_databases!(an_api_node_killed_while_it_delivers_loses_no_event);
