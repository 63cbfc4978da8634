//! Object keys: derived, hashed and hierarchical, never taken from a client as-is.

use std::fmt;

use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// A validated storage key such as `3f/a9/0193…/source`.
///
/// Keys are relative, `/`-separated, made of `[A-Za-z0-9._-]` segments that are not `.` or `..`,
/// so a key can never climb out of the local media directory or address another bucket path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

const MAX_KEY_LEN: usize = 512;

impl ObjectKey {
    /// Checks and wraps a key.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let invalid = |why: &str| AppError::validation(format!("key: {why}"));
        if raw.is_empty() || raw.len() > MAX_KEY_LEN {
            return Err(invalid("must be 1 to 512 bytes"));
        }
        for segment in raw.split('/') {
            if segment.is_empty() {
                return Err(invalid("empty path segment"));
            }
            if segment == "." || segment == ".." {
                return Err(invalid("`.` and `..` are not allowed"));
            }
            if !segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            {
                return Err(invalid(
                    "only letters, digits, `.`, `_` and `-` are allowed",
                ));
            }
        }
        Ok(Self(raw.to_string()))
    }

    /// The key of object `name` of an asset: `ab/cd/<asset-id>/<name>`, where `ab/cd` come from
    /// a hash of the id so objects spread evenly over 65 536 directories (or S3 prefixes).
    pub fn for_asset(asset: Uuid, name: &str) -> AppResult<Self> {
        let digest = hex::encode(Sha256::digest(asset.as_bytes()));
        Self::parse(&format!(
            "{}/{}/{asset}/{name}",
            &digest[0..2],
            &digest[2..4]
        ))
    }

    /// The prefix holding every object of an asset (ends with `/`).
    pub fn asset_prefix(asset: Uuid) -> String {
        let digest = hex::encode(Sha256::digest(asset.as_bytes()));
        format!("{}/{}/{asset}/", &digest[0..2], &digest[2..4])
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `Content-Disposition` its object is served with, where it is saved rather than
    /// played in the tab (an MP4 or M4A download, named by its file): by this server and in a
    /// presigned URL alike.
    pub fn disposition(&self) -> Option<String> {
        let (_, name) = self.0.rsplit_once("/downloads/")?;
        Some(format!("attachment; filename=\"{name}\""))
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_escape_or_confuse_are_refused() {
        for bad in [
            "",
            "../etc/passwd",
            "a/../../b",
            "/abs",
            "a//b",
            "a/./b",
            "a\\b",
            "a/b/",
            "a b",
            "%2e%2e/x",
            "a/\u{0}",
            "ü",
        ] {
            assert!(ObjectKey::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(ObjectKey::parse("ab/cd/x.y_z-1").is_ok());
    }

    #[test]
    fn asset_keys_are_hashed_and_hierarchical() {
        let id = Uuid::now_v7();
        let key = ObjectKey::for_asset(id, "source").unwrap();
        let parts: Vec<&str> = key.as_str().split('/').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0].len(), 2);
        assert_eq!(parts[2], id.to_string());
        assert!(key.as_str().starts_with(&ObjectKey::asset_prefix(id)));
        // Consecutive (time-ordered) ids still spread over different directories.
        let other = ObjectKey::for_asset(Uuid::now_v7(), "source").unwrap();
        assert_ne!(&key.as_str()[..5], &other.as_str()[..5]);
    }
}
