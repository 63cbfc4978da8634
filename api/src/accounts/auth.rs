//! Who is calling: the typed `Auth` extractor and the GraphQL guards.
//!
//! Resolvers never inspect headers or compare roles themselves: the handler resolves the caller
//! once into a [`Principal`] and puts it in the request's data, and guards on the resolvers decide.

use std::net::{IpAddr, SocketAddr};

use async_graphql::{Context, Guard};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use uuid::Uuid;

use super::capabilities::TokenGrant;
use super::{Role, service};
use crate::error::{AppError, AppResult};
use crate::graphql::principal;
use crate::state::{AppState, Ctx};

/// How a signed-in user proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A JWT access token from `login`/`refresh`.
    Session,
    /// An API token with more than READ: what it grants bounds what the owner's rights allow
    /// (its capabilities, checked by `accounts::operations` on every GraphQL operation and by
    /// the tus uploader; its channels, by `visibility::Viewer`).
    ApiToken(TokenGrant),
}

/// The caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// Nobody in particular.
    Anonymous,
    /// A user, with the rights of their role.
    User {
        /// The user's id.
        id: Uuid,
        /// The user's role.
        role: Role,
        /// The credential presented.
        via: Via,
    },
    /// An API token whose only capability is READ: sees exactly what anonymous visitors see.
    ReadToken {
        /// The token's id.
        token_id: Uuid,
        /// Its owner.
        owner: Uuid,
    },
}

impl Principal {
    /// The acting user, if any (read tokens act as nobody).
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Self::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The acting user's id, or why there is none: `UNAUTHENTICATED` for nobody, `FORBIDDEN`
    /// for a READ-only token (a valid credential that may only read).
    pub fn signed_in(&self) -> Result<Uuid, AppError> {
        match self {
            Self::User { id, .. } => Ok(*id),
            Self::ReadToken { .. } => Err(AppError::Forbidden),
            Self::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// The acting user's role, if any.
    pub fn role(&self) -> Option<Role> {
        match self {
            Self::User { role, .. } => Some(*role),
            _ => None,
        }
    }

    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    /// What the API token the user called with grants (`None` for sessions, anonymous callers
    /// and READ-only tokens, which act as nobody).
    pub fn grant(&self) -> Option<&TokenGrant> {
        match self {
            Self::User {
                via: Via::ApiToken(grant),
                ..
            } => Some(grant),
            _ => None,
        }
    }
}

/// Axum extractor resolving the `Authorization` header into a [`Principal`].
///
/// A missing header is anonymous; a header that is present but invalid is rejected with
/// `UNAUTHENTICATED`, so a client with an expired token learns it must refresh instead of silently
/// seeing less.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        authenticate(&state.ctx, &parts.headers).await.map(Auth)
    }
}

/// Resolves the credentials in `headers`.
pub async fn authenticate(ctx: &Ctx, headers: &HeaderMap) -> AppResult<Principal> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(Principal::Anonymous);
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::InvalidCredentials("malformed Authorization header"))?;
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
    else {
        return Err(AppError::InvalidCredentials(
            "Authorization header must be `Bearer <token>`",
        ));
    };
    if token.starts_with("prj_") {
        let Some((api_token, owner)) = service::authenticate_api_token(&ctx.db, token).await?
        else {
            return Err(AppError::InvalidCredentials(
                "API token is invalid, expired or revoked",
            ));
        };
        let grant = TokenGrant::of(&api_token)?;
        return Ok(if grant.capabilities.read_only() {
            Principal::ReadToken {
                token_id: api_token.id,
                owner: owner.id,
            }
        } else {
            Principal::User {
                id: owner.id,
                role: Role::parse(&owner.role)?,
                via: Via::ApiToken(grant),
            }
        });
    }
    let claims = ctx.accounts.keys.verify(token)?;
    // Every request with an access token (POST, GET and the WebSocket's connection_init all
    // come here) checks its session, so logout and a detected refresh-token theft end it now.
    if let Some(sid) = claims.sid
        && ctx.accounts.sessions.is_revoked(&ctx.db, sid).await?
    {
        return Err(AppError::InvalidCredentials(
            "the session has ended; sign in again",
        ));
    }
    Ok(Principal::User {
        id: claims.sub,
        role: Role::parse(&claims.role)
            .map_err(|_| AppError::InvalidCredentials("access token is invalid"))?,
        via: Via::Session,
    })
}

/// The address of the client, for rate limits and logs.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// The part of an address that names one client (rate limits, view counting): an IPv4
/// address whole (also when mapped into IPv6), an IPv6 address by its /64 network.
pub fn network(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                IpAddr::from(octets)
            }
        },
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if state.ctx.config.auth.trust_forwarded_for {
            // The proxy appends the address it saw; the last entry is the one it vouches for.
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return Ok(Self(ip));
            }
        }
        Ok(Self(peer))
    }
}

/// Requires a signed-in user (session or write token) with at least the given role.
#[derive(Debug)]
pub struct RoleGuard(pub Role);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        match principal(ctx) {
            Principal::User { role, .. } if *role >= self.0 => Ok(()),
            Principal::User { .. } | Principal::ReadToken { .. } => Err(AppError::Forbidden.into()),
            Principal::Anonymous => Err(AppError::Unauthenticated.into()),
        }
    }
}

/// Requires a user signed in with a session, not an API token: managing credentials with a
/// credential would let a leaked token mint more.
#[derive(Debug)]
pub struct SessionGuard;

impl Guard for SessionGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        match principal(ctx) {
            Principal::User {
                via: Via::Session, ..
            } => Ok(()),
            Principal::User { .. } | Principal::ReadToken { .. } => Err(AppError::Forbidden.into()),
            Principal::Anonymous => Err(AppError::Unauthenticated.into()),
        }
    }
}
