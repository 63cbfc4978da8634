//! GraphQL types and resolvers of channels.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::ChannelRole;
use super::entity::channel;
use super::service::{self, ChannelChanges, ChannelFilter, NewChannel};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::accounts::graphql::User;
use crate::content::{self, delete_with_media};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Cursor, ListCount, OrderBy, PageRequest};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::{DeletePayload, id_input, item_payload};
use crate::graphql::{app, loaders, principal, viewer};
use crate::media::assets::Owner;
use crate::playlists::graphql::{Playlist, PlaylistFilter};
use crate::podcasts::graphql::{Podcast, PodcastFilter};
use crate::videos::graphql::{Video, VideoFilter};
use crate::visibility;

/// A channel: publishes videos, playlists and podcasts.
#[derive(Debug, Clone)]
pub struct Channel(pub channel::Model);

impl Channel {
    /// The channel with this id, through the request's loader (what an item's `channel` field
    /// shows; `NOT_FOUND` when it is gone).
    pub async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<Self> {
        loaders(ctx)?
            .channel()
            .load_one(id)
            .await?
            .map(Channel)
            .ok_or(AppError::NotFound("channel"))
    }
}

/// A user's membership of a channel.
#[derive(SimpleObject, Debug, Clone)]
pub struct ChannelMember {
    /// The member.
    pub user: User,
    /// Their role in the channel.
    pub role: ChannelRole,
}

// The fields that run a service (lists, comments, media, checks of the caller) box their
// futures: async-graphql moves every field's future, whose size is that of the largest field,
// for each field of each object of a page, so one unboxed list resolver made a card's `title`
// as costly to move as a whole list (`memmove` was 7 % of the uncached list in `perf`).
#[Object]
impl Channel {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Channel", self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique address part.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// How often its videos were watched (the order of `MOST_VIEWED`).
    async fn view_count(&self) -> i64 {
        self.0.view_count
    }
    /// How many signed-in viewers follow it (written in batches, like view counts).
    async fn subscriber_count(&self) -> i64 {
        self.0.subscriber_count
    }
    /// How new comments on its videos and episodes are moderated.
    async fn comment_moderation(&self) -> AppResult<crate::community::comments::CommentModeration> {
        crate::community::comments::CommentModeration::parse(&self.0.comment_moderation)
    }
    /// Whether the caller follows it (false for anonymous callers and read tokens).
    async fn viewer_is_subscribed(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Box::pin(crate::community::graphql::viewer_follows(ctx, self.0.id)).await
    }
    /// Description as written (Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Description rendered to sanitized HTML.
    async fn description_html(&self) -> String {
        content::render_markdown(&self.0.description)
    }
    /// The avatar picture, if one was uploaded.
    async fn avatar_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        // Channels have no visibility of their own: whoever sees one may see its pictures.
        self.0
            .avatar_asset_id
            .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, true))
            .transpose()
    }
    /// The banner picture, if one was uploaded.
    async fn banner_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        self.0
            .banner_asset_id
            .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, true))
            .transpose()
    }
    /// The channel's RSS feed of videos.
    async fn feed_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::channel_feed(
            &app(ctx)?.config,
            &self.0.slug,
        ))
    }
    /// When the channel was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the channel was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The members and their roles (visible to those who manage the channel).
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Vec<ChannelMember>> {
        let app = app(ctx)?;
        Box::pin(visibility::require_manage(&app.db, &viewer(ctx), self.0.id)).await?;
        Box::pin(service::members(&app.db, self.0.id))
            .await?
            .into_iter()
            .map(|(m, u)| {
                Ok(ChannelMember {
                    user: User::from(u),
                    role: ChannelRole::parse(&m.role)?,
                })
            })
            .collect()
    }
    /// Which sites may play its videos, by referrer (videos may set their own). Its managers
    /// and admins only.
    async fn playback_restriction(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<crate::delivery::referrer::Restriction> {
        Box::pin(visibility::require_manage(
            &app(ctx)?.db,
            &viewer(ctx),
            self.0.id,
        ))
        .await?;
        Ok(
            crate::delivery::referrer::Restriction::parse(self.0.playback_restriction.as_deref())
                .unwrap_or_default(),
        )
    }
    /// Whether its videos' MP4 and M4A downloads are made and offered (videos may say
    /// otherwise).
    async fn downloads_enabled(&self) -> bool {
        self.0.downloads_enabled
    }
    /// Whether the caller may manage this channel.
    async fn viewer_can_manage(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Box::pin(visibility::can_manage(
            &app(ctx)?.db,
            &viewer(ctx),
            self.0.id,
        ))
        .await
    }
    /// The channel's videos the caller may see. `first` is capped at 100.
    async fn videos(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<VideoFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Video, ListCount>> {
        let mut filter = filter.unwrap_or_default();
        filter.channel = Some(to_global("Channel", self.0.id));
        let request = PageRequest::new(first, after, order_by);
        Box::pin(crate::videos::graphql::list(ctx, Some(filter), request)).await
    }
    /// The channel's playlists the caller may see. `first` is capped at 100.
    async fn playlists(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Playlist, ListCount>> {
        let filter = PlaylistFilter {
            channel: Some(to_global("Channel", self.0.id)),
            ..PlaylistFilter::default()
        };
        let request = PageRequest::new(first, after, order_by);
        Box::pin(crate::playlists::graphql::list(ctx, Some(filter), request)).await
    }
    /// The channel's podcasts the caller may see. `first` is capped at 100.
    async fn podcasts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Podcast, ListCount>> {
        let filter = PodcastFilter {
            channel: Some(to_global("Channel", self.0.id)),
            ..PodcastFilter::default()
        };
        let request = PageRequest::new(first, after, order_by);
        Box::pin(crate::podcasts::graphql::list(ctx, Some(filter), request)).await
    }
}

/// Filters of the channel list.
#[derive(InputObject, Debug, Default)]
pub struct ChannelListFilter {
    /// Case-insensitive substring of the name.
    pub text: Option<String>,
    /// Only the channels the caller may manage (`true`; all of them for admins, none for
    /// anonymous callers and viewers). `false` or absent: every channel.
    pub managed_by_me: Option<bool>,
}

/// A new channel.
#[derive(InputObject, Debug)]
pub struct CreateChannelInput {
    /// Display name (1 to 200 characters).
    pub name: String,
    /// Unique slug; made from the name when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
}

/// Changes to a channel; absent fields stay as they are.
#[derive(InputObject, Debug)]
pub struct UpdateChannelInput {
    /// The channel.
    pub id: ID,
    /// The changes, as the service takes them.
    #[graphql(flatten)]
    pub changes: ChannelChanges,
}

id_input!(
    DeleteChannelInput,
    "Which channel to delete.",
    "The channel."
);

/// A user to add to a channel.
#[derive(InputObject, Debug)]
pub struct AddChannelMemberInput {
    /// The channel.
    pub channel_id: ID,
    /// The user (give this or `email`).
    pub user_id: Option<ID>,
    /// The user's login email, instead of `userId` (how an owner who is not an admin, and
    /// cannot list users, names the person to add).
    pub email: Option<String>,
    /// Their role in the channel.
    pub role: ChannelRole,
}

/// A user to remove from a channel.
#[derive(InputObject, Debug)]
pub struct RemoveChannelMemberInput {
    /// The channel.
    pub channel_id: ID,
    /// The user.
    pub user_id: ID,
}

item_payload!(
    ChannelPayload,
    "Result of a change to a channel.",
    channel: Channel(channel::Model),
    "The channel after the change."
);

/// Channel queries.
#[derive(Default, Debug)]
pub struct ChannelsQuery;

#[Object]
impl ChannelsQuery {
    /// A channel by ID or by slug (give exactly one).
    async fn channel(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> AppResult<Option<Channel>> {
        let db = &app(ctx)?.db;
        let found = match (id, slug) {
            (Some(id), None) => service::find(db, from_global(&id, "Channel")?).await?,
            (None, Some(slug)) => service::find_by_slug(db, &slug).await?,
            _ => return Err(AppError::validation("give exactly one of `id` and `slug`")),
        };
        Ok(found.map(Channel))
    }

    /// Channels. `first` defaults to 24 and is capped at 100.
    async fn channels(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ChannelListFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Channel, ListCount>> {
        let db = &app(ctx)?.db;
        let filter = filter.unwrap_or_default();
        let request = PageRequest::new(first, after, order_by);
        let page = service::list(
            db,
            ChannelFilter {
                text: filter.text,
                managed_by: filter.managed_by_me.unwrap_or(false).then(|| viewer(ctx)),
            },
            &request,
        )
        .await?;
        Ok(request.connection(page, Channel))
    }
}

/// Channel mutations.
#[derive(Default, Debug)]
pub struct ChannelsMutation;

#[Object]
impl ChannelsMutation {
    /// Creates a channel; the caller becomes its owner. Editors and admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_channel(
        &self,
        ctx: &Context<'_>,
        input: CreateChannelInput,
    ) -> AppResult<ChannelPayload> {
        let channel = service::create(
            &app(ctx)?.db,
            &viewer(ctx),
            principal(ctx).user_id(),
            NewChannel {
                name: input.name,
                slug: input.slug,
                description: input.description,
            },
        )
        .await?;
        Ok(ChannelPayload::from(channel))
    }

    /// Changes a channel. Its managers and admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_channel(
        &self,
        ctx: &Context<'_>,
        input: UpdateChannelInput,
    ) -> AppResult<ChannelPayload> {
        let id = from_global(&input.id, "Channel")?;
        let app = app(ctx)?;
        let downloads = input.changes.downloads_enabled.is_some();
        let channel = service::update(&app.db, &viewer(ctx), id, input.changes).await?;
        let max = app.config.transcode.max_attempts;
        if downloads
            && crate::transcode::downloads::ensure_channel(&app.db, channel.id, max).await? > 0
        {
            app.jobs.waiting.notify_waiters();
        }
        Ok(ChannelPayload::from(channel))
    }

    /// Deletes a channel with all its content. Its managers and admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_channel(
        &self,
        ctx: &Context<'_>,
        input: DeleteChannelInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Channel")?;
        let app = app(ctx)?;
        delete_with_media(
            app,
            Owner::Channel(id),
            service::delete(&app.db, &viewer(ctx), id),
        )
        .await?;
        Ok(DeletePayload::of(input.id))
    }

    /// Adds a user to a channel, or changes their role in it. Its managers and admins. The last
    /// owner cannot be demoted (`VALIDATION`): make another member an owner first.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn add_channel_member(
        &self,
        ctx: &Context<'_>,
        input: AddChannelMemberInput,
    ) -> AppResult<ChannelPayload> {
        let channel_id = from_global(&input.channel_id, "Channel")?;
        let db = &app(ctx)?.db;
        let user_id = match (&input.user_id, &input.email) {
            (Some(id), None) => from_global(id, "User")?,
            (None, Some(email)) => {
                // Managers only: anyone else must not learn which emails have accounts.
                service::managed(db, &viewer(ctx), channel_id).await?;
                let email = crate::accounts::service::normalize_email(email)?;
                crate::accounts::service::find_user_by_email(db, &email)
                    .await?
                    .ok_or_else(|| AppError::validation("email: no account has this email"))?
                    .id
            }
            _ => {
                return Err(AppError::validation(
                    "userId: give exactly one of userId and email",
                ));
            }
        };
        let channel =
            service::add_member(db, &viewer(ctx), channel_id, user_id, input.role).await?;
        Ok(ChannelPayload::from(channel))
    }

    /// Removes a user from a channel. Its managers and admins. The last owner cannot be removed
    /// (`VALIDATION`).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn remove_channel_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveChannelMemberInput,
    ) -> AppResult<ChannelPayload> {
        let channel_id = from_global(&input.channel_id, "Channel")?;
        let user_id = from_global(&input.user_id, "User")?;
        let channel =
            service::remove_member(&app(ctx)?.db, &viewer(ctx), channel_id, user_id).await?;
        Ok(ChannelPayload::from(channel))
    }
}
