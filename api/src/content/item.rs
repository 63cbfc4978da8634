//! The steps every write to a catalogue item (video, episode, podcast, playlist) shares, over
//! what its entity declares of itself ([`Item`], with `content::item!`; [`Scheduled`] for
//! items with a publish window): the free slug of a new item, the end of a change (stamp,
//! write, index, record, commit), and the whole of publishing, unpublishing and deleting one
//! (`content::item::publish::<video::Entity>(db, viewer, id, at)`).

use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, TransactionTrait,
};
use uuid::Uuid;

use super::{InChannel, TextColumns};
use crate::channels::service::slug_conflict;
use crate::error::AppResult;
use crate::media::assets::Owner;
use crate::search::{self, SearchKind};
use crate::visibility::Viewer;
use crate::webhooks::outbox::Change;

/// A catalogue item's entity: where it is in search, how its changes reach webhooks.
pub trait Item:
    EntityTrait<Model: IntoActiveModel<<Self as EntityTrait>::ActiveModel> + Sync, ActiveModel: Send>
{
    /// Its GraphQL type: the kind its global IDs name (`"Video"`).
    const NODE: &'static str;
    /// Its kind in the search index.
    const SEARCH: SearchKind;
    /// Its `updated_at` column.
    const UPDATED_AT: Self::Column;
    /// The item by id, read in `txn`, if `viewer` manages it (`NOT_FOUND`, `FORBIDDEN`).
    fn managed(
        txn: &DatabaseTransaction,
        viewer: &Viewer,
        id: Uuid,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send;
    /// Its id, title and description: what the search index holds of it.
    fn text(model: &Self::Model) -> (Uuid, &str, &str);
    /// Records `change` of `model` for webhooks (`outbox::video`, …).
    fn record(
        txn: &DatabaseTransaction,
        change: Change,
        model: &Self::Model,
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// Writes (or rewrites) its search document.
    fn index(
        txn: &DatabaseTransaction,
        model: &Self::Model,
    ) -> impl Future<Output = AppResult<()>> + Send {
        let (id, title, description) = Self::text(model);
        search::index(txn, Self::SEARCH, id, title, description)
    }
    /// Removes its search document (a podcast's takes its episodes' along).
    fn unindex(txn: &DatabaseTransaction, id: Uuid) -> impl Future<Output = AppResult<()>> + Send {
        search::remove(txn, Self::SEARCH, id)
    }
}

/// Declares what the shared steps need of the entity of `$module` (columns `Id`, `Title`,
/// `Description`, `UpdatedAt`): [`Item`] (GraphQL type `$node`, in search as `$search`, its changes recorded by
/// `$record`, read for a change by `$managed`, taken out of search by `$unindex` when that is
/// more than its own document); with `media`, [`HoldsMedia`] (it is that media subject); with
/// `window`, [`Scheduled`] (columns `Status`, `PublishAt`, `UnpublishAt`; named `$name` in
/// messages; `$published` sets what publishing sets besides the window).
macro_rules! item {
    (
        $module:ident,
        node: $node:literal,
        search: $search:expr,
        record: $record:path,
        managed: $managed:path
        $(, unindex: $unindex:path)?
        $(, media: $subject:ident)?
        $(, window: $name:literal $(, published: $published:path)?)?
        $(,)?
    ) => {
        impl $crate::content::Item for $module::Entity {
            const NODE: &'static str = $node;
            const SEARCH: $crate::search::SearchKind = $search;
            const UPDATED_AT: $module::Column = $module::Column::UpdatedAt;
            fn managed(
                txn: &sea_orm::DatabaseTransaction,
                viewer: &$crate::visibility::Viewer,
                id: uuid::Uuid,
            ) -> impl std::future::Future<Output = $crate::error::AppResult<$module::Model>> + Send
            {
                $managed(txn, viewer, id)
            }
            fn text(model: &$module::Model) -> (uuid::Uuid, &str, &str) {
                (model.id, &model.title, &model.description)
            }
            fn record(
                txn: &sea_orm::DatabaseTransaction,
                change: $crate::webhooks::outbox::Change,
                model: &$module::Model,
            ) -> impl std::future::Future<Output = $crate::error::AppResult<()>> + Send {
                $record(txn, change, model)
            }
            $(
                fn unindex(
                    txn: &sea_orm::DatabaseTransaction,
                    id: uuid::Uuid,
                ) -> impl std::future::Future<Output = $crate::error::AppResult<()>> + Send {
                    $unindex(txn, id)
                }
            )?
        }
        $(
            impl $crate::content::item::HoldsMedia for $module::Entity {
                fn owner(id: uuid::Uuid) -> $crate::media::assets::Owner {
                    $crate::media::subject::Subject::$subject(id).into()
                }
            }
        )?
        $(
            impl $crate::content::Scheduled for $module::Entity {
                const NAME: &'static str = $name;
                const WINDOW: [$module::Column; 2] =
                    [$module::Column::PublishAt, $module::Column::UnpublishAt];
                fn window(
                    model: &$module::Model,
                ) -> (&str, Option<chrono::DateTime<chrono::Utc>>) {
                    (&model.status, model.publish_at)
                }
                $(
                    fn published(
                        active: &mut $module::ActiveModel,
                        at: chrono::DateTime<chrono::Utc>,
                    ) {
                        $published(active, at)
                    }
                )?
            }
        )?
    };
}
pub(crate) use item;

/// An item with media and a publish window (videos, episodes).
pub trait Scheduled: Item {
    /// Its name in messages (`video`).
    const NAME: &'static str;
    /// Its `publish_at` and `unpublish_at` columns.
    const WINDOW: [Self::Column; 2];
    /// Its media status and when its window opens.
    fn window(model: &Self::Model) -> (&str, Option<DateTime<Utc>>);
    /// What publishing at `at` sets besides the window (an episode's first publication).
    fn published(_active: &mut Self::ActiveModel, _at: DateTime<Utc>) {}
}

/// An item that holds media (a video, an episode, a podcast with its episodes').
pub trait HoldsMedia: Item {
    /// What of the media the item with this id owns.
    fn owner(id: Uuid) -> Owner;
}

/// The slug of a new item of `E` (see [`super::new_slug`]): free among the items whose `parent`
/// column (their channel, their podcast) is `parent_id`.
pub async fn free_slug<E: TextColumns>(
    db: &impl ConnectionTrait,
    explicit: Option<&str>,
    title: &str,
    parent: E::Column,
    parent_id: Uuid,
) -> AppResult<String> {
    let [_, slug, _] = E::text_columns();
    let scope = Condition::all().add(parent.eq(parent_id));
    super::new_slug::<E>(db, explicit, title, slug, scope).await
}

/// Opens the write transaction of a new item of `E` in `channel_id`, which must exist and be
/// one `viewer` manages ([`super::require_channel`]), and picks the item's slug there
/// ([`free_slug`]).
pub async fn begin_in_channel<E: InChannel>(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
    explicit_slug: Option<&str>,
    title: &str,
) -> AppResult<(DatabaseTransaction, String)> {
    let txn = crate::db::begin_write(db).await?;
    super::require_channel(&txn, viewer, channel_id).await?;
    let [_, channel] = E::ID_CHANNEL;
    let slug = free_slug::<E>(&txn, explicit_slug, title, channel, channel_id).await?;
    Ok((txn, slug))
}

/// Ends the creation or change of an item written in `txn`: indexes it for search, records
/// `change` for webhooks and commits.
pub async fn commit<E: Item>(
    txn: DatabaseTransaction,
    model: E::Model,
    change: Change,
) -> AppResult<E::Model> {
    E::index(&txn, &model).await?;
    E::record(&txn, change, &model).await?;
    txn.commit().await?;
    Ok(model)
}

/// Stamps `updated_at` and writes `active`; a slug taken meanwhile is a `CONFLICT` naming
/// `slug` (empty when the slug stays, see [`super::set_text`]).
async fn write<E: Item>(
    txn: &DatabaseTransaction,
    mut active: E::ActiveModel,
    slug: &str,
) -> AppResult<E::Model> {
    active.try_set(E::UPDATED_AT, Utc::now().into())?;
    active.update(txn).await.map_err(slug_conflict(slug))
}

/// Ends a change to an item: writes `active` (see [`write`]), then [`commit`]s it as updated.
pub async fn save<E: Item>(
    txn: DatabaseTransaction,
    active: E::ActiveModel,
    slug: &str,
) -> AppResult<E::Model> {
    let updated = write::<E>(&txn, active, slug).await?;
    commit::<E>(txn, updated, Change::Updated).await
}

/// Ends a change that leaves the item's text as it is (its window, its channel): writes
/// `active` (see [`write`]), records `change` and commits; the search document stays.
pub async fn save_unindexed<E: Item>(
    txn: DatabaseTransaction,
    active: E::ActiveModel,
    change: Change,
    slug: &str,
) -> AppResult<E::Model> {
    let updated = write::<E>(&txn, active, slug).await?;
    E::record(&txn, change, &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Begins a write transaction and reads in it the item `viewer` manages (`NOT_FOUND`,
/// `FORBIDDEN`): the start of publishing, unpublishing and deleting one.
async fn open<E: Item>(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<(DatabaseTransaction, E::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let current = E::managed(&txn, viewer, id).await?;
    Ok((txn, current))
}

/// Publishes an item `viewer` manages at `at`, default now: its window opens then and stays
/// open. Refused while it has no playable media coming (see
/// [`crate::videos::service::require_publishable`]).
pub async fn publish<E: Scheduled>(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<E::Model> {
    let (txn, current) = open::<E>(db, viewer, id).await?;
    crate::videos::service::require_publishable(E::NAME, E::window(&current).0)?;
    let at = at.unwrap_or_else(Utc::now);
    let [publish_at, unpublish_at] = E::WINDOW;
    let mut active = current.into_active_model();
    active.try_set(publish_at, Some(at).into())?;
    active.try_set(unpublish_at, None::<DateTime<Utc>>.into())?;
    E::published(&mut active, at);
    save_unindexed::<E>(txn, active, Change::Published, "").await
}

/// Unpublishes an item `viewer` manages at `at`, default now, by closing its window then.
pub async fn unpublish<E: Scheduled>(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<E::Model> {
    let at = at.unwrap_or_else(Utc::now);
    let (txn, current) = open::<E>(db, viewer, id).await?;
    super::check_window(E::window(&current).1, Some(at))?;
    let [_, unpublish_at] = E::WINDOW;
    let mut active = current.into_active_model();
    active.try_set(unpublish_at, Some(at).into())?;
    save_unindexed::<E>(txn, active, Change::Unpublished, "").await
}

/// Deletes an item `viewer` manages: out of search, recorded as deleted (as it was), removed.
/// Returns its id. (An item that holds media goes through [`super::delete_with_media`].)
pub async fn delete<E: Item>(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Uuid> {
    let (txn, current) = open::<E>(db, viewer, id).await?;
    E::unindex(&txn, id).await?;
    E::record(&txn, Change::Deleted, &current).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

/// Deletes an item that holds media, then its stored files (see [`super::delete_with_media`]).
pub async fn delete_with_media<E: HoldsMedia>(
    app: &crate::state::Ctx,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Uuid> {
    super::delete_with_media(app, E::owner(id), delete::<E>(&app.db, viewer, id)).await
}
