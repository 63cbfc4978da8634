//! Invitations as admins see them: the list (newest first) and revoking one that is unused.
//! Creating one is `registration::create_invitation`.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entity::invitation;
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::error::{AppError, AppResult};
use crate::graphql::app;
use crate::graphql::pagination::{self, Cursor, Key, ListCount, Page, Sort};
use crate::graphql::relay::{from_global, to_global};

/// One page of every invitation, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<invitation::Model>> {
    let sort = Sort::by_id(
        Expr::col((invitation::Entity, invitation::Column::Id)).into(),
        true,
    );
    pagination::fetch(
        db,
        invitation::Entity::find(),
        "invitations",
        &sort,
        |m: &invitation::Model| (Key::None, m.id),
        first,
        after,
    )
    .await
}

/// Deletes an unused invitation, so its link stops working; `NOT_FOUND` for an unknown one,
/// `VALIDATION` for one already used (the account it made stays).
pub async fn revoke(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Uuid> {
    let found = invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if found.used_at.is_some() {
        return Err(AppError::validation(
            "id: this invitation was used already and cannot be revoked",
        ));
    }
    // Only while still unused: a sign-up using it at this moment wins or loses cleanly.
    let deleted = invitation::Entity::delete_many()
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::validation(
            "id: this invitation was used already and cannot be revoked",
        ));
    }
    Ok(id)
}

/// Where an invitation stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Unused and not expired: its link works.
    Open,
    /// Someone signed up with it.
    Used,
    /// Unused, past its expiry.
    Expired,
}

/// A sign-up link (its secret is never shown again after `createInvitation`).
#[derive(SimpleObject, Debug, Clone)]
pub struct Invitation {
    /// Global ID.
    pub id: ID,
    /// Where it stands now.
    pub status: InvitationStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// When someone signed up with it.
    pub used_at: Option<DateTime<Utc>>,
}

impl From<invitation::Model> for Invitation {
    fn from(m: invitation::Model) -> Self {
        let status = match (m.used_at, m.expires_at > Utc::now()) {
            (Some(_), _) => InvitationStatus::Used,
            (None, true) => InvitationStatus::Open,
            (None, false) => InvitationStatus::Expired,
        };
        Self {
            id: to_global("Invitation", m.id),
            status,
            created_at: m.created_at,
            expires_at: m.expires_at,
            used_at: m.used_at,
        }
    }
}

/// Which invitation to revoke.
#[derive(InputObject, Debug)]
pub struct RevokeInvitationInput {
    /// The invitation's ID.
    pub id: ID,
}

/// Result of `revokeInvitation`.
#[derive(SimpleObject, Debug)]
pub struct RevokeInvitationPayload {
    /// The ID of the invitation revoked.
    pub revoked_id: ID,
}

/// Invitation queries (admins only).
#[derive(Default, Debug)]
pub struct InvitationsQuery;

#[Object]
impl InvitationsQuery {
    /// Every invitation, newest first (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, Invitation, ListCount>> {
        let page = list(&app(ctx)?.db, first, after.as_deref()).await?;
        Ok(page.connection(after.is_some(), Invitation::from))
    }
}

/// Invitation mutations (admins only).
#[derive(Default, Debug)]
pub struct InvitationsMutation;

#[Object]
impl InvitationsMutation {
    /// Revokes an unused invitation: its link stops working (admins only). `NOT_FOUND` for an
    /// unknown one, `VALIDATION` for one already used.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        input: RevokeInvitationInput,
    ) -> AppResult<RevokeInvitationPayload> {
        let id = from_global(&input.id, "Invitation")?;
        let id = revoke(&app(ctx)?.db, id).await?;
        Ok(RevokeInvitationPayload {
            revoked_id: to_global("Invitation", id),
        })
    }
}
