//! Signed media URLs: `s<expiry>.<mac>` in the path, where the MAC is HMAC-SHA256 over the asset
//! id and the expiry. Carrying the token in the path (not the query) lets the relative URIs
//! inside HLS playlists keep it.
//!
//! A token cannot be recalled: whoever holds it reads the asset until it expires, even after
//! losing access to the item. Its lifetime (`delivery.signed_url_ttl_secs`, 10 minutes rounded
//! up to the next 10 by default) is therefore the longest such access outlives a revocation.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a token (128 bits).
const MAC_BYTES: usize = 16;

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token at all.
    Malformed,
    /// A token whose MAC does not match this asset (guessed, or made for another asset).
    BadSignature,
    /// A genuine token past its expiry.
    Expired,
}

/// Makes and checks tokens with one secret.
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with `key`.
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, asset: Uuid, expires: i64) -> HmacSha256 {
        // HMAC accepts keys of any length.
        let mut mac = HmacSha256::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"projector-media\0");
        mac.update(asset.as_bytes());
        mac.update(&expires.to_be_bytes());
        mac
    }

    /// The token letting its bearer read `asset`'s media until `expires` (Unix seconds).
    pub fn token(&self, asset: Uuid, expires: i64) -> String {
        let tag = self.mac(asset, expires).finalize().into_bytes();
        format!("s{expires}.{}", URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES]))
    }

    /// Checks a token for `asset` at `now` (Unix seconds), in constant time.
    pub fn verify(&self, token: &str, asset: Uuid, now: i64) -> Result<(), Refusal> {
        let (expires, tag) = token
            .strip_prefix('s')
            .and_then(|t| t.split_once('.'))
            .ok_or(Refusal::Malformed)?;
        if expires.is_empty() || !expires.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refusal::Malformed);
        }
        let expires: i64 = expires.parse().map_err(|_| Refusal::Malformed)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| Refusal::Malformed)?;
        if tag.len() != MAC_BYTES {
            return Err(Refusal::Malformed);
        }
        self.mac(asset, expires)
            .verify_truncated_left(&tag)
            .map_err(|_| Refusal::BadSignature)?;
        if expires <= now {
            return Err(Refusal::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_asset_until_it_expires_and_nothing_else() {
        let signer = Signer::new(b"k".to_vec());
        let asset = Uuid::now_v7();
        let token = signer.token(asset, 1000);
        assert_eq!(signer.verify(&token, asset, 999), Ok(()));
        assert_eq!(signer.verify(&token, asset, 1000), Err(Refusal::Expired));
        assert_eq!(
            signer.verify(&token, Uuid::now_v7(), 999),
            Err(Refusal::BadSignature)
        );
        // A later expiry with the old MAC is a forgery.
        let forged = token.replacen("s1000", "s9000", 1);
        assert_eq!(
            signer.verify(&forged, asset, 999),
            Err(Refusal::BadSignature)
        );
        let other = Signer::new(b"other".to_vec()).token(asset, 1000);
        assert_eq!(
            signer.verify(&other, asset, 999),
            Err(Refusal::BadSignature)
        );
        for bad in ["", "p", "s", "s.", "s1.", "s-1.AAAA", "sx.AAAA", "s1.!!"] {
            assert_eq!(
                signer.verify(bad, asset, 0),
                Err(Refusal::Malformed),
                "{bad}"
            );
        }
    }
}
