//! Sign-up and invitations.
//!
//! The registration mode is `accounts.registration` when configured, else the `registration`
//! row of `site_settings` (the demo seeds it with `open`), else `closed`.
//!
//! A taken email is not revealed: `signUp` then does the same work (the argon2id hash of the
//! password given) and gives the same answer as for a free one, but creates nothing. The client
//! signs in with `login` afterwards, whose answer is the same for every wrong pair.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, SqlErr,
};
use uuid::Uuid;

use super::entity::{invitation, site_setting};
use super::passwords::check_new_password;
use crate::accounts::Role;
use crate::accounts::entity::user;
use crate::accounts::service::{hash_password, normalize_email, random_token, sha256_hex};
use crate::config::{Config, Registration};
use crate::error::{AppError, AppResult};

const REGISTRATION_KEY: &str = "registration";

/// Who may sign up now.
pub async fn mode(db: &impl ConnectionTrait, config: &Config) -> AppResult<Registration> {
    if let Some(mode) = config.accounts.registration {
        return Ok(mode);
    }
    let stored = site_setting::Entity::find_by_id(REGISTRATION_KEY.to_string())
        .one(db)
        .await?;
    Ok(stored
        .and_then(|s| Registration::parse(&s.value))
        .unwrap_or(Registration::Closed))
}

/// Records that this database's registration is `mode` unless something is recorded already
/// (the demo opens registration on the database it seeds).
pub async fn record_mode(db: &impl ConnectionTrait, mode: Registration) -> AppResult<()> {
    site_setting::Entity::insert(site_setting::ActiveModel {
        key: Set(REGISTRATION_KEY.into()),
        value: Set(mode.as_str().into()),
    })
    .on_conflict(
        OnConflict::column(site_setting::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What a visitor signs up with.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Login email.
    pub email: String,
    /// Plain-text password.
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// The secret of an invitation link.
    pub invitation: Option<String>,
}

/// The display name rule: 1 to 100 characters once trimmed, no control characters.
pub fn check_display_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation("displayName: must not be empty"));
    }
    if name.chars().count() > 100 {
        return Err(AppError::validation("displayName: at most 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "displayName: must not contain control characters",
        ));
    }
    Ok(name.to_string())
}

const BAD_INVITATION: &str = "invitation: this invitation is invalid, used or expired";

/// Creates a viewer account; `Ok(None)` when the email is taken (nothing is created and
/// nothing tells the caller). `FORBIDDEN` while registration is closed; `VALIDATION` for a
/// malformed email, a weak password, a bad display name or a missing or unusable invitation.
pub async fn sign_up(
    db: &DatabaseConnection,
    mode: Registration,
    input: SignUp,
) -> AppResult<Option<user::Model>> {
    if mode == Registration::Closed {
        return Err(AppError::Forbidden);
    }
    let email = normalize_email(&input.email)?;
    let display_name = check_display_name(&input.display_name)?;
    check_new_password(&input.password, &email)?;
    let invited = match (&input.invitation, mode) {
        (None, Registration::Invitation) => {
            return Err(AppError::validation(
                "invitation: registration is by invitation; an invitation is required",
            ));
        }
        (None, _) => None,
        (Some(raw), _) => Some(usable_invitation(db, raw).await?.id),
    };
    // The expensive part happens whether or not the email is free.
    let hash = hash_password(input.password).await?;
    let txn = crate::db::begin_write(db).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        txn.rollback().await?;
        return Ok(None);
    }
    let now = Utc::now();
    let inserted = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        password_hash: Set(hash),
        role: Set(Role::Viewer.as_str().into()),
        display_name: Set(display_name),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        avatar_asset_id: Set(None),
    }
    .insert(&txn)
    .await;
    let created = match inserted {
        Ok(created) => created,
        // Another sign-up took the email in between: the same silent answer.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(id) = invited {
        let used = invitation::Entity::update_many()
            .col_expr(invitation::Column::UsedAt, Expr::value(now))
            .col_expr(invitation::Column::UsedBy, Expr::value(created.id))
            .filter(invitation::Column::Id.eq(id))
            .filter(invitation::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if used.rows_affected != 1 {
            txn.rollback().await?;
            return Err(AppError::validation(BAD_INVITATION));
        }
    }
    txn.commit().await?;
    Ok(Some(created))
}

async fn usable_invitation(db: &impl ConnectionTrait, raw: &str) -> AppResult<invitation::Model> {
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(sha256_hex(raw.trim())))
        .one(db)
        .await?;
    match found {
        Some(inv) if inv.used_at.is_none() && inv.expires_at > Utc::now() => Ok(inv),
        _ => Err(AppError::validation(BAD_INVITATION)),
    }
}

/// Longest an invitation may be valid for, in days.
pub const MAX_INVITATION_DAYS: i32 = 90;

/// Creates a single-use invitation valid for `days` (1 to 90); returns it with its secret,
/// which is stored only as a hash.
pub async fn create_invitation(
    db: &impl ConnectionTrait,
    created_by: Uuid,
    days: i32,
) -> AppResult<(invitation::Model, String)> {
    if !(1..=MAX_INVITATION_DAYS).contains(&days) {
        return Err(AppError::validation(format!(
            "expiresInDays: must be between 1 and {MAX_INVITATION_DAYS}"
        )));
    }
    let token = random_token("inv_");
    let now = Utc::now();
    let model = invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(sha256_hex(&token)),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(i64::from(days))),
        used_at: Set(None),
        used_by: Set(None),
    }
    .insert(db)
    .await?;
    Ok((model, token))
}
