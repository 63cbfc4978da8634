//! GraphQL types and resolvers of playlists.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::entity::{playlist, playlist_item};
use super::service::{self, NewPlaylist, PlaylistChanges, PlaylistQuery};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::channels::graphql::Channel;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::items;
use crate::graphql::pagination::{Cursor, ListCount, OrderBy, PageRequest};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::{DeletePayload, id_input, item_payload, opt_id};
use crate::graphql::{app, loaders, viewer};
use crate::videos::graphql::Video;
use crate::visibility::Visibility;

/// An ordered list of a channel's videos.
#[derive(Debug, Clone)]
pub struct Playlist(pub playlist::Model);

/// A video at a position in a playlist.
#[derive(Debug, Clone)]
pub struct PlaylistItem(pub playlist_item::Model);

#[Object]
impl PlaylistItem {
    /// Global ID of the item (not of the video).
    async fn id(&self) -> ID {
        to_global("PlaylistItem", self.0.id)
    }
    /// 0-based position; positions of the whole playlist are dense.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// The video.
    async fn video(&self, ctx: &Context<'_>) -> AppResult<Video> {
        loaders(ctx)?
            .video()
            .load_one(self.0.video_id)
            .await?
            .map(Video)
            .ok_or(AppError::NotFound("video"))
    }
}

#[Object]
impl Playlist {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Playlist", self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Address part, unique within the channel.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Description as written (Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Description rendered to sanitized HTML.
    async fn description_html(&self) -> String {
        content::render_markdown(&self.0.description)
    }
    /// Who may see it.
    async fn visibility(&self) -> AppResult<Visibility> {
        Visibility::parse(&self.0.visibility)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The channel it belongs to.
    async fn channel(&self, ctx: &Context<'_>) -> AppResult<Channel> {
        Channel::load(ctx, self.0.channel_id).await
    }
    /// The playlist's page in the web app (`/playlists/{uuid}`), absolute, on the configured
    /// public URL.
    async fn watch_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::playlist_page(
            &app(ctx)?.config,
            self.0.id,
        ))
    }
    /// The embed page (`/embed/playlists/{uuid}`): the video player moving through the items
    /// the public may watch (`?index=N` starts elsewhere). It serves a public or unlisted
    /// playlist, else 404.
    async fn embed_url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(crate::delivery::urls::playlist_embed(
            &app(ctx)?.config,
            self.0.id,
        ))
    }
    /// An `<iframe>` of the embed page, `width` × `height` CSS pixels (default 640 × 360; width
    /// 100 to 3840, height 50 to 2160, `VALIDATION` outside), every value escaped: paste it as it is.
    async fn embed_html(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 640)] width: i32,
        #[graphql(default = 360)] height: i32,
    ) -> AppResult<String> {
        let src = crate::delivery::urls::playlist_embed(&app(ctx)?.config, self.0.id);
        crate::delivery::urls::sized_iframe(&src, width, height, &self.0.title)
    }
    /// Its items in order, leaving out videos the caller may not see. `first` is capped at 100.
    async fn items(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, PlaylistItem, ListCount>> {
        let page = service::items(
            &app(ctx)?.db,
            &viewer(ctx),
            self.0.id,
            first,
            after.as_deref(),
        )
        .await?;
        let video = crate::graphql::loaders::nodes_of(ctx.look_ahead()).map(|n| n.field("video"));
        let loaders = loaders(ctx)?;
        if video.iter().any(|v| v.exists()) {
            let videos = loaders
                .videos_now(page.rows.iter().map(|(_, item)| item.video_id))
                .await?;
            let videos: Vec<&crate::videos::entity::video::Model> = videos.values().collect();
            loaders
                .prefetch_videos(&video, &videos, crate::graphql::principal(ctx).user_id())
                .await?;
        }
        Ok(page.connection(after.is_some(), PlaylistItem))
    }
}

/// Filters of playlist lists.
#[derive(InputObject, Debug, Default, Clone)]
pub struct PlaylistFilter {
    /// Only this channel's playlists.
    pub channel: Option<ID>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
}

/// The playlist list behind `playlists` and `Channel.playlists`.
pub async fn list(
    ctx: &Context<'_>,
    filter: Option<PlaylistFilter>,
    request: PageRequest,
) -> AppResult<Connection<Cursor, Playlist, ListCount>> {
    let f = filter.unwrap_or_default();
    let query = PlaylistQuery {
        channel_id: opt_id(f.channel.as_ref(), "Channel")?,
        visibility: f.visibility,
        text: f.text,
    };
    if matches!(request.order, OrderBy::MostViewed | OrderBy::Trending) {
        return Err(AppError::validation(
            "orderBy: MOST_VIEWED and TRENDING apply to videos only",
        ));
    }
    let page = service::list(&app(ctx)?.db, &viewer(ctx), query, &request).await?;
    Ok(request.connection(page, Playlist))
}

/// A new playlist.
#[derive(InputObject, Debug)]
pub struct CreatePlaylistInput {
    /// The channel it belongs to.
    pub channel_id: ID,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Slug, unique within the channel; made from the title when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Defaults to PUBLIC.
    pub visibility: Option<Visibility>,
}

/// Changes to a playlist.
#[derive(InputObject, Debug)]
pub struct UpdatePlaylistInput {
    /// The playlist.
    pub id: ID,
    /// The changes, as the service takes them.
    #[graphql(flatten)]
    pub changes: PlaylistChanges,
}

id_input!(
    DeletePlaylistInput,
    "Which playlist to delete.",
    "The playlist."
);

/// A video to add to a playlist.
#[derive(InputObject, Debug)]
pub struct AddPlaylistItemInput {
    /// The playlist.
    pub playlist_id: ID,
    /// A video of the playlist's channel.
    pub video_id: ID,
    /// 0-based position (default: the end); at most the number of items.
    pub position: Option<i32>,
}

/// An item to move.
#[derive(InputObject, Debug)]
pub struct MovePlaylistItemInput {
    /// The item.
    pub item_id: ID,
    /// Its new 0-based position, less than the number of items.
    pub position: i32,
}

/// An item to remove.
#[derive(InputObject, Debug)]
pub struct RemovePlaylistItemInput {
    /// The item.
    pub item_id: ID,
}

item_payload!(
    PlaylistPayload,
    "Result of a change to a playlist.",
    playlist: Playlist(playlist::Model),
    "The playlist after the change."
);

/// Result of adding or moving an item.
#[derive(SimpleObject, Debug)]
pub struct PlaylistItemPayload {
    /// The playlist after the change.
    pub playlist: Playlist,
    /// The item after the change.
    pub item: PlaylistItem,
}

/// Playlist queries.
#[derive(Default, Debug)]
pub struct PlaylistsQuery;

#[Object]
impl PlaylistsQuery {
    /// A playlist by ID, or by its channel's slug and its own slug.
    async fn playlist(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        channel_slug: Option<String>,
        slug: Option<String>,
    ) -> AppResult<Option<Playlist>> {
        let found =
            items::find_with_channel::<playlist::Entity>(ctx, id, channel_slug, slug).await?;
        Ok(found.map(Playlist))
    }

    /// Playlists the caller may see. `first` defaults to 24 and is capped at 100.
    async fn playlists(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PlaylistFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<Cursor, Playlist, ListCount>> {
        list(ctx, filter, PageRequest::new(first, after, order_by)).await
    }
}

/// Playlist mutations.
#[derive(Default, Debug)]
pub struct PlaylistsMutation;

#[Object]
impl PlaylistsMutation {
    /// Creates a playlist in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_playlist(
        &self,
        ctx: &Context<'_>,
        input: CreatePlaylistInput,
    ) -> AppResult<PlaylistPayload> {
        let new = NewPlaylist {
            channel_id: from_global(&input.channel_id, "Channel")?,
            title: input.title,
            slug: input.slug,
            description: input.description,
            visibility: input.visibility,
        };
        let p = service::create(&app(ctx)?.db, &viewer(ctx), new).await?;
        Ok(PlaylistPayload::from(p))
    }

    /// Changes a playlist.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_playlist(
        &self,
        ctx: &Context<'_>,
        input: UpdatePlaylistInput,
    ) -> AppResult<PlaylistPayload> {
        let id = from_global(&input.id, "Playlist")?;
        let p = service::update(&app(ctx)?.db, &viewer(ctx), id, input.changes).await?;
        Ok(PlaylistPayload::from(p))
    }

    /// Deletes a playlist (its videos stay).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_playlist(
        &self,
        ctx: &Context<'_>,
        input: DeletePlaylistInput,
    ) -> AppResult<DeletePayload> {
        items::delete::<playlist::Entity>(ctx, input.id).await
    }

    /// Adds a video to a playlist; items at and after the position move down.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn add_playlist_item(
        &self,
        ctx: &Context<'_>,
        input: AddPlaylistItemInput,
    ) -> AppResult<PlaylistItemPayload> {
        let playlist_id = from_global(&input.playlist_id, "Playlist")?;
        let video_id = from_global(&input.video_id, "Video")?;
        let (p, item) = service::add_item(
            &app(ctx)?.db,
            &viewer(ctx),
            playlist_id,
            video_id,
            input.position,
        )
        .await?;
        Ok(PlaylistItemPayload {
            playlist: Playlist(p),
            item: PlaylistItem(item),
        })
    }

    /// Moves an item; positions stay dense even when editors reorder at once.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn move_playlist_item(
        &self,
        ctx: &Context<'_>,
        input: MovePlaylistItemInput,
    ) -> AppResult<PlaylistItemPayload> {
        let item_id = from_global(&input.item_id, "PlaylistItem")?;
        let (p, item) =
            service::move_item(&app(ctx)?.db, &viewer(ctx), item_id, input.position).await?;
        Ok(PlaylistItemPayload {
            playlist: Playlist(p),
            item: PlaylistItem(item),
        })
    }

    /// Removes an item; the items after it move up.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn remove_playlist_item(
        &self,
        ctx: &Context<'_>,
        input: RemovePlaylistItemInput,
    ) -> AppResult<PlaylistPayload> {
        let item_id = from_global(&input.item_id, "PlaylistItem")?;
        let p = service::remove_item(&app(ctx)?.db, &viewer(ctx), item_id).await?;
        Ok(PlaylistPayload::from(p))
    }
}
