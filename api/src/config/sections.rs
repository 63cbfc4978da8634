//! The sections of [`Config`](super::Config), each with its defaults.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::serialize_masked_opt;

/// Access to the Prometheus endpoint.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// `loopback` (this machine, not through a proxy, or the token), `token` or `public`.
    pub access: crate::security::MetricsAccess,
    /// Bearer token that may always read `/metrics`.
    #[serde(serialize_with = "serialize_masked_opt")]
    pub token: Option<SecretString>,
}

/// Transcoding: the ladder, the encoders' settings and the job queue's.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TranscodeConfig {
    /// Rendition sizes, largest first, by the picture's short side (the height of a landscape
    /// video); a source is never upscaled past its own size.
    pub ladder: Vec<u32>,
    /// x264 speed preset (`ultrafast` .. `veryslow`).
    pub preset: String,
    /// Seconds between keyframes, the same in every rendition so players can switch.
    pub gop_secs: f64,
    /// Target length of an HLS segment, in seconds (a multiple of `gop_secs`).
    pub segment_secs: f64,
    /// AAC bitrate of the audio inside HLS renditions, in kbit/s.
    pub hls_audio_kbps: u32,
    /// Bitrate of podcast M4A (AAC) files, in kbit/s.
    pub m4a_kbps: u32,
    /// Bitrate of podcast MP3 files, in kbit/s.
    pub mp3_kbps: u32,
    /// Attempts before a job fails for good.
    pub max_attempts: u32,
    /// Seconds a worker holds a job without a heartbeat before another may take it.
    pub lease_secs: u64,
    /// Scratch directory for sources and outputs in flight; unset: `<data_dir>/transcode`.
    pub scratch_dir: Option<PathBuf>,
    /// Nice value (0 to 19) of the GStreamer threads that transcode: above 0 they yield the CPU
    /// to the API whenever it has work, so reads stay fast while a worker encodes on the same
    /// machine; 0 gives them the server's own priority.
    pub nice: i32,
}

impl Default for TranscodeConfig {
    fn default() -> Self {
        Self {
            ladder: vec![2160, 1440, 1080, 720, 480, 360, 240],
            preset: "veryfast".into(),
            gop_secs: 2.0,
            segment_secs: 4.0,
            hls_audio_kbps: 128,
            m4a_kbps: 128,
            mp3_kbps: 128,
            max_attempts: 3,
            lease_secs: 30,
            scratch_dir: None,
            nice: 10,
        }
    }
}

/// Delivery of media objects, feeds and embeds.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    /// With the S3 backend: `presign` (302 to a presigned URL), `cdn` (302 to `cdn_base_url`)
    /// or `proxy` (stream through this server). The local backend is always served directly.
    pub s3_mode: S3DeliveryMode,
    /// Public base URL that maps to the bucket's root (for `s3_mode = "cdn"`).
    pub cdn_base_url: Option<url::Url>,
    /// HMAC key for signed URLs of private media. Unset: generated once and kept in
    /// `<data_dir>/media-secret`. Set it explicitly when several API nodes share a database.
    #[serde(serialize_with = "serialize_masked_opt")]
    pub signing_secret: Option<SecretString>,
    /// Lifetime of a signed URL of private media, in seconds (rounded up to the next 10
    /// minutes so reloads share URLs). Whoever holds such a URL can read the media until it
    /// expires, even after losing access: keep it to minutes.
    pub signed_url_ttl_secs: u64,
    /// Origins allowed to fetch media and the API from browsers (`*` for any).
    pub cors_origins: Vec<String>,
    /// `frame-ancestors` of the embed page: who may put the player in an iframe.
    pub frame_ancestors: String,
    /// A view counts once per viewer per video within this many seconds.
    pub view_window_secs: u64,
    /// View beacons accepted per client address per minute (more answer 429).
    pub view_beacons_per_minute: u32,
    /// Counted views are written to the database in one batch this often, in milliseconds
    /// (and at graceful shutdown).
    pub view_flush_ms: u64,
    /// Memory for small immutable media objects (pictures), in MiB; 0 disables it.
    pub memory_cache_mib: u64,
    /// Pictures the image API keeps per video (thumbnails at any moment and size, animated
    /// previews); making one more removes the oldest, which is made again if asked for. It
    /// bounds what anonymous requests can make a node store.
    pub images_kept_per_video: u32,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            s3_mode: S3DeliveryMode::Presign,
            cdn_base_url: None,
            signing_secret: None,
            signed_url_ttl_secs: 10 * 60,
            cors_origins: vec!["*".into()],
            frame_ancestors: "*".into(),
            view_window_secs: 30 * 60,
            view_beacons_per_minute: 60,
            view_flush_ms: 5000,
            memory_cache_mib: 64,
            images_kept_per_video: 500,
        }
    }
}

/// How media stored in S3 reaches clients.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum S3DeliveryMode {
    /// Redirect to a presigned URL of the bucket.
    #[default]
    Presign,
    /// Redirect to `cdn_base_url` + key.
    Cdn,
    /// Stream the object through this server.
    Proxy,
}

/// Log output format.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Limits on uploads.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UploadsConfig {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Bytes each user may store (finished assets plus uploads in progress); 0: unlimited.
    pub user_quota_bytes: u64,
    /// Hours an unfinished upload is kept before the sweep removes it.
    pub expiry_hours: u64,
    /// Largest picture (poster, avatar, banner, artwork) accepted by GraphQL multipart, in bytes.
    pub max_image_bytes: u64,
}

impl Default for UploadsConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024 * 1024,
            user_quota_bytes: 0,
            expiry_hours: 24,
            max_image_bytes: 10 * 1024 * 1024,
        }
    }
}

/// Which storage backend holds media, and how to reach it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// `local` (files under `media_dir`) or `s3` (an S3-compatible bucket).
    pub backend: StorageBackend,
    /// S3 settings, used when `backend = "s3"`.
    pub s3: S3Config,
}

/// Storage backends.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A local directory (`media_dir`).
    #[default]
    Local,
    /// An S3-compatible bucket.
    S3,
}

/// Connection to an S3-compatible service (AWS S3, Garage, MinIO).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// Endpoint URL; unset means AWS S3 itself.
    pub endpoint: Option<String>,
    /// Region (`garage` for Garage, `us-east-1` for MinIO, the bucket's region on AWS).
    pub region: String,
    /// Bucket name.
    pub bucket: String,
    /// Address buckets as `endpoint/bucket/key` (Garage, MinIO) instead of `bucket.endpoint/key`.
    pub path_style: bool,
    /// Access key id; unset: the standard AWS credential chain.
    pub access_key_id: Option<String>,
    /// Secret access key.
    #[serde(serialize_with = "serialize_masked_opt")]
    pub secret_access_key: Option<SecretString>,
    /// Objects larger than this (MiB) are uploaded in parts.
    pub multipart_threshold_mib: u64,
    /// Size of each part (MiB, at least 5).
    pub part_size_mib: u64,
}

impl Default for S3Config {
    fn default() -> Self {
        Self {
            endpoint: None,
            region: "us-east-1".into(),
            bucket: "projector".into(),
            path_style: false,
            access_key_id: None,
            secret_access_key: None,
            multipart_threshold_mib: 32,
            part_size_mib: 16,
        }
    }
}

/// Tokens and login protection.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC key for access tokens (at least 32 bytes). Unset: generated once and kept in
    /// `<data_dir>/jwt-secret`. Set it explicitly when several API nodes share a database.
    #[serde(serialize_with = "serialize_masked_opt")]
    pub jwt_secret: Option<SecretString>,
    /// Lifetime of an access token, in seconds.
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token, in days.
    pub refresh_token_ttl_days: u64,
    /// Failed logins per account and client address within `login_window_secs` before that
    /// pair is slowed down (exponential back-off from 1 s); other addresses are not affected.
    /// When the account sees this many failures from all addresses together, any address is
    /// slowed down from its first failure.
    pub login_attempts_per_account: u32,
    /// Login attempts allowed per client address within `login_window_secs`.
    pub login_attempts_per_address: u32,
    /// Length of the login rate-limit window, in seconds.
    pub login_window_secs: u64,
    /// `refresh` calls allowed per client address within `login_window_secs`.
    pub refresh_attempts_per_address: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

/// Limits and features of the GraphQL endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlConfig {
    /// Allow schema introspection (GraphiQL needs it).
    pub introspection: bool,
    /// Serve GraphiQL to browsers on `GET /graphql`.
    pub graphiql: bool,
    /// Deepest query accepted.
    pub max_depth: usize,
    /// Highest cost accepted from one request or one batch: each field counts one, once per
    /// item of the lists above it (`first`/`last`, or the default page).
    pub max_complexity: usize,
    /// Most operations in one batched request.
    pub max_batch_operations: usize,
    /// Largest response body sent; a larger one is replaced by a `PAYLOAD_TOO_LARGE` error.
    pub max_response_bytes: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long an anonymous (or read-token) query's response may be served from memory, in
    /// milliseconds; every mutation on this node empties the cache. 0 disables it.
    pub public_cache_ttl_ms: u64,
    /// Most responses kept in the public cache.
    pub public_cache_entries: usize,
    /// Most bytes the public cache may hold (keys, responses and bookkeeping); one response
    /// may take at most a sixteenth of it.
    pub public_cache_bytes: usize,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            login_attempts_per_account: 5,
            login_attempts_per_address: 20,
            login_window_secs: 300,
            refresh_attempts_per_address: 120,
            trust_forwarded_for: false,
        }
    }
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        Self {
            introspection: true,
            graphiql: true,
            max_depth: 16,
            max_complexity: 5000,
            max_batch_operations: 16,
            max_response_bytes: 8 * 1024 * 1024,
            max_body_bytes: 1024 * 1024,
            public_cache_ttl_ms: 2000,
            public_cache_entries: 10_000,
            public_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Who may create a viewer account with `signUp`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, async_graphql::Enum)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// Nobody: admins create accounts.
    Closed,
    /// Anyone.
    Open,
    /// Whoever holds an unused invitation an admin created.
    Invitation,
}

impl Registration {
    /// The stored and configured spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::Invitation => "invitation",
        }
    }

    /// Parses the stored spelling (`None` for anything else).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "closed" => Some(Self::Closed),
            "open" => Some(Self::Open),
            "invitation" => Some(Self::Invitation),
            _ => None,
        }
    }
}

/// Viewer accounts: registration and its abuse guards.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsConfig {
    /// `closed`, `open` or `invitation`. Unset: what the database says (a database the demo
    /// seeded is `open`), else `closed`.
    pub registration: Option<Registration>,
    /// `signUp` attempts allowed per client address within `signup_window_secs`.
    pub signups_per_address: u32,
    /// Length of the sign-up rate-limit window, in seconds.
    pub signup_window_secs: u64,
    /// How long an invitation link works when its creator does not say, in days.
    pub invitation_ttl_days: u32,
    /// Seconds a new account waits before it may comment (0: at once).
    pub comment_after_secs: u64,
    /// Comments (and replies) one user may post within `comment_window_secs`.
    pub comments_per_window: u32,
    /// Length of the comment rate-limit window, in seconds.
    pub comment_window_secs: u64,
    /// Longest comment body, in characters.
    pub comment_max_chars: u32,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            registration: None,
            signups_per_address: 5,
            signup_window_secs: 60 * 60,
            invitation_ttl_days: 7,
            comment_after_secs: 5 * 60,
            comments_per_window: 5,
            comment_window_secs: 60,
            comment_max_chars: 5000,
        }
    }
}

/// Webhooks: where they may go and how they are sent.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Allow endpoints on loopback, link-local, private and unspecified addresses (refused by
    /// default, when registering and again after DNS resolution at every delivery).
    pub allow_private_targets: bool,
    /// How long one attempt may take (connecting, sending, the answer), in milliseconds.
    pub timeout_ms: u64,
    /// The first retry delay in milliseconds; later ones follow the Standard Webhooks schedule
    /// scaled to it (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default: eight attempts over
    /// about 27 hours).
    pub retry_base_ms: u64,
    /// An endpoint whose deliveries have all failed for this many seconds is disabled.
    pub disable_after_secs: u64,
    /// How often the sender looks for due deliveries when nothing wakes it, in milliseconds.
    pub poll_ms: u64,
    /// Most deliveries one process sends at the same time.
    pub concurrency: u32,
    /// Events (with their deliveries and attempts) are kept this many days.
    pub retention_days: u32,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            timeout_ms: 10_000,
            retry_base_ms: 5_000,
            disable_after_secs: 5 * 24 * 3600,
            poll_ms: 1_000,
            concurrency: 8,
            retention_days: 30,
        }
    }
}

/// API-wide rate limits: a token bucket per API token or session and one per client address
/// for anonymous requests (`api/src/ratelimit/`). Each bucket holds `*_burst` requests and
/// refills at `*_per_sec`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsConfig {
    /// Limit requests at all (`false`: no limit and no `RateLimit` headers).
    pub enabled: bool,
    /// Requests a token or session may make at once.
    pub token_burst: u32,
    /// Requests per second a token's or session's bucket gets back.
    pub token_per_sec: f64,
    /// Requests an address may make at once without credentials.
    pub address_burst: u32,
    /// Requests per second an address's bucket gets back.
    pub address_per_sec: f64,
}

impl Default for RateLimitsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            token_burst: 2000,
            token_per_sec: 40.0,
            address_burst: 1000,
            address_per_sec: 20.0,
        }
    }
}

impl RateLimitsConfig {
    /// Why these values cannot be used, naming the key.
    pub fn problem(&self) -> Option<String> {
        let bursts = [
            ("token_burst", self.token_burst),
            ("address_burst", self.address_burst),
        ];
        for (key, burst) in bursts {
            if !(1..=1_000_000).contains(&burst) {
                return Some(format!(
                    "key `rate_limits.{key}`: {burst} is not a burst from 1 to 1000000 requests"
                ));
            }
        }
        let rates = [
            ("token_per_sec", self.token_per_sec),
            ("address_per_sec", self.address_per_sec),
        ];
        for (key, rate) in rates {
            if !(rate.is_finite() && (0.001..=1_000_000.0).contains(&rate)) {
                return Some(format!(
                    "key `rate_limits.{key}`: {rate} is not a refill from 0.001 to 1000000 \
                     requests per second"
                ));
            }
        }
        None
    }
}
