//! Playback keys in GraphQL (admins only, and API tokens of admins with WRITE: see
//! `accounts::operations`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::keys::{self, KeyAlgorithm, playback_key};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::error::{AppError, AppResult};
use crate::graphql::app;
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::DeletePayload;

/// A key that signs playback tokens. Only its public half is kept.
#[derive(SimpleObject, Debug, Clone)]
pub struct PlaybackKey {
    /// Global ID: the `kid` of the tokens it signs.
    pub id: ID,
    /// What it is for.
    pub name: String,
    /// The one algorithm its tokens may use.
    pub algorithm: KeyAlgorithm,
    /// The public key, SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub public_key_pem: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<playback_key::Model> for PlaybackKey {
    type Error = AppError;

    fn try_from(m: playback_key::Model) -> AppResult<Self> {
        let algorithm = KeyAlgorithm::parse(&m.algorithm).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "playback key with algorithm {}",
                m.algorithm
            ))
        })?;
        Ok(Self {
            id: to_global("PlaybackKey", m.id),
            name: m.name,
            algorithm,
            public_key_pem: m.public_key,
            created_at: m.created_at,
        })
    }
}

/// A new key.
#[derive(InputObject, Debug)]
pub struct CreatePlaybackKeyInput {
    /// What it is for (1 to 100 characters).
    pub name: String,
    /// `EDDSA` (Ed25519) or `RS256` (RSA 2048).
    pub algorithm: KeyAlgorithm,
}

/// Which key.
#[derive(InputObject, Debug)]
pub struct DeletePlaybackKeyInput {
    /// The key's ID.
    pub id: ID,
}

/// A new key with its private half, shown this once.
#[derive(SimpleObject, Debug)]
pub struct CreatePlaybackKeyPayload {
    /// The key.
    pub playback_key: PlaybackKey,
    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Not stored: keep it now.
    pub private_key_pem: String,
}

/// Playback key queries.
#[derive(Default, Debug)]
pub struct PlaybackKeysQuery;

#[Object]
impl PlaybackKeysQuery {
    /// Every playback key, oldest first (admins only; never a private key).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn playback_keys(&self, ctx: &Context<'_>) -> AppResult<Vec<PlaybackKey>> {
        keys::list(&app(ctx)?.db)
            .await?
            .into_iter()
            .map(PlaybackKey::try_from)
            .collect()
    }
}

/// Playback key mutations.
#[derive(Default, Debug)]
pub struct PlaybackKeysMutation;

#[Object]
impl PlaybackKeysMutation {
    /// Makes a signing key pair (admins only): the payload carries the private key, shown this
    /// once. `VALIDATION` for an empty name or one over 100 characters.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_playback_key(
        &self,
        ctx: &Context<'_>,
        input: CreatePlaybackKeyInput,
    ) -> AppResult<CreatePlaybackKeyPayload> {
        crate::graphql::gate::changed_nothing_public(ctx);
        let (key, private_key_pem) =
            keys::create(&app(ctx)?.db, &input.name, input.algorithm).await?;
        Ok(CreatePlaybackKeyPayload {
            playback_key: key.try_into()?,
            private_key_pem,
        })
    }

    /// Deletes a key (admins only): tokens signed with it stop working at once.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn delete_playback_key(
        &self,
        ctx: &Context<'_>,
        input: DeletePlaybackKeyInput,
    ) -> AppResult<DeletePayload> {
        crate::graphql::gate::changed_nothing_public(ctx);
        let id = from_global(&input.id, "PlaybackKey")?;
        let id = keys::delete(&app(ctx)?.db, id).await?;
        Ok(DeletePayload::of(to_global("PlaybackKey", id)))
    }
}
