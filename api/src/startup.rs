//! Building and running the application: `build_app(config) -> Router` is what `main` and every
//! test call; [`Application`] adds the listener and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::accounts::jwt::{Keys, load_or_create_secret};
use crate::accounts::service;
use crate::config::Config;
use crate::state::{AppState, Ctx};
use crate::{db, graphql, media, observability};

/// Connects to the database, applies migrations, creates the first admin if configured, and
/// returns the complete router (API, operations endpoints and the single-page app).
pub async fn build_app(config: Config) -> anyhow::Result<Router> {
    Ok(build(config).await?.0)
}

/// [`build_app`], also returning the shared services (the application flushes them at stop).
async fn build(config: Config) -> anyhow::Result<(Router, Arc<Ctx>)> {
    let db = db::connect(&config).await?;
    let fresh = db::migrate(&db).await?;
    // Only the embedded default seeds itself: a PostgreSQL deployment is set up on purpose.
    if fresh && config.demo_content && !config.is_postgres() {
        let seeded = crate::demo::seed(&db)
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the demo catalogue: {e}"))?;
        tracing::info!(
            ?seeded,
            "first start: created a demo catalogue (demo_content = false turns this off)"
        );
    }

    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
        match service::ensure_first_admin(&db, email, password.expose_secret()).await {
            Ok(Some(user)) => tracing::info!(email = %user.email, "created the first admin"),
            Ok(None) => {}
            Err(e) => anyhow::bail!("cannot create the first admin from configuration: {e}"),
        }
    }

    let secret = match &config.auth.jwt_secret {
        Some(s) => s.expose_secret().as_bytes().to_vec(),
        None => load_or_create_secret(&config.data_dir)?,
    };
    let keys = Keys::from_secret(&secret);
    let dummy_hash = service::hash_password(service::random_token(""))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let storage = media::open_storage(&config.storage, &config.media_dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open media storage: {e}"))?;
    let media_secret = crate::delivery::load_secret(&config)?;
    let ctx = Arc::new(Ctx::new(
        config,
        db,
        keys,
        dummy_hash,
        storage,
        media_secret,
    ));
    crate::delivery::start(&ctx);
    // Uploads a previous process left half-finished complete now, off the start-up path.
    let resume = ctx.clone();
    tokio::spawn(async move {
        match media::uploads::resume_unfinished(&resume.db, &resume.storage, &resume.staging_dir)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(uploads = n, "finished uploads left by a previous run"),
            Err(e) => tracing::error!(error = %e, "could not resume unfinished uploads"),
        }
    });
    let schema = graphql::build_schema(Some(ctx.clone()));
    Ok((
        router(AppState {
            ctx: ctx.clone(),
            schema,
        }),
        ctx,
    ))
}

fn router(state: AppState) -> Router {
    let frontend = frontend_service(&state.ctx.config.frontend_dir);
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/uploads", post(media::tus::create).options(media::tus::options))
        .route("/uploads/", post(media::tus::create).options(media::tus::options))
        .route(
            "/uploads/{id}",
            axum::routing::patch(media::tus::patch)
                .head(media::tus::head)
                .delete(media::tus::delete)
                .options(media::tus::options),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(crate::delivery::router(&state.ctx.config))
        .fallback_service(frontend)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observability::track_http,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
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

/// Serves the built app with a fallback to `index.html` so client-side routes load; without a
/// build, a page that says how to make one.
fn frontend_service(dir: &std::path::Path) -> axum::routing::MethodRouter {
    let index = dir.join("index.html");
    if index.exists() {
        axum::routing::get_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
    } else {
        axum::routing::get(|| async {
            Html(
                "<!doctype html><title>Projector</title><h1>Projector is running</h1>\
                 <p>The web app is not built. Run <code>scripts/run</code> (it builds it with \
                 Trunk), or open <a href=\"/graphql\">/graphql</a>.</p>",
            )
        })
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    if db::ping(&state.ctx.db).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.ctx.metrics.render(),
    )
        .into_response()
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
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listen = config.listen;
        let (router, ctx) = build(config).await?;
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
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
        let served = serve(self.listener, self.router, shutdown_signal()).await;
        crate::delivery::shutdown(&self.ctx).await;
        served
    }

    /// Serves until `stop` completes (for tests that stop a server on purpose).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let served = serve(self.listener, self.router, stop).await;
        crate::delivery::shutdown(&self.ctx).await;
        served
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

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
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
