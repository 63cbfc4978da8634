//! Change events for GraphQL subscriptions: an in-process broadcast, and on PostgreSQL a
//! `LISTEN/NOTIFY` fan-out so a worker in another process (or machine) reaches every API node.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "projector_events";

/// Something subscribers may want to know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// A job's progress moved (stored at most once a second).
    Progress {
        /// The job.
        job_id: Uuid,
        /// `video` or `episode`.
        subject_kind: String,
        /// The video or episode.
        subject_id: Uuid,
        /// The job's state.
        status: String,
        /// 0 to 100.
        percent: f64,
        /// Pipeline stage.
        stage: Option<String>,
        /// Seconds left, estimated.
        eta_secs: Option<f64>,
    },
    /// A video or episode changed (status, media, playable).
    SubjectChanged {
        /// `video` or `episode`.
        subject_kind: String,
        /// Its id.
        subject_id: Uuid,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    node: Uuid,
    event: Event,
}

/// Publishes events to this process and, on PostgreSQL, to every other.
#[derive(Debug, Clone)]
pub struct Bus {
    tx: broadcast::Sender<Event>,
    node: Uuid,
    db: Option<DatabaseConnection>,
}

impl Bus {
    /// An in-process bus; with `db` on PostgreSQL, events also go out through `NOTIFY`.
    pub fn new(db: Option<DatabaseConnection>) -> Self {
        let (tx, _) = broadcast::channel(1024);
        let db = db.filter(|d| {
            sea_orm::ConnectionTrait::get_database_backend(d) == sea_orm::DatabaseBackend::Postgres
        });
        Self {
            tx,
            node: Uuid::now_v7(),
            db,
        }
    }

    /// Receives every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Publishes an event. Never fails the caller: a lost progress update is not worth an error.
    pub async fn publish(&self, event: Event) {
        let _ = self.tx.send(event.clone());
        if let Some(db) = &self.db {
            let payload = match serde_json::to_string(&Envelope {
                node: self.node,
                event,
            }) {
                Ok(p) => p,
                Err(_) => return,
            };
            let pool = db.get_postgres_connection_pool();
            if let Err(e) = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(pool)
                .await
            {
                tracing::warn!(error = %e, "could not NOTIFY an event");
            }
        }
    }

    /// On PostgreSQL, forwards events other processes publish into this one until the process
    /// ends, reconnecting after errors.
    pub fn listen(self: &Arc<Self>) {
        let Some(db) = self.db.clone() else {
            return;
        };
        let bus = self.clone();
        tokio::spawn(async move {
            loop {
                let pool = db.get_postgres_connection_pool();
                let listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await;
                let mut listener = match listener {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot LISTEN for events; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                        continue;
                    }
                };
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "cannot LISTEN for events; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                    continue;
                }
                loop {
                    match listener.recv().await {
                        Ok(n) => {
                            if let Ok(env) = serde_json::from_str::<Envelope>(n.payload())
                                && env.node != bus.node
                            {
                                let _ = bus.tx.send(env.event);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "event listener lost its connection");
                            break;
                        }
                    }
                }
            }
        });
    }
}
