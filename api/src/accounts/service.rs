//! Account services: users, passwords, sessions (access + refresh tokens) and API tokens.
//! Plain async functions over a connection; they know nothing of HTTP or GraphQL.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::entity::{api_token, refresh_token, user};
use super::jwt::Keys;
use super::sessions::Sessions;
use super::{Role, Scope};
use crate::error::{AppError, AppResult};

/// What a new user is created with.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login email; stored trimmed and lower-cased.
    pub email: String,
    /// Plain-text password; only its argon2id hash is stored.
    pub password: String,
    /// Role on the whole site.
    pub role: Role,
    /// Name shown to others; defaults to the part of the email before `@`.
    pub display_name: Option<String>,
}

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

const MAX_PASSWORD_LEN: usize = 1024;
const MIN_PASSWORD_LEN: usize = 8;

/// Normalises and checks an email address.
pub fn normalize_email(raw: &str) -> AppResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 320
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(AppError::validation("email: not a valid email address"))
    }
}

/// The password rule (8 characters to 1024 bytes), shared by sign-up and admins' resets.
pub fn check_password(password: &str) -> AppResult<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(AppError::validation(format!(
            "password: must be at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AppError::validation(format!(
            "password: must be at most {MAX_PASSWORD_LEN} bytes"
        )));
    }
    Ok(())
}

/// Hashes a password with argon2id off the async runtime.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await?
}

/// Verifies a password against a stored hash off the async runtime.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier as _};
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| AppError::internal(anyhow::anyhow!("stored hash unreadable: {e}")))?;
        Ok(argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// Creates a user; `CONFLICT` when the email is taken.
pub async fn create_user(db: &impl ConnectionTrait, new: NewUser) -> AppResult<user::Model> {
    let email = normalize_email(&new.email)?;
    check_password(&new.password)?;
    let display_name = match new.display_name.map(|d| d.trim().to_string()) {
        Some(d) if d.is_empty() => {
            return Err(AppError::validation("displayName: must not be empty"));
        }
        Some(d) if d.chars().count() > 200 => {
            return Err(AppError::validation("displayName: at most 200 characters"));
        }
        Some(d) => d,
        None => email.split('@').next().unwrap_or_default().to_string(),
    };
    if find_user_by_email(db, &email).await?.is_some() {
        return Err(AppError::Taken {
            field: "email".into(),
            message: format!("email: a user with email {email} already exists"),
        });
    }
    let hash = hash_password(new.password).await?;
    let now = Utc::now();
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        password_hash: Set(hash),
        role: Set(new.role.as_str().to_string()),
        display_name: Set(display_name),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
    };
    Ok(model.insert(db).await?)
}

/// Looks a user up by (normalised) email.
pub async fn find_user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// Looks a user up by id.
pub async fn find_user(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// Creates the first admin from configuration when no admin exists yet.
pub async fn ensure_first_admin(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> AppResult<Option<user::Model>> {
    let admins = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?;
    if admins > 0 {
        return Ok(None);
    }
    let created = create_user(
        db,
        NewUser {
            email: email.to_string(),
            password: password.to_string(),
            role: Role::Admin,
            display_name: None,
        },
    )
    .await?;
    Ok(Some(created))
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

const DISABLED: AppError = AppError::InvalidCredentials("this account is disabled");

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
async fn revoke_family(
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
async fn announce_revoked(db: &impl ConnectionTrait, sessions: &Sessions, family_id: Uuid) {
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

/// Filters of the admins' user list; absent filters match everyone.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the email or the display name (case-insensitive).
    pub text: Option<String>,
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only disabled (true) or only active (false) users.
    pub disabled: Option<bool>,
}

/// One page of users, newest first, for admins.
pub async fn list_users(
    db: &impl ConnectionTrait,
    filter: UserFilter,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<crate::graphql::pagination::Page<user::Model>> {
    use crate::graphql::pagination::{Key, Sort, fetch};
    let mut select = user::Entity::find();
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!(
            "%{}%",
            crate::channels::service::like_escape(&text.to_lowercase())
        );
        select = select.filter(
            sea_orm::Condition::any()
                .add(Expr::col((user::Entity, user::Column::Email)).like(pattern.clone()))
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        user::Entity,
                        user::Column::DisplayName,
                    ))))
                    .like(pattern),
                ),
        );
    }
    if let Some(role) = filter.role {
        select = select.filter(user::Column::Role.eq(role.as_str()));
    }
    match filter.disabled {
        Some(true) => select = select.filter(user::Column::DisabledAt.is_not_null()),
        Some(false) => select = select.filter(user::Column::DisabledAt.is_null()),
        None => {}
    }
    let sort = Sort {
        key: None,
        id: Expr::col((user::Entity, user::Column::Id)).into(),
        descending: true,
    };
    fetch(
        db,
        select,
        "users:newest",
        &sort,
        |m: &user::Model| (Key::None, m.id),
        first,
        after,
    )
    .await
}

/// Locks the active admins (PostgreSQL: `FOR UPDATE`; SQLite: the write lock `begin_write`
/// took already) and returns their ids. Two admins demoting or disabling each other at once
/// both pass through here: the second waits for the first to commit and then no longer counts
/// the admin the first one demoted, so one of them is refused instead of both succeeding.
async fn lock_active_admins(txn: &DatabaseTransaction) -> AppResult<Vec<Uuid>> {
    let mut select = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::DisabledAt.is_null());
    if txn.get_database_backend() == DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    Ok(select.into_tuple().all(txn).await?)
}

/// Refuses a change that would leave no active admin.
async fn keep_an_admin(
    txn: &DatabaseTransaction,
    target: &user::Model,
    what: &str,
) -> AppResult<()> {
    let admins = lock_active_admins(txn).await?;
    let was_active_admin = target.role == Role::Admin.as_str() && target.disabled_at.is_none();
    if was_active_admin && !admins.iter().any(|a| *a != target.id) {
        return Err(AppError::Conflict(format!(
            "{what}: {} is the last active admin; make another user admin first",
            target.email
        )));
    }
    Ok(())
}

/// Revokes every open session of a user inside `txn`; returns the sessions to announce once
/// the transaction has committed.
async fn revoke_user_sessions(txn: &DatabaseTransaction, user_id: Uuid) -> AppResult<Vec<Uuid>> {
    let families: Vec<Uuid> = refresh_token::Entity::find()
        .select_only()
        .column(refresh_token::Column::FamilyId)
        .distinct()
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .into_tuple()
        .all(txn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    Ok(families)
}

/// What an admin changes on an account.
#[derive(Debug)]
enum AdminChange {
    Role(Role),
    Disable,
    Enable,
    PasswordHash(String),
}

/// Applies one admin change in one write transaction, then ends the user's sessions where the
/// change requires it (new role, disabled, new password) on every node.
async fn change_user(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
    change: AdminChange,
) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    // The admins are locked before the target is read, so the target's row is read after any
    // concurrent change to it has committed (PostgreSQL, READ COMMITTED).
    let admins_locked = matches!(change, AdminChange::Role(_) | AdminChange::Disable);
    if admins_locked {
        lock_active_admins(&txn).await?;
    }
    let Some(target) = user::Entity::find_by_id(id).one(&txn).await? else {
        txn.rollback().await?;
        return Err(AppError::NotFound("user"));
    };
    let mut active: user::ActiveModel = target.clone().into();
    let ends_sessions = match change {
        AdminChange::Role(role) => {
            if target.role == role.as_str() {
                txn.rollback().await?;
                return Ok(target);
            }
            if role != Role::Admin
                && let Err(e) = keep_an_admin(&txn, &target, "role").await
            {
                txn.rollback().await?;
                return Err(e);
            }
            active.role = Set(role.as_str().to_string());
            // Access tokens carry the role: the old ones must not outlive it.
            true
        }
        AdminChange::Disable => {
            if target.disabled_at.is_some() {
                txn.rollback().await?;
                return Ok(target);
            }
            if let Err(e) = keep_an_admin(&txn, &target, "id").await {
                txn.rollback().await?;
                return Err(e);
            }
            active.disabled_at = Set(Some(Utc::now()));
            true
        }
        AdminChange::Enable => {
            if target.disabled_at.is_none() {
                txn.rollback().await?;
                return Ok(target);
            }
            active.disabled_at = Set(None);
            false
        }
        AdminChange::PasswordHash(hash) => {
            active.password_hash = Set(hash);
            true
        }
    };
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    let revoked = if ends_sessions {
        revoke_user_sessions(&txn, id).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    for family in revoked {
        announce_revoked(db, sessions, family).await;
    }
    Ok(updated)
}

/// Changes a user's role; their sessions end (their access tokens carry the old role). The
/// last active admin cannot be demoted (`CONFLICT`).
pub async fn set_user_role(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
    role: Role,
) -> AppResult<user::Model> {
    change_user(db, sessions, id, AdminChange::Role(role)).await
}

/// Disables an account: it cannot sign in, and its sessions and API tokens stop at once. The
/// last active admin cannot be disabled (`CONFLICT`).
pub async fn disable_user(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
) -> AppResult<user::Model> {
    change_user(db, sessions, id, AdminChange::Disable).await
}

/// Enables a disabled account again (its old sessions stay ended; its API tokens work again).
pub async fn enable_user(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
) -> AppResult<user::Model> {
    change_user(db, sessions, id, AdminChange::Enable).await
}

/// Sets a new password for a user (the sign-up rule applies); every session of theirs ends.
pub async fn set_user_password(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
    password: String,
) -> AppResult<user::Model> {
    check_password(&password)?;
    if find_user(db, id).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    // Hashed before the write transaction: argon2 is slow and must not hold the write lock.
    let hash = hash_password(password).await?;
    change_user(db, sessions, id, AdminChange::PasswordHash(hash)).await
}
