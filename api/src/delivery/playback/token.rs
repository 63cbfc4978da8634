//! Playback tokens: JWTs signed with a playback key (`kid` in the header: the key's ID).
//!
//! Only the algorithm recorded for the key is accepted, whatever the header says: `alg: none`
//! and a token MACed with HS256 using the public key as the secret are refused before any
//! signature is checked. Claims: `sub` the video's ID (its global ID or its UUID), `aud` one
//! of (or a list of) `v` (playback: playlists, segments, captions, audio, the embed page), `t`
//! (thumbnails and the poster) and `s` (the storyboard), `exp` (required, at most
//! [`MAX_LIFETIME_SECS`] ahead), and optionally `max_resolution` (`720p`: rungs above it are
//! left out of the master playlist and refused).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{DecodingKey, Validation};
use sea_orm::ConnectionTrait;
use serde::Deserialize;
use uuid::Uuid;

use super::keys::{self, KeyAlgorithm};

/// The furthest ahead a token's `exp` may be: 7 days. A token cannot be recalled except by
/// deleting its key, so its life is kept short.
pub const MAX_LIFETIME_SECS: i64 = 7 * 86_400;

/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY_SECS: u64 = 5;

/// What a token lets its bearer fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// `v`: playlists, segments, captions and audio; the embed page.
    Video,
    /// `t`: thumbnails and the poster.
    Thumbnail,
    /// `s`: the storyboard (sprite and its WebVTT index).
    Storyboard,
}

impl Audience {
    /// The claim's spelling.
    pub fn claim(self) -> &'static str {
        match self {
            Self::Video => "v",
            Self::Thumbnail => "t",
            Self::Storyboard => "s",
        }
    }
}

/// Why a token was refused; each has a code sent in the 403's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `token` parameter where one is needed.
    Missing,
    /// Not a JWT, or its header or claims are not what they must be.
    Malformed,
    /// `alg` is `none` or not the key's algorithm.
    Algorithm,
    /// `kid` names no key (never made, or deleted).
    UnknownKey,
    /// The signature does not match (tampered, or signed with another key).
    Signature,
    /// `exp` has passed.
    Expired,
    /// `exp` is further ahead than [`MAX_LIFETIME_SECS`].
    TooLong,
    /// `aud` does not include what is asked for.
    Audience,
    /// `sub` names another video.
    WrongVideo,
    /// `exp`, `aud` or `sub` is missing, or `max_resolution` is not like `720p`.
    Claims,
    /// The rung asked for is above the token's `max_resolution`.
    Resolution,
}

impl Refusal {
    /// The machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "TOKEN_REQUIRED",
            Self::Malformed => "TOKEN_MALFORMED",
            Self::Algorithm => "TOKEN_ALGORITHM",
            Self::UnknownKey => "TOKEN_UNKNOWN_KEY",
            Self::Signature => "TOKEN_SIGNATURE",
            Self::Expired => "TOKEN_EXPIRED",
            Self::TooLong => "TOKEN_EXPIRY_TOO_FAR",
            Self::Audience => "TOKEN_AUDIENCE",
            Self::WrongVideo => "TOKEN_WRONG_VIDEO",
            Self::Claims => "TOKEN_CLAIMS",
            Self::Resolution => "TOKEN_RESOLUTION",
        }
    }

    /// What a person reading the body is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "a playback token (`?token=`) is required",
            Self::Malformed => "the playback token is not a well-formed JWT with a `kid`",
            Self::Algorithm => "the playback token's `alg` is not its key's algorithm",
            Self::UnknownKey => "the playback token's `kid` names no playback key",
            Self::Signature => "the playback token's signature does not match its key",
            Self::Expired => "the playback token has expired",
            Self::TooLong => "the playback token's `exp` is more than 7 days ahead",
            Self::Audience => "the playback token's `aud` does not cover this media",
            Self::WrongVideo => "the playback token is for another video",
            Self::Claims => {
                "the playback token lacks `exp`, `aud` or `sub`, or has a bad \
                             `max_resolution`"
            }
            Self::Resolution => "this rendition is above the token's `max_resolution`",
        }
    }

    /// The 403 response: `{"code": …, "message": …}`, never any media.
    pub fn response(self) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        let body = serde_json::json!({ "code": self.code(), "message": self.message() });
        (
            axum::http::StatusCode::FORBIDDEN,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            axum::Json(body),
        )
            .into_response()
    }
}

/// `aud`: one audience or a list.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
enum Aud {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Debug)]
struct RawClaims {
    sub: String,
    exp: i64,
    aud: Aud,
    #[serde(default)]
    max_resolution: Option<String>,
}

#[derive(Deserialize, Debug)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// What a checked token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// The video.
    pub video: Uuid,
    /// Unix seconds it expires at.
    pub expires: i64,
    /// The audiences it names.
    pub audiences: Vec<String>,
    /// The tallest rung it may play (`720` for `720p`).
    pub max_resolution: Option<u32>,
}

impl Claims {
    /// Whether the token also covers `audience`.
    pub fn covers(&self, audience: Audience) -> bool {
        self.audiences.iter().any(|a| a == audience.claim())
    }

    /// Whether the rung called `name` (`720p`) may be played.
    pub fn allows_rung(&self, name: &str) -> bool {
        match (self.max_resolution, rung_height(name)) {
            (Some(cap), Some(height)) => height <= cap,
            _ => true,
        }
    }
}

/// The height of a rung's name (`720p` → 720).
pub fn rung_height(name: &str) -> Option<u32> {
    let digits = name.strip_suffix('p')?;
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// An ID as the API shows it (a global ID of `kind`) or a bare UUID.
fn parse_id(raw: &str, kind: &str) -> Option<Uuid> {
    if let Ok(uuid) = Uuid::try_parse(raw) {
        return Some(uuid);
    }
    crate::graphql::relay::from_global(&async_graphql::ID(raw.to_string()), kind).ok()
}

fn header_of(token: &str) -> Result<Header, Refusal> {
    let mut parts = token.split('.');
    let (Some(head), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(head)
        .map_err(|_| Refusal::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| Refusal::Malformed)
}

/// Checks `token` for `audience` of `video` at `now` (Unix seconds).
pub async fn verify(
    db: &impl ConnectionTrait,
    token: &str,
    audience: Audience,
    video: Uuid,
    now: i64,
) -> Result<Claims, Refusal> {
    let jwt_chars = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    // Only such tokens are ever copied into the URLs of playlists and pages.
    if token.is_empty() || token.len() > 8192 || !token.bytes().all(jwt_chars) {
        return Err(Refusal::Malformed);
    }
    let header = header_of(token)?;
    // Refused before the key is even looked up: no key's algorithm is `none` or HMAC.
    if !matches!(header.alg.as_str(), "EdDSA" | "RS256") {
        return Err(Refusal::Algorithm);
    }
    let kid = header
        .kid
        .as_deref()
        .and_then(|k| parse_id(k, "PlaybackKey"))
        .ok_or(Refusal::Malformed)?;
    let key = match keys::find(db, kid).await {
        Ok(Some(key)) => key,
        Ok(None) => return Err(Refusal::UnknownKey),
        Err(e) => {
            tracing::error!(error = %e, "could not look up a playback key");
            return Err(Refusal::UnknownKey);
        }
    };
    let algorithm = KeyAlgorithm::parse(&key.algorithm).ok_or(Refusal::UnknownKey)?;
    if header.alg != algorithm.jwt_name() {
        return Err(Refusal::Algorithm);
    }
    let decoding = decoding_key(algorithm, &key.public_key).ok_or(Refusal::UnknownKey)?;
    let claims = decode(token, &decoding, algorithm, audience)?;
    if parse_id(&claims.sub, "Video") != Some(video) {
        return Err(Refusal::WrongVideo);
    }
    if claims.exp.saturating_sub(now) > MAX_LIFETIME_SECS {
        return Err(Refusal::TooLong);
    }
    let max_resolution = match claims.max_resolution.as_deref() {
        None => None,
        Some(raw) => Some(rung_height(raw).ok_or(Refusal::Claims)?),
    };
    Ok(Claims {
        video,
        expires: claims.exp,
        audiences: match claims.aud {
            Aud::One(a) => vec![a],
            Aud::Many(list) => list,
        },
        max_resolution,
    })
}

fn decode(
    token: &str,
    key: &DecodingKey,
    algorithm: KeyAlgorithm,
    audience: Audience,
) -> Result<RawClaims, Refusal> {
    let mut validation = Validation::new(algorithm.jwt());
    validation.leeway = LEEWAY_SECS;
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    validation.set_audience(&[audience.claim()]);
    jsonwebtoken::decode::<RawClaims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => Refusal::Signature,
            ErrorKind::ExpiredSignature => Refusal::Expired,
            ErrorKind::InvalidAudience => Refusal::Audience,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => Refusal::Algorithm,
            ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => {
                Refusal::Claims
            }
            ErrorKind::Json(_) => Refusal::Claims,
            _ => Refusal::Malformed,
        })
}

/// The verifying key of a stored public key (SPKI PEM).
fn decoding_key(algorithm: KeyAlgorithm, pem: &str) -> Option<DecodingKey> {
    match algorithm {
        KeyAlgorithm::Eddsa => {
            use ed25519_dalek::pkcs8::DecodePublicKey as _;
            let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem).ok()?;
            Some(DecodingKey::from_ed_der(key.as_bytes()))
        }
        KeyAlgorithm::Rs256 => {
            use rsa::pkcs1::EncodeRsaPublicKey as _;
            use rsa::pkcs8::DecodePublicKey as _;
            let key = rsa::RsaPublicKey::from_public_key_pem(pem).ok()?;
            let der = key.to_pkcs1_der().ok()?;
            Some(DecodingKey::from_rsa_der(der.as_bytes()))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rung_names_read_their_height_and_nothing_else_passes() {
        assert_eq!(rung_height("720p"), Some(720));
        assert_eq!(rung_height("1080p"), Some(1080));
        for bad in ["720", "p", "720P", "-1p", "7 20p", "123456p", ""] {
            assert_eq!(rung_height(bad), None, "{bad}");
        }
        let claims = Claims {
            video: Uuid::nil(),
            expires: 0,
            audiences: vec!["v".into()],
            max_resolution: Some(480),
        };
        assert!(claims.allows_rung("480p"));
        assert!(claims.allows_rung("360p"));
        assert!(!claims.allows_rung("720p"));
    }

    #[test]
    fn a_header_that_is_not_json_or_not_three_parts_is_malformed() {
        for bad in ["", "a.b", "a.b.c.d", "!!.b.c", "e30.b.c"] {
            assert!(header_of(bad).is_err(), "{bad}");
        }
        let head = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k"}"#);
        let parsed = header_of(&format!("{head}.e30.")).unwrap();
        assert_eq!(parsed.alg, "none");
    }
}
