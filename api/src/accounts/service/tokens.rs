//! API tokens: created, listed, revoked and checked; and the random tokens and hashes sessions
//! use too.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::accounts::capabilities::{Capabilities, Capability, channels_to_stored};
use crate::accounts::entity::{api_token, user};
use crate::accounts::{Role, Scope};
use crate::channels::entity::channel;
use crate::error::{AppError, AppResult};
use crate::visibility::{self, Viewer};

/// The longest an API token may live: a year.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// The most channels one token may be limited to.
pub const MAX_TOKEN_CHANNELS: usize = 100;

/// What `create_api_token` takes.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// A name to recognise it by (1 to 100 characters).
    pub name: String,
    /// What it may do (at least one capability).
    pub capabilities: Capabilities,
    /// The channels it may change (each one the owner may edit); `None`: every channel the
    /// owner may edit.
    pub channels: Option<Vec<Uuid>>,
    /// When it stops working (in the future, at most [`MAX_TOKEN_DAYS`] ahead); `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiToken {
    /// A token as the first API tokens were: a legacy scope, every channel, no expiry.
    pub fn of_scope(name: &str, scope: Scope) -> Self {
        Self {
            name: name.to_string(),
            capabilities: Capabilities::of_scope(scope),
            channels: None,
            expires_at: None,
        }
    }
}

/// Creates an API token owned by `owner`; the returned string is the only time the secret is
/// visible. A bad input is `VALIDATION` and creates nothing.
pub async fn create_api_token(
    db: &impl ConnectionTrait,
    owner: &user::Model,
    new: NewApiToken,
) -> AppResult<(api_token::Model, String)> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name: must be 1 to 100 characters"));
    }
    let role = Role::parse(&owner.role)?;
    check_capabilities(new.capabilities, role)?;
    let now = Utc::now();
    if let Some(at) = new.expires_at {
        if at <= now {
            return Err(AppError::validation("expiresAt: must be in the future"));
        }
        if at > now + Duration::days(MAX_TOKEN_DAYS) {
            return Err(AppError::validation(format!(
                "expiresAt: at most {MAX_TOKEN_DAYS} days ahead"
            )));
        }
    }
    let channels = match new.channels {
        Some(ids) => Some(check_channels(db, owner, role, ids).await?),
        None => None,
    };
    let raw = random_token("prj_");
    let model = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(owner.id),
        name: Set(name.to_string()),
        scope: Set(new.capabilities.scope().as_str().to_string()),
        token_hash: Set(sha256_hex(&raw)),
        prefix: Set(raw.chars().take(10).collect()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        capabilities: Set(new.capabilities.to_stored()),
        channel_ids: Set(channels.as_deref().map(channels_to_stored)),
        expires_at: Set(new.expires_at),
    }
    .insert(db)
    .await?;
    Ok((model, raw))
}

/// At least one capability, and WEBHOOKS only for an admin (a token never does more than its
/// owner).
fn check_capabilities(capabilities: Capabilities, owner: Role) -> AppResult<()> {
    if capabilities.is_empty() {
        return Err(AppError::validation(
            "capabilities: choose at least one of READ, WRITE, UPLOAD, WEBHOOKS",
        ));
    }
    if capabilities.contains(Capability::Webhooks) && owner != Role::Admin {
        return Err(AppError::validation(
            "capabilities: only an admin's token may have WEBHOOKS",
        ));
    }
    Ok(())
}

/// The channels of a limit, without duplicates: each must exist and the owner must be able to
/// edit it.
async fn check_channels(
    db: &impl ConnectionTrait,
    owner: &user::Model,
    role: Role,
    mut ids: Vec<Uuid>,
) -> AppResult<Vec<Uuid>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_TOKEN_CHANNELS {
        return Err(AppError::validation(format!(
            "channelIds: give 1 to {MAX_TOKEN_CHANNELS} channels, or leave it out for every channel"
        )));
    }
    let viewer = match role {
        Role::Admin => Viewer::Admin,
        _ => Viewer::Member {
            user_id: owner.id,
            may_edit: role >= Role::Editor,
        },
    };
    let found = channel::Entity::find()
        .filter(channel::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(AppError::validation("channelIds: no such channel"));
    }
    for c in &found {
        if !visibility::can_manage(db, &viewer, c.id).await? {
            return Err(AppError::validation(format!(
                "channelIds: you cannot edit the channel `{}`",
                c.slug
            )));
        }
    }
    Ok(ids)
}

/// The API tokens a user owns, newest first (revoked ones included, marked).
pub async fn list_api_tokens(
    db: &impl ConnectionTrait,
    owner: Uuid,
) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(owner))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Every user's API tokens, newest first (for admins).
pub async fn list_all_api_tokens(db: &impl ConnectionTrait) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes an API token. Owners revoke their own; admins revoke anyone's.
pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    actor: Uuid,
    actor_is_admin: bool,
    id: Uuid,
) -> AppResult<api_token::Model> {
    let Some(token) = api_token::Entity::find_by_id(id).one(db).await? else {
        return Err(AppError::NotFound("API token"));
    };
    if token.user_id != actor && !actor_is_admin {
        // Someone else's token: do not reveal that it exists.
        return Err(AppError::NotFound("API token"));
    }
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}

/// Resolves a presented API token to the token and its owner, if it is valid (not revoked, not
/// expired, its owner not disabled).
pub async fn authenticate_api_token(
    db: &impl ConnectionTrait,
    raw: &str,
) -> AppResult<Option<(api_token::Model, user::Model)>> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(raw)))
        .filter(api_token::Column::RevokedAt.is_null())
        // An expired token is refused like a revoked one.
        .filter(
            Condition::any()
                .add(api_token::Column::ExpiresAt.is_null())
                .add(api_token::Column::ExpiresAt.gt(Utc::now())),
        )
        // A disabled owner's tokens stop with the account: the join already made for the
        // owner's role carries the check, so it costs no extra query.
        .filter(user::Column::DisabledAt.is_null())
        .find_also_related(user::Entity)
        .one(db)
        .await;
    let (token, owner) = match found {
        Ok(Some((t, Some(u)))) => (t, u),
        Ok(_) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    // Recording use at most once a minute keeps a busy token from writing on every request.
    let stale = token
        .last_used_at
        .is_none_or(|t| Utc::now() - t > Duration::minutes(1));
    if stale {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Utc::now()))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Some((token, owner)))
}

/// A random, URL-safe token of 256 bits with a recognisable prefix.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Hex SHA-256 of a token. Tokens carry 256 random bits, so a fast hash is enough.
pub fn sha256_hex(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}
