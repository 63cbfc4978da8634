//! The one place that reads and writes an item's media state: its media asset, its status, its
//! duration and the error shown to editors (the same columns under other names on each kind).

use chrono::Utc;
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

use super::Subject;
use crate::error::AppResult;
use crate::podcasts::entity::episode;
use crate::state::Ctx;
use crate::videos::entity::video;
use crate::visibility::Status;

/// Where a subject's media stands.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaState {
    /// The media asset (a video's source, an episode's media).
    pub asset: Option<Uuid>,
    /// The stored status (`draft`, `processing`, `ready`, `failed`).
    pub status: String,
}

impl MediaState {
    /// Whether it has media that plays: a new source waits until its transcode succeeds.
    pub fn has_ready(&self) -> bool {
        self.status == Status::Ready.as_str() && self.asset.is_some()
    }
}

/// Reads a subject's media state; `None` when it is gone.
pub async fn media_of(
    db: &impl ConnectionTrait,
    subject: Subject,
) -> AppResult<Option<MediaState>> {
    Ok(match subject {
        Subject::Video(id) => video::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|v| MediaState {
                asset: v.source_asset_id,
                status: v.status,
            }),
        Subject::Episode(id) => {
            episode::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|e| MediaState {
                    asset: e.media_asset_id,
                    status: e.status,
                })
        }
    })
}

/// A change to a subject's media state: `None` leaves a column alone, except `error`, which is
/// always written (`None` clears it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaChange {
    /// The new media asset.
    pub asset: Option<Uuid>,
    /// The new status.
    pub status: Option<Status>,
    /// The new duration in seconds.
    pub duration: Option<f64>,
    /// The error shown to editors.
    pub error: Option<String>,
}

/// Writes a [`MediaChange`] to a subject, and its `updated_at`. A new status writes its
/// outbox event in the same transaction (`<kind>.media.processing`, `.ready` or `.failed`): this
/// is the one place an item's media state changes, so no path can forget it.
pub async fn set_media(
    db: &impl ConnectionTrait,
    subject: Subject,
    change: MediaChange,
) -> AppResult<()> {
    let outcome = match change.status {
        Some(Status::Processing) => Some("processing"),
        Some(Status::Ready) => Some("ready"),
        Some(Status::Failed) => Some("failed"),
        Some(Status::Draft) | None => None,
    };
    let (duration, error) = (change.duration, change.error.clone());
    write(db, subject, change, true).await?;
    if let Some(outcome) = outcome {
        crate::webhooks::outbox::media(db, subject, outcome, duration, error.as_deref()).await?;
    }
    Ok(())
}

/// Sets the media error shown to editors on a subject (at most 2000 characters), and nothing
/// else.
pub async fn set_media_error(
    db: &impl ConnectionTrait,
    subject: Subject,
    reason: &str,
) -> AppResult<()> {
    let error = Some(reason.chars().take(2000).collect());
    let change = MediaChange {
        error,
        ..MediaChange::default()
    };
    write(db, subject, change, false).await
}

async fn write(
    db: &impl ConnectionTrait,
    subject: Subject,
    change: MediaChange,
    touch: bool,
) -> AppResult<()> {
    // The kinds differ only in the entity and the name of the media column.
    macro_rules! write {
        ($entity:ident, $asset_col:ident, $id:expr) => {{
            let mut update = $entity::Entity::update_many()
                .col_expr($entity::Column::MediaError, change.error.into());
            if touch {
                update = update.col_expr($entity::Column::UpdatedAt, Utc::now().into());
            }
            if let Some(asset) = change.asset {
                update = update.col_expr($entity::Column::$asset_col, Some(asset).into());
            }
            if let Some(status) = change.status {
                update = update.col_expr($entity::Column::Status, status.as_str().into());
            }
            if let Some(duration) = change.duration {
                update = update.col_expr($entity::Column::DurationSecs, Some(duration).into());
            }
            update.filter($entity::Column::Id.eq($id)).exec(db).await?;
        }};
    }
    match subject {
        Subject::Video(id) => write!(video, SourceAssetId, id),
        Subject::Episode(id) => write!(episode, MediaAssetId, id),
    }
    Ok(())
}

/// Whether anonymous readers may see `subject` now or without another change: it has a publish
/// time (now or later), or it is gone (a deletion changes what they see).
async fn may_be_public(db: &impl ConnectionTrait, subject: Subject) -> AppResult<bool> {
    use sea_orm::{QuerySelect as _, sea_query::Expr};
    let publish_at: Option<Option<chrono::DateTime<Utc>>> = match subject {
        Subject::Video(id) => {
            video::Entity::find_by_id(id)
                .select_only()
                .column_as(Expr::col(video::Column::PublishAt), "publish_at")
                .into_tuple()
                .one(db)
                .await?
        }
        Subject::Episode(id) => {
            episode::Entity::find_by_id(id)
                .select_only()
                .column_as(Expr::col(episode::Column::PublishAt), "publish_at")
                .into_tuple()
                .one(db)
                .await?
        }
    };
    Ok(publish_at.is_none_or(|at| at.is_some()))
}

/// Tells the caches that `subject`'s media changed (after the change is committed): every
/// cached public response when anonymous readers may see the subject, otherwise only what
/// follows any change (who may read its media), so a draft's upload and transcode leave the
/// public pages cached. When the subject cannot be read, everything.
pub async fn media_changed(ctx: &Ctx, subject: Subject) {
    match may_be_public(&ctx.db, subject).await {
        Ok(false) => ctx.public_cache.invalidate_unpublished(),
        Ok(true) | Err(_) => ctx.public_cache.invalidate(),
    }
}
