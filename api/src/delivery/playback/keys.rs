//! Playback keys: the key pairs integrators sign playback tokens with. A key is made here
//! (Ed25519, or RSA 2048 for RS256), its public half stored as SPKI PEM and its private half
//! (PKCS#8 PEM) handed back once and never stored. Deleting a key revokes it: tokens are
//! checked against the table on every request, so they stop working at once on every node.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The longest name a key may have, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// sea-orm entity of playback keys.
pub mod playback_key {
    use sea_orm::entity::prelude::*;

    /// Row of `playback_keys`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "playback_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        /// `eddsa` or `rs256`.
        pub algorithm: String,
        /// SPKI PEM.
        pub public_key: String,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a key.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The signature algorithm of a key, and so of every token signed with it.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "PlaybackKeyAlgorithm")]
pub enum KeyAlgorithm {
    /// Ed25519 signatures (JWT `alg: EdDSA`): small keys, fast to make and check.
    Eddsa,
    /// RSA 2048 with SHA-256 (JWT `alg: RS256`), for stacks without Ed25519.
    #[graphql(name = "RS256")]
    Rs256,
}

impl KeyAlgorithm {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eddsa => "eddsa",
            Self::Rs256 => "rs256",
        }
    }

    /// The stored spelling read back.
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "eddsa" => Some(Self::Eddsa),
            "rs256" => Some(Self::Rs256),
            _ => None,
        }
    }

    /// The JWT header's `alg`.
    pub fn jwt_name(self) -> &'static str {
        match self {
            Self::Eddsa => "EdDSA",
            Self::Rs256 => "RS256",
        }
    }

    /// The algorithm for jsonwebtoken.
    pub fn jwt(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::Eddsa => jsonwebtoken::Algorithm::EdDSA,
            Self::Rs256 => jsonwebtoken::Algorithm::RS256,
        }
    }
}

/// A key pair: (public SPKI PEM, private PKCS#8 PEM).
fn generate(algorithm: KeyAlgorithm) -> AppResult<(String, String)> {
    use rsa::rand_core::{OsRng, RngCore as _};
    match algorithm {
        KeyAlgorithm::Eddsa => {
            use ed25519_dalek::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
            let mut secret = [0u8; 32];
            OsRng.fill_bytes(&mut secret);
            let signing = ed25519_dalek::SigningKey::from_bytes(&secret);
            let public = signing
                .verifying_key()
                .to_public_key_pem(Default::default())
                .map_err(AppError::internal)?;
            let private = signing
                .to_pkcs8_pem(Default::default())
                .map_err(AppError::internal)?;
            Ok((public, private.to_string()))
        }
        KeyAlgorithm::Rs256 => {
            use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
            let private = rsa::RsaPrivateKey::new(&mut OsRng, 2048).map_err(AppError::internal)?;
            let public = rsa::RsaPublicKey::from(&private)
                .to_public_key_pem(Default::default())
                .map_err(AppError::internal)?;
            let private = private
                .to_pkcs8_pem(Default::default())
                .map_err(AppError::internal)?;
            Ok((public, private.to_string()))
        }
    }
}

/// Checks a key's name: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters.
pub fn check_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation("name: give the key a name"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::validation(format!(
            "name: at most {MAX_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "name: no control characters (line breaks, tabs)",
        ));
    }
    Ok(name.to_string())
}

/// Makes a key; returns it and its private key (PKCS#8 PEM), which is not kept.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    algorithm: KeyAlgorithm,
) -> AppResult<(playback_key::Model, String)> {
    let name = check_name(name)?;
    // RSA generation takes a while: off the async runtime.
    let (public, private) = tokio::task::spawn_blocking(move || generate(algorithm))
        .await
        .map_err(AppError::internal)??;
    let key = playback_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        algorithm: Set(algorithm.as_str().into()),
        public_key: Set(public),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok((key, private))
}

/// Every key, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<playback_key::Model>> {
    Ok(playback_key::Entity::find()
        .order_by_asc(playback_key::Column::Id)
        .all(db)
        .await?)
}

/// One key.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<playback_key::Model>> {
    Ok(playback_key::Entity::find_by_id(id).one(db).await?)
}

/// Deletes (revokes) a key: `NOT_FOUND` if there is none.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Uuid> {
    let deleted = playback_key::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound("playback key"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn key_names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Site A ").unwrap(), "Site A");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name(&"é".repeat(100)).is_ok());
        assert!(check_name("a\nb").is_err());
    }
}
