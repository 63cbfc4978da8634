//! Comments on videos and episodes, with one level of replies and moderation per channel.
//!
//! One file per job: `render` (Markdown-lite to sanitised HTML, and the body rules), `write`
//! (post, edit, delete, report), `moderation` (approve, reject, bans, the queue), `threads`
//! (the pages of an item's comments and of a comment's replies) and `graphql`. This file holds
//! what they share: the item a comment is on, who may read a comment, and its counts.
//!
//! Who reads what: a comment is reached only through its video or episode, which must be
//! visible to the caller (`visibility.rs`), else it is `NOT_FOUND`. Editors of the item's
//! channel and admins (its moderators) see published and held comments; everyone else sees
//! published comments except those of users banned from the channel's comments or disabled,
//! and their own held ones. Rejected comments are seen by moderators only, in nothing but the
//! result of `rejectComments`.
//!
//! Counts: `comment_count` of an item is its published comments and replies, `reply_count` of
//! a comment its published replies; both change in the transaction that publishes or
//! unpublishes a comment ([`shift`]), never by counting rows on a read. A reply counts on its
//! item while its parent is published.

pub mod graphql;
pub mod moderation;
pub mod render;
pub mod resolvers;
pub mod threads;
pub mod write;

use std::collections::HashMap;

use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entity::{comment, comment_ban};
use crate::accounts::entity::user;
use crate::error::{AppError, AppResult};
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;
use crate::visibility::{self, Viewer};

/// Where a comment is.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CommentStatus {
    /// Shown to everyone who can see the item.
    Published,
    /// Waiting for a moderator; shown to its author and the channel's moderators only.
    Held,
    /// Refused by a moderator; shown to nobody.
    Rejected,
}

impl CommentStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Held => "held",
            Self::Rejected => "rejected",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "published" => Ok(Self::Published),
            "held" => Ok(Self::Held),
            "rejected" => Ok(Self::Rejected),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored comment status `{other}`"
            ))),
        }
    }
}

/// How a channel moderates new comments on its videos and episodes.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CommentModeration {
    /// Every comment is published at once.
    Publish,
    /// Comments of users with no published comment on the channel yet wait for a moderator.
    HoldNew,
    /// Every comment waits for a moderator.
    HoldAll,
}

impl CommentModeration {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::HoldNew => "hold_new",
            Self::HoldAll => "hold_all",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "publish" => Ok(Self::Publish),
            "hold_new" => Ok(Self::HoldNew),
            "hold_all" => Ok(Self::HoldAll),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored comment moderation `{other}`"
            ))),
        }
    }
}

/// What a comment is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A video.
    Video(Uuid),
    /// A podcast episode.
    Episode(Uuid),
}

impl Target {
    /// The target of a stored comment.
    pub fn of(c: &comment::Model) -> AppResult<Self> {
        match (c.video_id, c.episode_id) {
            (Some(v), None) => Ok(Self::Video(v)),
            (None, Some(e)) => Ok(Self::Episode(e)),
            _ => Err(AppError::internal(anyhow::anyhow!(
                "comment {} is on no single item",
                c.id
            ))),
        }
    }
}

/// The item a comment is on, as far as comments are concerned.
#[derive(Clone, Debug)]
pub struct ItemRef {
    /// Which item.
    pub target: Target,
    /// The channel whose editors moderate its comments.
    pub channel_id: Uuid,
    /// Whether comments are on.
    pub comments_enabled: bool,
}

/// The item if `viewer` may see it (by ID: unlisted items too); `NOT_FOUND` otherwise.
pub async fn find_item(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    target: Target,
) -> AppResult<ItemRef> {
    match target {
        Target::Video(id) => {
            let v = crate::content::find::<video::Entity>(db, viewer, id)
                .await?
                .ok_or(AppError::NotFound("video"))?;
            Ok(ItemRef {
                target,
                channel_id: v.channel_id,
                comments_enabled: v.comments_enabled,
            })
        }
        Target::Episode(id) => {
            let e = crate::podcasts::service::find_episode(db, viewer, id)
                .await?
                .ok_or(AppError::NotFound("episode"))?;
            Ok(ItemRef {
                target,
                channel_id: channel_of_podcast(db, e.podcast_id).await?,
                comments_enabled: e.comments_enabled,
            })
        }
    }
}

/// The channel of a podcast.
pub async fn channel_of_podcast(db: &impl ConnectionTrait, podcast_id: Uuid) -> AppResult<Uuid> {
    Ok(podcast::Entity::find_by_id(podcast_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("podcast"))?
        .channel_id)
}

/// Whether `viewer` moderates the channel's comments (its editors, admins).
pub async fn moderates(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel: Uuid,
) -> AppResult<bool> {
    match viewer {
        Viewer::Public => Ok(false),
        _ => visibility::can_manage(db, viewer, channel).await,
    }
}

fn user_of(viewer: &Viewer) -> Option<Uuid> {
    match viewer {
        Viewer::Member { user_id, .. } => Some(*user_id),
        Viewer::Limited { inner, .. } => user_of(inner),
        _ => None,
    }
}

/// The comments of one channel's items that `viewer` may read in a thread (the item itself
/// already visible to them), `moderator` saying whether they moderate the channel.
pub fn readable(viewer: &Viewer, moderator: bool, channel: Uuid) -> Condition {
    let status = Expr::col((comment::Entity, comment::Column::Status));
    if moderator {
        return Condition::all().add(status.is_in([
            CommentStatus::Published.as_str(),
            CommentStatus::Held.as_str(),
        ]));
    }
    let author = Expr::col((comment::Entity, comment::Column::AuthorId));
    let banned = Query::select()
        .column(comment_ban::Column::UserId)
        .from(comment_ban::Entity)
        .and_where(comment_ban::Column::ChannelId.eq(channel))
        .to_owned();
    let disabled = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::DisabledAt.is_not_null())
        .to_owned();
    let shown = Condition::any().add(author.clone().is_null()).add(
        Condition::all()
            .add(author.clone().not_in_subquery(banned))
            .add(author.clone().not_in_subquery(disabled)),
    );
    let published = Condition::all()
        .add(status.clone().eq(CommentStatus::Published.as_str()))
        .add(shown);
    match user_of(viewer) {
        Some(me) => Condition::any().add(published).add(
            Condition::all()
                .add(status.eq(CommentStatus::Held.as_str()))
                .add(author.eq(me)),
        ),
        None => published,
    }
}

/// A comment `viewer` may read, with its item and whether `viewer` moderates it; `None` when
/// it does not exist or is hidden from them.
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<(comment::Model, ItemRef, bool)>> {
    let Some(c) = comment::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let item = match find_item(db, viewer, Target::of(&c)?).await {
        Ok(item) => item,
        Err(AppError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let moderator = moderates(db, viewer, item.channel_id).await?;
    let shown = comment::Entity::find_by_id(id)
        .filter(readable(viewer, moderator, item.channel_id))
        .one(db)
        .await?;
    Ok(shown.map(|c| (c, item, moderator)))
}

/// [`find`], `NOT_FOUND` when hidden.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<(comment::Model, ItemRef, bool)> {
    find(db, viewer, id)
        .await?
        .ok_or(AppError::NotFound("comment"))
}

/// Who wrote a comment, as others see them.
#[derive(Clone, Debug)]
pub struct Author {
    /// Their display name.
    pub name: String,
    /// Their avatar picture.
    pub avatar: Option<Uuid>,
}

/// The authors of `comments`, by user id.
pub async fn author_names(
    db: &impl ConnectionTrait,
    comments: &[&comment::Model],
) -> AppResult<HashMap<Uuid, Author>> {
    users_as_authors(db, comments.iter().filter_map(|c| c.author_id).collect()).await
}

/// The names and avatars of the users `ids`, in one statement.
pub async fn users_as_authors(
    db: &impl ConnectionTrait,
    mut ids: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, Author>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            let author = Author {
                name: u.display_name,
                avatar: u.avatar_asset_id,
            };
            (u.id, author)
        })
        .collect())
}

async fn add_to(
    db: &impl ConnectionTrait,
    table: &'static str,
    column: &'static str,
    id: Uuid,
    delta: i64,
) -> AppResult<()> {
    use sea_orm::sea_query::Alias;
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), Expr::col(Alias::new(column)).add(delta))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    db.execute(db.get_database_backend().build(&update)).await?;
    Ok(())
}

/// Keeps the counts when `c` becomes published (`delta` 1) or stops being (`delta` -1): a
/// top-level comment takes its published replies along on its item's count; a reply changes
/// its parent's `reply_count`, and its item's count while the parent is published.
pub async fn shift(db: &impl ConnectionTrait, c: &comment::Model, delta: i64) -> AppResult<()> {
    let on_item = match c.parent_id {
        None => delta * (1 + c.reply_count),
        Some(parent) => {
            add_to(db, "comments", "reply_count", parent, delta).await?;
            let parent_published = comment::Entity::find_by_id(parent)
                .one(db)
                .await?
                .is_some_and(|p| p.status == CommentStatus::Published.as_str());
            if parent_published { delta } else { 0 }
        }
    };
    if on_item != 0 {
        match Target::of(c)? {
            Target::Video(id) => add_to(db, "videos", "comment_count", id, on_item).await?,
            Target::Episode(id) => add_to(db, "episodes", "comment_count", id, on_item).await?,
        }
    }
    Ok(())
}

/// Whether `user` is banned from commenting on the channel.
pub async fn is_banned(db: &impl ConnectionTrait, channel: Uuid, user: Uuid) -> AppResult<bool> {
    Ok(comment_ban::Entity::find_by_id((channel, user))
        .one(db)
        .await?
        .is_some())
}

/// The items of a channel, as a condition on comments: its videos' and its podcasts'
/// episodes'.
pub fn on_channels(channels: sea_orm::sea_query::SelectStatement) -> Condition {
    let videos = Query::select()
        .column(video::Column::Id)
        .from(video::Entity)
        .and_where(Expr::col(video::Column::ChannelId).in_subquery(channels.clone()))
        .to_owned();
    let podcasts = Query::select()
        .column(podcast::Column::Id)
        .from(podcast::Entity)
        .and_where(Expr::col(podcast::Column::ChannelId).in_subquery(channels))
        .to_owned();
    let episodes = Query::select()
        .column(episode::Column::Id)
        .from(episode::Entity)
        .and_where(Expr::col(episode::Column::PodcastId).in_subquery(podcasts))
        .to_owned();
    Condition::any()
        .add(Expr::col((comment::Entity, comment::Column::VideoId)).in_subquery(videos))
        .add(Expr::col((comment::Entity, comment::Column::EpisodeId)).in_subquery(episodes))
}
