//! Playlist services. Item positions are dense (0, 1, 2, ...) and every change to them runs in
//! one transaction that first locks the playlist, so concurrent reorders serialise instead of
//! leaving gaps or duplicates.

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::entity::{playlist, playlist_item};
use crate::channels::service::slug_conflict;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, Key, KeyOf, Page, PageRequest, Sort};
use crate::search::SearchKind;
use crate::videos::entity::video;
use crate::visibility::{self, Reach, Viewer, Visibility};
use crate::webhooks::outbox::{self, Change};

/// Most items a playlist may hold.
pub const MAX_ITEMS: u64 = 5000;

/// What a new playlist is made of.
#[derive(Debug, Clone)]
pub struct NewPlaylist {
    /// Owning channel.
    pub channel_id: Uuid,
    /// Title.
    pub title: String,
    /// Explicit slug.
    pub slug: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Defaults to PUBLIC.
    pub visibility: Option<Visibility>,
}

/// Changes to a playlist: what every item's change may change.
pub type PlaylistChanges = content::CommonChanges;

content::item!(
    playlist,
    node: "Playlist",
    search: SearchKind::Playlist,
    record: outbox::playlist,
    managed: lock_managed,
);

/// Creates a playlist in a channel the caller manages.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewPlaylist,
) -> AppResult<playlist::Model> {
    let (title, description) =
        content::new_text(&input.title, input.slug.as_deref(), input.description)?;
    let (txn, slug) = content::item::begin_in_channel::<playlist::Entity>(
        db,
        viewer,
        input.channel_id,
        input.slug.as_deref(),
        &title,
    )
    .await?;
    let now = Utc::now();
    let created = playlist::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel_id: Set(input.channel_id),
        title: Set(title),
        slug: Set(slug.clone()),
        description: Set(description),
        visibility: Set(Visibility::of_new(input.visibility)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(slug_conflict(&slug))?;
    content::item::commit::<playlist::Entity>(txn, created, Change::Created).await
}

/// Loads a playlist the caller manages, locking it against concurrent changes to its items:
/// `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite a write first, which takes the database's
/// write lock for the rest of the transaction.
async fn lock_managed(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<playlist::Model> {
    let mut select = playlist::Entity::find_by_id(id);
    match txn.get_database_backend() {
        DatabaseBackend::Postgres => select = select.lock_exclusive(),
        _ => {
            playlist::Entity::update_many()
                .col_expr(playlist::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(playlist::Column::Id.eq(id))
                .exec(txn)
                .await?;
        }
    }
    let current = select
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("playlist"))?;
    visibility::require_manage(txn, viewer, current.channel_id).await?;
    Ok(current)
}

/// Changes a playlist.
pub async fn update(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: PlaylistChanges,
) -> AppResult<playlist::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = lock_managed(&txn, viewer, id).await?;
    let mut active = current.into_active_model();
    let slug = content::set_text(&mut active, changes)?;
    content::item::save::<playlist::Entity>(txn, active, &slug).await
}

async fn item_count(txn: &DatabaseTransaction, playlist_id: Uuid) -> AppResult<i64> {
    Ok(playlist_item::Entity::find()
        .filter(playlist_item::Column::PlaylistId.eq(playlist_id))
        .count(txn)
        .await? as i64)
}

async fn shift(
    txn: &DatabaseTransaction,
    playlist_id: Uuid,
    from: i32,
    to: Option<i32>,
    by: i32,
) -> AppResult<()> {
    let mut update = playlist_item::Entity::update_many()
        .col_expr(
            playlist_item::Column::Position,
            Expr::col(playlist_item::Column::Position).add(by),
        )
        .filter(playlist_item::Column::PlaylistId.eq(playlist_id))
        .filter(playlist_item::Column::Position.gte(from));
    if let Some(to) = to {
        update = update.filter(playlist_item::Column::Position.lte(to));
    }
    update.exec(txn).await?;
    Ok(())
}

/// Adds a video of the playlist's channel at `position` (default: the end).
pub async fn add_item(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    playlist_id: Uuid,
    video_id: Uuid,
    position: Option<i32>,
) -> AppResult<(playlist::Model, playlist_item::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let playlist = lock_managed(&txn, viewer, playlist_id).await?;
    let video = video::Entity::find_by_id(video_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("video"))?;
    if video.channel_id != playlist.channel_id {
        return Err(AppError::validation(
            "videoId: a playlist holds videos of its own channel only",
        ));
    }
    let count = item_count(&txn, playlist_id).await?;
    if count as u64 >= MAX_ITEMS {
        return Err(AppError::validation(format!(
            "playlistId: a playlist holds at most {MAX_ITEMS} items"
        )));
    }
    let position = match position {
        None => count as i32,
        Some(p) if p >= 0 && i64::from(p) <= count => p,
        Some(p) => {
            return Err(AppError::validation(format!(
                "position: {p} is outside 0..={count}"
            )));
        }
    };
    shift(&txn, playlist_id, position, None, 1).await?;
    let item = playlist_item::ActiveModel {
        id: Set(Uuid::now_v7()),
        playlist_id: Set(playlist_id),
        video_id: Set(video_id),
        position: Set(position),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    outbox::playlist(&txn, Change::Updated, &playlist).await?;
    txn.commit().await?;
    Ok((playlist, item))
}

async fn locked_item(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    item_id: Uuid,
) -> AppResult<(playlist::Model, playlist_item::Model)> {
    // Read the item's playlist, lock it, then re-read the item: its position may have moved
    // while this transaction waited for the lock. SQLite cannot upgrade a read transaction to a
    // write one while another writer is active, so there the lock comes first: a write through
    // the item.
    if txn.get_database_backend() == DatabaseBackend::Sqlite {
        playlist::Entity::update_many()
            .col_expr(playlist::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(
                playlist::Column::Id.in_subquery(
                    Query::select()
                        .column(playlist_item::Column::PlaylistId)
                        .from(playlist_item::Entity)
                        .and_where(playlist_item::Column::Id.eq(item_id))
                        .to_owned(),
                ),
            )
            .exec(txn)
            .await?;
    }
    let playlist_id = playlist_item::Entity::find_by_id(item_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("playlist item"))?
        .playlist_id;
    let playlist = lock_managed(txn, viewer, playlist_id).await?;
    let item = playlist_item::Entity::find_by_id(item_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("playlist item"))?;
    Ok((playlist, item))
}

/// Moves an item to `position` (0-based, less than the number of items).
pub async fn move_item(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    item_id: Uuid,
    position: i32,
) -> AppResult<(playlist::Model, playlist_item::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let (playlist, item) = locked_item(&txn, viewer, item_id).await?;
    let count = item_count(&txn, playlist.id).await?;
    if position < 0 || i64::from(position) >= count {
        return Err(AppError::validation(format!(
            "position: {position} is outside 0..{count}"
        )));
    }
    let old = item.position;
    if position > old {
        shift(&txn, playlist.id, old + 1, Some(position), -1).await?;
    } else if position < old {
        shift(&txn, playlist.id, position, Some(old - 1), 1).await?;
    }
    let mut active = item.into_active_model();
    active.position = Set(position);
    let item = active.update(&txn).await?;
    outbox::playlist(&txn, Change::Updated, &playlist).await?;
    txn.commit().await?;
    Ok((playlist, item))
}

/// Removes an item; those after it move up.
pub async fn remove_item(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    item_id: Uuid,
) -> AppResult<playlist::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (playlist, item) = locked_item(&txn, viewer, item_id).await?;
    let old = item.position;
    item.delete(&txn).await?;
    shift(&txn, playlist.id, old + 1, None, -1).await?;
    outbox::playlist(&txn, Change::Updated, &playlist).await?;
    txn.commit().await?;
    Ok(playlist)
}

impl content::InChannel for playlist::Entity {
    const ID_CHANNEL: [playlist::Column; 2] = [playlist::Column::Id, playlist::Column::ChannelId];
    fn channel_id(model: &playlist::Model) -> Uuid {
        model.channel_id
    }
    fn visible(viewer: &Viewer, reach: Reach) -> Condition {
        visibility::playlists(viewer, reach)
    }
}

/// Filters of playlist lists.
#[derive(Debug, Clone, Default)]
pub struct PlaylistQuery {
    /// Only this channel's.
    pub channel_id: Option<Uuid>,
    /// Only this visibility.
    pub visibility: Option<Visibility>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
}

/// One page of the playlists `viewer` may see in lists.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: PlaylistQuery,
    page: &PageRequest,
) -> AppResult<Page<playlist::Model>> {
    let (select, list) =
        content::listed::<playlist::Entity>(viewer, "playlists", page.order, query.channel_id);
    let select = content::common_filters(select, query.visibility, query.text);
    let id: SimpleExpr = Expr::col((playlist::Entity, playlist::Column::Id)).into();
    let id_of: KeyOf<playlist::Model> = |m| (Key::None, m.id);
    let (sort, key_of) = Sort::by_id_or_title(
        page.order,
        id.clone(),
        Expr::col((playlist::Entity, playlist::Column::Title)).into(),
        |m| (Key::Text(m.title.clone()), m.id),
        id_of,
    )
    // Playlists are not ranked by views: those orders list the newest first.
    .unwrap_or((Sort::by_id(id, true), id_of));
    page.fetch(db, select, &list, &sort, key_of).await
}

/// One page of a playlist's items in position order, only those whose video `viewer` may
/// reach: a public playlist never reveals a private or draft video it holds.
pub async fn items(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    playlist_id: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<playlist_item::Model>> {
    let select = playlist_item::Entity::find()
        .filter(playlist_item::Column::PlaylistId.eq(playlist_id))
        .filter(
            playlist_item::Column::VideoId.in_subquery(
                Query::select()
                    .column(video::Column::Id)
                    .from(video::Entity)
                    .cond_where(visibility::videos(viewer, Reach::Direct, Utc::now()))
                    .to_owned(),
            ),
        );
    let sort = Sort::by(
        Expr::col((playlist_item::Entity, playlist_item::Column::Position)),
        Expr::col((playlist_item::Entity, playlist_item::Column::Id)).into(),
        false,
    );
    let list = format!("playlist-items:{playlist_id}");
    pagination::fetch(
        db,
        select,
        &list,
        &sort,
        |m: &playlist_item::Model| (Key::Int(i64::from(m.position)), m.id),
        first,
        after,
    )
    .await
}
