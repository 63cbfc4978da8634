//! API tokens: created, listed, revoked and checked; and the random tokens and hashes sessions
//! use too.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::accounts::Scope;
use crate::accounts::entity::{api_token, user};
use crate::error::{AppError, AppResult};

/// Creates an API token; the returned string is the only time the secret is visible.
pub async fn create_api_token(
    db: &impl ConnectionTrait,
    owner: Uuid,
    name: &str,
    scope: Scope,
) -> AppResult<(api_token::Model, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name: must be 1 to 100 characters"));
    }
    let raw = random_token("prj_");
    let model = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(owner),
        name: Set(name.to_string()),
        scope: Set(scope.as_str().to_string()),
        token_hash: Set(sha256_hex(&raw)),
        prefix: Set(raw.chars().take(10).collect()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((model, raw))
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

/// Resolves a presented API token to the token and its owner, if it is valid.
pub async fn authenticate_api_token(
    db: &impl ConnectionTrait,
    raw: &str,
) -> AppResult<Option<(api_token::Model, user::Model)>> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(raw)))
        .filter(api_token::Column::RevokedAt.is_null())
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
