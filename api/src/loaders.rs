//! DataLoaders: nested fields of a page (a video's channel, tags, category; an item's video)
//! are fetched with one statement per field for the whole page instead of one per row.
//!
//! Loaders are made per request and apply no visibility rule: every one of them is reached
//! from a parent row the caller may already see (channels, categories and tags are public; a
//! playlist item's video passed the video rule in the items query).

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::channels::entity::channel;
use crate::error::AppError;
use crate::podcasts::entity::podcast;
use crate::taxonomy::entity::{category, episode_tag, tag, video_tag};
use crate::videos::entity::video;

/// The loaders of one request.
pub struct Loaders {
    /// Channels by id.
    pub channel: DataLoader<ById<channel::Entity>>,
    /// Categories by id.
    pub category: DataLoader<ById<category::Entity>>,
    /// Podcasts by id.
    pub podcast: DataLoader<ById<podcast::Entity>>,
    /// Videos by id.
    pub video: DataLoader<ById<video::Entity>>,
    /// A video's tags by video id.
    pub video_tags: DataLoader<VideoTags>,
    /// An episode's tags by episode id.
    pub episode_tags: DataLoader<EpisodeTags>,
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders").finish_non_exhaustive()
    }
}

impl Loaders {
    /// Fresh loaders over the pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            channel: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            category: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            podcast: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            video: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            video_tags: DataLoader::new(VideoTags(db.clone()), tokio::spawn),
            episode_tags: DataLoader::new(EpisodeTags(db), tokio::spawn),
        }
    }
}

/// Loads rows of `E` by their UUID primary key.
pub struct ById<E> {
    db: DatabaseConnection,
    _entity: std::marker::PhantomData<E>,
}

impl<E> ById<E> {
    fn new(db: DatabaseConnection) -> Self {
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
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::id_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
    }
}

/// Tags of videos, by video id.
pub struct VideoTags(DatabaseConnection);

impl Loader<Uuid> for VideoTags {
    type Value = Vec<tag::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links = video_tag::Entity::find()
            .filter(video_tag::Column::VideoId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        let pairs = links.into_iter().map(|l| (l.video_id, l.tag_id)).collect();
        group_tags(&self.0, pairs).await
    }
}

/// Tags of episodes, by episode id.
pub struct EpisodeTags(DatabaseConnection);

impl Loader<Uuid> for EpisodeTags {
    type Value = Vec<tag::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links = episode_tag::Entity::find()
            .filter(episode_tag::Column::EpisodeId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        let pairs = links
            .into_iter()
            .map(|l| (l.episode_id, l.tag_id))
            .collect();
        group_tags(&self.0, pairs).await
    }
}

/// Fetches the tags of `(owner, tag)` pairs in one statement and groups them by owner, by name.
async fn group_tags(
    db: &DatabaseConnection,
    pairs: Vec<(Uuid, Uuid)>,
) -> Result<HashMap<Uuid, Vec<tag::Model>>, AppError> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let mut tag_ids: Vec<Uuid> = pairs.iter().map(|(_, t)| *t).collect();
    tag_ids.sort();
    tag_ids.dedup();
    let tags: HashMap<Uuid, tag::Model> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut grouped: HashMap<Uuid, Vec<tag::Model>> = HashMap::new();
    for (owner, tag_id) in pairs {
        if let Some(t) = tags.get(&tag_id) {
            grouped.entry(owner).or_default().push(t.clone());
        }
    }
    for list in grouped.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(grouped)
}
