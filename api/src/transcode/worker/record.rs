//! Recording what a transcode made: its output rows, early (the master playlist, so the item
//! plays while the rest encodes) and at the end, where the subject's media switches to the new
//! asset in one transaction; and what a failure leaves on the subject.

use std::path::Path;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, Set,
};
use uuid::Uuid;

use super::Stop;
use crate::error::{AppError, AppResult};
use crate::media::content_type;
use crate::media::entity::media_output;
use crate::media::key::ObjectKey;
use crate::media::probe::Probe;
use crate::media::subject::{self, MediaChange, Subject};
use crate::state::Ctx;
use crate::transcode::entity::job;
use crate::transcode::pipeline::{Output, OutputKind};
use crate::transcode::queue;
use crate::visibility::Status;
use crate::webhooks::outbox;

/// Records the master playlist as soon as it exists, so the video reads as playable while the
/// rest is still being encoded (the final row replaces it at the end). When the subject already
/// uses this asset (its first media, not a replacement), viewers can play it from now on, and
/// `<kind>.media.playable` is written with the row; returns whether it was.
pub(super) async fn mark_playable(
    ctx: &Ctx,
    job: &job::Model,
    out_dir: &Path,
    rel: &Path,
) -> AppResult<bool> {
    let bytes = tokio::fs::metadata(out_dir.join(rel))
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let output = Output {
        kind: OutputKind::HlsMaster,
        name: "master".into(),
        path: rel.to_path_buf(),
        content_type: content_type::of_name("m3u8").into(),
        bytes,
        bitrate: None,
        width: None,
        height: None,
        duration_secs: None,
        extra: serde_json::Value::Null,
    };
    let subject = job.subject();
    let txn = crate::db::begin_write(&ctx.db).await?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq(OutputKind::HlsMaster.as_str()))
        .exec(&txn)
        .await?;
    insert_output(&txn, job.asset_id, &output).await?;
    let current = subject::media_of(&txn, subject).await?;
    let announced = current.is_some_and(|c| c.asset == Some(job.asset_id));
    if announced {
        crate::webhooks::outbox::playable(&txn, subject).await?;
    }
    txn.commit().await?;
    if announced {
        ctx.webhooks.wake();
    }
    crate::media::subject::media_changed(ctx, subject).await;
    Ok(announced)
}

pub(super) async fn insert_output(
    db: &impl sea_orm::ConnectionTrait,
    asset: Uuid,
    output: &Output,
) -> AppResult<media_output::Model> {
    let rel = output
        .path
        .to_str()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("non-UTF-8 output path")))?;
    let key = ObjectKey::for_asset(asset, rel)?;
    let to_i32 = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    media_output::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(asset),
        kind: Set(output.kind.as_str().into()),
        name: Set(output.name.chars().take(64).collect()),
        storage_key: Set(key.as_str().into()),
        content_type: Set(output.content_type.clone()),
        bytes: Set(i64::try_from(output.bytes).unwrap_or(i64::MAX)),
        bitrate: Set(output.bitrate.and_then(|b| i64::try_from(b).ok())),
        width: Set(to_i32(output.width)),
        height: Set(to_i32(output.height)),
        duration_secs: Set(output.duration_secs),
        extra: Set((!output.extra.is_null()).then(|| output.extra.to_string())),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(AppError::from)
}

/// Records the outputs and makes the asset the subject's media, in one transaction with their
/// webhook events (`.media.playable` unless `announced` already, one `.rendition.ready` per
/// rung or audio file, `.media.ready`); a source it replaces is deleted afterwards.
pub(super) async fn finish(
    ctx: &Ctx,
    worker: &str,
    job: &job::Model,
    probe: &Probe,
    outputs: &[Output],
    announced: bool,
) -> Result<(), Stop> {
    let subject = job.subject();
    let txn = crate::db::begin_write(&ctx.db)
        .await
        .map_err(AppError::from)?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.ne("caption"))
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    let mut renditions = Vec::new();
    for output in outputs {
        let row = insert_output(&txn, job.asset_id, output).await?;
        if matches!(output.kind, OutputKind::HlsRendition | OutputKind::Audio) {
            renditions.push(row);
        }
    }
    let duration = outputs
        .iter()
        .filter_map(|o| o.duration_secs)
        .fold(None, |acc: Option<f64>, d| {
            Some(acc.map_or(d, |a| a.max(d)))
        })
        .unwrap_or(probe.duration_secs);
    let Some(current) = subject::media_of(&txn, subject).await? else {
        return Err(Stop::Cancelled);
    };
    let replaced = current.asset.filter(|c| *c != job.asset_id);
    if replaced.is_some() || !announced {
        outbox::playable(&txn, subject).await?;
    }
    for row in &renditions {
        outbox::rendition(&txn, subject, row).await?;
    }
    subject::set_media(
        &txn,
        subject,
        MediaChange {
            asset: Some(job.asset_id),
            // The pipeline is the only writer of the status: playable media makes it READY.
            status: Some(Status::Ready),
            duration: Some(duration),
            error: None,
        },
    )
    .await?;
    // Captions outlive the media they were written for, and the pipeline's master knows none:
    // both are settled before the switch commits, so no reader sees a master without them.
    let mut captions = 0;
    if let Some(old) = replaced {
        captions +=
            crate::transcode::captions::carry_over(&txn, &ctx.storage, old, job.asset_id).await?;
    }
    let own = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq("caption"))
        .count(&txn)
        .await
        .map_err(AppError::from)?;
    if captions > 0 || own > 0 {
        crate::transcode::captions::rewrite_master(&txn, &ctx.storage, job.asset_id).await?;
    }
    if !queue::succeed(&txn, job.id, worker).await? {
        // Cancelled (or taken over) at the last moment: keep nothing of this attempt.
        return Err(Stop::Cancelled);
    }
    // After the ladder, the downloads, when the video wants them.
    let downloads = match subject {
        Subject::Video(id) => match crate::videos::entity::video::Entity::find_by_id(id)
            .one(&txn)
            .await
            .map_err(AppError::from)?
        {
            Some(v) => {
                crate::transcode::downloads::ensure(&txn, &v, ctx.config.transcode.max_attempts)
                    .await?
            }
            None => false,
        },
        Subject::Episode(_) => false,
    };
    txn.commit().await.map_err(AppError::from)?;
    ctx.webhooks.wake();
    if downloads {
        ctx.jobs.waiting.notify_waiters();
    }
    if let Some(old) = replaced
        && let Err(e) = crate::media::assets::delete_asset(&ctx.db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced source; the sweep will");
    }
    Ok(())
}

/// A job failed for good: its partial outputs go, and the video or episode shows why. A subject
/// whose media was being replaced keeps its current media (and shows the error).
pub(super) async fn cleanup_failed(ctx: &Ctx, job: &job::Model, message: &str) -> AppResult<()> {
    crate::media::assets::delete_outputs(&ctx.db, &ctx.storage, job.asset_id).await?;
    let reason = format!("transcoding failed: {message}");
    let subject = job.subject();
    // One transaction: the error shown and the `media.failed` event go together.
    let txn = crate::db::begin_write(&ctx.db).await?;
    if let Some(current) = subject::media_of(&txn, subject).await? {
        // A subject whose media was being replaced keeps the media it has.
        let is_current = current.asset == Some(job.asset_id);
        subject::set_media(
            &txn,
            subject,
            MediaChange {
                asset: None,
                status: is_current.then_some(Status::Failed),
                duration: None,
                error: Some(reason.clone()),
            },
        )
        .await?;
        if !is_current {
            // The status stays (the old media plays), yet the new file failed: say so.
            crate::webhooks::outbox::media(&txn, subject, "failed", None, Some(&reason)).await?;
        }
    }
    txn.commit().await?;
    ctx.webhooks.wake();
    Ok(())
}
