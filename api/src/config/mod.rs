//! Configuration: one typed struct, loaded once at start and passed down.
//!
//! Layers, each overriding the one before: built-in defaults, `projector.toml` (or the file named
//! by `--config`/`PROJECTOR_CONFIG`), `PROJECTOR_*` environment variables (nested keys joined with
//! `__`, e.g. `PROJECTOR_AUTH__JWT_SECRET`), then command-line flags.
//!
//! The sections (`[storage]`, `[transcode]`…) are in `sections.rs`, the layered loading in
//! `load.rs`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

mod load;
mod sections;

pub use load::{ConfigError, Overrides};
pub use sections::*;

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
    /// Viewer accounts: registration and its abuse guards.
    pub accounts: AccountsConfig,
    /// GraphQL endpoint settings.
    pub graphql: GraphqlConfig,
    /// How sources become HLS, audio files and pictures.
    pub transcode: TranscodeConfig,
    /// How media, feeds and embeds are served.
    pub delivery: DeliveryConfig,
    /// Who may read `/metrics`.
    pub metrics: MetricsConfig,
    /// Webhooks to third-party integrators.
    pub webhooks: WebhooksConfig,
    /// API-wide rate limits per token and per address.
    pub rate_limits: RateLimitsConfig,
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
            accounts: AccountsConfig::default(),
            graphql: GraphqlConfig::default(),
            transcode: TranscodeConfig::default(),
            delivery: DeliveryConfig::default(),
            metrics: MetricsConfig::default(),
            webhooks: WebhooksConfig::default(),
            rate_limits: RateLimitsConfig::default(),
        }
    }
}

#[expect(clippy::expect_used, reason = "a constant URL that parses")]
fn default_public_url() -> url::Url {
    url::Url::parse("http://127.0.0.1:8080/").expect("constant URL")
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
    fn without_a_public_url_links_follow_the_listen_address() {
        let load = |listen: &str, env_pairs: &[(&str, &str)]| {
            Config::load_from(
                None,
                &Overrides {
                    listen: Some(listen.into()),
                    ..Overrides::default()
                },
                env(env_pairs),
            )
            .unwrap()
        };
        assert_eq!(
            load("127.0.0.1:9000", &[]).public_url.as_str(),
            "http://127.0.0.1:9000/"
        );
        // Every interface: links that work on this machine.
        assert_eq!(
            load("0.0.0.0:9100", &[]).public_url.as_str(),
            "http://localhost:9100/"
        );
        assert_eq!(
            load("[::1]:9200", &[]).public_url.as_str(),
            "http://[::1]:9200/"
        );
        // A public_url given is kept, whatever the listen address.
        let given = load(
            "0.0.0.0:9000",
            &[("PROJECTOR_PUBLIC_URL", "https://video.example.org/")],
        );
        assert_eq!(given.public_url.as_str(), "https://video.example.org/");
        // With no --listen, the default address and its links agree.
        let c = Config::load_from(None, &Overrides::default(), env(&[])).unwrap();
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn a_public_url_naming_this_machine_on_another_port_is_warned_about_and_a_proxy_is_not() {
        let with = |url: &str| {
            Config::load_from(
                None,
                &Overrides::default(),
                env(&[("PROJECTOR_PUBLIC_URL", url)]),
            )
            .unwrap()
        };
        let at = |port: u16| std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let warning = with("http://127.0.0.1:8080/").public_url_warning(at(9000));
        assert!(
            warning
                .as_deref()
                .is_some_and(|w| w.contains("port 8080") && w.contains("127.0.0.1:9000")),
            "{warning:?}"
        );
        assert!(
            with("http://localhost:8080/")
                .public_url_warning(at(9000))
                .is_some()
        );
        assert_eq!(
            with("http://127.0.0.1:9000/").public_url_warning(at(9000)),
            None
        );
        // A proxy in front: another host and port is how it should be.
        assert_eq!(
            with("https://video.example.org/").public_url_warning(at(9000)),
            None
        );
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
