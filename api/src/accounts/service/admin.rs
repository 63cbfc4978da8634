//! What admins do to users: list them, change their role, disable and enable them, set their
//! password; never leaving the site without an active admin.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::credentials::{check_password, hash_password};
use super::login::announce_revoked;
use super::users::find_user;
use crate::accounts::Role;
use crate::accounts::entity::{refresh_token, user};
use crate::accounts::sessions::Sessions;
use crate::error::{AppError, AppResult};

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
        let pattern = format!("%{}%", crate::content::like_escape(&text.to_lowercase()));
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
    let sort = Sort::by_id(Expr::col((user::Entity, user::Column::Id)).into(), true);
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

/// Ends every session of a user ("sign out everywhere"), on every node; returns how many
/// sessions were open. API tokens are not sessions and keep working.
pub async fn logout_everywhere(
    db: &DatabaseConnection,
    sessions: &Sessions,
    id: Uuid,
) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let revoked = revoke_user_sessions(&txn, id).await?;
    txn.commit().await?;
    let n = revoked.len();
    for family in revoked {
        announce_revoked(db, sessions, family).await;
    }
    Ok(n)
}
