//! Creating and finding users, and the first admin.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::credentials::{check_password, hash_password, normalize_email};
use crate::accounts::Role;
use crate::accounts::entity::user;
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
        avatar_asset_id: Set(None),
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
