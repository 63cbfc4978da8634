//! Shared state: the services every handler and resolver reaches through.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::accounts::jwt::Keys;
use crate::accounts::rate_limit::{Limiter, LoginThrottle};
use crate::accounts::sessions::Sessions;
use crate::config::Config;
use crate::graphql::gate::Gate;
use crate::graphql::public_cache::PublicCache;
use crate::media::Storage;
use crate::media::tus::UploadLocks;
use crate::observability::Metrics;

/// Long-lived services, shared by reference (`Arc<Ctx>`) with resolvers and handlers.
#[derive(Debug)]
pub struct Ctx {
    /// The effective configuration.
    pub config: Config,
    /// The database pool.
    pub db: DatabaseConnection,
    /// The same pool without the statement counter, for the webhook sender: its polling is
    /// background upkeep, and `projector_db_statements_total` is how tests and operators see
    /// what requests cost.
    pub background_db: DatabaseConnection,
    /// JWT signing keys.
    pub keys: Keys,
    /// Login protection per (account, address) pair and per address.
    pub login_throttle: LoginThrottle,
    /// `refresh` calls per client address.
    pub refresh_by_address: Limiter,
    /// Sessions revoked while their access tokens may still be unexpired.
    pub sessions: Sessions,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// An argon2 hash of a random password, verified against when an email is unknown so the
    /// answer takes as long as for a known email.
    pub dummy_hash: String,
    /// Where media objects live.
    pub storage: Arc<dyn Storage>,
    /// Where unfinished uploads are staged (`<data_dir>/uploads`).
    pub staging_dir: PathBuf,
    /// Uploads being written to right now.
    pub upload_locks: UploadLocks,
    /// Streamed parts of the uploads this process is receiving.
    pub uploads_inflight: crate::media::inflight::Inflight,
    /// Responses to public queries, served from memory.
    pub public_cache: PublicCache,
    /// Woken when a job is queued, so idle in-process workers start at once.
    pub jobs_waiting: tokio::sync::Notify,
    /// Change events for subscriptions.
    pub events: Arc<crate::events::Bus>,
    /// Cancelled when the process is shutting down: workers stop taking jobs.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// Workers of this process still running.
    pub workers_running: std::sync::atomic::AtomicUsize,
    /// Signed media URLs, media access answers, view counts.
    pub delivery: crate::delivery::Delivery,
    /// Sign-up limits, like and subscriber counts not yet written.
    pub community: crate::community::Community,
    /// Wakes the webhook sender when events were written.
    pub webhooks: crate::webhooks::Webhooks,
    /// API-wide rate limits (`None` when `rate_limits.enabled` is off). Their statement on
    /// PostgreSQL goes through `background_db`: it is the same for every request.
    pub rate_limits: Option<crate::ratelimit::RateLimits>,
}

impl Ctx {
    /// Builds the shared services.
    pub fn new(
        config: Config,
        db: DatabaseConnection,
        keys: Keys,
        dummy_hash: String,
        storage: Arc<dyn Storage>,
        media_secret: Vec<u8>,
    ) -> Self {
        let window = Duration::from_secs(config.auth.login_window_secs);
        let metrics = Metrics::default();
        let counter = metrics.statement_counter();
        let background_db = db.clone();
        let mut db = db;
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        Self {
            login_throttle: LoginThrottle::new(
                config.auth.login_attempts_per_account,
                config.auth.login_attempts_per_address,
                window,
            ),
            refresh_by_address: Limiter::new(config.auth.refresh_attempts_per_address, window),
            sessions: Sessions::new(
                Duration::from_secs(config.auth.access_token_ttl_secs),
                config.is_postgres(),
            ),
            metrics,
            staging_dir: config.data_dir.join("uploads"),
            upload_locks: UploadLocks::default(),
            uploads_inflight: Default::default(),
            public_cache: PublicCache::new(
                Duration::from_millis(config.graphql.public_cache_ttl_ms),
                config.graphql.public_cache_entries,
                config.graphql.public_cache_bytes,
            ),
            storage,
            jobs_waiting: tokio::sync::Notify::new(),
            events: Arc::new(crate::events::Bus::new(Some(db.clone()))),
            shutdown: tokio_util::sync::CancellationToken::new(),
            workers_running: std::sync::atomic::AtomicUsize::new(0),
            delivery: crate::delivery::Delivery::new(&config, media_secret),
            community: crate::community::Community::new(&config),
            webhooks: crate::webhooks::Webhooks::default(),
            rate_limits: crate::ratelimit::RateLimits::new(&config, &background_db),
            config,
            db,
            background_db,
            keys,
            dummy_hash,
        }
    }
}

/// The axum router state.
#[derive(Clone)]
pub struct AppState {
    /// Shared services.
    pub ctx: Arc<Ctx>,
    /// The executable GraphQL schema, behind what every request passes first.
    pub gate: Gate,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
