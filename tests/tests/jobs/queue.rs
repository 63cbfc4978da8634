//! The queue itself, through its functions, on SQLite and PostgreSQL.

use std::collections::HashSet;
use std::time::Duration;

use projector_api::media::subject::Subject;
use projector_api::transcode::entity::job;
use projector_api::transcode::queue::{self, AfterFailure, Progress};
use projector_tests::{Backend, both_databases, spawn_app};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

const LEASE: Duration = Duration::from_secs(30);

async fn each_job_is_claimed_by_exactly_one_of_many_racing_workers(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let mut queued = HashSet::new();
    for _ in 0..12 {
        let j = queue::enqueue(&db, Uuid::now_v7(), Subject::Video(Uuid::now_v7()), 3)
            .await
            .unwrap();
        queued.insert(j.id);
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let db = app.db().await;
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(j) = queue::claim(&db, &format!("w{w}"), LEASE).await.unwrap() {
                mine.push(j.id);
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for t in tasks {
        claimed.extend(t.await.unwrap());
    }
    let unique: HashSet<_> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 12, "a job was claimed twice: {claimed:?}");
    assert_eq!(unique, queued);
}

async fn a_job_whose_lease_ran_out_is_taken_by_another_worker(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let j = queue::enqueue(&db, Uuid::now_v7(), Subject::Video(Uuid::now_v7()), 3)
        .await
        .unwrap();
    let first = queue::claim(&db, "a", Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.id, first.attempts), (j.id, 1));
    assert!(
        queue::claim(&db, "b", LEASE).await.unwrap().is_none(),
        "the lease still holds"
    );
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let second = queue::claim(&db, "b", LEASE).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts), (j.id, 2));
    // The first worker's heartbeat now fails: it must stop.
    let alive = queue::heartbeat(&db, j.id, "a", LEASE, &Progress::default())
        .await
        .unwrap();
    assert!(!alive);
    assert!(
        queue::heartbeat(&db, j.id, "b", LEASE, &Progress::default())
            .await
            .unwrap()
    );
}

async fn a_failed_attempt_waits_for_its_backoff_and_the_last_one_fails_for_good(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let j = queue::enqueue(&db, Uuid::now_v7(), Subject::Episode(Uuid::now_v7()), 2)
        .await
        .unwrap();
    let claimed = queue::claim(&db, "w", LEASE).await.unwrap().unwrap();
    let after = queue::fail(
        &db,
        &claimed,
        "w",
        "disk full",
        false,
        Duration::from_secs(60),
    )
    .await
    .unwrap();
    assert_eq!(after, AfterFailure::Retry);
    let row = job::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "queued");
    assert_eq!(row.last_error.as_deref(), Some("disk full"));
    assert!(row.run_at > chrono::Utc::now() + chrono::Duration::seconds(50));
    assert!(
        queue::claim(&db, "w", LEASE).await.unwrap().is_none(),
        "backoff ignored"
    );

    // Once the backoff has passed the job runs again; its last attempt fails for good.
    job::Entity::update_many()
        .col_expr(job::Column::RunAt, chrono::Utc::now().into())
        .filter(job::Column::Id.eq(j.id))
        .exec(&db)
        .await
        .unwrap();
    let again = queue::claim(&db, "w", LEASE).await.unwrap().unwrap();
    assert_eq!(again.attempts, 2);
    let after = queue::fail(
        &db,
        &again,
        "w",
        "disk still full",
        false,
        Duration::from_secs(1),
    )
    .await
    .unwrap();
    assert_eq!(after, AfterFailure::Failed);
    let row = job::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "failed");
    assert_eq!(row.last_error.as_deref(), Some("disk still full"));
    assert!(row.finished_at.is_some());
    assert!(queue::claim(&db, "w", LEASE).await.unwrap().is_none());
}

async fn a_cancelled_job_is_never_claimed_and_its_worker_is_told_to_stop(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let subject = Uuid::now_v7();
    let running = queue::enqueue(&db, Uuid::now_v7(), Subject::Video(subject), 3)
        .await
        .unwrap();
    queue::claim(&db, "w", LEASE).await.unwrap().unwrap();
    assert_eq!(queue::cancel_for_subject(&db, subject).await.unwrap(), 1);
    assert!(
        !queue::heartbeat(&db, running.id, "w", LEASE, &Progress::default())
            .await
            .unwrap()
    );
    assert!(!queue::succeed(&db, running.id, "w").await.unwrap());
    let row = job::Entity::find_by_id(running.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "cancelled");
    assert!(queue::claim(&db, "w", LEASE).await.unwrap().is_none());
}

async fn queueing_the_same_media_twice_keeps_one_job_and_new_media_cancels_the_old(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let subject = Subject::Video(Uuid::now_v7());
    let asset = Uuid::now_v7();
    let a = queue::enqueue(&db, asset, subject, 3).await.unwrap();
    let b = queue::enqueue(&db, asset, subject, 3).await.unwrap();
    assert_eq!(a.id, b.id);
    let c = queue::enqueue(&db, Uuid::now_v7(), subject, 3)
        .await
        .unwrap();
    assert_ne!(c.id, a.id);
    let old = job::Entity::find_by_id(a.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.status, "cancelled");
    let claimed = queue::claim(&db, "w", LEASE).await.unwrap().unwrap();
    assert_eq!(claimed.id, c.id);
}

async fn a_worker_that_died_on_the_last_attempt_leaves_a_failed_job(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let j = queue::enqueue(&db, Uuid::now_v7(), Subject::Video(Uuid::now_v7()), 1)
        .await
        .unwrap();
    queue::claim(&db, "dead", Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert!(
        queue::claim(&db, "w", LEASE).await.unwrap().is_none(),
        "no attempts left"
    );
    let reaped = queue::reap_exhausted(&db).await.unwrap();
    assert_eq!(reaped.iter().map(|r| r.id).collect::<Vec<_>>(), vec![j.id]);
    let row = job::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "failed");
    assert!(row.last_error.unwrap().contains("stopped responding"));
}

both_databases!(
    each_job_is_claimed_by_exactly_one_of_many_racing_workers,
    a_job_whose_lease_ran_out_is_taken_by_another_worker,
    a_failed_attempt_waits_for_its_backoff_and_the_last_one_fails_for_good,
    a_cancelled_job_is_never_claimed_and_its_worker_is_told_to_stop,
    queueing_the_same_media_twice_keeps_one_job_and_new_media_cancels_the_old,
    a_worker_that_died_on_the_last_attempt_leaves_a_failed_job,
);
