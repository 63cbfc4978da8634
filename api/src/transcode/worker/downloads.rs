//! One attempt of a `downloads` job: fetch the highest rung's segments of a ready video, remux
//! them into an MP4 and an M4A (`transcode::downloads`), store both and record them with the
//! job's success in one transaction. A failed or cancelled attempt deletes only downloads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use tokio::io::AsyncWriteExt as _;

use super::Stop;
use super::record::insert_output;
use crate::delivery::urls::output_path;
use crate::error::{AppError, AppResult};
use crate::media::entity::media_output;
use crate::media::key::ObjectKey;
use crate::state::Ctx;
use crate::transcode::downloads::{self, AUDIO_PATH, VIDEO_PATH};
use crate::transcode::entity::job;
use crate::transcode::pipeline::{Output, OutputKind};
use crate::transcode::queue;

pub(super) async fn attempt(
    ctx: &Arc<Ctx>,
    worker: &str,
    job: &job::Model,
    scratch: &Path,
) -> Result<(), Stop> {
    let top = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq(OutputKind::HlsRendition.as_str()))
        .all(&ctx.db)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .max_by_key(|r| (r.height, r.bitrate));
    let Some(top) = top else {
        return Err(Stop::Failed {
            message: "the video has no rendition to make downloads from".into(),
            permanent: true,
        });
    };
    let _ = tokio::fs::remove_dir_all(scratch).await;
    tokio::fs::create_dir_all(scratch)
        .await
        .map_err(AppError::internal)?;
    let ts = scratch.join("top.ts");
    join_segments(ctx, job, &top, &ts).await?;
    let audio = top
        .extra
        .as_deref()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok())
        .and_then(|e| e.get("audio").and_then(serde_json::Value::as_bool))
        .unwrap_or(false);
    let (mp4, m4a) = (scratch.join("video.mp4"), scratch.join("audio.m4a"));
    let (ts_in, mp4_out, m4a_out) = (ts.clone(), mp4.clone(), audio.then(|| m4a.clone()));
    tokio::task::spawn_blocking(move || downloads::remux(&ts_in, &mp4_out, m4a_out.as_deref()))
        .await
        .map_err(AppError::internal)??;
    let mut outputs = vec![made(&mp4, VIDEO_PATH, "mp4", &top).await?];
    if audio {
        outputs.push(made(&m4a, AUDIO_PATH, "m4a", &top).await?);
    }
    for (output, file) in outputs.iter().zip([&mp4, &m4a]) {
        let key = ObjectKey::for_asset(job.asset_id, path_str(&output.path)?)?;
        ctx.storage
            .put_file(&key, file, &output.content_type)
            .await?;
    }
    let txn = crate::db::begin_write(&ctx.db)
        .await
        .map_err(AppError::from)?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(job.asset_id))
        .filter(media_output::Column::Kind.eq(downloads::KIND))
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    for output in &outputs {
        insert_output(&txn, job.asset_id, output).await?;
    }
    if !queue::succeed(&txn, job.id, worker).await? {
        return Err(Stop::Cancelled);
    }
    txn.commit().await.map_err(AppError::from)?;
    ctx.public_cache.invalidate();
    Ok(())
}

/// Writes the rung's segments, in playlist order, one after another into `ts`.
async fn join_segments(
    ctx: &Ctx,
    job: &job::Model,
    top: &media_output::Model,
    ts: &Path,
) -> AppResult<()> {
    use futures::TryStreamExt as _;
    let playlist_path = output_path(&top.storage_key, job.asset_id)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a rendition outside its asset")))?;
    let dir = playlist_path.rsplit_once('/').map_or("", |(d, _)| d);
    let playlist_key = ObjectKey::parse(&top.storage_key)?;
    let playlist = crate::media::storage::read_all(ctx.storage.as_ref(), &playlist_key).await?;
    let playlist = String::from_utf8_lossy(&playlist);
    let mut file = tokio::fs::File::create(ts)
        .await
        .map_err(AppError::internal)?;
    for uri in playlist
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let key = ObjectKey::for_asset(job.asset_id, &format!("{dir}/{uri}"))?;
        let mut body = ctx.storage.get(&key, None).await?.body;
        while let Some(chunk) = body.try_next().await.map_err(AppError::internal)? {
            file.write_all(&chunk).await.map_err(AppError::internal)?;
        }
    }
    file.flush().await.map_err(AppError::internal)
}

/// The output row of a made file.
async fn made(file: &Path, rel: &str, name: &str, top: &media_output::Model) -> AppResult<Output> {
    let bytes = tokio::fs::metadata(file)
        .await
        .map_err(AppError::internal)?
        .len();
    let video = name == "mp4";
    Ok(Output {
        kind: OutputKind::Download,
        name: name.into(),
        path: PathBuf::from(rel),
        content_type: crate::media::content_type::of_name(rel).into(),
        bytes,
        bitrate: None,
        width: video
            .then_some(top.width)
            .flatten()
            .and_then(|w| u32::try_from(w).ok()),
        height: video
            .then_some(top.height)
            .flatten()
            .and_then(|h| u32::try_from(h).ok()),
        duration_secs: top.duration_secs,
        extra: serde_json::Value::Null,
    })
}

fn path_str(path: &Path) -> AppResult<&str> {
    path.to_str()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("non-UTF-8 output path")))
}
