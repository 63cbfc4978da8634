//! Creating an upload: its metadata, the size limit and the quota, checked before any byte is
//! stored.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::staging::staging_path;
use super::status;
use crate::config::UploadsConfig;
use crate::error::{AppError, AppResult};
use crate::media::entity::{media_asset, upload};
use crate::media::subject::{self, Subject};
use crate::visibility::Viewer;

/// Parses a tus `Upload-Metadata` header: comma-separated `key base64value` pairs.
pub fn parse_metadata(raw: &str) -> AppResult<HashMap<String, String>> {
    let mut map = HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once(' ') {
            Some((k, v)) => (k, v.trim()),
            None => (pair, ""),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::validation("Upload-Metadata: malformed key"));
        }
        let decoded = STANDARD
            .decode(value)
            .map_err(|_| AppError::validation(format!("Upload-Metadata: `{key}` is not base64")))?;
        let text = String::from_utf8(decoded)
            .map_err(|_| AppError::validation(format!("Upload-Metadata: `{key}` is not UTF-8")))?;
        map.insert(key.to_string(), text);
    }
    Ok(map)
}

/// Bytes a user stores: finished assets plus the announced length of unfinished uploads.
pub async fn bytes_used(db: &impl ConnectionTrait, owner: Uuid) -> AppResult<u64> {
    let assets = media_asset::Entity::find()
        .select_only()
        .column_as(total(media_asset::Column::Size), "total")
        .filter(media_asset::Column::OwnerId.eq(owner));
    let pending = upload::Entity::find()
        .select_only()
        .column_as(total(upload::Column::Length), "total")
        .filter(upload::Column::OwnerId.eq(owner))
        .filter(upload::Column::Status.is_in([status::UPLOADING, status::PROCESSING]));
    let assets: Option<i64> = assets.into_tuple().one(db).await?.flatten();
    let pending: Option<i64> = pending.into_tuple().one(db).await?.flatten();
    Ok((assets.unwrap_or(0) + pending.unwrap_or(0)).max(0) as u64)
}

/// `SUM(column)` as a bigint: PostgreSQL sums bigints into numeric, so both databases are told
/// to return a bigint.
fn total(column: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::SimpleExpr {
    Expr::col(column).sum().cast_as(Alias::new("bigint"))
}

/// Creates an upload after checking size and quota, before any byte is stored.
///
/// The metadata names what the upload is for: `videoId` or `episodeId` (an existing draft the
/// uploader manages), or `channelId` / `podcastId` to create a draft video / episode titled after
/// `title` or the file name. Without any, the upload is a free-standing asset.
pub async fn create(
    db: &DatabaseConnection,
    staging_dir: &Path,
    limits: &UploadsConfig,
    uploader: &Viewer,
    owner: Uuid,
    length: u64,
    metadata_header: &str,
) -> AppResult<upload::Model> {
    if length == 0 {
        return Err(AppError::validation("Upload-Length: the file is empty"));
    }
    if length > limits.max_file_bytes {
        return Err(AppError::PayloadTooLarge {
            limit: usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX),
        });
    }
    let metadata = parse_metadata(metadata_header)?;
    if limits.user_quota_bytes > 0 {
        let used = bytes_used(db, owner).await?;
        if used.saturating_add(length) > limits.user_quota_bytes {
            return Err(AppError::QuotaExceeded {
                used,
                quota: limits.user_quota_bytes,
                requested: length,
            });
        }
    }
    let filename: String = metadata
        .get("filename")
        .or_else(|| metadata.get("name"))
        .map(|n| n.chars().filter(|c| !c.is_control()).take(255).collect())
        .unwrap_or_else(|| "upload".into());
    let target = subject::links::upload_target(db, uploader, &metadata, &filename).await?;
    let id = Uuid::now_v7();
    tokio::fs::create_dir_all(staging_dir)
        .await
        .map_err(AppError::internal)?;
    let path = staging_path(staging_dir, id);
    let file = tokio::fs::File::create(&path)
        .await
        .map_err(AppError::internal)?;
    file.sync_all().await.map_err(AppError::internal)?;
    let now = Utc::now();
    let model = upload::ActiveModel {
        id: Set(id),
        owner_id: Set(owner),
        length: Set(i64::try_from(length).map_err(AppError::internal)?),
        offset: Set(0),
        metadata: Set(metadata_header.chars().take(4096).collect()),
        filename: Set(filename),
        target_kind: Set(target.map(Subject::kind)),
        target_id: Set(target.map(Subject::id)),
        status: Set(status::UPLOADING.into()),
        error: Set(None),
        asset_id: Set(None),
        expires_at: Set(now + Duration::hours(limits.expiry_hours as i64)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    match record(db, model).await {
        Ok(m) => Ok(m),
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(e)
        }
    }
}

/// Writes the upload's row and its `upload.created` event in one transaction.
async fn record(db: &DatabaseConnection, model: upload::ActiveModel) -> AppResult<upload::Model> {
    let txn = crate::db::begin_write(db).await?;
    let model = model.insert(&txn).await?;
    crate::webhooks::outbox::upload(&txn, "created", &model).await?;
    txn.commit().await?;
    Ok(model)
}
