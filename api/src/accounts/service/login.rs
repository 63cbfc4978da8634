//! Sessions: login, refresh (rotating refresh tokens, a spent one revokes its family), logout,
//! and announcing a revoked session to every node.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use super::credentials::{MAX_PASSWORD_LEN, normalize_email, verify_password};
use super::tokens::{random_token, sha256_hex};
use super::users::find_user_by_email;
use crate::accounts::Role;
use crate::accounts::entity::{refresh_token, user};
use crate::accounts::jwt::Keys;
use crate::accounts::sessions::Sessions;
use crate::error::{AppError, AppResult};

/// What a successful login or refresh hands back.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user who is now signed in.
    pub user: user::Model,
    /// Short-lived JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// When the access token stops working.
    pub access_expires_at: DateTime<Utc>,
    /// Opaque, single-use token that mints the next session.
    pub refresh_token: String,
    /// When the refresh token stops working.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Lifetimes of the tokens a session is made of.
#[derive(Debug, Clone, Copy)]
pub struct SessionTtl {
    /// Access-token lifetime.
    pub access: Duration,
    /// Refresh-token lifetime.
    pub refresh: Duration,
}

/// Checks email and password and opens a new session (a new refresh-token family).
///
/// A wrong password and an unknown email get the same error after the same amount of work: an
/// unknown email is verified against `dummy_hash`.
pub async fn login(
    db: &DatabaseConnection,
    keys: &Keys,
    ttl: SessionTtl,
    dummy_hash: &str,
    email: &str,
    password: &str,
) -> AppResult<Session> {
    let found = match normalize_email(email) {
        Ok(e) => find_user_by_email(db, &e).await?,
        Err(_) => None,
    };
    let password = password.chars().take(MAX_PASSWORD_LEN).collect::<String>();
    let hash = found
        .as_ref()
        .map_or_else(|| dummy_hash.to_string(), |u| u.password_hash.clone());
    let ok = verify_password(password, hash).await?;
    let user = match found {
        Some(user) if ok => user,
        _ => return Err(AppError::InvalidCredentials("wrong email or password")),
    };
    // The account is read again inside the write that opens the session (on PostgreSQL with a
    // share lock): a `disableUser` that commits while the password was being verified either
    // is seen here, or waits for this session and then revokes it with the others.
    let txn = crate::db::begin_write(db).await?;
    let fresh = lock_user_shared(&txn, user.id).await?;
    match fresh {
        Some(user) if user.disabled_at.is_none() => {
            let session = open_session(&txn, keys, ttl, user, Uuid::now_v7()).await?;
            txn.commit().await?;
            Ok(session)
        }
        Some(_) => {
            txn.rollback().await?;
            Err(DISABLED)
        }
        None => {
            txn.rollback().await?;
            Err(AppError::InvalidCredentials("wrong email or password"))
        }
    }
}

pub(super) const DISABLED: AppError = AppError::InvalidCredentials("this account is disabled");

/// Reads a user inside a write transaction; on PostgreSQL the row is share-locked until commit,
/// so an admin's change to it waits for (and then sees) what this transaction writes.
async fn lock_user_shared(txn: &DatabaseTransaction, id: Uuid) -> AppResult<Option<user::Model>> {
    let mut select = user::Entity::find_by_id(id);
    if txn.get_database_backend() == DbBackend::Postgres {
        select = select.lock_shared();
    }
    Ok(select.one(txn).await?)
}

async fn open_session(
    db: &impl ConnectionTrait,
    keys: &Keys,
    ttl: SessionTtl,
    user: user::Model,
    family_id: Uuid,
) -> AppResult<Session> {
    let role = Role::parse(&user.role)?;
    let (access_token, access_expires_at) = keys.issue(user.id, role, family_id, ttl.access)?;
    let refresh_token = random_token("prr_");
    let now = Utc::now();
    let refresh_expires_at = now + ttl.refresh;
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(sha256_hex(&refresh_token)),
        expires_at: Set(refresh_expires_at),
        spent_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Session {
        user,
        access_token,
        access_expires_at,
        refresh_token,
        refresh_expires_at,
    })
}

/// Spends a refresh token and opens the next session of its family.
///
/// A token that was already spent is a sign of theft: the whole family is revoked, so neither
/// the thief nor the owner can continue with it, and the owner logs in again.
pub async fn refresh(
    db: &DatabaseConnection,
    sessions: &Sessions,
    keys: &Keys,
    ttl: SessionTtl,
    raw: &str,
) -> AppResult<Session> {
    const REJECTED: AppError = AppError::InvalidCredentials("refresh token is invalid or expired");
    let hash = sha256_hex(raw);
    let Some(token) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(db)
        .await?
    else {
        return Err(REJECTED);
    };
    let now = Utc::now();
    if token.revoked_at.is_some() || token.expires_at <= now {
        return Err(REJECTED);
    }
    if token.spent_at.is_some() {
        revoke_family(db, sessions, token.family_id).await?;
        tracing::warn!(family = %token.family_id, user = %token.user_id, "refresh token reused; family revoked");
        return Err(AppError::InvalidCredentials(
            "refresh token was already used; the session has been revoked",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    // Spending is a conditional update so two concurrent refreshes cannot both succeed.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::SpentAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::SpentAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        revoke_family(db, sessions, token.family_id).await?;
        return Err(AppError::InvalidCredentials(
            "refresh token was already used; the session has been revoked",
        ));
    }
    let Some(user) = lock_user_shared(&txn, token.user_id).await? else {
        txn.rollback().await?;
        return Err(REJECTED);
    };
    if user.disabled_at.is_some() {
        txn.rollback().await?;
        return Err(DISABLED);
    }
    let session = open_session(&txn, keys, ttl, user, token.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the session a refresh token belongs to, its access tokens included. Unknown tokens are
/// ignored (logout is idempotent).
pub async fn logout(db: &DatabaseConnection, sessions: &Sessions, raw: &str) -> AppResult<()> {
    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(sha256_hex(raw)))
        .one(db)
        .await?;
    if let Some(token) = token {
        revoke_family(db, sessions, token.family_id).await?;
    }
    Ok(())
}

/// Revokes every refresh token of a session and ends its access tokens: on this node at once,
/// on the others through `NOTIFY` (PostgreSQL).
pub(super) async fn revoke_family(
    db: &impl ConnectionTrait,
    sessions: &Sessions,
    family_id: Uuid,
) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    announce_revoked(db, sessions, family_id).await;
    Ok(())
}

/// Ends a revoked session's access tokens on this node and announces it to the others.
pub(super) async fn announce_revoked(
    db: &impl ConnectionTrait,
    sessions: &Sessions,
    family_id: Uuid,
) {
    sessions.add(family_id);
    if db.get_database_backend() == DbBackend::Postgres {
        // A lost notification is covered by the other nodes' reload when their listener
        // reconnects, so a failure here is logged, not returned: the session is revoked.
        if let Err(e) = db
            .execute(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [
                    crate::delivery::notify::SESSIONS_CHANNEL.into(),
                    family_id.to_string().into(),
                ],
            ))
            .await
        {
            tracing::warn!(error = %e, session = %family_id, "could not announce a revoked session");
        }
    }
}
