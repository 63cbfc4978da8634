//! GraphQL of the community: `signUp`, invitations, likes, subscriptions, the subscription feed
//! and watch history. The per-item fields (`likeCount`, `viewerHasLiked`, `viewerPosition`,
//! `subscriberCount`, `viewerIsSubscribed`) live on `Video`, `Episode` and `Channel` and call
//! the helpers at the end of this file.

use std::net::IpAddr;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};

use super::feed::{self, FeedRow};
use super::history::Item;
use super::registration::{self, SignUp};
use super::{follows, history, likes};
use crate::accounts::Role;
use crate::accounts::auth::{ClientAddr, RoleGuard};
use crate::channels::graphql::Channel;
use crate::config::Registration;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Cursor, ListCount};
use crate::graphql::relay::{decode, from_global};
use crate::graphql::{app, loaders, principal, viewer};
use crate::podcasts::graphql::Episode;
use crate::videos::graphql::Video;
use crate::visibility::Reach;

/// A new viewer account.
#[derive(InputObject, Debug)]
pub struct SignUpInput {
    /// Login email.
    pub email: String,
    /// At least 8 characters, not a common password, not the email.
    #[graphql(secret)]
    pub password: String,
    /// Name shown to others (1 to 100 characters).
    pub display_name: String,
    /// The secret of an invitation link: required while registration is by invitation; when
    /// given otherwise it must be usable too, and is used up.
    #[graphql(secret)]
    pub invitation: Option<String>,
}

/// Result of `signUp`: the same for a new account and for an email that already has one (so
/// accounts cannot be discovered); sign in with `login` next.
#[derive(SimpleObject, Debug)]
pub struct SignUpPayload {
    /// Always true.
    pub ok: bool,
}

/// A new invitation.
#[derive(InputObject, Debug, Default)]
pub struct CreateInvitationInput {
    /// Days the link works (1 to 90); `accounts.invitation_ttl_days` when absent.
    pub expires_in_days: Option<i32>,
}

/// Result of `createInvitation`.
#[derive(SimpleObject, Debug)]
pub struct CreateInvitationPayload {
    /// The invitation's secret, shown this once (only its hash is stored).
    pub token: String,
    /// The sign-up link to hand out: `<public_url>/signup?invitation=<token>`.
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Which video to like or unlike.
#[derive(InputObject, Debug)]
pub struct LikeVideoInput {
    /// The video's ID.
    pub video_id: ID,
}

/// Result of `likeVideo` and `unlikeVideo`.
#[derive(SimpleObject, Debug)]
pub struct LikeVideoPayload {
    /// The video (`viewerHasLiked` is up to date at once; `likeCount` after the next batch).
    pub video: Video,
}

/// Which episode to like or unlike.
#[derive(InputObject, Debug)]
pub struct LikeEpisodeInput {
    /// The episode's ID.
    pub episode_id: ID,
}

/// Result of `likeEpisode` and `unlikeEpisode`.
#[derive(SimpleObject, Debug)]
pub struct LikeEpisodePayload {
    /// The episode (`viewerHasLiked` is up to date at once; `likeCount` after the next batch).
    pub episode: Episode,
}

/// Which channel to follow or leave.
#[derive(InputObject, Debug)]
pub struct SubscribeInput {
    /// The channel's ID.
    pub channel_id: ID,
}

/// Result of `subscribe` and `unsubscribe`.
#[derive(SimpleObject, Debug)]
pub struct SubscribePayload {
    /// The channel (`viewerIsSubscribed` is up to date at once; `subscriberCount` after the
    /// next batch).
    pub channel: Channel,
}

/// Where the caller is in a video or an episode.
#[derive(InputObject, Debug)]
pub struct SaveWatchPositionInput {
    /// The video's or the episode's ID.
    pub item_id: ID,
    /// Seconds from the start (0 to the item's duration).
    pub seconds: f64,
}

/// Result of `saveWatchPosition`.
#[derive(SimpleObject, Debug)]
pub struct SaveWatchPositionPayload {
    /// The position as stored (capped at the item's duration).
    pub seconds: f64,
    /// When it was saved.
    pub updated_at: DateTime<Utc>,
}

/// Result of `clearWatchHistory`.
#[derive(SimpleObject, Debug)]
pub struct ClearWatchHistoryPayload {
    /// How many positions were forgotten.
    pub cleared: u64,
}

/// Something a viewer watched.
#[derive(Union, Debug, Clone)]
pub enum WatchedItem {
    /// A video.
    Video(Video),
    /// A podcast episode.
    Episode(Episode),
}

/// An item of the subscription feed.
#[derive(Union, Debug, Clone)]
pub enum FeedItem {
    /// A video.
    Video(Video),
    /// A podcast episode.
    Episode(Episode),
}

/// One entry of the watch history.
#[derive(SimpleObject, Debug, Clone)]
pub struct WatchHistoryEntry {
    /// What was watched; null when the caller can no longer see it.
    pub item: Option<WatchedItem>,
    /// Where the caller stopped, in seconds.
    pub seconds: f64,
    /// When the position was last saved.
    pub updated_at: DateTime<Utc>,
}

fn client_addr(ctx: &Context<'_>) -> IpAddr {
    ctx.data_opt::<ClientAddr>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.0)
}

fn user_id(ctx: &Context<'_>) -> AppResult<uuid::Uuid> {
    principal(ctx).signed_in()
}

/// Community queries.
#[derive(Default, Debug)]
pub struct CommunityQuery;

#[Object]
impl CommunityQuery {
    /// Who may sign up with `signUp` now.
    async fn registration(&self, ctx: &Context<'_>) -> AppResult<Registration> {
        let app = app(ctx)?;
        registration::mode(&app.db, &app.config).await
    }

    /// The newest videos and episodes of the channels the caller follows, newest first (by
    /// publish time). Only what the public may see in lists: published, public, ready.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn subscription_feed(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, FeedItem, ListCount>> {
        let app = app(ctx)?;
        let user = user_id(ctx)?;
        let page = feed::page(&app.db, user, first, after.as_deref()).await?;
        Ok(page.connection(after.is_some(), |row| match row {
            FeedRow::Video(v) => FeedItem::Video(Video(v)),
            FeedRow::Episode(e) => FeedItem::Episode(Episode(e)),
        }))
    }

    /// What the caller watched, most recently first, with where they stopped. Private: only
    /// the caller's own history.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn watch_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, WatchHistoryEntry, ListCount>> {
        let app = app(ctx)?;
        let user = user_id(ctx)?;
        let page = history::history(&app.db, user, first, after.as_deref()).await?;
        let who = viewer(ctx);
        let video_ids: Vec<_> = page.rows.iter().filter_map(|(_, m)| m.video_id).collect();
        let episode_ids: Vec<_> = page.rows.iter().filter_map(|(_, m)| m.episode_id).collect();
        let videos =
            crate::videos::service::find_many(&app.db, &who, video_ids, Reach::Direct).await?;
        let episodes = crate::podcasts::service::find_episodes(&app.db, &who, episode_ids).await?;
        Ok(page.connection(after.is_some(), |m| {
            let item = videos
                .iter()
                .find(|v| v.id == m.item_id)
                .map(|v| WatchedItem::Video(Video(v.clone())))
                .or_else(|| {
                    episodes
                        .iter()
                        .find(|e| e.id == m.item_id)
                        .map(|e| WatchedItem::Episode(Episode(e.clone())))
                });
            WatchHistoryEntry {
                item,
                seconds: m.position_secs,
                updated_at: m.updated_at,
            }
        }))
    }
}

/// Community mutations.
#[derive(Default, Debug)]
pub struct CommunityMutation;

#[Object]
impl CommunityMutation {
    /// Creates a viewer account while registration is open or by invitation (`FORBIDDEN` while
    /// closed). Rate limited per client address (`RATE_LIMITED`). A taken email gets the same
    /// answer as a free one and changes nothing; sign in with `login` next.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> AppResult<SignUpPayload> {
        let app = app(ctx)?;
        let addr = client_addr(ctx).to_string();
        app.community
            .signups
            .check(&addr)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        app.community.signups.record(&addr);
        let mode = registration::mode(&app.db, &app.config).await?;
        let created = registration::sign_up(
            &app.db,
            mode,
            SignUp {
                email: input.email,
                password: input.password,
                display_name: input.display_name,
                invitation: input.invitation,
            },
        )
        .await?;
        if let Some(user) = created {
            tracing::info!(user = %user.id, "viewer signed up");
        }
        Ok(SignUpPayload { ok: true })
    }

    /// Creates a single-use sign-up link (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_invitation(
        &self,
        ctx: &Context<'_>,
        input: Option<CreateInvitationInput>,
    ) -> AppResult<CreateInvitationPayload> {
        let app = app(ctx)?;
        let days = input
            .and_then(|i| i.expires_in_days)
            .unwrap_or(i32::try_from(app.config.accounts.invitation_ttl_days).unwrap_or(7));
        let (model, token) = registration::create_invitation(&app.db, user_id(ctx)?, days).await?;
        let mut url = app.config.public_url.clone();
        url.set_path(&format!("{}signup", app.config.public_url.path()));
        url.query_pairs_mut()
            .clear()
            .append_pair("invitation", &token);
        Ok(CreateInvitationPayload {
            token,
            url: url.to_string(),
            expires_at: model.expires_at,
        })
    }

    /// Likes a video the caller can see (`NOT_FOUND` otherwise); liking twice is not an error.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn like_video(
        &self,
        ctx: &Context<'_>,
        input: LikeVideoInput,
    ) -> AppResult<LikeVideoPayload> {
        video_like(ctx, &input.video_id, true).await
    }

    /// Takes back the caller's like of a video; unliking twice is not an error.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn unlike_video(
        &self,
        ctx: &Context<'_>,
        input: LikeVideoInput,
    ) -> AppResult<LikeVideoPayload> {
        video_like(ctx, &input.video_id, false).await
    }

    /// Likes an episode the caller can see (`NOT_FOUND` otherwise); liking twice is not an
    /// error.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn like_episode(
        &self,
        ctx: &Context<'_>,
        input: LikeEpisodeInput,
    ) -> AppResult<LikeEpisodePayload> {
        episode_like(ctx, &input.episode_id, true).await
    }

    /// Takes back the caller's like of an episode; unliking twice is not an error.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn unlike_episode(
        &self,
        ctx: &Context<'_>,
        input: LikeEpisodeInput,
    ) -> AppResult<LikeEpisodePayload> {
        episode_like(ctx, &input.episode_id, false).await
    }

    /// Follows a channel (`NOT_FOUND` for an unknown one); following twice is not an error and
    /// makes no second subscription.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn subscribe(
        &self,
        ctx: &Context<'_>,
        input: SubscribeInput,
    ) -> AppResult<SubscribePayload> {
        subscription(ctx, &input.channel_id, true).await
    }

    /// Stops following a channel; unsubscribing twice is not an error.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn unsubscribe(
        &self,
        ctx: &Context<'_>,
        input: SubscribeInput,
    ) -> AppResult<SubscribePayload> {
        subscription(ctx, &input.channel_id, false).await
    }

    /// Saves where the caller is in a video or an episode they can see (`NOT_FOUND`
    /// otherwise), for "continue watching".
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn save_watch_position(
        &self,
        ctx: &Context<'_>,
        input: SaveWatchPositionInput,
    ) -> AppResult<SaveWatchPositionPayload> {
        let app = app(ctx)?;
        let user = user_id(ctx)?;
        let item = match decode(&input.item_id)? {
            (kind, id) if kind == "Video" => Item::Video(id),
            (kind, id) if kind == "Episode" => Item::Episode(id),
            _ => {
                return Err(AppError::validation(
                    "itemId: must be the ID of a video or an episode",
                ));
            }
        };
        let saved =
            history::save_position(&app.db, &viewer(ctx), user, item, input.seconds).await?;
        Ok(SaveWatchPositionPayload {
            seconds: saved.position_secs,
            updated_at: saved.updated_at,
        })
    }

    /// Forgets every position of the caller's watch history.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn clear_watch_history(&self, ctx: &Context<'_>) -> AppResult<ClearWatchHistoryPayload> {
        let app = app(ctx)?;
        let cleared = history::clear(&app.db, user_id(ctx)?).await?;
        Ok(ClearWatchHistoryPayload { cleared })
    }
}

async fn video_like(ctx: &Context<'_>, id: &ID, like: bool) -> AppResult<LikeVideoPayload> {
    let app = app(ctx)?;
    let id = from_global(id, "Video")?;
    let video = likes::set_video_like(
        &app.db,
        &app.community.counters,
        &viewer(ctx),
        user_id(ctx)?,
        id,
        like,
    )
    .await?;
    Ok(LikeVideoPayload {
        video: Video(video),
    })
}

async fn episode_like(ctx: &Context<'_>, id: &ID, like: bool) -> AppResult<LikeEpisodePayload> {
    let app = app(ctx)?;
    let id = from_global(id, "Episode")?;
    let episode = likes::set_episode_like(
        &app.db,
        &app.community.counters,
        &viewer(ctx),
        user_id(ctx)?,
        id,
        like,
    )
    .await?;
    Ok(LikeEpisodePayload {
        episode: Episode(episode),
    })
}

async fn subscription(ctx: &Context<'_>, id: &ID, on: bool) -> AppResult<SubscribePayload> {
    let app = app(ctx)?;
    let id = from_global(id, "Channel")?;
    let channel =
        follows::set_subscription(&app.db, &app.community.counters, user_id(ctx)?, id, on).await?;
    Ok(SubscribePayload {
        channel: Channel(channel),
    })
}

/// `viewerHasLiked` of a video: false for anonymous callers and read tokens. Batched over a
/// page by the request's loaders.
pub async fn viewer_likes_video(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<bool> {
    match principal(ctx).user_id() {
        Some(user) => Ok(loaders(ctx)?
            .video_liked()
            .load_one((user, id))
            .await?
            .unwrap_or(false)),
        None => Ok(false),
    }
}

/// `viewerHasLiked` of an episode.
pub async fn viewer_likes_episode(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<bool> {
    match principal(ctx).user_id() {
        Some(user) => Ok(loaders(ctx)?
            .episode_liked()
            .load_one((user, id))
            .await?
            .unwrap_or(false)),
        None => Ok(false),
    }
}

/// `viewerIsSubscribed` of a channel.
pub async fn viewer_follows(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<bool> {
    match principal(ctx).user_id() {
        Some(user) => follows::follows(&app(ctx)?.db, user, id).await,
        None => Ok(false),
    }
}

/// `viewerPosition` of a video or an episode: null for anonymous callers and unwatched items.
pub async fn viewer_position(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<Option<f64>> {
    match principal(ctx).user_id() {
        Some(user) => Ok(loaders(ctx)?
            .positions()
            .load_one((user, id))
            .await?
            .flatten()),
        None => Ok(None),
    }
}
