//! The SHA-256 of a stored source, taken after the upload completes so hashing never holds up
//! its transcode.

use std::path::Path;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::staging::staging_path;
use crate::error::AppResult;
use crate::media::entity::media_asset;
use crate::media::key::ObjectKey;
use crate::state::Ctx;

/// The `sha256` of a source asset whose digest is not taken yet (`record_digest`).
pub(super) const DIGEST_PENDING: &str = "";

/// The SHA-256 of a file, hex-encoded, read on a blocking thread.
pub async fn sha256_file(path: &Path) -> AppResult<String> {
    Ok(crate::media::migrate::hash_file(path).await?.1)
}

/// Records the SHA-256 of the source stored from upload `id` when it is still pending (empty),
/// then removes the upload's staging file if one is left (an S3 store keeps it for this). The
/// staging file holds exactly the stored bytes and is usually still in the page cache; without
/// it the stored object is read.
pub async fn record_digest(ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let staged = staging_path(&ctx.uploads.staging_dir, id);
    let pending = media_asset::Entity::find_by_id(id)
        .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
        .one(&ctx.db)
        .await?;
    if let Some(asset) = pending {
        let sha = match sha256_file(&staged).await {
            Ok(sha) => sha,
            Err(_) => {
                let key = ObjectKey::parse(&asset.storage_key)?;
                crate::media::migrate::hash_object(ctx.storage.as_ref(), &key)
                    .await?
                    .1
            }
        };
        media_asset::Entity::update_many()
            .col_expr(media_asset::Column::Sha256, Expr::value(sha))
            .filter(media_asset::Column::Id.eq(id))
            .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
            .exec(&ctx.db)
            .await?;
    }
    let _ = tokio::fs::remove_file(&staged).await;
    Ok(())
}

/// Records the digests a previous process left pending (called at start).
pub async fn record_missing_digests(ctx: &Ctx) -> AppResult<usize> {
    let pending: Vec<Uuid> = media_asset::Entity::find()
        .select_only()
        .column(media_asset::Column::Id)
        .filter(media_asset::Column::Kind.eq("source"))
        .filter(media_asset::Column::Sha256.eq(DIGEST_PENDING))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let n = pending.len();
    for id in pending {
        if let Err(e) = record_digest(ctx, id).await {
            tracing::error!(asset = %id, error = %e, "could not record a digest");
        }
    }
    Ok(n)
}
