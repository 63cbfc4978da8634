//! At least once, across a crash: an API node killed while it delivers an event (the change
//! committed, the receiver never answered) loses nothing; another node delivers the same
//! message, with the same `webhook-id`, once the dead node's lease runs out. A node killed
//! before its sender even turned the committed event into a delivery loses nothing either.

use std::time::{Duration, Instant};

use projector_tests::{Backend, both_databases, spawn_app_with};
use sea_orm::ConnectionTrait as _;
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

/// The change commits on node A, whose sender is held before it can make a delivery of the
/// event (the test locks the endpoints table its dispatch reads); A is killed there, its
/// database connections dying with it as a killed process's do. Node B, started afterwards,
/// finds the event in the outbox and delivers it once. PostgreSQL only: SQLite's one writer
/// leaves no way to hold a sender between the commit and its dispatch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_node_killed_after_the_commit_and_before_its_sender_ran_loses_no_event() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let receiver = Receiver::start(Behaviour::Ok).await;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = runtime.handle().clone();
    let a = std::thread::spawn(move || handle.block_on(spawn_app_with(backend, fast)))
        .join()
        .unwrap();
    let admin = a.admin_token().await;
    let (endpoint_id, secret) = endpoint(&a, &admin, &receiver.url, &["channel.created"]).await;

    // Held: A's sender can read the outbox but not the endpoints it needs for a delivery.
    let db = a.db().await;
    let lock = projector_api::db::begin_write(&db).await.unwrap();
    lock.execute_unprepared("LOCK TABLE webhook_endpoints IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let channel = a.create_channel(&admin, "Committed").await;
    // Time for A's sender, woken by the mutation, to reach the lock and wait there.
    let started = Instant::now();
    loop {
        let waiting = lock
            .query_one(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_locks WHERE NOT granted \
                 AND relation = 'webhook_endpoints'::regclass \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        if waiting > 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "A's sender never reached the endpoints"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Kill A: its tasks go, and so do its connections (a killed process's sockets close).
    runtime.shutdown_background();
    lock.execute_unprepared(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .unwrap();
    lock.rollback().await.unwrap();
    db.close().await.ok();
    let db = a.db().await;
    let undispatched = db
        .query_one(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT count(*) AS n FROM outbox_events WHERE dispatched_at IS NULL \
             AND event_type = 'channel.created'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(undispatched, 1, "the event is committed and not yet sent");
    assert_eq!(app_count(&db, "webhook_deliveries").await, 0);
    assert!(receiver.received().is_empty());

    let b = a.spawn_sibling(fast).await;
    let got = receiver.wait_for(1).await;
    assert!(signed_with(&got[0], &secret));
    let body = got[0].json();
    assert_eq!(body["type"], "channel.created");
    assert_eq!(body["data"]["id"], channel["id"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "delivered once");
    let b_admin = b.admin_token().await;
    let delivery =
        read_endpoint(&b, &b_admin, &endpoint_id).await["deliveries"]["nodes"][0].clone();
    assert_eq!(delivery["status"], "SUCCEEDED", "{delivery}");
    assert_eq!(delivery["attemptCount"], 1, "{delivery}");
}

async fn app_count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    db.query_one(sea_orm::Statement::from_string(
        sea_orm::DatabaseBackend::Postgres,
        format!("SELECT count(*) AS n FROM {table}"),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap()
}
