//! GraphQL types and resolvers of the accounts domain. Resolvers unpack the context and call
//! the services; guards decide who may call them.

use std::net::IpAddr;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};

use super::Role;
use super::auth::{ClientAddr, RoleGuard, SessionGuard};
use super::entity::user;
use super::service::{self, NewUser, Session, SessionTtl};
pub use super::tokens_graphql::{
    ApiToken, CreateApiTokenInput, CreateApiTokenPayload, RevokeApiTokenInput,
    RevokeApiTokenPayload,
};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Cursor, ListCount};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::{app, principal};
use crate::state::Ctx;

/// A person who can sign in.
#[derive(Debug, Clone)]
pub struct User {
    model: user::Model,
    /// The session payload of the user's own `login`/`refresh`: the caller is this user even
    /// though the request carried no token yet.
    own: bool,
}

impl From<user::Model> for User {
    fn from(model: user::Model) -> Self {
        Self { model, own: false }
    }
}

impl User {
    /// The row behind it.
    pub fn model(&self) -> &user::Model {
        &self.model
    }
}

#[Object]
impl User {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("User", self.model.id)
    }
    /// Login email: visible to the user themself and to admins only; null for anyone else
    /// (co-members of a channel and their API tokens included).
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        let who = principal(ctx);
        (self.own || who.is_admin() || who.user_id() == Some(self.model.id))
            .then_some(self.model.email.as_str())
    }
    /// Name shown to others.
    async fn display_name(&self) -> &str {
        &self.model.display_name
    }
    /// The avatar picture shown beside their name, if one was uploaded
    /// (`uploadImage(target: USER_AVATAR)`).
    async fn avatar_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        self.model
            .avatar_asset_id
            .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, true))
            .transpose()
    }
    /// Role on the whole site.
    async fn role(&self) -> AppResult<Role> {
        Role::parse(&self.model.role)
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    /// Whether an admin disabled the account (it cannot sign in; its sessions and API tokens
    /// do not work). Visible to the user themself and to admins; null for anyone else.
    async fn disabled(&self, ctx: &Context<'_>) -> Option<bool> {
        self.visible_to_admin(ctx)
            .then_some(self.model.disabled_at.is_some())
    }
    /// Since when the account is disabled; null while it is active (and for anyone but the user
    /// themself and admins).
    async fn disabled_at(&self, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
        self.model
            .disabled_at
            .filter(|_| self.visible_to_admin(ctx))
    }
}

impl User {
    fn visible_to_admin(&self, ctx: &Context<'_>) -> bool {
        let who = principal(ctx);
        self.own || who.is_admin() || who.user_id() == Some(self.model.id)
    }
}

/// Credentials for `login`.
#[derive(InputObject, Debug)]
pub struct LoginInput {
    /// Account email.
    pub email: String,
    /// Account password.
    #[graphql(secret)]
    pub password: String,
}

/// A refresh token, for `refresh` and `logout`.
#[derive(InputObject, Debug)]
pub struct RefreshInput {
    /// The refresh token from `login` or the previous `refresh`.
    #[graphql(secret)]
    pub refresh_token: String,
}

/// A new user.
#[derive(InputObject, Debug)]
pub struct CreateUserInput {
    /// Login email (unique).
    pub email: String,
    /// At least 8 characters.
    #[graphql(secret)]
    pub password: String,
    /// Role on the whole site.
    pub role: Role,
    /// Name shown to others; defaults to the part of the email before `@`.
    pub display_name: Option<String>,
}

/// Filters of `users`; absent fields match everyone.
#[derive(InputObject, Debug, Default)]
pub struct UserFilter {
    /// Part of the email or the display name (case-insensitive).
    pub text: Option<String>,
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only disabled (true) or only active (false) accounts.
    pub disabled: Option<bool>,
}

/// A user's new role.
#[derive(InputObject, Debug)]
pub struct SetUserRoleInput {
    /// The user's ID.
    pub id: ID,
    /// The new role.
    pub role: Role,
}

/// Which account to disable.
#[derive(InputObject, Debug)]
pub struct DisableUserInput {
    /// The user's ID.
    pub id: ID,
}

/// Which account to enable.
#[derive(InputObject, Debug)]
pub struct EnableUserInput {
    /// The user's ID.
    pub id: ID,
}

/// A user's new password.
#[derive(InputObject, Debug)]
pub struct SetUserPasswordInput {
    /// The user's ID.
    pub id: ID,
    /// At least 8 characters.
    #[graphql(secret)]
    pub password: String,
}

/// Result of `setUserRole`, `disableUser`, `enableUser` and `setUserPassword`.
#[derive(SimpleObject, Debug)]
pub struct UpdateUserPayload {
    /// The user as changed.
    pub user: User,
}

/// A new session: an access token for requests and a refresh token for the next session.
#[derive(SimpleObject, Debug)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// When the access token expires (15 minutes by default).
    pub access_token_expires_at: DateTime<Utc>,
    /// Single-use; exchange it with `refresh` for a new session.
    pub refresh_token: String,
    /// When the refresh token expires (30 days by default).
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            access_token_expires_at: s.access_expires_at,
            refresh_token: s.refresh_token,
            refresh_token_expires_at: s.refresh_expires_at,
            user: User {
                model: s.user,
                own: true,
            },
        }
    }
}

/// Result of `logout`.
#[derive(SimpleObject, Debug)]
pub struct LogoutPayload {
    /// Always true: logging out twice is not an error.
    pub ok: bool,
}

/// Result of `logoutEverywhere`.
#[derive(SimpleObject, Debug)]
pub struct LogoutEverywherePayload {
    /// How many sessions ended (this one included).
    pub sessions: u64,
}

/// Result of `createUser`.
#[derive(SimpleObject, Debug)]
pub struct CreateUserPayload {
    /// The new user.
    pub user: User,
}

/// The client's address (unspecified when the transport has none, e.g. in-process calls).
pub(crate) fn client_addr(ctx: &Context<'_>) -> IpAddr {
    ctx.data_opt::<ClientAddr>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.0)
}

pub(crate) fn ttl(app: &Ctx) -> SessionTtl {
    SessionTtl {
        access: Duration::seconds(app.config.auth.access_token_ttl_secs as i64),
        refresh: Duration::days(app.config.auth.refresh_token_ttl_days as i64),
    }
}

/// Account queries.
#[derive(Default, Debug)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The signed-in user, or null for anonymous callers and read tokens.
    async fn me(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        let Some(id) = principal(ctx).user_id() else {
            return Ok(None);
        };
        let app = app(ctx)?;
        Ok(service::find_user(&app.db, id).await?.map(User::from))
    }

    /// The caller's API tokens, newest first; with `all: true` (admins only) every user's.
    #[graphql(guard = "SessionGuard")]
    async fn api_tokens(&self, ctx: &Context<'_>, all: Option<bool>) -> AppResult<Vec<ApiToken>> {
        let app = app(ctx)?;
        let who = principal(ctx);
        let id = who.signed_in()?;
        // Absent and null both mean the caller's own tokens.
        let tokens = if all == Some(true) {
            if !who.is_admin() {
                return Err(AppError::Forbidden);
            }
            service::list_all_api_tokens(&app.db).await?
        } else {
            service::list_api_tokens(&app.db, id).await?
        };
        Ok(tokens.into_iter().map(ApiToken).collect())
    }

    /// Every user, newest first, with search and filters (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<UserFilter>,
    ) -> AppResult<Connection<Cursor, User, ListCount>> {
        let app = app(ctx)?;
        let f = filter.unwrap_or_default();
        let page = service::list_users(
            &app.db,
            service::UserFilter {
                text: f.text,
                role: f.role,
                disabled: f.disabled,
            },
            first,
            after.as_deref(),
        )
        .await?;
        Ok(page.connection(after.is_some(), User::from))
    }
}

/// Account mutations.
#[derive(Default, Debug)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Signs in with email and password. Wrong passwords slow down the (account, client
    /// address) pair that sent them (exponential back-off, `RATE_LIMITED` with `retryAfter`)
    /// without locking the account for other addresses; each address also has a budget of
    /// attempts across all accounts.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<AuthPayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        let app = app(ctx)?;
        let addr = client_addr(ctx);
        // Bounded like a valid address, so a huge "email" cannot bloat the throttle's keys.
        let account: String = input
            .email
            .trim()
            .to_lowercase()
            .chars()
            .take(320)
            .collect();
        app.accounts
            .login_throttle
            .begin(&account, addr)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        let result = service::login(
            &app.db,
            &app.accounts.keys,
            ttl(app),
            &app.accounts.dummy_hash,
            &input.email,
            &input.password,
        )
        .await;
        match &result {
            Ok(_) => app.accounts.login_throttle.succeeded(&account, addr),
            Err(AppError::InvalidCredentials(_)) => {
                app.accounts.login_throttle.failed(&account, addr)
            }
            Err(_) => {}
        }
        result.map(AuthPayload::from)
    }

    /// Exchanges a refresh token for a new session. Each refresh token works once; presenting a
    /// spent one revokes every token of its session, access tokens included. Rate limited per
    /// client address.
    async fn refresh(&self, ctx: &Context<'_>, input: RefreshInput) -> AppResult<AuthPayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        let app = app(ctx)?;
        let addr = client_addr(ctx).to_string();
        app.accounts
            .refresh_by_address
            .check(&addr)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        app.accounts.refresh_by_address.record(&addr);
        service::refresh(
            &app.db,
            &app.accounts.sessions,
            &app.accounts.keys,
            ttl(app),
            &input.refresh_token,
        )
        .await
        .map(AuthPayload::from)
    }

    /// Ends the session the refresh token belongs to: its refresh tokens and, at once, its
    /// access tokens.
    async fn logout(&self, ctx: &Context<'_>, input: RefreshInput) -> AppResult<LogoutPayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        let app = app(ctx)?;
        service::logout(&app.db, &app.accounts.sessions, &input.refresh_token).await?;
        Ok(LogoutPayload { ok: true })
    }

    /// Ends every session of the caller ("sign out everywhere"), this one included: their
    /// refresh tokens and, at once, their access tokens, on every node. Signed in with a
    /// session only; API tokens keep working.
    #[graphql(guard = "SessionGuard")]
    async fn logout_everywhere(&self, ctx: &Context<'_>) -> AppResult<LogoutEverywherePayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        let app = app(ctx)?;
        let id = principal(ctx).signed_in()?;
        let n = service::logout_everywhere(&app.db, &app.accounts.sessions, id).await?;
        Ok(LogoutEverywherePayload {
            sessions: u64::try_from(n).unwrap_or(u64::MAX),
        })
    }

    /// Creates a user (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> AppResult<CreateUserPayload> {
        let app = app(ctx)?;
        let user = service::create_user(
            &app.db,
            NewUser {
                email: input.email,
                password: input.password,
                role: input.role,
                display_name: input.display_name,
            },
        )
        .await?;
        Ok(CreateUserPayload {
            user: User::from(user),
        })
    }

    /// Changes a user's role (admins, signed in with a session). The user's sessions end, as
    /// their access tokens carry the old role. The last active admin cannot be demoted.
    #[graphql(guard = "RoleGuard(Role::Admin).and(SessionGuard)")]
    async fn set_user_role(
        &self,
        ctx: &Context<'_>,
        input: SetUserRoleInput,
    ) -> AppResult<UpdateUserPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "User")?;
        let user = service::set_user_role(&app.db, &app.accounts.sessions, id, input.role).await?;
        Ok(UpdateUserPayload { user: user.into() })
    }

    /// Disables an account (admins, signed in with a session): it cannot sign in, and its
    /// sessions and API tokens stop working at once. The last active admin cannot be disabled.
    #[graphql(guard = "RoleGuard(Role::Admin).and(SessionGuard)")]
    async fn disable_user(
        &self,
        ctx: &Context<'_>,
        input: DisableUserInput,
    ) -> AppResult<UpdateUserPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "User")?;
        let user = service::disable_user(&app.db, &app.accounts.sessions, id).await?;
        Ok(UpdateUserPayload { user: user.into() })
    }

    /// Enables a disabled account (admins, signed in with a session); its API tokens work
    /// again, its old sessions stay ended.
    #[graphql(guard = "RoleGuard(Role::Admin).and(SessionGuard)")]
    async fn enable_user(
        &self,
        ctx: &Context<'_>,
        input: EnableUserInput,
    ) -> AppResult<UpdateUserPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "User")?;
        let user = service::enable_user(&app.db, &app.accounts.sessions, id).await?;
        Ok(UpdateUserPayload { user: user.into() })
    }

    /// Sets a new password for a user (admins, signed in with a session); every session of
    /// that user ends.
    #[graphql(guard = "RoleGuard(Role::Admin).and(SessionGuard)")]
    async fn set_user_password(
        &self,
        ctx: &Context<'_>,
        input: SetUserPasswordInput,
    ) -> AppResult<UpdateUserPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "User")?;
        let user =
            service::set_user_password(&app.db, &app.accounts.sessions, id, input.password).await?;
        Ok(UpdateUserPayload { user: user.into() })
    }

    /// Creates an API token owned by the caller, with capabilities (or the deprecated `scope`),
    /// optionally limited to channels the caller may edit and with an expiry (at most a year
    /// ahead). The secret is in the payload, once. A bad input is `VALIDATION` and creates
    /// nothing.
    #[graphql(guard = "SessionGuard")]
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> AppResult<CreateApiTokenPayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        super::tokens_graphql::create(ctx, input).await
    }

    /// Revokes one of the caller's API tokens (admins may revoke anyone's).
    #[graphql(guard = "SessionGuard")]
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiTokenInput,
    ) -> AppResult<RevokeApiTokenPayload> {
        // Sessions and tokens: nothing the public reads.
        crate::graphql::gate::changed_nothing_public(ctx);
        let app = app(ctx)?;
        let who = principal(ctx);
        let actor = who.signed_in()?;
        let id = from_global(&input.id, "ApiToken")?;
        let model = service::revoke_api_token(&app.db, actor, who.is_admin(), id).await?;
        Ok(RevokeApiTokenPayload {
            api_token: ApiToken(model),
        })
    }
}
