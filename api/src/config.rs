//! Configuration: one typed struct, loaded once at start and passed down.
//!
//! Layers, each overriding the one before: built-in defaults, `projector.toml` (or the file named
//! by `--config`/`PROJECTOR_CONFIG`), `PROJECTOR_*` environment variables (nested keys joined with
//! `__`, e.g. `PROJECTOR_AUTH__JWT_SECRET`), then command-line flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Every setting of a Projector process.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// `sqlite://path` (embedded default) or `postgres://user:pass@host/db`.
    #[serde(serialize_with = "serialize_masked_url")]
    pub database_url: SecretString,
    /// Largest number of pooled database connections.
    pub database_max_connections: u32,
    /// Directory for everything the embedded default keeps on disk.
    pub data_dir: PathBuf,
    /// Directory of local media objects (local storage backend).
    pub media_dir: PathBuf,
    /// Directory holding the built single-page app (Trunk's `dist`).
    pub frontend_dir: PathBuf,
    /// Public base URL of this service, used in links it hands out.
    pub public_url: url::Url,
    /// Log filter in `tracing_subscriber::EnvFilter` syntax.
    pub log: String,
    /// Log format: `pretty` for people, `json` for collectors.
    pub log_format: LogFormat,
    /// Number of transcoding workers inside `projector serve` (0 disables them).
    pub workers: u32,
    /// Email of the admin to create on first start, if no admin exists.
    pub admin_email: Option<String>,
    /// Password of that admin.
    #[serde(serialize_with = "serialize_masked_opt")]
    pub admin_password: Option<SecretString>,
    /// Where media objects are stored.
    pub storage: StorageConfig,
    /// Upload limits.
    pub uploads: UploadsConfig,
    /// Create a small demo catalogue on the first start of an empty embedded (SQLite) database.
    pub demo_content: bool,
    /// Authentication settings.
    pub auth: AuthConfig,
    /// GraphQL endpoint settings.
    pub graphql: GraphqlConfig,
    /// How sources become HLS, audio files and pictures.
    pub transcode: TranscodeConfig,
    /// How media, feeds and embeds are served.
    pub delivery: DeliveryConfig,
    /// Who may read `/metrics`.
    pub metrics: MetricsConfig,
}

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

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: SecretString::from("sqlite://data/projector.db"),
            database_max_connections: 16,
            data_dir: PathBuf::from("data"),
            media_dir: PathBuf::from("data/media"),
            frontend_dir: PathBuf::from("dist"),
            public_url: default_public_url(),
            log: "info,sqlx=warn,sea_orm=warn".into(),
            log_format: LogFormat::Pretty,
            workers: 1,
            admin_email: None,
            admin_password: None,
            storage: StorageConfig::default(),
            uploads: UploadsConfig::default(),
            demo_content: true,
            auth: AuthConfig::default(),
            graphql: GraphqlConfig::default(),
            transcode: TranscodeConfig::default(),
            delivery: DeliveryConfig::default(),
            metrics: MetricsConfig::default(),
        }
    }
}

#[expect(clippy::expect_used, reason = "a constant URL that parses")]
fn default_public_url() -> url::Url {
    url::Url::parse("http://127.0.0.1:8080/").expect("constant URL")
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

/// A configuration that cannot be used; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// Values given on the command line; they override every other layer.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    /// `--listen`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `--database-url`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--data-dir`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    /// `--workers`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
}

impl Config {
    /// Loads defaults, then the TOML file, then the environment, then `overrides`.
    ///
    /// `file` is the explicit `--config` path; without it `projector.toml` is read when present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        Self::load_from(file, overrides, std::env::vars())
    }

    /// [`Config::load`] with an explicit environment, so tests need not touch the process's.
    pub fn load_from(
        file: Option<&Path>,
        overrides: &Overrides,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    return Err(ConfigError(format!(
                        "config file {} does not exist",
                        path.display()
                    )));
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => {
                // Without --config, a missing projector.toml is simply no layer.
                if Path::new("projector.toml").exists() {
                    figment = figment.merge(Toml::file_exact("projector.toml"));
                }
            }
        }
        // Figment's Env reads the process environment; collect the given one into a TOML-less
        // provider so the same code serves tests and production.
        // Only variables that name a known top-level key are configuration: other tools share
        // the prefix (PROJECTOR_TEST_POSTGRES, PROJECTOR_CONFIG), and a file typo is still caught
        // by `deny_unknown_fields`.
        let known = known_keys();
        let vars: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| {
                k.strip_prefix("PROJECTOR_").is_some_and(|rest| {
                    let top = rest
                        .split("__")
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    known.contains(&top)
                })
            })
            .collect();
        figment = figment.merge(EnvVars(vars));
        figment = figment.merge(Serialized::defaults(overrides));
        let config: Config = figment.extract().map_err(describe_figment_error)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = self.database_url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(ConfigError(
                "key `database_url`: must start with sqlite: or postgres://".into(),
            ));
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose_secret().len() < 32
        {
            return Err(ConfigError(
                "key `auth.jwt_secret`: must be at least 32 bytes long".into(),
            ));
        }
        if self.auth.access_token_ttl_secs == 0 {
            return Err(ConfigError(
                "key `auth.access_token_ttl_secs`: must be greater than 0".into(),
            ));
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError(
                "key `database_max_connections`: must be greater than 0".into(),
            ));
        }
        if self.admin_email.is_some() != self.admin_password.is_some() {
            return Err(ConfigError(
                "key `admin_email`/`admin_password`: set both or neither".into(),
            ));
        }
        if self.graphql.max_body_bytes < 1024 {
            return Err(ConfigError(
                "key `graphql.max_body_bytes`: must be at least 1024".into(),
            ));
        }
        let t = &self.transcode;
        if t.ladder.is_empty() || t.ladder.iter().any(|h| !(16..=4320).contains(h)) {
            return Err(ConfigError(
                "key `transcode.ladder`: give one or more heights between 16 and 4320".into(),
            ));
        }
        if !(0.5..=10.0).contains(&t.gop_secs) || t.segment_secs < t.gop_secs {
            return Err(ConfigError(
                "key `transcode.gop_secs`/`transcode.segment_secs`: the GOP must be 0.5 to 10 s \
                 and no longer than a segment"
                    .into(),
            ));
        }
        const PRESETS: [&str; 10] = [
            "ultrafast",
            "superfast",
            "veryfast",
            "faster",
            "fast",
            "medium",
            "slow",
            "slower",
            "veryslow",
            "placebo",
        ];
        if !PRESETS.contains(&t.preset.as_str()) {
            return Err(ConfigError(format!(
                "key `transcode.preset`: `{}` is not an x264 preset ({})",
                t.preset,
                PRESETS.join(", ")
            )));
        }
        if !(0..=19).contains(&t.nice) {
            return Err(ConfigError(format!(
                "key `transcode.nice`: {} is not a nice value from 0 to 19",
                t.nice
            )));
        }
        if t.max_attempts == 0 || t.lease_secs < 5 {
            return Err(ConfigError(
                "key `transcode.max_attempts`/`transcode.lease_secs`: at least 1 attempt and a \
                 lease of at least 5 s"
                    .into(),
            ));
        }
        if self.delivery.s3_mode == S3DeliveryMode::Cdn && self.delivery.cdn_base_url.is_none() {
            return Err(ConfigError(
                "key `delivery.cdn_base_url`: required when `delivery.s3_mode` is `cdn`".into(),
            ));
        }
        if let Some(secret) = &self.delivery.signing_secret
            && secret.expose_secret().len() < 32
        {
            return Err(ConfigError(
                "key `delivery.signing_secret`: must be at least 32 bytes long".into(),
            ));
        }
        Ok(())
    }

    /// Whether the database is PostgreSQL (otherwise SQLite).
    pub fn is_postgres(&self) -> bool {
        self.database_url.expose_secret().starts_with("postgres")
    }

    /// The effective configuration as TOML, secrets masked, for the start-up log.
    pub fn masked(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("<unprintable configuration: {e}>"))
    }
}

fn known_keys() -> Vec<String> {
    match serde_json::to_value(Config::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// An environment-variable provider over an explicit list of variables.
struct EnvVars(Vec<(String, String)>);

impl figment::Provider for EnvVars {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable(s)")
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        // Values are parsed the way figment's own `Env` provider parses them ("true", numbers);
        // `__` separates nested keys.
        let mut dict = figment::value::Dict::new();
        for (key, value) in &self.0 {
            let Some(stripped) = key.strip_prefix("PROJECTOR_") else {
                continue;
            };
            let path = stripped.to_ascii_lowercase().replace("__", ".");
            let parsed: figment::value::Value = value
                .parse()
                .unwrap_or_else(|_| figment::value::Value::from(value.clone()));
            if let figment::value::Value::Dict(_, nested) = figment::util::nest(&path, parsed) {
                for (k, v) in nested {
                    merge_into(&mut dict, k, v);
                }
            }
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

fn merge_into(acc: &mut figment::value::Dict, key: String, value: figment::value::Value) {
    use figment::value::Value;
    match (acc.remove(&key), value) {
        (Some(Value::Dict(_, mut old)), Value::Dict(_, new)) => {
            for (k, v) in new {
                merge_into(&mut old, k, v);
            }
            acc.insert(key, Value::from(old));
        }
        (_, v) => {
            acc.insert(key, v);
        }
    }
}

fn describe_figment_error(error: figment::Error) -> ConfigError {
    let key = if error.path.is_empty() {
        None
    } else {
        Some(error.path.join("."))
    };
    let source = error
        .metadata
        .as_ref()
        .map(|m| format!(" (from {})", m.name))
        .unwrap_or_default();
    let kind = match &error.kind {
        figment::error::Kind::Message(m) => m.clone(),
        other => other.to_string(),
    };
    match key {
        Some(key) => ConfigError(format!("key `{key}`: {kind}{source}")),
        None => ConfigError(format!("{kind}{source}")),
    }
}

fn serialize_masked_url<S: serde::Serializer>(
    value: &SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&mask_url_password(value.expose_secret()))
}

fn serialize_masked_opt<S: serde::Serializer>(
    value: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => serializer.serialize_str("********"),
        None => serializer.serialize_none(),
    }
}

/// Replaces the password of a URL with asterisks.
pub fn mask_url_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("********"));
            url.to_string()
        }
        _ => raw.to_string(),
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_nothing_installed() {
        let c = Config::load_from(None, &Overrides::default(), env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(!c.is_postgres());
        assert_eq!(c.auth.access_token_ttl_secs, 900);
    }

    #[test]
    fn environment_overrides_file_and_flags_override_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(
            &file,
            "workers = 3\nlisten = \"127.0.0.1:9000\"\n[auth]\nlogin_window_secs = 7\n",
        )
        .unwrap();
        let c = Config::load_from(
            Some(&file),
            &Overrides {
                listen: Some("127.0.0.1:9999".into()),
                ..Overrides::default()
            },
            env(&[
                ("PROJECTOR_WORKERS", "5"),
                ("PROJECTOR_LISTEN", "127.0.0.1:9001"),
                ("PROJECTOR_AUTH__TRUST_FORWARDED_FOR", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(c.workers, 5);
        assert_eq!(c.listen.to_string(), "127.0.0.1:9999");
        assert_eq!(c.auth.login_window_secs, 7);
        assert!(c.auth.trust_forwarded_for);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Config::load_from(
            None,
            &Overrides::default(),
            env(&[("PROJECTOR_GRAPHQL__MAX_DEPTH", "deep")]),
        )
        .unwrap_err();
        assert!(err.0.contains("graphql.max_depth"), "{}", err.0);
        let err = Config::load_from(
            None,
            &Overrides::default(),
            env(&[("PROJECTOR_DATABASE_URL", "mysql://x")]),
        )
        .unwrap_err();
        assert!(err.0.contains("database_url"), "{}", err.0);
    }

    #[test]
    fn secrets_are_masked_when_printed() {
        let c = Config::load_from(
            None,
            &Overrides::default(),
            env(&[
                ("PROJECTOR_DATABASE_URL", "postgres://u:hunter2@db/p"),
                (
                    "PROJECTOR_AUTH__JWT_SECRET",
                    "0123456789abcdef0123456789abcdef-secret",
                ),
            ]),
        )
        .unwrap();
        let printed = c.masked();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("abcdef-secret"), "{printed}");
        assert!(c.is_postgres());
    }
}
