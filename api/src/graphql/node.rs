//! Relay's `Node` interface and the `node(id:)` query over every type.

use async_graphql::{Context, ID, Interface, Object};

use crate::accounts::graphql::User;
use crate::accounts::service as accounts;
use crate::channels::graphql::Channel;
use crate::community::comments::graphql::Comment;
use crate::error::AppResult;
use crate::graphql::relay::decode;
use crate::graphql::{app, principal, viewer};
use crate::playlists::entity::playlist;
use crate::playlists::graphql::Playlist;
use crate::podcasts::entity::podcast;
use crate::podcasts::graphql::{Episode, Podcast};
use crate::taxonomy::graphql::{Category, Tag};
use crate::videos::entity::video;
use crate::videos::graphql::Video;
use crate::{channels, podcasts, taxonomy};

/// An object with a global ID, refetchable with `node(id:)`.
#[derive(Interface, Debug, Clone)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID."))]
pub enum Node {
    /// A channel.
    Channel(Channel),
    /// A video.
    Video(Video),
    /// A playlist.
    Playlist(Playlist),
    /// A podcast.
    Podcast(Podcast),
    /// An episode.
    Episode(Episode),
    /// A category.
    Category(Category),
    /// A tag.
    Tag(Tag),
    /// A user (visible to themselves and to admins).
    User(User),
    /// A comment (on an item the caller can see, and readable by them).
    Comment(Comment),
}

/// The `node` query.
#[derive(Default, Debug)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID, or null when it does not exist or the caller may not see
    /// it (the same rules as every other read). A malformed ID is a `VALIDATION` error.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        let (kind, uuid) = decode(&id)?;
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        Ok(match kind.as_str() {
            "Channel" => channels::service::find(db, uuid)
                .await?
                .map(|m| Node::Channel(Channel(m))),
            "Video" => crate::content::find::<video::Entity>(db, &viewer, uuid)
                .await?
                .map(|m| Node::Video(Video(m))),
            "Playlist" => crate::content::find::<playlist::Entity>(db, &viewer, uuid)
                .await?
                .map(|m| Node::Playlist(Playlist(m))),
            "Podcast" => crate::content::find::<podcast::Entity>(db, &viewer, uuid)
                .await?
                .map(|m| Node::Podcast(Podcast(m))),
            "Episode" => podcasts::service::find_episode(db, &viewer, uuid)
                .await?
                .map(|m| Node::Episode(Episode(m))),
            "Category" => taxonomy::service::find_category(db, uuid)
                .await?
                .map(|m| Node::Category(Category(m))),
            "Tag" => taxonomy::service::find_tag(db, uuid)
                .await?
                .map(|m| Node::Tag(Tag(m))),
            "User" => {
                let who = principal(ctx);
                if who.is_admin() || who.user_id() == Some(uuid) {
                    accounts::find_user(db, uuid)
                        .await?
                        .map(|m| Node::User(User::from(m)))
                } else {
                    None
                }
            }
            "Comment" => match crate::community::comments::find(db, &viewer, uuid).await? {
                Some((model, item, moderator)) => {
                    let reader = crate::community::comments::threads::Reader {
                        viewer,
                        moderator,
                        channel_id: item.channel_id,
                    };
                    Some(Node::Comment(
                        crate::community::comments::graphql::one(db, reader, model).await?,
                    ))
                }
                None => None,
            },
            _ => None,
        })
    }
}
