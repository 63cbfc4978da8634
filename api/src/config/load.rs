//! Loading a [`Config`]: defaults, the TOML file, the environment, the command line.

use std::path::Path;

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use secrecy::ExposeSecret as _;
use serde::Serialize;

use super::{Config, S3DeliveryMode};

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
        // The layers an operator wrote (file, environment, command line), without the defaults:
        // what they leave out is derived below.
        let mut figment = Figment::new();
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
        let public_url_given = figment.find_value("public_url").is_ok();
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(figment)
            .extract()
            .map_err(describe_figment_error)?;
        if !public_url_given {
            config.public_url = public_url_of(config.listen);
        }
        config.validate()?;
        Ok(config)
    }

    /// Why the links the server hands out may not reach it, when they may not: `public_url`
    /// names this machine (a loopback address or `localhost`) on another port than the one it
    /// listens on (`listening`). Behind a proxy a different port is normal, and the host is not local.
    pub fn public_url_warning(&self, listening: std::net::SocketAddr) -> Option<String> {
        let host = self.public_url.host_str()?;
        let local = host == "localhost"
            || host
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
        let port = self.public_url.port_or_known_default()?;
        (local && port != listening.port()).then(|| {
            format!(
                "public_url {} names this machine on port {port}, but the server listens on {}: \
                 links and media URLs will not reach it; set public_url to the address viewers use",
                self.public_url, listening
            )
        })
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
        if let Some(problem) = self.rate_limits.problem() {
            return Err(ConfigError(problem));
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

/// The address links point at when the operator gave no `public_url`: the listen address, with
/// `localhost` for an unspecified one (`0.0.0.0`, `::`), whose links work on this machine.
pub(super) fn public_url_of(listen: std::net::SocketAddr) -> url::Url {
    let host = match listen.ip() {
        ip if ip.is_unspecified() => "localhost".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    url::Url::parse(&format!("http://{host}:{}/", listen.port()))
        .unwrap_or_else(|_| super::default_public_url())
}
