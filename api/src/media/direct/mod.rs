//! Direct uploads (issue 18, modelled on Mux's): an editor or a WRITE token asks for a one-time
//! tus URL (`createDirectUpload`) and hands it to a browser on the integrator's site, which
//! uploads one file to it with no Projector credential, only from the registered origin, only
//! until it expires and only up to its size limit. The draft video is made, with the settings
//! given up front, once the file is in (`complete`); the HTTP side is `media::tus::direct`.
//!
//! Stored states: `waiting` (the URL works), `uploading` (the one upload was created: the URL
//! is spent), then `asset_created` (the video exists) or `errored`; `cancelled` and `timed_out`
//! end a waiting one. The GraphQL status adds what the upload itself became ([`public_status`]).

mod complete;
pub mod entity;
pub mod graphql;

use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use self::complete::make_draft;
pub use self::entity::direct_upload;
use crate::config::UploadsConfig;
use crate::error::{AppError, AppResult};
use crate::media::entity::upload;
use crate::media::uploads;
use crate::videos::service::{self as videos, VideoDetails};
use crate::visibility::{self, Viewer, Visibility};

/// Stored states of a direct upload.
pub mod status {
    /// The URL may start its one upload.
    pub const WAITING: &str = "waiting";
    /// Its upload was created: the URL creates no other.
    pub const UPLOADING: &str = "uploading";
    /// The file is in and the draft video was made.
    pub const ASSET_CREATED: &str = "asset_created";
    /// The file is in, but no video could be made of it (`error` says why).
    pub const ERRORED: &str = "errored";
    /// Cancelled before any upload started.
    pub const CANCELLED: &str = "cancelled";
    /// Expired before any upload started.
    pub const TIMED_OUT: &str = "timed_out";
}

/// Shortest lifetime of a direct-upload URL, in seconds.
pub const MIN_EXPIRES_SECS: i64 = 60;
/// Longest lifetime (a week).
pub const MAX_EXPIRES_SECS: i64 = 604_800;
/// Lifetime when the caller does not say (an hour).
pub const DEFAULT_EXPIRES_SECS: i64 = 3600;

/// The draft video's settings, kept until the file is in.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Title; the uploaded file's name when absent.
    pub title: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Stored spelling of the visibility (`public` when absent).
    pub visibility: Option<String>,
    /// Start of the publish window.
    pub publish_at: Option<DateTime<Utc>>,
    /// The rest, as `videos::create` takes it (stored flattened).
    #[serde(flatten)]
    pub details: VideoDetails,
}

impl Settings {
    /// The new video these settings make in `channel_id`, titled after `filename` if they give
    /// no title.
    pub fn new_video(&self, channel_id: Uuid, filename: &str) -> AppResult<videos::NewVideo> {
        let title = match self.title.as_deref() {
            Some(t) if !t.trim().is_empty() => t.to_string(),
            _ => title_of_file(filename),
        };
        Ok(videos::NewVideo {
            channel_id,
            title,
            slug: None,
            description: self.description.clone(),
            visibility: self
                .visibility
                .as_deref()
                .map(Visibility::parse)
                .transpose()?,
            publish_at: self.publish_at,
            details: self.details.clone(),
        })
    }
}

/// A title made of a file name: without its extension, at most 200 characters, never empty.
fn title_of_file(filename: &str) -> String {
    let stem = filename
        .rsplit_once('.')
        .map_or(filename, |(stem, _)| stem)
        .trim();
    let title: String = stem.chars().take(200).collect();
    if title.is_empty() {
        "Untitled upload".into()
    } else {
        title
    }
}

/// What a new direct upload is made of.
#[derive(Debug, Clone)]
pub struct NewDirectUpload {
    /// Where the draft video goes.
    pub channel_id: Uuid,
    /// The browser origin allowed to use the URL.
    pub cors_origin: String,
    /// Lifetime of the URL ([`MIN_EXPIRES_SECS`] to [`MAX_EXPIRES_SECS`]).
    pub expires_in_secs: Option<i64>,
    /// Largest file accepted (at most `uploads.max_file_bytes`, the default).
    pub max_size: Option<i64>,
    /// The draft video's settings.
    pub settings: Settings,
}

/// A browser origin as browsers send it in `Origin`: `scheme://host[:port]`, http or https, with
/// no path, query or credentials (`VALIDATION` otherwise).
pub fn origin_of(raw: &str) -> AppResult<String> {
    let bad = || {
        AppError::validation(
            "corsOrigin: a browser origin is required, like https://www.example.com \
             (http or https, a host, an optional port, nothing after)",
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    let plain = url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path() == "/";
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || !plain {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// Checks the settings as `videos::create` will, so a mistake is refused now rather than when
/// the file is in.
async fn check_settings(db: &DatabaseConnection, settings: &Settings) -> AppResult<()> {
    if let Some(title) = settings.title.as_deref() {
        crate::content::title("title", title)?;
    }
    crate::content::description(settings.description.clone())?;
    let details = &settings.details;
    if let Some(language) = details.language.as_deref() {
        crate::content::language(language)?;
    }
    videos::check_license(details.license.clone())?;
    crate::content::check_window(settings.publish_at, details.unpublish_at)?;
    videos::check_chapters(details.chapters.clone())?;
    videos::check_category(db, details.category_id).await?;
    videos::check_tags(db, details.tag_ids.clone()).await?;
    Ok(())
}

/// Creates a direct upload for a channel `viewer` manages, owned by `owner`.
pub async fn create(
    db: &DatabaseConnection,
    limits: &UploadsConfig,
    viewer: &Viewer,
    owner: Uuid,
    new: NewDirectUpload,
) -> AppResult<direct_upload::Model> {
    let cors_origin = origin_of(&new.cors_origin)?;
    let secs = new.expires_in_secs.unwrap_or(DEFAULT_EXPIRES_SECS);
    if !(MIN_EXPIRES_SECS..=MAX_EXPIRES_SECS).contains(&secs) {
        return Err(AppError::validation(format!(
            "expiresInSecs: must be between {MIN_EXPIRES_SECS} and {MAX_EXPIRES_SECS}"
        )));
    }
    let server_max = i64::try_from(limits.max_file_bytes).unwrap_or(i64::MAX);
    let max_size = new.max_size.unwrap_or(server_max);
    if max_size < 1 || max_size > server_max {
        return Err(AppError::validation(format!(
            "maxSize: must be between 1 and the server's upload limit, {server_max} bytes"
        )));
    }
    check_settings(db, &new.settings).await?;
    crate::content::require_channel(db, viewer, new.channel_id).await?;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let now = Utc::now();
    let model = direct_upload::ActiveModel {
        id: Set(Uuid::now_v7()),
        secret: Set(hex::encode(secret)),
        owner_id: Set(owner),
        channel_id: Set(new.channel_id),
        cors_origin: Set(cors_origin),
        max_size: Set(max_size),
        settings: Set(serde_json::to_string(&new.settings).map_err(AppError::internal)?),
        status: Set(status::WAITING.into()),
        error: Set(None),
        upload_id: Set(None),
        video_id: Set(None),
        expires_at: Set(now + Duration::seconds(secs)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(model.insert(db).await?)
}

/// A direct upload whose channel `viewer` manages; `NOT_FOUND` otherwise (whether or not it
/// exists).
pub async fn find_managed(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<direct_upload::Model> {
    let found = direct_upload::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(d) if visibility::can_manage(db, viewer, d.channel_id).await? => Ok(d),
        _ => Err(AppError::NotFound("direct upload")),
    }
}

/// Cancels a waiting direct upload: its URL stops working (`CONFLICT` once an upload started,
/// or it expired or ended otherwise).
pub async fn cancel(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<direct_upload::Model> {
    let found = find_managed(db, viewer, id).await?;
    if !move_status(db, id, status::WAITING, status::CANCELLED).await? {
        let current = public_status(&found, None);
        return Err(AppError::Conflict(format!(
            "only a waiting direct upload can be cancelled; this one is {}",
            current.as_str()
        )));
    }
    find_managed(db, viewer, id).await
}

/// The direct upload of a URL's secret (`NOT_FOUND`).
pub async fn by_secret(db: &DatabaseConnection, secret: &str) -> AppResult<direct_upload::Model> {
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("direct upload"));
    }
    direct_upload::Entity::find()
        .filter(direct_upload::Column::Secret.eq(secret))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("direct upload"))
}

/// Moves a direct upload from `from` to `to` if it is still in `from` (and, from `waiting`,
/// not expired); whether it moved. Two browsers racing for one URL: one wins.
async fn move_status(db: &DatabaseConnection, id: Uuid, from: &str, to: &str) -> AppResult<bool> {
    let mut update = direct_upload::Entity::update_many()
        .col_expr(direct_upload::Column::Status, Expr::value(to))
        .col_expr(direct_upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(direct_upload::Column::Id.eq(id))
        .filter(direct_upload::Column::Status.eq(from));
    if from == status::WAITING {
        update = update.filter(direct_upload::Column::ExpiresAt.gt(Utc::now()));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Spends the URL for the one upload it makes; false if it is not waiting any more (or expired).
pub async fn claim(db: &DatabaseConnection, id: Uuid) -> AppResult<bool> {
    move_status(db, id, status::WAITING, status::UPLOADING).await
}

/// Gives the URL back after its upload could not be created (a refused upload changes nothing).
pub async fn release(db: &DatabaseConnection, id: Uuid) -> AppResult<()> {
    move_status(db, id, status::UPLOADING, status::WAITING).await?;
    Ok(())
}

/// Records the upload the URL made.
pub async fn link(db: &DatabaseConnection, id: Uuid, upload_id: Uuid) -> AppResult<()> {
    direct_upload::Entity::update_many()
        .col_expr(direct_upload::Column::UploadId, Expr::value(upload_id))
        .col_expr(direct_upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(direct_upload::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks waiting direct uploads past their expiry `timed_out` (the hourly sweep); how many.
pub async fn sweep_timed_out(db: &DatabaseConnection) -> AppResult<u64> {
    let swept = direct_upload::Entity::update_many()
        .col_expr(
            direct_upload::Column::Status,
            Expr::value(status::TIMED_OUT),
        )
        .col_expr(direct_upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(direct_upload::Column::Status.eq(status::WAITING))
        .filter(direct_upload::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(swept.rows_affected)
}

/// The URL a browser uploads to.
pub fn url(public_url: &url::Url, secret: &str) -> String {
    let path = format!("uploads/direct/{secret}");
    public_url
        .join(&path)
        .map_or_else(|_| format!("{public_url}{path}"), String::from)
}

/// Where a direct upload stands, as callers see it.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DirectUploadStatus {
    /// The URL works: no upload has started.
    Waiting,
    /// The browser is sending the file, or the server is probing and storing it.
    Uploading,
    /// The file is in and the draft video exists (`video`); its transcode is queued.
    AssetCreated,
    /// The file is in but was refused or could not be stored, or no video could be made of it
    /// (`error` says why).
    Errored,
    /// Cancelled (`cancelDirectUpload`, or the browser terminated its upload).
    Cancelled,
    /// Expired before an upload started (or its upload expired unfinished).
    TimedOut,
}

impl DirectUploadStatus {
    /// The GraphQL spelling, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Uploading => "UPLOADING",
            Self::AssetCreated => "ASSET_CREATED",
            Self::Errored => "ERRORED",
            Self::Cancelled => "CANCELLED",
            Self::TimedOut => "TIMED_OUT",
        }
    }
}

/// The status of `direct`, given its upload (if it has one and the caller read it).
pub fn public_status(
    direct: &direct_upload::Model,
    upload: Option<&upload::Model>,
) -> DirectUploadStatus {
    use DirectUploadStatus as S;
    match direct.status.as_str() {
        status::ASSET_CREATED => S::AssetCreated,
        status::ERRORED => S::Errored,
        status::CANCELLED => S::Cancelled,
        status::TIMED_OUT => S::TimedOut,
        status::WAITING if direct.expires_at <= Utc::now() => S::TimedOut,
        status::WAITING => S::Waiting,
        _ => match upload.map(|u| (u.status.as_str(), u.error.as_deref())) {
            Some((uploads::status::REJECTED | uploads::status::FAILED, _)) => S::Errored,
            Some((uploads::status::TERMINATED, Some("expired"))) => S::TimedOut,
            Some((uploads::status::TERMINATED, _)) => S::Cancelled,
            _ => S::Uploading,
        },
    }
}
