//! The calls of the comments section (`graphql/comments.graphql`): an item's comments and a
//! comment's replies, read as the signed-in viewer when there may be one (authors see their
//! own held comments), and posting, editing, deleting and reporting.
//!
//! Checked against the schema at compile time, sent and read as JSON like
//! [`super::community`], to keep the viewer bundle small.

use serde_json::{Value, json};

use super::{ApiError, post};
use crate::session::Session;

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

json_operations!("graphql/comments.graphql": ItemComments,
    CommentReplies,
    PostComment,
    EditComment,
    DeleteComment,
    ReportComment);

/// One comment as the section shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Global ID.
    pub id: String,
    /// The text as written (for editing).
    pub body: String,
    /// The text as sanitised HTML.
    pub body_html: String,
    /// Waiting for a moderator (shown to its author only).
    pub held: bool,
    /// The author's name; `None` once the account is gone.
    pub author: Option<String>,
    /// Whether the viewer wrote it.
    pub mine: bool,
    /// Whether it is a reply.
    pub reply: bool,
    /// Published replies.
    pub reply_count: i64,
    /// When it was posted (RFC 3339).
    pub created_at: String,
    /// Whether its author changed it.
    pub edited: bool,
}

impl Comment {
    fn of(v: &Value) -> Option<Self> {
        Some(Self {
            id: v["id"].as_str()?.to_owned(),
            body: v["body"].as_str().unwrap_or_default().to_owned(),
            body_html: v["bodyHtml"].as_str().unwrap_or_default().to_owned(),
            held: v["status"] == "HELD",
            author: v["authorName"].as_str().map(str::to_owned),
            mine: v["viewerIsAuthor"] == true,
            reply: v["parentId"].is_string(),
            reply_count: v["replyCount"].as_i64().unwrap_or(0),
            created_at: v["createdAt"].as_str().unwrap_or_default().to_owned(),
            edited: v["editedAt"].is_string(),
        })
    }
}

/// A top-level comment with its first replies.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// The comment.
    pub comment: Comment,
    /// Its replies, oldest first.
    pub replies: Vec<Comment>,
    /// Where more replies start, when there are more.
    pub more_replies: Option<String>,
}

/// One page of an item's comments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommentsPage {
    /// Published comments and replies.
    pub count: i64,
    /// Whether viewers may comment.
    pub enabled: bool,
    /// The threads, in the order asked for.
    pub threads: Vec<Thread>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// The nodes of a connection as comments, and its next cursor.
fn nodes(connection: &Value) -> (Vec<&Value>, Option<String>) {
    let page = &connection["pageInfo"];
    let next = page["endCursor"]
        .as_str()
        .filter(|_| page["hasNextPage"] == true)
        .map(str::to_owned);
    let nodes = connection["nodes"]
        .as_array()
        .map(|n| n.iter().collect())
        .unwrap_or_default();
    (nodes, next)
}

/// Reads as the viewer when someone may be signed in (a session that turns out to be over
/// reads anonymously), else anonymously.
async fn read(session: Option<Session>, body: String) -> Result<Value, ApiError> {
    if let Some(session) = session.filter(|s| s.may_be_signed_in()) {
        match session.call_json(body.clone()).await {
            Err(e) if e.code() == Some("UNAUTHENTICATED") => {}
            other => return other,
        }
    }
    post(None, body).await
}

/// A page of the comments on the video or episode with this global ID, newest first or
/// `top` first.
pub async fn comments(
    session: Option<Session>,
    item: String,
    top: bool,
    after: Option<String>,
) -> Result<CommentsPage, ApiError> {
    let order = if top { "TOP" } else { "NEWEST" };
    let variables = json!({ "id": item, "order": order, "after": after });
    let data = read(session, json_request!(item_comments, variables)).await?;
    let node = &data["node"];
    let (list, next) = nodes(&node["comments"]);
    let threads = list
        .into_iter()
        .filter_map(|n| {
            let (replies, more_replies) = nodes(&n["replies"]);
            Some(Thread {
                comment: Comment::of(n)?,
                replies: replies.into_iter().filter_map(Comment::of).collect(),
                more_replies,
            })
        })
        .collect();
    Ok(CommentsPage {
        count: node["commentCount"].as_i64().unwrap_or(0),
        enabled: node["commentsEnabled"] == true,
        threads,
        next,
    })
}

/// More replies to a comment, after `after`.
pub async fn replies(
    session: Option<Session>,
    comment: String,
    after: Option<String>,
) -> Result<(Vec<Comment>, Option<String>), ApiError> {
    let variables = json!({ "id": comment, "after": after });
    let data = read(session, json_request!(comment_replies, variables)).await?;
    let (list, next) = nodes(&data["node"]["replies"]);
    Ok((list.into_iter().filter_map(Comment::of).collect(), next))
}

fn comment_in(data: &Value, field: &str) -> Result<Comment, ApiError> {
    Comment::of(&data[field]["comment"]).ok_or(ApiError::NoData)
}

/// Posts a comment on the item, or a reply to `parent`.
pub async fn post_comment(
    session: Session,
    item: String,
    parent: Option<String>,
    body: String,
) -> Result<Comment, ApiError> {
    let input = json!({ "itemId": item, "body": body, "parentId": parent });
    let data = session
        .call_json(json_request!(post_comment, json!({ "input": input })))
        .await?;
    comment_in(&data, "postComment")
}

/// Changes the text of the viewer's own comment.
pub async fn edit_comment(session: Session, id: String, body: String) -> Result<Comment, ApiError> {
    let input = json!({ "id": id, "body": body });
    let data = session
        .call_json(json_request!(edit_comment, json!({ "input": input })))
        .await?;
    comment_in(&data, "editComment")
}

/// Deletes the viewer's own comment (and its replies).
pub async fn delete_comment(session: Session, id: String) -> Result<(), ApiError> {
    session
        .call_json(json_request!(
            delete_comment,
            json!({ "input": { "id": id } })
        ))
        .await
        .map(|_| ())
}

/// Reports a comment to its channel's moderators, with an optional reason.
pub async fn report_comment(
    session: Session,
    id: String,
    reason: Option<String>,
) -> Result<(), ApiError> {
    let input = json!({ "id": id, "reason": reason });
    session
        .call_json(json_request!(report_comment, json!({ "input": input })))
        .await
        .map(|_| ())
}
