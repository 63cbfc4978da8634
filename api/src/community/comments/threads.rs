//! The pages of a thread: an item's top-level comments (newest or top first) and a comment's
//! replies (oldest first). Both read one item's rows through its index in the page's order,
//! filtered by [`super::readable`]; the caller has already been allowed to see the item.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{Target, readable};
use crate::community::entity::comment;
use crate::error::AppResult;
use crate::graphql::pagination::{self, Key, Page, Sort};
use crate::visibility::Viewer;

/// Order of an item's comments.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CommentOrder {
    /// Most recent first.
    #[default]
    Newest,
    /// Most replied to first, then most recent.
    Top,
}

/// Who reads a thread, and on which channel's item.
#[derive(Clone, Debug)]
pub struct Reader {
    /// The caller.
    pub viewer: Viewer,
    /// Whether they moderate the item's channel.
    pub moderator: bool,
    /// The item's channel.
    pub channel_id: Uuid,
}

/// One page of the top-level comments on `target`.
pub async fn comments(
    db: &impl ConnectionTrait,
    reader: &Reader,
    target: Target,
    order: CommentOrder,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<comment::Model>> {
    let select = comment::Entity::find();
    let (select, list) = match target {
        Target::Video(id) => (
            select.filter(comment::Column::VideoId.eq(id)),
            format!("comments:{id}"),
        ),
        Target::Episode(id) => (
            select.filter(comment::Column::EpisodeId.eq(id)),
            format!("comments:{id}"),
        ),
    };
    let select = select
        .filter(comment::Column::ParentId.is_null())
        .filter(readable(
            &reader.viewer,
            reader.moderator,
            reader.channel_id,
        ));
    let id = Expr::col((comment::Entity, comment::Column::Id));
    match order {
        CommentOrder::Newest => {
            let sort = Sort::by_id(id.into(), true);
            let key_of = |m: &comment::Model| (Key::None, m.id);
            pagination::fetch(db, select, &list, &sort, key_of, first, after).await
        }
        CommentOrder::Top => {
            let sort = Sort::by(
                Expr::col((comment::Entity, comment::Column::ReplyCount)),
                id.into(),
                true,
            );
            let key_of = |m: &comment::Model| (Key::Int(m.reply_count), m.id);
            let list = format!("{list}:top");
            pagination::fetch(db, select, &list, &sort, key_of, first, after).await
        }
    }
}

/// One page of the replies to `parent`, oldest first.
pub async fn replies(
    db: &impl ConnectionTrait,
    reader: &Reader,
    parent: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<comment::Model>> {
    let select = comment::Entity::find()
        .filter(comment::Column::ParentId.eq(parent))
        .filter(readable(
            &reader.viewer,
            reader.moderator,
            reader.channel_id,
        ));
    let sort = Sort::by_id(
        Expr::col((comment::Entity, comment::Column::Id)).into(),
        false,
    );
    let key_of = |m: &comment::Model| (Key::None, m.id);
    let list = format!("replies:{parent}");
    pagination::fetch(db, select, &list, &sort, key_of, first, after).await
}
