//! GraphQL of comments: the `Comment` type, the thread fields of `Video` and `Episode`
//! (`comments`, through [`item_comments`]), and the payloads. The queries and mutations are in
//! `resolvers`.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::threads::{self, CommentOrder, Reader};
use super::{Author, CommentStatus, Target, author_names, moderates};
use crate::community::entity::{comment, comment_ban};
use crate::error::AppResult;
use crate::graphql::bulk::bulk_payload;
use crate::graphql::context::loaders;
use crate::graphql::pagination::{Cursor, ListCount, Page};
use crate::graphql::relay::to_global;
use crate::graphql::{app, principal, viewer};
use crate::podcasts::graphql::Episode;
use crate::videos::entity::video;
use crate::videos::graphql::Video;

/// A comment on a video or an episode, or a reply to one.
#[derive(Clone, Debug)]
pub struct Comment {
    /// The row.
    pub model: comment::Model,
    /// Its author's display name and avatar (none once the account is deleted).
    pub author: Option<Author>,
    /// Who reads it.
    pub reader: Reader,
}

/// One viewer's report of a comment, as its moderators see it.
#[derive(SimpleObject, Clone, Debug)]
pub struct CommentReport {
    /// Why, as the reporter wrote it; null when they gave no reason.
    pub reason: Option<String>,
    /// When it was reported.
    pub reported_at: DateTime<Utc>,
}

/// A user banned from a channel's comments.
#[derive(Clone, Debug)]
pub struct CommentBan {
    /// The row.
    pub model: comment_ban::Model,
    /// The user's display name and avatar.
    pub user: Option<Author>,
}

#[Object]
impl CommentBan {
    /// The banned user's ID (give it to `unbanFromChannelComments`).
    async fn user_id(&self) -> ID {
        to_global("User", self.model.user_id)
    }
    /// Their display name.
    async fn user_name(&self) -> Option<&str> {
        self.user.as_ref().map(|a| a.name.as_str())
    }
    /// Their avatar picture, if they have one.
    async fn user_avatar_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        avatar_url(ctx, self.user.as_ref())
    }
    /// The channel.
    async fn channel_id(&self) -> ID {
        to_global("Channel", self.model.channel_id)
    }
    /// When they were banned.
    async fn banned_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
}

/// The public URL of a user's avatar picture; none when they have none.
fn avatar_url(ctx: &Context<'_>, user: Option<&Author>) -> AppResult<Option<String>> {
    user.and_then(|a| a.avatar)
        .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, true))
        .transpose()
}

/// What a comment is on.
#[derive(Union, Debug, Clone)]
pub enum CommentItem {
    /// A video.
    Video(Video),
    /// A podcast episode.
    Episode(Episode),
}

#[Object]
impl Comment {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Comment", self.model.id)
    }
    /// The text as written (Markdown-lite).
    async fn body(&self) -> &str {
        &self.model.body
    }
    /// The text rendered to sanitised HTML (no HTML from the author; links are
    /// `rel="nofollow ugc noopener"`).
    async fn body_html(&self) -> &str {
        &self.model.body_html
    }
    /// PUBLISHED, or HELD for a moderator (only its author and the channel's moderators see
    /// held comments).
    async fn status(&self) -> AppResult<CommentStatus> {
        CommentStatus::parse(&self.model.status)
    }
    /// The author's display name; null once their account was deleted.
    async fn author_name(&self) -> Option<&str> {
        self.author.as_ref().map(|a| a.name.as_str())
    }
    /// The author's avatar picture; null when they have none or their account was deleted.
    async fn author_avatar_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        avatar_url(ctx, self.author.as_ref())
    }
    /// The author's user ID, for the channel's moderators (to ban them); null for others.
    async fn author_id(&self) -> Option<ID> {
        if self.reader.moderator {
            self.model.author_id.map(|id| to_global("User", id))
        } else {
            None
        }
    }
    /// Whether the caller wrote it.
    async fn viewer_is_author(&self, ctx: &Context<'_>) -> bool {
        principal(ctx).user_id().is_some() && principal(ctx).user_id() == self.model.author_id
    }
    /// The comment this one replies to; null for a top-level comment.
    async fn parent_id(&self) -> Option<ID> {
        self.model.parent_id.map(|id| to_global("Comment", id))
    }
    /// Published replies.
    async fn reply_count(&self) -> i64 {
        self.model.reply_count
    }
    /// Reports not yet reviewed, for the channel's moderators; null for others.
    async fn report_count(&self) -> Option<i64> {
        self.reader.moderator.then_some(self.model.report_count)
    }
    /// The reports not yet reviewed, the latest first (at most 20; `reportCount` says how
    /// many), for the channel's moderators; null for others. Who reported is not shown.
    async fn reports(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CommentReport>>> {
        if !self.reader.moderator || self.model.report_count == 0 {
            return Ok(self.reader.moderator.then(Vec::new));
        }
        let reports = loaders(ctx)?
            .comment_reports()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            reports
                .into_iter()
                .map(|r| CommentReport {
                    reason: r.reason,
                    reported_at: r.created_at,
                })
                .collect(),
        ))
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    /// When its author last changed it; null if never.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.model.edited_at
    }
    /// The video or episode it is on (null if the caller can no longer see it).
    async fn item(&self, ctx: &Context<'_>) -> AppResult<Option<CommentItem>> {
        let db = &app(ctx)?.db;
        let who = viewer(ctx);
        Ok(match Target::of(&self.model)? {
            Target::Video(id) => crate::content::find::<video::Entity>(db, &who, id)
                .await?
                .map(|v| CommentItem::Video(Video(v))),
            Target::Episode(id) => crate::podcasts::service::find_episode(db, &who, id)
                .await?
                .map(|e| CommentItem::Episode(Episode(e))),
        })
    }
    /// Its replies, oldest first (a reply has none).
    async fn replies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, Comment, ListCount>> {
        let db = &app(ctx)?.db;
        let page =
            threads::replies(db, &self.reader, self.model.id, first, after.as_deref()).await?;
        connection(db, &self.reader, page, after.is_some()).await
    }
}

/// A page of comments as a connection, with their authors' names in one statement.
pub async fn connection(
    db: &impl sea_orm::ConnectionTrait,
    reader: &Reader,
    page: Page<comment::Model>,
    has_previous: bool,
) -> AppResult<Connection<Cursor, Comment, ListCount>> {
    let names = author_names(db, &page.rows.iter().map(|(_, m)| m).collect::<Vec<_>>()).await?;
    Ok(page.connection(has_previous, |model| Comment {
        author: model.author_id.and_then(|a| names.get(&a).cloned()),
        model,
        reader: reader.clone(),
    }))
}

/// One comment for the caller, with its author's name.
pub async fn one(
    db: &impl sea_orm::ConnectionTrait,
    reader: Reader,
    model: comment::Model,
) -> AppResult<Comment> {
    let names = author_names(db, &[&model]).await?;
    Ok(Comment {
        author: model.author_id.and_then(|a| names.get(&a).cloned()),
        model,
        reader,
    })
}

/// `comments` of a video or an episode the caller can see (the parent resolver checked).
pub async fn item_comments(
    ctx: &Context<'_>,
    target: Target,
    channel_id: Uuid,
    order: CommentOrder,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Connection<Cursor, Comment, ListCount>> {
    let db = &app(ctx)?.db;
    let who = viewer(ctx);
    let reader = Reader {
        moderator: moderates(db, &who, channel_id).await?,
        viewer: who,
        channel_id,
    };
    let page = threads::comments(db, &reader, target, order, first, after.as_deref()).await?;
    connection(db, &reader, page, after.is_some()).await
}

/// Result of `postComment` and `editComment`.
#[derive(SimpleObject, Debug)]
pub struct CommentPayload {
    /// The comment after the change (`status` says whether it waits for a moderator).
    pub comment: Comment,
}

/// Result of `deleteComment`.
#[derive(SimpleObject, Debug)]
pub struct DeleteCommentPayload {
    /// The deleted comment's ID (its replies went with it).
    pub deleted_id: ID,
}

bulk_payload!(
    BulkCommentsPayload,
    "The outcome of `approveComments` or `rejectComments`: one result per given ID, in input\n\
     order; each item is done in its own transaction.",
    BulkCommentResult,
    "What a bulk moderation did with one comment.",
    id: "The comment ID as given.",
    code: "Why not: the error code (`NOT_FOUND`, `FORBIDDEN`, ...); null when ok.",
    comment: Comment,
    "The comment after the change, when ok.",
);
