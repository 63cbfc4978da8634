//! DataLoaders: nested fields of a page (a video's channel, tags, category; an item's video)
//! are fetched with one statement per field for the whole page instead of one per row.
//!
//! Batching alone depends on timing (keys that arrive after the batch window go out in a second
//! statement), so list resolvers also prefetch what the query selects ([`Loaders::prefetch_videos`],
//! under `edges { node }` and `nodes` alike) into the per-request cache, directly and
//! concurrently, without the batch window: the statement count of a page is then fixed.
//!
//! Loaders are made per request and apply no visibility rule: every one of them is reached
//! from a parent row the caller may already see (channels, categories and tags are public; a
//! playlist item's video passed the video rule in the items query).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::Lookahead;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use crate::channels::entity::channel;
use crate::community::loaders::{Liked, Likes, Positions, Reports};
use crate::db::Reads;
use crate::db::reads::Row;
use crate::error::AppError;
use crate::podcasts::entity::{episode, podcast};
use crate::taxonomy::entity::{category, episode_tag, tag, video_tag};
use crate::videos::entity::video;

/// Declares [`Loaders`]: one lazily made DataLoader per field, each made from the pool the
/// first time a resolver asks for it, so a request that loads nothing (`{ version }`, a
/// mutation, most lists) makes none of them.
macro_rules! loaders {
    ($($(#[$doc:meta])* $name:ident: $loader:ty = |$db:ident| $make:expr;)*) => {
        /// The loaders of one request, each made when first used.
        pub struct Loaders {
            reads: Reads,
            batches: Arc<AtomicU64>,
            $($name: OnceLock<DataLoader<$loader, HashMapCache>>,)*
        }

        impl Loaders {
            /// The loaders of a request to `ctx`'s database, counted in its metrics.
            pub fn of(ctx: &crate::state::Ctx) -> Self {
                Self::new(ctx.reads.clone(), ctx.metrics.loader_batch_counter())
            }

            /// Loaders reading through `reads`; none is made yet. `batches` counts the
            /// batches that went through a DataLoader's window (`Metrics::loader_batches`).
            pub fn new(reads: Reads, batches: Arc<AtomicU64>) -> Self {
                Self {
                    reads,
                    batches,
                    $($name: OnceLock::new(),)*
                }
            }

            $(
                $(#[$doc])*
                pub fn $name(&self) -> &DataLoader<$loader, HashMapCache> {
                    self.$name.get_or_init(|| {
                        let $db = self.reads.clone();
                        let batches = self.batches.clone();
                        // The DataLoader spawns one task per batch it sends: count them.
                        let spawn = move |batch: futures::future::BoxFuture<'static, ()>| {
                            batches.fetch_add(1, Ordering::Relaxed);
                            tokio::spawn(batch)
                        };
                        DataLoader::with_cache($make, spawn, HashMapCache::default())
                    })
                }
            )*

            /// How many of the loaders have been made so far.
            pub fn made(&self) -> usize {
                [$(self.$name.get().is_some()),*]
                    .into_iter()
                    .filter(|made| *made)
                    .count()
            }
        }
    };
}

loaders! {
    /// Channels by id.
    channel: ById<channel::Entity> = |db| ById::new(db);
    /// Categories by id.
    category: ById<category::Entity> = |db| ById::new(db);
    /// Podcasts by id.
    podcast: ById<podcast::Entity> = |db| ById::new(db);
    /// Videos by id.
    video: ById<video::Entity> = |db| ById::new(db);
    /// A video's tags by video id.
    video_tags: VideoTags = |db| VideoTags(db);
    /// An episode's tags by episode id.
    episode_tags: EpisodeTags = |db| EpisodeTags(db);
    /// A source asset's transcode outputs by asset id.
    outputs: crate::delivery::outputs::OutputsByAsset =
        |db| crate::delivery::outputs::OutputsByAsset(db);
    /// Whether a user likes a video, by (user, video).
    video_liked: Liked = |db| Liked(db.pool().clone(), Likes::Videos);
    /// Whether a user likes an episode, by (user, episode).
    episode_liked: Liked = |db| Liked(db.pool().clone(), Likes::Episodes);
    /// Where a user stopped in a video or an episode, by (user, item).
    positions: Positions = |db| Positions(db.pool().clone());
    /// A comment's open reports, by comment id (read for its moderators only).
    comment_reports: Reports = |db| Reports(db.pool().clone());
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders")
            .field("made", &self.made())
            .finish_non_exhaustive()
    }
}

impl Loaders {
    /// Loads, in one statement each, the nested fields `selections` (a video object's
    /// selections, see [`nodes_of`]) ask for, for every video of a page (or the one video of a
    /// watch page): its channel, category, tags, media files, and for a signed-in `user` their
    /// like and position.
    pub async fn prefetch_videos(
        &self,
        selections: &[Lookahead<'_>],
        videos: &[&video::Model],
        user: Option<Uuid>,
    ) -> Result<(), AppError> {
        if videos.is_empty() {
            return Ok(());
        }
        let asks = |field: &str| selections.iter().any(|s| s.field(field).exists());
        let channels = async {
            // `downloads` reads the channel's default.
            if asks("channel") || asks("downloads") {
                prefill(self.channel(), videos.iter().map(|v| v.channel_id)).await?;
            }
            Ok::<_, AppError>(())
        };
        let categories = async {
            if asks("category") {
                prefill(self.category(), videos.iter().filter_map(|v| v.category_id)).await?;
            }
            Ok(())
        };
        let tags = async {
            if asks("tags") {
                prefill(self.video_tags(), videos.iter().map(|v| v.id)).await?;
            }
            Ok(())
        };
        let media = self.media_and_viewer(
            asks("media") || asks("downloads"),
            videos.iter().map(|v| (v.id, v.source_asset_id)),
            self.video_liked(),
            Viewer::of(user, &asks),
        );
        futures::try_join!(channels, categories, tags, media)?;
        Ok(())
    }

    /// The channel `id` now, kept in the request's cache, without the batch window (a single
    /// item's page that shows its channel).
    pub async fn prefetch_channel(&self, id: Uuid) -> Result<(), AppError> {
        prefill(self.channel(), std::iter::once(id)).await
    }

    /// The videos `ids` at once, kept in the request's cache, without the batch window (a
    /// playlist page's items).
    pub async fn videos_now(
        &self,
        ids: impl Iterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, video::Model>, AppError> {
        let ids: Vec<Uuid> = ids.collect();
        prefill(self.video(), ids.iter().copied()).await?;
        let mut cached = self.video().get_cached_values::<Uuid>();
        cached.retain(|id, _| ids.contains(id));
        Ok(cached)
    }

    /// Like [`Loaders::prefetch_videos`], for a page of episodes (or the one of an episode's
    /// page): their podcast, tags, media files, and a signed-in `user`'s like and position.
    pub async fn prefetch_episodes(
        &self,
        selections: &[Lookahead<'_>],
        episodes: &[&episode::Model],
        user: Option<Uuid>,
    ) -> Result<(), AppError> {
        if episodes.is_empty() {
            return Ok(());
        }
        let asks = |field: &str| selections.iter().any(|s| s.field(field).exists());
        let podcasts = async {
            // An episode's media URLs depend on its podcast's visibility.
            if asks("podcast") || asks("media") {
                prefill(self.podcast(), episodes.iter().map(|e| e.podcast_id)).await?;
            }
            // An episode page shows its podcast's channel too.
            if selections
                .iter()
                .any(|s| s.field("podcast").field("channel").exists())
            {
                let podcasts = self.podcast().get_cached_values::<Uuid>();
                let channels = episodes
                    .iter()
                    .filter_map(|e| podcasts.get(&e.podcast_id))
                    .map(|p| p.channel_id);
                prefill(self.channel(), channels).await?;
            }
            Ok::<_, AppError>(())
        };
        let tags = async {
            if asks("tags") {
                prefill(self.episode_tags(), episodes.iter().map(|e| e.id)).await?;
            }
            Ok(())
        };
        let media = self.media_and_viewer(
            asks("media"),
            episodes.iter().map(|e| (e.id, e.media_asset_id)),
            self.episode_liked(),
            Viewer::of(user, &asks),
        );
        futures::try_join!(podcasts, tags, media)?;
        Ok(())
    }

    /// The media files of `items` (`(id, asset)`) when `media` is asked, and the viewer's like
    /// (through `liked`) and position of each, as `viewer` asks.
    async fn media_and_viewer(
        &self,
        media: bool,
        items: impl Iterator<Item = (Uuid, Option<Uuid>)> + Clone,
        liked: &DataLoader<Liked, HashMapCache>,
        viewer: Viewer,
    ) -> Result<(), AppError> {
        let files = async {
            if media {
                prefill(self.outputs(), items.clone().filter_map(|(_, a)| a)).await?;
            }
            Ok::<_, AppError>(())
        };
        let likes = async {
            if let Some(user) = viewer.likes {
                prefill(liked, items.clone().map(|(id, _)| (user, id))).await?;
            }
            Ok(())
        };
        let positions = async {
            if let Some(user) = viewer.position {
                prefill(self.positions(), items.clone().map(|(id, _)| (user, id))).await?;
            }
            Ok(())
        };
        futures::try_join!(files, likes, positions)?;
        Ok(())
    }
}

/// Whose like and position a prefetch loads: the signed-in user's, when the selection asks.
#[derive(Clone, Copy)]
struct Viewer {
    likes: Option<Uuid>,
    position: Option<Uuid>,
}

impl Viewer {
    fn of(user: Option<Uuid>, asks: &impl Fn(&str) -> bool) -> Self {
        Self {
            likes: user.filter(|_| asks("viewerHasLiked")),
            position: user.filter(|_| asks("viewerPosition")),
        }
    }
}

/// Loads `keys` through `loader`'s own [`Loader`] at once and puts the rows in its cache: a
/// prefetch knows every key of the page, so it waits for no batch window (the DataLoader's
/// 1 ms delay on a timer thread) and spawns no task.
async fn prefill<K, T>(
    loader: &DataLoader<T, HashMapCache>,
    keys: impl Iterator<Item = K>,
) -> Result<(), AppError>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    T: Loader<K, Error = AppError>,
{
    // Keys an earlier prefetch of this request already loaded (a related video of the same
    // channel as the watched one) are not asked again.
    let cached = loader.get_cached_values::<K>();
    let keys: Vec<K> = keys
        .filter(|k| !cached.contains_key(k))
        .collect::<std::collections::HashSet<K>>()
        .into_iter()
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let values = loader.loader().load(&keys).await?;
    loader.feed_many(values).await;
    Ok(())
}

/// The node selections of a connection field (`connection` is its lookahead): a node is
/// reached through `edges { node { … } }` or through `nodes { … }`, and a prefetch must see
/// both, or a page asked with `nodes` falls back to timing-dependent batches.
pub fn nodes_of(connection: Lookahead<'_>) -> [Lookahead<'_>; 2] {
    [
        connection.field("edges").field("node"),
        connection.field("nodes"),
    ]
}

/// Loads rows of `E` by their UUID primary key.
pub struct ById<E> {
    db: Reads,
    _entity: std::marker::PhantomData<E>,
}

impl<E> ById<E> {
    fn new(db: Reads) -> Self {
        Self {
            db,
            _entity: std::marker::PhantomData,
        }
    }
}

/// An entity whose primary key is a single UUID column.
pub trait UuidKeyed: EntityTrait {
    /// The id column.
    fn id_column() -> Self::Column;
    /// The id of a row.
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! uuid_keyed {
    ($($m:ident),*) => {$(
        impl UuidKeyed for $m::Entity {
            fn id_column() -> Self::Column {
                $m::Column::Id
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
        }
    )*};
}
uuid_keyed!(channel, category, podcast, video);

impl<E> Loader<Uuid> for ById<E>
where
    E: UuidKeyed + Send + Sync,
    E::Model: Clone + Row,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let select = E::find().filter(E::id_column().is_in(keys.iter().copied()));
        let rows: Vec<E::Model> = self.db.select(&select).await?;
        Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
    }
}

/// Tags of videos, by video id.
pub struct VideoTags(Reads);

impl Loader<Uuid> for VideoTags {
    type Value = Vec<tag::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let grouped = tags_by_owner::<video_tag::Entity>(
            &self.0,
            video_tag::Column::VideoId,
            video_tag::Column::TagId,
            keys,
        )
        .await?;
        every_key(keys, grouped)
    }
}

/// Tags of episodes, by episode id.
pub struct EpisodeTags(Reads);

impl Loader<Uuid> for EpisodeTags {
    type Value = Vec<tag::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        tags_by_owner::<episode_tag::Entity>(
            &self.0,
            episode_tag::Column::EpisodeId,
            episode_tag::Column::TagId,
            keys,
        )
        .await
    }
}

/// Gives every key an entry (empty when it has no tags), so the cache remembers "no tags" too.
fn every_key(
    keys: &[Uuid],
    mut grouped: HashMap<Uuid, Vec<tag::Model>>,
) -> Result<HashMap<Uuid, Vec<tag::Model>>, AppError> {
    for key in keys {
        grouped.entry(*key).or_default();
    }
    Ok(grouped)
}

/// The column naming a tag's owner in [`tags_query`]'s rows.
const OWNER: &str = "owner_id";

/// A row of [`tags_query`]: a tag and its owner.
#[derive(FromQueryResult)]
struct OwnedTag {
    owner_id: Uuid,
    id: Uuid,
    name: String,
    slug: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

crate::db::reads::sqlite_rows! {
    OwnedTag { owner_id, id, name, slug, created_at }
}

/// The tags of `owners` through the link table of `owner` and `tag` (its columns), in one
/// statement: each tag row once per owner, with the owner's id as [`OWNER`].
pub fn tags_query<L: EntityTrait>(
    owner: L::Column,
    tag_column: L::Column,
    owners: impl IntoIterator<Item = Uuid>,
) -> Select<tag::Entity> {
    let mut select = tag::Entity::find()
        .column_as(Expr::col((L::default(), owner)), OWNER)
        .filter(Expr::col((L::default(), owner)).is_in(owners));
    QueryTrait::query(&mut select).inner_join(
        L::default(),
        Expr::col((L::default(), tag_column)).equals((tag::Entity, tag::Column::Id)),
    );
    select
}

/// Fetches the tags of `keys` (owners, through the link table of `owner` and `tag`) in one
/// statement and groups them by owner, by name.
async fn tags_by_owner<L: EntityTrait>(
    db: &Reads,
    owner: L::Column,
    tag_column: L::Column,
    keys: &[Uuid],
) -> Result<HashMap<Uuid, Vec<tag::Model>>, AppError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let select = tags_query::<L>(owner, tag_column, keys.iter().copied());
    let mut grouped: HashMap<Uuid, Vec<tag::Model>> = HashMap::with_capacity(keys.len());
    for row in db.select::<OwnedTag>(&select).await? {
        grouped.entry(row.owner_id).or_default().push(tag::Model {
            id: row.id,
            name: row.name,
            slug: row.slug,
            created_at: row.created_at,
        });
    }
    for list in grouped.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;
    use sea_orm::DbBackend;

    #[tokio::test]
    async fn a_request_s_loaders_are_made_only_when_a_resolver_first_asks_for_one() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("an in-memory database");
        let loaders = Loaders::new(Reads::new(db, Default::default()), Arc::default());
        assert_eq!(loaders.made(), 0, "no loader before a resolver asks");
        let first: *const _ = loaders.channel();
        assert_eq!(loaders.made(), 1);
        assert!(
            std::ptr::eq(first, loaders.channel()),
            "made once, then kept"
        );
        let _ = loaders.video_tags();
        assert_eq!(loaders.made(), 2);
    }

    #[test]
    fn a_page_s_tags_come_with_their_links_in_one_joined_statement() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let sql = tags_query::<video_tag::Entity>(
                video_tag::Column::VideoId,
                video_tag::Column::TagId,
                [Uuid::nil()],
            )
            .build(backend)
            .to_string();
            let join = "INNER JOIN \"video_tags\" ON \"video_tags\".\"tag_id\" = \"tags\".\"id\"";
            assert!(sql.contains(join), "{sql}");
            assert!(
                sql.contains("\"video_tags\".\"video_id\" AS \"owner_id\""),
                "{sql}"
            );
            assert!(sql.contains("\"video_tags\".\"video_id\" IN ("), "{sql}");
            assert!(sql.contains("\"tags\".\"name\""), "{sql}");
        }
    }
}
