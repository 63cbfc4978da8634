//! Who owns a media asset, and whether the public may read it: the question every media request
//! asks, answered from the catalogue with the visibility rules of `visibility.rs` and kept in
//! memory briefly.
//!
//! An asset is readable by the public when any item using it is: a video (its source's outputs
//! or its poster), an episode (its audio), a podcast (its artwork), a channel (avatar, banner)
//! or a user (avatar).
//! Unlisted items count as public here: whoever has the URL may watch, as on the item's page.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::accounts::entity::user;
use crate::channels::entity::channel;
use crate::error::AppResult;
use crate::media::entity::media_asset;
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

use super::referrer::Restriction;

/// What the catalogue says about one asset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Some item uses it as its media source (a video's upload, an episode's audio): the
    /// transcode's outputs may be served, never the source file itself.
    pub media: bool,
    /// Some item shows it as a picture (poster, artwork, avatar, banner): the uploaded file
    /// itself (`source`) may be served.
    pub image: bool,
    /// At least one of those items is visible to the public.
    pub public: bool,
    /// The uploaded file's type, for serving `source`.
    pub content_type: Option<String>,
    /// Where the uploaded picture is stored, for serving `source` (pictures stored before it
    /// was always `source` sit at `original.<ext>`).
    pub storage_key: Option<String>,
    /// Who may play it on the public paths, by referrer: the restriction of the public video
    /// whose media it is (the video's own, else its channel's).
    pub restriction: Option<Restriction>,
    /// A video playing it has its downloads on (its own setting, else its channel's).
    pub downloads: bool,
}

impl Access {
    /// Whether any item uses the asset at all.
    pub fn exists(&self) -> bool {
        self.media || self.image
    }

    /// Whether `path` (under the asset's prefix) is something the asset's users may fetch.
    pub fn allows(&self, path: &str) -> bool {
        const OUTPUTS: [&str; 4] = ["hls/", "audio/", "images/", "captions/"];
        (self.media && OUTPUTS.iter().any(|p| path.starts_with(p)))
            || (self.media && self.downloads && path.starts_with("downloads/"))
            || (self.image && path == "source")
    }
}

/// Whether `select` finds a row, and one the public may see.
async fn probe<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    public: Condition,
) -> AppResult<(bool, bool)>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    if select.clone().filter(public).count(db).await? > 0 {
        return Ok((true, true));
    }
    Ok((select.count(db).await? > 0, false))
}

/// Looks up an asset's users in the catalogue.
pub async fn lookup(db: &impl ConnectionTrait, asset: Uuid) -> AppResult<Access> {
    let now = Utc::now();
    let mut access = Access::default();
    let mut note = |(exists, public): (bool, bool), media: bool| {
        if exists {
            if media {
                access.media = true;
            } else {
                access.image = true;
            }
            access.public |= public;
        }
    };
    let videos = visibility::videos(&Viewer::Public, Reach::Direct, now);
    let played = probe(
        db,
        video::Entity::find().filter(video::Column::SourceAssetId.eq(asset)),
        videos.clone(),
    )
    .await?;
    let restriction = match played {
        (_, true) => video_restriction(db, asset, videos.clone()).await?,
        _ => None,
    };
    if played.0 {
        access.downloads = downloads_on(db, asset).await?;
    }
    note(played, true);
    note(
        probe(
            db,
            video::Entity::find().filter(video::Column::PosterAssetId.eq(asset)),
            videos,
        )
        .await?,
        false,
    );
    note(
        probe(
            db,
            episode::Entity::find().filter(episode::Column::MediaAssetId.eq(asset)),
            visibility::episodes(
                &Viewer::Public,
                Reach::Direct,
                EpisodeScope::AnyPodcast,
                now,
            ),
        )
        .await?,
        true,
    );
    note(
        probe(
            db,
            podcast::Entity::find().filter(podcast::Column::ArtworkAssetId.eq(asset)),
            visibility::podcasts(&Viewer::Public, Reach::Direct),
        )
        .await?,
        false,
    );
    // Channels have no visibility of their own: their pictures are public.
    note(
        probe(
            db,
            channel::Entity::find().filter(
                Condition::any()
                    .add(channel::Column::AvatarAssetId.eq(asset))
                    .add(channel::Column::BannerAssetId.eq(asset)),
            ),
            Condition::all(),
        )
        .await?,
        false,
    );
    // Nor do users: their avatars show beside their public comments.
    note(
        probe(
            db,
            user::Entity::find().filter(user::Column::AvatarAssetId.eq(asset)),
            Condition::all(),
        )
        .await?,
        false,
    );
    access.restriction = restriction;
    if access.image
        && let Some(row) = media_asset::Entity::find_by_id(asset).one(db).await?
    {
        access.content_type = Some(row.content_type);
        access.storage_key = Some(row.storage_key);
    }
    Ok(access)
}

/// Whether a video playing `asset` has its downloads on.
async fn downloads_on(db: &impl ConnectionTrait, asset: Uuid) -> AppResult<bool> {
    let videos = video::Entity::find()
        .filter(video::Column::SourceAssetId.eq(asset))
        .all(db)
        .await?;
    for v in &videos {
        if crate::transcode::downloads::enabled(db, v).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The playback restriction of the public video playing `asset`: its own, else its channel's.
async fn video_restriction(
    db: &impl ConnectionTrait,
    asset: Uuid,
    public: Condition,
) -> AppResult<Option<Restriction>> {
    let Some(video) = video::Entity::find()
        .filter(video::Column::SourceAssetId.eq(asset))
        .filter(public)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if video.playback_restriction.is_some() {
        return Ok(Restriction::parse(video.playback_restriction.as_deref()));
    }
    Ok(channel::Entity::find_by_id(video.channel_id)
        .one(db)
        .await?
        .and_then(|c| Restriction::parse(c.playback_restriction.as_deref())))
}

struct Entry<V> {
    at: Instant,
    generation: u64,
    value: V,
}

/// Recent answers about catalogue items (an asset's [`Access`], whether a video takes views),
/// by id.
///
/// An entry lives for a few seconds and only while the catalogue's change generation (the
/// public cache's, bumped by every change on this node and, on PostgreSQL, on every other node)
/// stays the same, so making a video private stops its media at once.
pub struct TtlCache<V> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<Uuid, Entry<V>>>,
}

impl<V> std::fmt::Debug for TtlCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TtlCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<V: Clone> TtlCache<V> {
    /// A cache keeping answers for `ttl`.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached answer for `id` at `generation`, if fresh.
    pub fn get(&self, id: Uuid, generation: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&id)
            .filter(|e| e.generation == generation && e.at.elapsed() < self.ttl)
            .map(|e| e.value.clone())
    }

    /// Remembers an answer computed at `generation`.
    pub fn put(&self, id: Uuid, generation: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            let ttl = self.ttl;
            entries.retain(|_, e| e.generation == generation && e.at.elapsed() < ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            id,
            Entry {
                at: Instant::now(),
                generation,
                value,
            },
        );
    }
}
