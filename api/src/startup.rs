//! Building and running the application: `build_app(config) -> Router` is what `main` and every
//! test call; [`Application`] adds the listener and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::response::{Html, IntoResponse};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::accounts::jwt::{Keys, load_or_create_secret};
use crate::accounts::service;
use crate::config::Config;
use crate::state::{AppState, Ctx};
use crate::{db, graphql, media, observability, transcode};

/// Connects to the database, applies migrations, creates the first admin if configured, and
/// returns the complete router (API, operations endpoints and the single-page app), with the
/// in-process workers (`config.workers`) and background upkeep started.
pub async fn build_app(config: Config) -> anyhow::Result<Router> {
    Ok(build_app_with_ctx(config).await?.0)
}

/// [`build_app`], also returning the shared services (to stop workers at shutdown).
pub async fn build_app_with_ctx(config: Config) -> anyhow::Result<(Router, Arc<Ctx>)> {
    let (ctx, seeded) = build_ctx_seeding(config, true).await?;
    if seeded {
        // The demo's media is generated and queued in the background: the server is up at once.
        let demo = ctx.clone();
        tokio::spawn(async move {
            match crate::demo::seed_media(&demo).await {
                Ok(n) => {
                    tracing::info!(items = n, "demo media generated and queued for transcoding")
                }
                Err(e) => tracing::warn!(error = ?e, "could not generate the demo media"),
            }
        });
    }
    // Uploads a previous process left half-finished complete now, and the digests it left
    // pending are taken, off the start-up path.
    let resume = ctx.clone();
    tokio::spawn(async move {
        match media::uploads::resume_unfinished(&resume).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(uploads = n, "finished uploads left by a previous run"),
            Err(e) => tracing::error!(error = %e, "could not resume unfinished uploads"),
        }
        match media::uploads::record_missing_digests(&resume).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(assets = n, "recorded digests left by a previous run"),
            Err(e) => tracing::error!(error = %e, "could not record missing digests"),
        }
    });
    crate::delivery::start(&ctx);
    ctx.events.listen();
    transcode::worker::spawn(&ctx, ctx.config.workers);
    crate::webhooks::start(&ctx);
    crate::ratelimit::start(&ctx);
    spawn_upkeep(&ctx);
    let gate = graphql::build_gate(ctx.clone());
    Ok((
        router(AppState {
            ctx: ctx.clone(),
            gate,
        }),
        ctx,
    ))
}

/// The shared services of any Projector process (server or worker): database (migrated),
/// first admin, signing keys, storage.
pub async fn build_ctx(config: Config) -> anyhow::Result<Arc<Ctx>> {
    Ok(build_ctx_seeding(config, false).await?.0)
}

/// [`build_ctx`], creating the demo catalogue on a fresh embedded database when `may_seed`
/// (the server does; workers and tools leave that to it); says whether it did.
async fn build_ctx_seeding(config: Config, may_seed: bool) -> anyhow::Result<(Arc<Ctx>, bool)> {
    // `Config::load` checks this too; a configuration built in code is checked here.
    if let Some(problem) = config.rate_limits.problem() {
        anyhow::bail!("configuration error: {problem}");
    }
    let db = db::connect(&config).await?;
    let fresh = db::migrate(&db).await?;
    // Only the embedded default seeds itself: a PostgreSQL deployment is set up on purpose.
    let seed = may_seed && fresh && config.demo_content && !config.is_postgres();
    if seed {
        let seeded = crate::demo::seed(&db)
            .await
            .map_err(|e| e.into_anyhow().context("cannot create the demo catalogue"))?;
        tracing::info!(
            ?seeded,
            "first start: created a demo catalogue (demo_content = false turns this off)"
        );
    }

    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
        match service::ensure_first_admin(&db, email, password.expose_secret()).await {
            Ok(Some(user)) => tracing::info!(email = %user.email, "created the first admin"),
            Ok(None) => {}
            Err(e) => {
                return Err(e
                    .into_anyhow()
                    .context("cannot create the first admin from configuration"));
            }
        }
    }

    let secret = match &config.auth.jwt_secret {
        Some(s) => s.expose_secret().as_bytes().to_vec(),
        None => load_or_create_secret(&config.data_dir)?,
    };
    let keys = Keys::from_secret(&secret);
    let dummy_hash = service::hash_password(service::random_token(""))
        .await
        .map_err(crate::AppError::into_anyhow)?;

    let storage = media::open_storage(&config.storage, &config.media_dir)
        .await
        .map_err(|e| e.into_anyhow().context("cannot open media storage"))?;
    let media_secret = crate::delivery::load_secret(&config)?;
    let ctx = Arc::new(Ctx::new(
        config,
        db,
        keys,
        dummy_hash,
        storage,
        media_secret,
    ));
    Ok((ctx, seed))
}

/// How often expired uploads and orphaned objects are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Hourly upkeep: expired uploads and orphaned objects go.
fn spawn_upkeep(ctx: &Arc<Ctx>) {
    crate::state::every(ctx, SWEEP_EVERY, |ctx| async move {
        if let Err(e) = sweep(&ctx).await {
            tracing::warn!(error = %e, "sweep failed");
        }
    });
}

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Uploads that expired unfinished (with their staging bytes and parts).
    pub expired_uploads: usize,
    /// Staging files no unfinished upload owned.
    pub staging_files: usize,
    /// Orphaned assets and objects.
    pub orphans: media::assets::Swept,
}

/// Removes expired uploads, stray staging files and orphaned assets/objects once (`projector
/// storage sweep` and the hourly upkeep).
pub async fn sweep(ctx: &Ctx) -> crate::error::AppResult<SweepReport> {
    let expired_uploads = media::uploads::sweep_expired(ctx).await?;
    let timed_out = media::direct::sweep_timed_out(&ctx.db).await?;
    if timed_out > 0 {
        tracing::info!(direct_uploads = timed_out, "direct uploads timed out");
    }
    let grace = chrono::Duration::hours(
        i64::try_from(ctx.config.uploads.expiry_hours.max(1)).unwrap_or(24),
    );
    let staging_files = media::uploads::sweep_staging(ctx, grace).await?;
    let orphans = media::assets::sweep_orphans(&ctx.db, &ctx.storage, grace).await?;
    let report = SweepReport {
        expired_uploads,
        staging_files,
        orphans,
    };
    if report != SweepReport::default() {
        tracing::info!(
            uploads = expired_uploads,
            staging_files,
            assets = orphans.assets,
            objects = orphans.objects,
            "swept"
        );
    }
    Ok(report)
}

fn router(state: AppState) -> Router {
    // The app's index.html is read once: pages are filled from it, and the CSP allows its
    // inline scripts by their hashes.
    let site = crate::delivery::pages::Site::load(&state.ctx.config.frontend_dir).map(Arc::new);
    let security = Arc::new(crate::security::SecurityHeaders::new(
        &state.ctx.config,
        &site.as_deref().map(|s| s.indexes()).unwrap_or_default(),
    ));
    Router::new()
        .merge(graphql::router(&state.ctx.config))
        .merge(media::router())
        .merge(crate::ops::router())
        .merge(crate::delivery::router(&state.ctx.config))
        .fallback({
            move |s: axum::extract::State<AppState>, request: axum::extract::Request| {
                frontend(site.clone(), s, request)
            }
        })
        // Inside the security headers, so a 429 gets them too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::ratelimit::http::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security,
            crate::security::apply,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observability::track_http,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                        let id = req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
                    }),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::new()),
        )
        .with_state(state)
}

/// Gives a request without an `x-request-id` a random UUID (version 4, lower-case hyphenated,
/// as tower-http's `MakeRequestUuid` does), drawn from the thread's generator instead of a
/// `getrandom` system call per request, and written without a `String` in between.
#[derive(Clone, Copy, Debug)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let text = id.hyphenated().encode_lower(&mut text);
        axum::http::HeaderValue::from_str(text)
            .ok()
            .map(RequestId::new)
    }
}

/// Serves the built app (its pages with their heads filled, see [`crate::delivery::pages`]);
/// without a build, a page that says how to make one.
async fn frontend(
    site: Option<Arc<crate::delivery::pages::Site>>,
    state: axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    match site {
        Some(site) => crate::delivery::pages::serve(state, site, request).await,
        None => Html(
            "<!doctype html><title>Projector</title><h1>Projector is running</h1>\
             <p>The web app is not built. Run <code>scripts/run</code> (it builds it with \
             Trunk), or open <a href=\"/graphql\">/graphql</a>.</p>",
        )
        .into_response(),
    }
}

/// A bound, ready-to-run server.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    ctx: Arc<Ctx>,
}

impl Application {
    /// Builds the app and binds its listener (port 0 picks a free port).
    ///
    /// A `public_url` on port 0 (derived from `--listen ...:0`) gets the port that was picked;
    /// one that names this machine on another port than the server's is logged as a warning.
    pub async fn build(mut config: Config) -> anyhow::Result<Self> {
        let listen = config.listen;
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let bound = listener.local_addr()?;
        if config.public_url.port() == Some(0) {
            // Url refuses a port only on URLs without a host, which `public_url` always has.
            let _ = config.public_url.set_port(Some(bound.port()));
        }
        if let Some(warning) = config.public_url_warning(bound) {
            tracing::warn!("{warning}");
        }
        let (router, ctx) = build_app_with_ctx(config).await?;
        Ok(Self {
            listener,
            router,
            ctx,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGINT/SIGTERM, then finishes requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let result = serve(self.listener, self.router, shutdown_signal()).await;
        crate::delivery::shutdown(&self.ctx).await;
        stop_workers(&self.ctx).await;
        result
    }

    /// The shared services.
    pub fn ctx(&self) -> &Arc<Ctx> {
        &self.ctx
    }

    /// Serves until `stop` completes (for tests that stop a server on purpose).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let result = serve(self.listener, self.router, stop).await;
        crate::delivery::shutdown(&self.ctx).await;
        stop_workers(&self.ctx).await;
        result
    }
}

/// Tells workers to give back their jobs, and waits a moment for them to do so.
pub async fn stop_workers(ctx: &Ctx) {
    ctx.shutdown.cancel();
    // Workers notice within a heartbeat and release their job; a process that exits before
    // that loses only the lease, and the job is taken again when it ends.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while ctx.jobs.running.load(std::sync::atomic::Ordering::Relaxed) > 0
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Serves a router with client addresses and graceful shutdown.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
    .context("server error")
}

/// Completes on SIGINT or SIGTERM. The SIGTERM handler is installed when this is called (not
/// when first polled), so a signal that arrives while the process is still starting is not lost.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
        // Give load balancers a moment to notice before the listener closes.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
