//! Relay global object identification: opaque IDs that name their type.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Encodes `(type, id)` as an opaque global ID.
pub fn to_global(kind: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// Decodes a global ID of any type into `(type, id)`.
pub fn decode(id: &str) -> AppResult<(String, Uuid)> {
    let invalid = || AppError::validation(format!("id: `{}` is not a valid ID", truncate(id)));
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_bytes())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (kind, raw) = text.split_once(':').ok_or_else(invalid)?;
    let uuid = Uuid::parse_str(raw).map_err(|_| invalid())?;
    Ok((kind.to_string(), uuid))
}

/// Decodes a global ID that must be of type `kind`.
pub fn from_global(id: &ID, kind: &str) -> AppResult<Uuid> {
    let (found, uuid) = decode(id)?;
    if found != kind {
        return Err(AppError::validation(format!(
            "id: `{}` is not a {kind} ID",
            truncate(id)
        )));
    }
    Ok(uuid)
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_global_id_round_trips_and_refuses_other_types() {
        let id = Uuid::now_v7();
        let global = to_global("User", id);
        assert_eq!(from_global(&global, "User").unwrap(), id);
        assert!(from_global(&global, "Video").is_err());
        assert!(from_global(&ID("!!!".into()), "User").is_err());
    }
}
