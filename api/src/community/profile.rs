//! A signed-in user's own account: their display name (`updateProfile`), their password
//! (`changePassword`) and, for viewers, deleting the account (`deleteAccount`). The avatar is a
//! picture like any other (`uploadImage(target: USER_AVATAR)`, in `media::images`).
//!
//! Signed in with a session only, never a token: a leaked token must not be able to take the
//! account over. The password checks go through the login throttle, so a stolen session cannot
//! guess the password faster than the sign-in form could.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::counters::Counter;
use super::entity::{channel_subscription, episode_like, video_like};
use super::passwords::check_new_password;
use super::registration::check_display_name;
use crate::accounts::auth::SessionGuard;
use crate::accounts::entity::user;
use crate::accounts::graphql::{AuthPayload, UpdateUserPayload, User, client_addr, ttl};
use crate::accounts::{Role, service};
use crate::error::{AppError, AppResult};
use crate::graphql::relay::to_global;
use crate::graphql::{app, principal};
use crate::state::Ctx;

/// A new display name.
#[derive(InputObject, Debug)]
pub struct UpdateProfileInput {
    /// Name shown to others: 1 to 100 characters once trimmed, no control characters.
    pub display_name: String,
}

/// A new password, with the current one.
#[derive(InputObject, Debug)]
pub struct ChangePasswordInput {
    /// The password now.
    pub current_password: String,
    /// The new password (the sign-up rule: long enough, not a common one, not the email).
    pub new_password: String,
}

/// Deleting one's own account, confirmed with its password.
#[derive(InputObject, Debug)]
pub struct DeleteAccountInput {
    /// The account's password.
    pub password: String,
}

/// Result of `deleteAccount`.
#[derive(SimpleObject, Debug)]
pub struct DeleteAccountPayload {
    /// The deleted user's ID.
    pub deleted_id: ID,
}

/// The mutations of one's own account.
#[derive(Default, Debug)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Changes the caller's display name (signed in with a session).
    #[graphql(guard = "SessionGuard")]
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateProfileInput,
    ) -> AppResult<UpdateUserPayload> {
        let app = app(ctx)?;
        let id = principal(ctx).signed_in()?;
        let name = check_display_name(&input.display_name)?;
        let user = set_display_name(app, id, name).await?;
        Ok(UpdateUserPayload {
            user: User::from(user),
        })
    }

    /// Changes the caller's password (signed in with a session). `VALIDATION` when the
    /// current password is wrong or the new one breaks the sign-up rule. Every session of the
    /// account ends, this one included, and a new session for this device is returned.
    #[graphql(guard = "SessionGuard")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> AppResult<AuthPayload> {
        let app = app(ctx)?;
        let id = principal(ctx).signed_in()?;
        let user = service::find_user(&app.db, id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        check_new_password(&input.new_password, &user.email)
            .map_err(|e| rename(e, "password", "newPassword"))?;
        confirm_password(ctx, &user, input.current_password, "currentPassword").await?;
        service::set_user_password(
            &app.db,
            &app.accounts.sessions,
            id,
            input.new_password.clone(),
        )
        .await?;
        let session = service::login(
            &app.db,
            &app.accounts.keys,
            ttl(app),
            &app.accounts.dummy_hash,
            &user.email,
            &input.new_password,
        )
        .await?;
        Ok(AuthPayload::from(session))
    }

    /// Deletes the caller's account (viewers, signed in with a session), confirmed with its
    /// password: its sessions and tokens end, its likes, subscriptions, history and avatar are
    /// deleted, and its comments stay, anonymised. Editors and admins are removed by an admin
    /// (`CONFLICT`), as channels depend on them.
    #[graphql(guard = "SessionGuard")]
    async fn delete_account(
        &self,
        ctx: &Context<'_>,
        input: DeleteAccountInput,
    ) -> AppResult<DeleteAccountPayload> {
        let app = app(ctx)?;
        let id = principal(ctx).signed_in()?;
        let user = service::find_user(&app.db, id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        confirm_password(ctx, &user, input.password, "password").await?;
        if Role::parse(&user.role)? != Role::Viewer {
            return Err(AppError::Conflict(
                "role: editors and admins cannot delete their own account; an admin can remove it"
                    .into(),
            ));
        }
        delete_viewer(app, &user).await?;
        Ok(DeleteAccountPayload {
            deleted_id: to_global("User", id),
        })
    }
}

/// The same error about another field (`check_new_password` names it `password`).
fn rename(e: AppError, from: &str, to: &str) -> AppError {
    match e {
        AppError::Validation(m) => AppError::Validation(m.replacen(from, to, 1)),
        e => e,
    }
}

/// Checks the account's password through the login throttle (a wrong one counts as a failed
/// sign-in of this account from this address). `VALIDATION` on `field` when it is wrong.
async fn confirm_password(
    ctx: &Context<'_>,
    user: &user::Model,
    password: String,
    field: &str,
) -> AppResult<()> {
    let app = app(ctx)?;
    let addr = client_addr(ctx);
    app.accounts
        .login_throttle
        .begin(&user.email, addr)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let password: String = password.chars().take(service::MAX_PASSWORD_LEN).collect();
    if service::verify_password(password, user.password_hash.clone()).await? {
        app.accounts.login_throttle.succeeded(&user.email, addr);
        Ok(())
    } else {
        app.accounts.login_throttle.failed(&user.email, addr);
        Err(AppError::validation(format!(
            "{field}: this is not the account's password"
        )))
    }
}

async fn set_display_name(app: &Ctx, id: Uuid, name: String) -> AppResult<user::Model> {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let txn = crate::db::begin_write(&app.db).await?;
    let found = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if found.display_name == name {
        txn.rollback().await?;
        return Ok(found);
    }
    let mut active = found.into_active_model();
    active.display_name = Set(name);
    active.updated_at = Set(chrono::Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    // Names show on public comments.
    app.public_cache.invalidate();
    Ok(updated)
}

/// Deletes a viewer's account: its sessions end first (on every node), then the row goes with
/// what cascades from it; the like and subscriber counts it added are taken back, and the avatar
/// leaves storage.
async fn delete_viewer(app: &Ctx, user: &user::Model) -> AppResult<()> {
    service::logout_everywhere(&app.db, &app.accounts.sessions, user.id).await?;
    let txn = crate::db::begin_write(&app.db).await?;
    let videos: Vec<Uuid> = video_like::Entity::find()
        .select_only()
        .column(video_like::Column::VideoId)
        .filter(video_like::Column::UserId.eq(user.id))
        .into_tuple()
        .all(&txn)
        .await?;
    let episodes: Vec<Uuid> = episode_like::Entity::find()
        .select_only()
        .column(episode_like::Column::EpisodeId)
        .filter(episode_like::Column::UserId.eq(user.id))
        .into_tuple()
        .all(&txn)
        .await?;
    let channels: Vec<Uuid> = channel_subscription::Entity::find()
        .select_only()
        .column(channel_subscription::Column::ChannelId)
        .filter(channel_subscription::Column::UserId.eq(user.id))
        .into_tuple()
        .all(&txn)
        .await?;
    user::Entity::delete_by_id(user.id).exec(&txn).await?;
    txn.commit().await?;
    let counters = &app.community.counters;
    for (counter, ids) in [
        (Counter::VideoLikes, videos),
        (Counter::EpisodeLikes, episodes),
        (Counter::ChannelSubscribers, channels),
    ] {
        for id in ids {
            counters.add(counter, id, -1);
        }
    }
    if let Some(avatar) = user.avatar_asset_id
        && let Err(e) = crate::media::assets::delete_asset(&app.db, &app.storage, avatar).await
    {
        tracing::warn!(asset = %avatar, error = %e, "could not delete an avatar; the sweep will");
    }
    app.public_cache.invalidate();
    tracing::info!(user = %user.id, "a viewer deleted their account");
    Ok(())
}
