//! Access tokens: HS256 JWTs signed with a key from configuration or from `<data_dir>`.

use std::path::Path;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Role;
use crate::error::{AppError, AppResult};

const ISSUER: &str = "projector";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// The user's role when the token was issued.
    pub role: String,
    /// Issuer, always `projector`.
    pub iss: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// The session (refresh-token family) the token belongs to: revoking the session ends the
    /// token at once. Tokens minted before sessions were named carry none and simply expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// Signing and verification keys.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Keys from a secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8]) -> Self {
        // Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens fail to verify.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Issues an access token for a user's session `sid`.
    pub fn issue(
        &self,
        user: Uuid,
        role: Role,
        sid: Uuid,
        ttl: Duration,
    ) -> AppResult<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let exp = now + ttl;
        let claims = Claims {
            sub: user,
            role: role.as_str().to_string(),
            iss: ISSUER.to_string(),
            iat: now.timestamp(),
            exp: exp.timestamp(),
            sid: Some(sid),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, exp))
    }

    /// Verifies an access token; every failure is `UNAUTHENTICATED`.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    AppError::InvalidCredentials("access token expired")
                }
                _ => AppError::InvalidCredentials("access token is invalid"),
            })
    }
}

/// Reads the signing secret from `<data_dir>/jwt-secret`, creating it (mode 0600) on first use,
/// so restarts keep everyone signed in.
pub fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    load_or_create_secret_file(data_dir, "jwt-secret")
}

/// Reads the secret kept in `<data_dir>/<name>`, creating it (random, mode 0600) when missing.
pub fn load_or_create_secret_file(data_dir: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let trimmed = existing.trim();
        if trimmed.len() >= 32 {
            return Ok(trimmed.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let secret = super::service::random_token("");
    let tmp = data_dir.join(format!(".{name}.tmp"));
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(secret.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret.into_bytes())
}
