//! Shared state: the services every handler and resolver reaches through.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::graphql::gate::Gate;
use crate::graphql::public_cache::PublicCache;
use crate::media::Storage;
use crate::observability::Metrics;

/// Long-lived services, shared by reference (`Arc<Ctx>`) with resolvers and handlers.
#[derive(Debug)]
pub struct Ctx {
    /// The effective configuration.
    pub config: Config,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Where the hot read paths (list pages, DataLoaders) read: `db`, and on a SQLite file
    /// read-only connections on the calling thread (see [`crate::db::reads`]), counted alike.
    pub reads: crate::db::Reads,
    /// The same pool without the statement counter, for the webhook sender: its polling is
    /// background upkeep, and `projector_db_statements_total` is how tests and operators see
    /// what requests cost.
    pub background_db: DatabaseConnection,
    /// JWT keys, throttles and revoked sessions.
    pub accounts: crate::accounts::Accounts,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Where media objects live.
    pub storage: Arc<dyn Storage>,
    /// The uploads this process receives.
    pub uploads: crate::media::uploads::Uploads,
    /// Responses to public queries, served from memory.
    pub public_cache: PublicCache,
    /// The transcode workers of this process.
    pub jobs: crate::transcode::Jobs,
    /// Change events for subscriptions.
    pub events: Arc<crate::events::Bus>,
    /// Cancelled when the process is shutting down: workers stop taking jobs.
    pub shutdown: tokio_util::sync::CancellationToken,
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
        keys: crate::accounts::jwt::Keys,
        dummy_hash: String,
        storage: Arc<dyn Storage>,
        media_secret: Vec<u8>,
    ) -> Self {
        let metrics = Metrics::default();
        let counter = metrics.statement_counter();
        let background_db = db.clone();
        let mut db = db;
        let read_counts = metrics.read_counts();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        let reads = crate::db::Reads::new(db.clone(), read_counts);
        Self {
            accounts: crate::accounts::Accounts::new(&config, keys, dummy_hash),
            metrics,
            uploads: crate::media::uploads::Uploads::new(&config.data_dir),
            public_cache: PublicCache::new(
                Duration::from_millis(config.graphql.public_cache_ttl_ms),
                config.graphql.public_cache_entries,
                config.graphql.public_cache_bytes,
            ),
            storage,
            jobs: Default::default(),
            events: Arc::new(crate::events::Bus::new(Some(db.clone()))),
            shutdown: tokio_util::sync::CancellationToken::new(),
            delivery: crate::delivery::Delivery::new(&config, media_secret),
            community: crate::community::Community::new(&config),
            webhooks: crate::webhooks::Webhooks::default(),
            rate_limits: crate::ratelimit::RateLimits::new(&config, &background_db),
            config,
            db,
            reads,
            background_db,
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

/// Runs `job` on a task of its own every `period` (the first time at once) until shutdown:
/// the hourly upkeep, the rate limits' sweep.
pub fn every<F, Fut>(ctx: &Arc<Ctx>, period: Duration, mut job: F)
where
    F: FnMut(Arc<Ctx>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = ctx.shutdown.cancelled() => break,
            }
            job(ctx.clone()).await;
        }
    });
}
