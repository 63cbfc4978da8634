//! Webhooks for uploads: `upload.created` when a tus upload begins, then exactly one of
//! `completed` (naming the draft it made), `rejected` (with the reason), `cancelled` or
//! `expired`, each signed and each written with the change it reports.

use std::time::Duration;

use projector_api::media::entity::upload;
use projector_tests::media::mp4;
use projector_tests::tus::{self, metadata};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::Value;

use crate::receiver::{Behaviour, Received, Receiver, signed_with};
use crate::webhooks::{endpoint, fast};

const UPLOAD_EVENTS: &[&str] = &[
    "upload.created",
    "upload.completed",
    "upload.rejected",
    "upload.cancelled",
    "upload.expired",
];

/// The one event of `event_type` about the upload at `location`.
fn event_for(got: &[Received], event_type: &str, location: &str) -> Value {
    let id = location.rsplit('/').next().unwrap();
    let matching: Vec<Value> = got
        .iter()
        .filter(|r| r.event_type() == event_type)
        .map(Received::json)
        .filter(|e| {
            let global = async_graphql::ID::from(e["data"]["id"].as_str().unwrap_or_default());
            projector_api::graphql::relay::from_global(&global, "Upload")
                .is_ok_and(|uuid| uuid.to_string() == id)
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "one {event_type} for {location}: {got:?}"
    );
    matching[0].clone()
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, meta: &str) -> String {
    let res = tus::create_with_upload(app, token, bytes, meta).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn an_upload_sends_created_and_then_how_it_ended_signed(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let (_, secret) = endpoint(&app, &admin, &receiver.url, UPLOAD_EVENTS).await;
    let channel = app.create_channel(&admin, "Uploads").await["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A real clip becomes a draft video in the channel.
    let clip = app.dir.path().join("clip.mp4");
    mp4(&clip, 1);
    let meta = metadata(&[("filename", "clip.mp4"), ("channelId", &channel)]);
    let good = upload(&app, &admin, std::fs::read(&clip).unwrap(), &meta).await;
    assert_eq!(
        tus::wait_until_settled(&app, &admin, &good).await,
        "complete"
    );
    // Bytes that are no media are refused.
    let meta = metadata(&[("filename", "notes.mp4")]);
    let bad = upload(&app, &admin, b"these are not the frames".repeat(40), &meta).await;
    assert_eq!(
        tus::wait_until_settled(&app, &admin, &bad).await,
        "rejected"
    );
    // An upload its uploader cancels (tus termination).
    let cancelled = tus::create_ok(&app, &admin, 1000, &metadata(&[("filename", "a.mp4")])).await;
    let res = app
        .client
        .delete(app.url(&cancelled))
        .bearer_auth(&admin)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    // An upload left unfinished past its expiry, then swept.
    let expired = tus::create_ok(&app, &admin, 1000, &metadata(&[("filename", "b.mp4")])).await;
    let db = app.db().await;
    let expired_id: uuid::Uuid = expired.rsplit('/').next().unwrap().parse().unwrap();
    upload::Entity::update_many()
        .col_expr(
            upload::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(upload::Column::Id.eq(expired_id))
        .exec(&db)
        .await
        .unwrap();
    let ctx = projector_api::startup::build_ctx(app.config.clone())
        .await
        .unwrap();
    let report = projector_api::startup::sweep(&ctx).await.unwrap();
    assert_eq!(report.expired_uploads, 1, "{report:?}");

    let got = receiver.wait_for(8).await;
    assert!(
        got.iter().all(|r| signed_with(r, &secret)),
        "every event signed"
    );
    for location in [&good, &bad, &cancelled, &expired] {
        let created = event_for(&got, "upload.created", location);
        assert_eq!(created["data"]["status"], "UPLOADING", "{created}");
    }
    let created = event_for(&got, "upload.created", &good);
    let draft = created["data"]["itemId"]
        .as_str()
        .expect("the draft it is for");
    let completed = event_for(&got, "upload.completed", &good);
    assert_eq!(completed["data"]["status"], "COMPLETE");
    assert_eq!(completed["data"]["itemId"], draft);
    assert_eq!(completed["data"]["filename"], "clip.mp4");
    let listed = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on Video { channel { id } } } }",
            serde_json::json!({ "id": draft }),
        )
        .await;
    assert_eq!(
        listed["node"]["channel"]["id"],
        channel.as_str(),
        "a video in the channel"
    );
    let rejected = event_for(&got, "upload.rejected", &bad);
    assert_eq!(rejected["data"]["status"], "REJECTED");
    assert!(
        rejected["data"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "says why: {rejected}"
    );
    assert_eq!(
        event_for(&got, "upload.cancelled", &cancelled)["data"]["status"],
        "TERMINATED"
    );
    assert_eq!(
        event_for(&got, "upload.expired", &expired)["data"]["error"],
        "expired"
    );
    // Nothing else: no second `completed` from finishing's idempotent steps, no event for the
    // bytes arriving.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 8, "{:?}", receiver.received());
}

both_databases!(an_upload_sends_created_and_then_how_it_ended_signed);
