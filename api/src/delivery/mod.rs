//! Delivery: media over HTTP, signed URLs for private media, pictures on demand, embeds, oEmbed, feeds, view counts
//! and cross-node cache invalidation. One router ([`router`]), merged by `startup.rs`.

pub mod access;
pub mod daily_views;
pub mod embed;
pub mod feeds;
pub mod graphql;
pub mod hot;
pub mod images;
pub mod media;
pub mod notify;
pub mod oembed;
pub mod outputs;
pub mod pages;
pub mod playback;
pub mod referrer;
pub mod sign;
pub mod sitemap;
pub mod urls;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Method, header};
use axum::routing::{get, post};
use sea_orm::ConnectionTrait;
use secrecy::ExposeSecret as _;
use tower_http::cors::CorsLayer;
use uuid::Uuid;

use self::access::{Access, TtlCache};
use self::sign::Signer;
use self::views::Views;
use crate::config::Config;
use crate::error::AppResult;
use crate::state::{AppState, Ctx};

/// How long an answer about who may read an asset is reused (changes on any node end it early).
const ACCESS_TTL: Duration = Duration::from_secs(5);

/// The delivery services in the shared state.
pub struct Delivery {
    /// Signs and checks private media URLs.
    pub signer: Signer,
    /// Who may read each asset, recently asked.
    pub access_cache: TtlCache<Access>,
    /// Whether the public may watch each video, recently asked (for view beacons).
    pub viewable: TtlCache<bool>,
    /// Views counted and not yet written.
    pub views: Views,
    /// Small immutable objects served from memory.
    pub hot: hot::HotObjects,
    /// Pictures made on demand: what videos offer, and the pictures being made.
    pub images: images::Images,
    /// Dropped with the state: background tasks watching it stop.
    stop: tokio::sync::watch::Sender<()>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery").finish_non_exhaustive()
    }
}

impl Delivery {
    /// The services, signing with `secret`.
    pub fn new(config: &Config, secret: Vec<u8>) -> Self {
        Self {
            views: Views::new(config, &secret),
            signer: Signer::new(secret),
            access_cache: TtlCache::new(ACCESS_TTL, 100_000),
            viewable: TtlCache::new(ACCESS_TTL, 100_000),
            hot: hot::HotObjects::new(
                usize::try_from(config.delivery.memory_cache_mib.saturating_mul(1024 * 1024))
                    .unwrap_or(usize::MAX),
            ),
            images: images::Images::default(),
            stop: tokio::sync::watch::channel(()).0,
        }
    }

    /// Completes (with an error) when the services are dropped.
    pub fn stop_signal(&self) -> tokio::sync::watch::Receiver<()> {
        self.stop.subscribe()
    }

    /// Who may read `asset`, from the cache when the catalogue has not changed since.
    pub async fn access(
        &self,
        db: &impl ConnectionTrait,
        generation: u64,
        asset: Uuid,
    ) -> AppResult<Access> {
        if let Some(hit) = self.access_cache.get(asset, generation) {
            return Ok(hit);
        }
        let access = access::lookup(db, asset).await?;
        self.access_cache.put(asset, generation, access.clone());
        Ok(access)
    }
}

/// The signing secret: `delivery.signing_secret`, else `<data_dir>/media-secret` (made once).
pub fn load_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    match &config.delivery.signing_secret {
        Some(s) => Ok(s.expose_secret().as_bytes().to_vec()),
        None => crate::accounts::jwt::load_or_create_secret_file(&config.data_dir, "media-secret"),
    }
}

/// Starts the background work: batched view (and like and subscriber) writes and, on PostgreSQL, cross-node invalidation.
pub fn start(ctx: &Arc<Ctx>) {
    notify::start(ctx);
    let weak = Arc::downgrade(ctx);
    let every = Duration::from_millis(ctx.config.delivery.view_flush_ms.max(50));
    let mut stop = ctx.delivery.stop_signal();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
            let Some(ctx) = weak.upgrade() else { return };
            if let Err(e) = ctx.delivery.views.flush(&ctx.db).await {
                tracing::warn!(error = %e, "could not write view counts; will retry");
            }
            crate::community::counters::flush_logged(&ctx.community.counters, &ctx.db).await;
        }
    });
}

/// Writes what must not be lost at shutdown (pending view, like and subscriber counts).
pub async fn shutdown(ctx: &Ctx) {
    crate::community::counters::flush_logged(&ctx.community.counters, &ctx.db).await;
    match ctx.delivery.views.flush(&ctx.db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(views = n, "wrote pending view counts"),
        Err(e) => tracing::error!(error = %e, "could not write pending view counts"),
    }
}

/// Media, embeds, oEmbed, feeds and the view beacon.
pub fn router(config: &Config) -> Router<AppState> {
    let cors = cors(config);
    Router::new()
        .route("/media/{*rest}", get(media::get).head(media::get))
        .route("/images/{id}/{file}", get(images::get).head(images::get))
        .route("/feeds/podcasts/{file}", get(feeds::podcast))
        .route(
            "/feeds/podcasts/{channel}/{file}",
            get(feeds::podcast_in_channel),
        )
        .route("/feeds/channels/{file}", get(feeds::channel))
        .route("/oembed", get(oembed::get))
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/robots.txt", get(sitemap::robots))
        .route("/views/{id}", post(views::beacon))
        .layer(cors)
        // The page's own CSP: only the embed page may be framed (by `frame_ancestors`).
        .route("/embed/{id}", get(embed::page))
        .route("/embed/episodes/{id}", get(embed::episode::page))
        .route("/embed/playlists/{id}", get(embed::playlist::page))
        .route("/embed/assets/hls.light.min.js", get(embed::hls_js))
        .route("/embed/assets/player.js", get(embed::player_js))
}

fn cors(config: &Config) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(crate::security::allowed_origins(config))
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([
            header::RANGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::IF_RANGE,
        ])
        .expose_headers([
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
            header::ETAG,
            header::LAST_MODIFIED,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(3600))
}
