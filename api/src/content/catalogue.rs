//! What every item of a channel's catalogue (video, podcast, episode, playlist) shares: the
//! checks of a new item's text and of changes to it, the channel it goes in, its publish window,
//! and the filters lists and lookups apply.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, IntoColumnRef, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait, Select,
};
use uuid::Uuid;

use crate::channels::entity::channel;
use crate::error::{AppError, AppResult};
use crate::visibility::{self, Viewer, Visibility};

/// Checks a new item's title, explicit slug (if any) and description, in that order; returns
/// the title and description to store (the slug is chosen later, in the write transaction).
pub fn new_text(
    title: &str,
    slug: Option<&str>,
    description: Option<String>,
) -> AppResult<(String, String)> {
    let title = super::title("title", title)?;
    if let Some(s) = slug {
        super::slug(s)?;
    }
    Ok((title, super::description(description)?))
}

/// The channel a new or moved item goes in must exist (`NOT_FOUND`) and be one `viewer`
/// manages (`FORBIDDEN`).
pub async fn require_channel(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
) -> AppResult<()> {
    if channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("channel"));
    }
    visibility::require_manage(db, viewer, channel_id).await
}

/// Refuses a publish window that ends before it starts.
pub fn check_window(
    publish_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if let (Some(from), Some(until)) = (publish_at, unpublish_at)
        && until <= from
    {
        return Err(AppError::validation(
            "unpublishAt: must be later than publishAt",
        ));
    }
    Ok(())
}

/// `column` (an item's channel id) names the channel with this slug.
pub fn in_channel_slug(column: impl ColumnTrait, channel_slug: &str) -> SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(channel::Column::Id)
            .from(channel::Entity)
            .and_where(channel::Column::Slug.eq(channel_slug))
            .to_owned(),
    )
}

/// The list filter "title contains `text`, ignoring case" (none for a blank `text`).
pub fn title_contains(title: impl IntoColumnRef, text: Option<String>) -> Option<SimpleExpr> {
    let text = text.filter(|t| !t.trim().is_empty())?;
    Some(
        Expr::expr(Func::lower(Expr::col(title)))
            .like(format!("%{}%", like_escape(&text.to_lowercase()))),
    )
}

/// Narrows a list of `E` by what every item list may be asked for: one visibility, and a title
/// that contains `text` ([`title_contains`]).
pub fn common_filters<E: TextColumns>(
    select: Select<E>,
    visibility: Option<Visibility>,
    text: Option<String>,
) -> Select<E> {
    let [title, _, _] = E::text_columns();
    select
        .apply_if(visibility, |s, v| {
            s.filter(E::visibility_column().eq(v.as_str()))
        })
        .apply_if(title_contains((E::default(), title), text), |s, f| {
            s.filter(f)
        })
}

/// Escapes `%` and `_` so user text matches literally in LIKE (without an ESCAPE clause the
/// backslash is literal on SQLite, so the wildcards are simply dropped instead).
pub fn like_escape(text: &str) -> String {
    text.chars().filter(|c| *c != '%' && *c != '_').collect()
}

/// An item with a title, a slug, a description and a visibility ([`set_text`] changes them).
pub trait TextColumns: EntityTrait {
    /// Its title, slug and description columns.
    fn text_columns() -> [Self::Column; 3];
    /// Its visibility column.
    fn visibility_column() -> Self::Column;
}

/// Implements [`TextColumns`] for the entity of the module it is invoked in, whose columns are
/// `Title`, `Slug`, `Description` and `Visibility`.
macro_rules! text_columns {
    () => {
        impl $crate::content::TextColumns for Entity {
            fn text_columns() -> [Column; 3] {
                [Column::Title, Column::Slug, Column::Description]
            }
            fn visibility_column() -> Column {
                Column::Visibility
            }
        }
    };
}
pub(crate) use text_columns;

/// What a change to any catalogue item may change: its title, slug, description and visibility
/// (each `None`: unchanged). The whole of `PlaylistChanges`, and the start of the others
/// (`VideoChanges`, …). Its descriptions are those of `UpdatePlaylistInput`, which flattens it.
#[derive(async_graphql::InputObject, Debug, Clone, Default)]
pub struct CommonChanges {
    /// New title.
    pub title: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

impl CommonChanges {
    /// Only a new visibility (the bulk mutations' `visibility`).
    pub fn visibility(visibility: Visibility) -> Self {
        Self {
            visibility: Some(visibility),
            ..Self::default()
        }
    }
}

/// Sets an item's changed title, slug and description on `active`, each checked in that
/// order, and its visibility; returns the new slug, or an empty string when it stays (what
/// [`crate::channels::service::slug_conflict`] names in a `CONFLICT`).
pub fn set_text<A>(active: &mut A, changes: CommonChanges) -> AppResult<String>
where
    A: ActiveModelTrait,
    A::Entity: TextColumns,
{
    let CommonChanges {
        title,
        slug,
        description,
        visibility,
    } = changes;
    let [title_column, slug_column, description_column] = A::Entity::text_columns();
    if let Some(t) = title {
        active.try_set(title_column, super::title("title", &t)?.into())?;
    }
    let mut new_slug = String::new();
    if let Some(s) = slug {
        new_slug = super::slug(&s)?;
        active.try_set(slug_column, new_slug.clone().into())?;
    }
    if let Some(d) = description {
        active.try_set(description_column, super::description(Some(d))?.into())?;
    }
    if let Some(v) = visibility {
        active.try_set(A::Entity::visibility_column(), v.as_str().into())?;
    }
    Ok(new_slug)
}
