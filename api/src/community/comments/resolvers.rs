//! The comment queries and mutations: posting, editing, deleting and reporting (signed-in
//! users), and moderation (`moderationQueue`, `approveComments`, `rejectComments`,
//! `banFromChannelComments`, `unbanFromChannelComments`: editors of the channel and admins).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use uuid::Uuid;

use super::graphql::{
    BulkCommentsPayload, Comment, CommentBan, CommentPayload, DeleteCommentPayload, one,
};
use super::threads::Reader;
use super::write::{self, NewComment};
use super::{CommentStatus, Target, moderation};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::channels::graphql::Channel;
use crate::error::{AppError, AppResult};
use crate::graphql::bulk::{self, Outcome};
use crate::graphql::pagination::{Cursor, ListCount};
use crate::graphql::relay::{decode, from_global};
use crate::graphql::{app, principal, viewer};
use crate::visibility::Viewer;

/// A new comment or reply.
#[derive(InputObject, Debug)]
pub struct PostCommentInput {
    /// The video's or the episode's ID.
    pub item_id: ID,
    /// The text, Markdown-lite: 1 to `accounts.comment_max_chars` characters, no HTML.
    pub body: String,
    /// The top-level comment this replies to (a reply cannot be replied to).
    pub parent_id: Option<ID>,
}

/// A new text for one's own comment.
#[derive(InputObject, Debug)]
pub struct EditCommentInput {
    /// The comment.
    pub id: ID,
    /// The new text (the same rules as when posting).
    pub body: String,
}

/// Which comment to delete.
#[derive(InputObject, Debug)]
pub struct DeleteCommentInput {
    /// The comment (its replies go with it).
    pub id: ID,
}

/// A comment to report to the channel's moderators.
#[derive(InputObject, Debug)]
pub struct ReportCommentInput {
    /// The comment.
    pub id: ID,
    /// Why, in up to 500 characters.
    pub reason: Option<String>,
}

/// The comments a bulk moderation acts on.
#[derive(InputObject, Debug)]
pub struct ModerateCommentsInput {
    /// Comment IDs, at most 100, each once.
    pub ids: Vec<ID>,
}

/// Who to ban from (or let back into) a channel's comments.
#[derive(InputObject, Debug)]
pub struct ChannelCommentsBanInput {
    /// The channel.
    pub channel_id: ID,
    /// The user (a comment's `authorId`).
    pub user_id: ID,
}

/// Result of `banFromChannelComments` and `unbanFromChannelComments`.
#[derive(SimpleObject, Debug)]
pub struct ChannelCommentsBanPayload {
    /// The channel.
    pub channel: Channel,
}

fn me(ctx: &Context<'_>) -> AppResult<Uuid> {
    principal(ctx).signed_in()
}

fn target(id: &ID) -> AppResult<Target> {
    match decode(id)? {
        (kind, id) if kind == "Video" => Ok(Target::Video(id)),
        (kind, id) if kind == "Episode" => Ok(Target::Episode(id)),
        _ => Err(AppError::validation(
            "itemId: must be the ID of a video or an episode",
        )),
    }
}

/// The comment as its moderator (or author) reads it after a change.
async fn payload(ctx: &Context<'_>, id: Uuid) -> AppResult<Comment> {
    let db = &app(ctx)?.db;
    let who = viewer(ctx);
    let (model, item, moderator) = super::get(db, &who, id).await?;
    one(
        db,
        Reader {
            viewer: who,
            moderator,
            channel_id: item.channel_id,
        },
        model,
    )
    .await
}

fn moderator_reader(who: Viewer) -> Reader {
    // `channel_id` is only read for callers who do not moderate.
    Reader {
        viewer: who,
        moderator: true,
        channel_id: Uuid::nil(),
    }
}

/// Comment queries.
#[derive(Default, Debug)]
pub struct CommentsQuery;

#[Object]
impl CommentsQuery {
    /// Held comments and reported published comments on the items of the channels the caller
    /// edits (every channel for admins; `channelId` narrows it to one), newest first.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn moderation_queue(
        &self,
        ctx: &Context<'_>,
        channel_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, Comment, ListCount>> {
        let db = &app(ctx)?.db;
        let who = viewer(ctx);
        let channel = channel_id.map(|c| from_global(&c, "Channel")).transpose()?;
        let page = moderation::queue(db, &who, channel, first, after.as_deref()).await?;
        super::graphql::connection(db, &moderator_reader(who), page, after.is_some()).await
    }

    /// The users banned from a channel's comments, the latest ban first: editors of the
    /// channel and admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn comment_bans(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, CommentBan, ListCount>> {
        let db = &app(ctx)?.db;
        let channel = from_global(&channel_id, "Channel")?;
        let page = moderation::bans(db, &viewer(ctx), channel, first, after.as_deref()).await?;
        let ids = page.rows.iter().map(|(_, b)| b.user_id).collect();
        let users = super::users_as_authors(db, ids).await?;
        Ok(page.connection(after.is_some(), |model| CommentBan {
            user: users.get(&model.user_id).cloned(),
            model,
        }))
    }
}

/// Comment mutations.
#[derive(Default, Debug)]
pub struct CommentsMutation;

#[Object]
impl CommentsMutation {
    /// Comments on a video or an episode the caller can see (`NOT_FOUND` otherwise), or
    /// replies to a top-level comment. Refused: comments off (`CONFLICT`), a caller banned from
    /// the channel's comments (`FORBIDDEN`), an account younger than
    /// `accounts.comment_after_secs` or over `accounts.comments_per_window` (`RATE_LIMITED`),
    /// an empty, too long or HTML body or a reply to a reply (`VALIDATION`). Held for a
    /// moderator when the channel's `commentModeration` says so.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn post_comment(
        &self,
        ctx: &Context<'_>,
        input: PostCommentInput,
    ) -> AppResult<CommentPayload> {
        let app = app(ctx)?;
        let new = NewComment {
            target: target(&input.item_id)?,
            parent: input
                .parent_id
                .map(|p| from_global(&p, "Comment"))
                .transpose()?,
            body: input.body,
        };
        let created =
            write::post(&app.db, &app.config.accounts, &viewer(ctx), me(ctx)?, new).await?;
        Ok(CommentPayload {
            comment: payload(ctx, created.id).await?,
        })
    }

    /// Changes the caller's own comment (`FORBIDDEN` for anyone else's).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        input: EditCommentInput,
    ) -> AppResult<CommentPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "Comment")?;
        let who = viewer(ctx);
        write::edit(
            &app.db,
            &app.config.accounts,
            &who,
            me(ctx)?,
            id,
            &input.body,
        )
        .await?;
        Ok(CommentPayload {
            comment: payload(ctx, id).await?,
        })
    }

    /// Deletes a comment and its replies: its author, editors of its channel and admins.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        input: DeleteCommentInput,
    ) -> AppResult<DeleteCommentPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "Comment")?;
        write::delete(&app.db, &viewer(ctx), me(ctx)?, id).await?;
        Ok(DeleteCommentPayload {
            deleted_id: input.id,
        })
    }

    /// Reports a comment the caller can read to its channel's moderators; reporting twice
    /// counts once.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn report_comment(
        &self,
        ctx: &Context<'_>,
        input: ReportCommentInput,
    ) -> AppResult<CommentPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "Comment")?;
        write::report(&app.db, &viewer(ctx), me(ctx)?, id, input.reason).await?;
        Ok(CommentPayload {
            comment: payload(ctx, id).await?,
        })
    }

    /// Publishes held (or rejected) comments and clears their reports, each like a single
    /// approval: one result per ID in input order. Editors of the comments' channels, admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn approve_comments(
        &self,
        ctx: &Context<'_>,
        input: ModerateCommentsInput,
    ) -> AppResult<BulkCommentsPayload> {
        moderate(ctx, input.ids, CommentStatus::Published).await
    }

    /// Rejects comments (hidden from everyone, their reports cleared): one result per ID in
    /// input order. Editors of the comments' channels, admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn reject_comments(
        &self,
        ctx: &Context<'_>,
        input: ModerateCommentsInput,
    ) -> AppResult<BulkCommentsPayload> {
        moderate(ctx, input.ids, CommentStatus::Rejected).await
    }

    /// Stops a user from commenting on the channel's videos and episodes and hides their
    /// comments there from others; banning twice is not an error. Editors of the channel,
    /// admins.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn ban_from_channel_comments(
        &self,
        ctx: &Context<'_>,
        input: ChannelCommentsBanInput,
    ) -> AppResult<ChannelCommentsBanPayload> {
        ban(ctx, input, true).await
    }

    /// Lets a banned user comment on the channel again.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn unban_from_channel_comments(
        &self,
        ctx: &Context<'_>,
        input: ChannelCommentsBanInput,
    ) -> AppResult<ChannelCommentsBanPayload> {
        ban(ctx, input, false).await
    }
}

async fn moderate(
    ctx: &Context<'_>,
    ids: Vec<ID>,
    status: CommentStatus,
) -> AppResult<BulkCommentsPayload> {
    let app = app(ctx)?;
    let who = &viewer(ctx);
    let outcomes = bulk::run(ids, "Comment", "comments", |id| async move {
        moderation::set_status(&app.db, who, id, status)
            .await
            .map(Some)
    })
    .await?;
    let mut done = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        let result = match o.result {
            Ok(Some(m)) => Ok(Some(one(&app.db, moderator_reader(who.clone()), m).await?)),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        done.push(Outcome { id: o.id, result });
    }
    Ok(done.into())
}

async fn ban(
    ctx: &Context<'_>,
    input: ChannelCommentsBanInput,
    on: bool,
) -> AppResult<ChannelCommentsBanPayload> {
    let app = app(ctx)?;
    let channel = from_global(&input.channel_id, "Channel")?;
    let user = from_global(&input.user_id, "User")?;
    let model = moderation::set_ban(&app.db, &viewer(ctx), me(ctx)?, channel, user, on).await?;
    Ok(ChannelCommentsBanPayload {
        channel: Channel(model),
    })
}
