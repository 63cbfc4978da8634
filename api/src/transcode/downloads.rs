//! MP4 downloads (static renditions, as Mux calls them): a video whose downloads are on gets, after
//! its ladder, its highest rung as one MP4 file (`downloads/video.mp4`) and its sound as an M4A
//! file (`downloads/audio.m4a`), remuxed from the rung's MPEG-TS segments without re-encoding.
//! A `downloads` job on the transcode workers makes them (`worker/downloads.rs`), so they survive
//! crashes and retries like transcodes do.
//!
//! The setting is the video's own (`videos.downloads_enabled`), else its channel's (off by
//! default). Turning it off hides the files at once (`Video.downloads` is empty and their URLs
//! answer 404); they stay stored, so turning it back on shows them again without work. New
//! media gets new downloads after its transcode.

use std::path::Path;

use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
};

use super::queue;
use crate::channels::entity::channel;
use crate::error::{AppError, AppResult};
use crate::media::entity::media_output;
use crate::media::subject::Subject;
use crate::videos::entity::video;

/// `media_outputs.kind` of a download.
pub const KIND: &str = "download";
/// The MP4 of the highest rung, under the asset's prefix.
pub const VIDEO_PATH: &str = "downloads/video.mp4";
/// The M4A of the sound, under the asset's prefix.
pub const AUDIO_PATH: &str = "downloads/audio.m4a";

/// Whether `v`'s downloads are on: its own setting, else its channel's.
pub async fn enabled(db: &impl ConnectionTrait, v: &video::Model) -> AppResult<bool> {
    if let Some(own) = v.downloads_enabled {
        return Ok(own);
    }
    Ok(channel::Entity::find_by_id(v.channel_id)
        .one(db)
        .await?
        .is_some_and(|c| c.downloads_enabled))
}

/// Queues the making of `v`'s downloads when they are on, its media is ready and they are not
/// made yet; returns whether a job is queued (or already was).
pub async fn ensure(
    db: &impl ConnectionTrait,
    v: &video::Model,
    max_attempts: u32,
) -> AppResult<bool> {
    let Some(asset) = v.source_asset_id else {
        return Ok(false);
    };
    if v.status != "ready" || !enabled(db, v).await? {
        return Ok(false);
    }
    let made = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.eq(KIND))
        .count(db)
        .await?;
    if made > 0 {
        return Ok(false);
    }
    queue::enqueue_downloads(db, asset, Subject::Video(v.id), max_attempts).await?;
    Ok(true)
}

/// [`ensure`] for every ready video of a channel that follows the channel's setting.
pub async fn ensure_channel(
    db: &impl ConnectionTrait,
    channel_id: uuid::Uuid,
    max_attempts: u32,
) -> AppResult<usize> {
    let videos = video::Entity::find()
        .filter(video::Column::ChannelId.eq(channel_id))
        .filter(video::Column::DownloadsEnabled.is_null())
        .filter(video::Column::Status.eq("ready"))
        .all(db)
        .await?;
    let mut queued = 0;
    for v in &videos {
        queued += usize::from(ensure(db, v, max_attempts).await?);
    }
    Ok(queued)
}

/// Joins MPEG-TS segments (which may simply be concatenated) and remuxes them: the video and
/// sound to `mp4`, the sound alone to `m4a` when there is any. Blocking; run it on a blocking
/// thread.
pub fn remux(ts: &Path, mp4: &Path, m4a: Option<&Path>) -> AppResult<()> {
    let quoted = |p: &Path| format!("\"{}\"", p.display().to_string().replace('"', "\\\""));
    let both = match m4a {
        Some(_) => format!(
            "filesrc location={ts} ! tsdemux name=d \
             d. ! queue ! video/x-h264 ! h264parse ! queue ! m.video_0 \
             d. ! queue ! audio/mpeg ! aacparse ! queue ! m.audio_0 \
             mp4mux name=m faststart=true ! filesink location={out}",
            ts = quoted(ts),
            out = quoted(mp4)
        ),
        None => format!(
            "filesrc location={ts} ! tsdemux ! queue ! video/x-h264 ! h264parse ! \
             mp4mux faststart=true ! filesink location={out}",
            ts = quoted(ts),
            out = quoted(mp4)
        ),
    };
    run(&both)?;
    if let Some(m4a) = m4a {
        run(&format!(
            "filesrc location={ts} ! tsdemux ! queue ! audio/mpeg ! aacparse ! \
             mp4mux faststart=true ! filesink location={out}",
            ts = quoted(ts),
            out = quoted(m4a)
        ))?;
    }
    Ok(())
}

/// Runs a remux to its end (at most 10 minutes without a message from the pipeline).
fn run(description: &str) -> AppResult<()> {
    super::pipeline::launch(description, std::time::Duration::from_secs(600))
        .map_err(|e| AppError::internal(anyhow::anyhow!("remux: {e}")))
}
