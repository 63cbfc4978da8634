//! GraphQL types of API tokens: the token as listed, what creating and revoking one take and
//! return, and the creation resolver's body (the resolvers sit with the other account fields in
//! `graphql.rs`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Scope;
use super::capabilities::{Capabilities, Capability, TokenGrant, channels_of};
use super::entity::api_token;
use super::graphql::User;
use super::service::{self, NewApiToken};
use crate::channels::entity::channel;
use crate::channels::graphql::Channel;
use crate::error::{AppError, AppResult};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::{app, principal};

/// A token a third-party site uses to call the API. The secret is shown only at creation.
#[derive(Debug, Clone)]
pub struct ApiToken(pub api_token::Model);

#[Object]
impl ApiToken {
    /// Global ID.
    async fn id(&self) -> ID {
        to_global("ApiToken", self.0.id)
    }
    /// The name its owner gave it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// WRITE when it has the WRITE capability, else READ.
    #[graphql(deprecation = "use `capabilities`")]
    async fn scope(&self) -> AppResult<Scope> {
        Ok(Capabilities::parse(&self.0.capabilities)?.scope())
    }
    /// What it may do.
    async fn capabilities(&self) -> AppResult<Vec<Capability>> {
        Ok(Capabilities::parse(&self.0.capabilities)?.list())
    }
    /// The channels it may change, by name; null when it may change every channel its owner
    /// may. Reads are not limited by channel.
    async fn channels(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Channel>>> {
        let Some(ids) = channels_of(&self.0)? else {
            return Ok(None);
        };
        let found = channel::Entity::find()
            .filter(channel::Column::Id.is_in(ids.to_vec()))
            .order_by_asc(channel::Column::Name)
            .all(&app(ctx)?.db)
            .await?;
        Ok(Some(found.into_iter().map(Channel).collect()))
    }
    /// When it stops working; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// Whether it has expired (an expired token is refused like a revoked one).
    async fn expired(&self) -> AppResult<bool> {
        Ok(TokenGrant::of(&self.0)?.expired(Utc::now()))
    }
    /// First characters of the secret, to tell tokens apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// When it was revoked; revoked tokens no longer work.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// The user whose rights the token carries (never more than theirs).
    async fn owner(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        let app = app(ctx)?;
        Ok(service::find_user(&app.db, self.0.user_id)
            .await?
            .map(User::from))
    }
}

/// A new API token.
#[derive(InputObject, Debug)]
pub struct CreateApiTokenInput {
    /// A name to recognise it by (1 to 100 characters).
    pub name: String,
    /// What it may do: READ is `capabilities: [READ]`, WRITE is `[READ, WRITE, UPLOAD]`.
    /// Giving both `scope` and `capabilities` is `VALIDATION`.
    #[graphql(deprecation = "use `capabilities`")]
    pub scope: Option<Scope>,
    /// What it may do (at least one). WEBHOOKS only for an admin's token.
    pub capabilities: Option<Vec<Capability>>,
    /// The channels it may change (1 to 100, each one the caller may edit); absent or null:
    /// every channel the caller may edit. Reads are not limited by channel.
    pub channel_ids: Option<Vec<ID>>,
    /// When it stops working: in the future, at most 365 days ahead; absent or null: never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Which API token to revoke.
#[derive(InputObject, Debug)]
pub struct RevokeApiTokenInput {
    /// The token's ID.
    pub id: ID,
}

/// Result of `createApiToken`.
#[derive(SimpleObject, Debug)]
pub struct CreateApiTokenPayload {
    /// The secret, shown this once: store it now.
    pub token: String,
    /// The token's record.
    pub api_token: ApiToken,
}

/// Result of `revokeApiToken`.
#[derive(SimpleObject, Debug)]
pub struct RevokeApiTokenPayload {
    /// The revoked token.
    pub api_token: ApiToken,
}

/// `createApiToken`: the caller's token, from the input as the service takes it.
pub(super) async fn create(
    ctx: &Context<'_>,
    input: CreateApiTokenInput,
) -> AppResult<CreateApiTokenPayload> {
    let app = app(ctx)?;
    let owner_id = principal(ctx).signed_in()?;
    let owner = service::find_user(&app.db, owner_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let capabilities = match (input.scope, input.capabilities) {
        (Some(_), Some(_)) => {
            return Err(AppError::validation(
                "capabilities: give `capabilities` or the deprecated `scope`, not both",
            ));
        }
        (Some(scope), None) => Capabilities::of_scope(scope),
        (None, Some(list)) => list.into_iter().collect(),
        (None, None) => {
            return Err(AppError::validation(
                "capabilities: choose at least one of READ, WRITE, UPLOAD, WEBHOOKS",
            ));
        }
    };
    let channels = input
        .channel_ids
        .map(|ids| {
            ids.iter()
                .map(|id| from_global(id, "Channel"))
                .collect::<AppResult<Vec<_>>>()
        })
        .transpose()
        .map_err(|e| AppError::validation(format!("channelIds: {e}")))?;
    let new = NewApiToken {
        name: input.name,
        capabilities,
        channels,
        expires_at: input.expires_at,
    };
    let (model, token) = service::create_api_token(&app.db, &owner, new).await?;
    Ok(CreateApiTokenPayload {
        token,
        api_token: ApiToken(model),
    })
}
