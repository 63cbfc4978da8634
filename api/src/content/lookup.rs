//! Channel items (videos, podcasts, playlists) as a viewer finds them, over what each entity
//! declares with [`InChannel`]: by id, by its channel's slug and its own, and the start of
//! their lists.

use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, Select};
use uuid::Uuid;

use super::TextColumns;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::OrderBy;
use crate::visibility::{self, Reach, Viewer};

/// An item of a channel that viewers look up and list.
pub trait InChannel: TextColumns {
    /// Its `id` and `channel_id` columns.
    const ID_CHANNEL: [Self::Column; 2];
    /// The channel an item is in.
    fn channel_id(model: &Self::Model) -> Uuid;
    /// The items `viewer` may see, directly or in lists.
    fn visible(viewer: &Viewer, reach: Reach) -> Condition;
}

/// An item by id, if `viewer` may see it.
pub async fn find<E: InChannel>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<E::Model>> {
    Ok(by_id::<E>(viewer, id).one(db).await?)
}

/// [`find`]'s statement.
pub fn by_id<E: InChannel>(viewer: &Viewer, id: Uuid) -> Select<E> {
    let [id_column, _] = E::ID_CHANNEL;
    E::find()
        .filter(id_column.eq(id))
        .filter(E::visible(viewer, Reach::Direct))
}

/// An item by id, if `viewer` manages its channel: `NOT_FOUND` (naming `what`) when there is
/// none, `FORBIDDEN` when `viewer` does not manage it.
pub async fn managed<E: InChannel>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
    what: &'static str,
) -> AppResult<E::Model> {
    let [id_column, _] = E::ID_CHANNEL;
    let current = E::find()
        .filter(id_column.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(what))?;
    visibility::require_manage(db, viewer, E::channel_id(&current)).await?;
    Ok(current)
}

/// An item by its channel's slug and its own, if `viewer` may see it.
pub async fn find_by_slug<E: InChannel>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_slug: &str,
    slug: &str,
) -> AppResult<Option<E::Model>> {
    Ok(by_slug::<E>(viewer, channel_slug, slug).one(db).await?)
}

/// [`find_by_slug`]'s statement.
pub fn by_slug<E: InChannel>(viewer: &Viewer, channel_slug: &str, slug: &str) -> Select<E> {
    let [_, slug_column, _] = E::text_columns();
    let [_, channel_column] = E::ID_CHANNEL;
    E::find()
        .filter(slug_column.eq(slug))
        .filter(super::in_channel_slug(channel_column, channel_slug))
        .filter(E::visible(viewer, Reach::Direct))
}

/// The start of a list of the items `viewer` may see in lists, of one channel if `channel_id`
/// is given, and the list's name in cursors (`<kind>:<order>`, then `:c<channel>`: a cursor of
/// one channel's list must not page another channel's).
pub fn listed<E: InChannel>(
    viewer: &Viewer,
    kind: &str,
    order: OrderBy,
    channel_id: Option<Uuid>,
) -> (Select<E>, String) {
    let mut select = E::find().filter(E::visible(viewer, Reach::Listed));
    let mut list = format!("{kind}:{}", order.as_str());
    if let Some(c) = channel_id {
        let [_, channel_column] = E::ID_CHANNEL;
        select = select.filter(channel_column.eq(c));
        list.push_str(&format!(":c{c}"));
    }
    (select, list)
}
