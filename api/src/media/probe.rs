//! Probing uploaded files with GStreamer's Discoverer: is it audio or video we can decode, and
//! what is in it. Runs on a blocking thread; GStreamer has its own threads.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer_pbutils as pbutils;
use pbutils::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// What a probe found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// `video` (has a video track) or `audio` (audio only).
    pub kind: String,
    /// The container, e.g. "ISO MP4/M4A".
    pub container: Option<String>,
    /// Duration in seconds.
    pub duration_secs: f64,
    /// The first video track.
    pub video: Option<VideoTrack>,
    /// The first audio track.
    pub audio: Option<AudioTrack>,
}

/// A video track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoTrack {
    /// Codec description, e.g. "H.264 (High Profile)".
    pub codec: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second (0 when variable or unknown).
    pub frame_rate: f64,
}

/// An audio track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AudioTrack {
    /// Codec description, e.g. "MPEG-4 AAC".
    pub codec: String,
    /// Number of channels.
    pub channels: u32,
    /// Sample rate in Hz.
    pub sample_rate: u32,
}

/// Initialises GStreamer once per process.
pub fn init() -> AppResult<()> {
    gst::init().map_err(|e| AppError::internal(anyhow::anyhow!("GStreamer init failed: {e}")))
}

fn describe(caps: Option<gst::Caps>) -> String {
    caps.map(|c| pbutils::pb_utils_get_codec_description(&c).to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Probes a local file. Anything that is not decodable audio or video is `UNSUPPORTED_MEDIA`
/// with a reason a person can act on.
pub async fn probe_file(path: &Path) -> AppResult<Probe> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || probe_blocking(&path)).await?
}

fn probe_blocking(path: &Path) -> AppResult<Probe> {
    init()?;
    let size = std::fs::metadata(path).map_err(AppError::internal)?.len();
    if size == 0 {
        return Err(AppError::UnsupportedMedia("the file is empty".into()));
    }
    // The data directory is relative by default; file URIs must be absolute.
    let path = std::fs::canonicalize(path).map_err(AppError::internal)?;
    let uri = url::Url::from_file_path(&path)
        .map_err(|()| AppError::internal(anyhow::anyhow!("not an absolute path: {path:?}")))?;
    let discoverer = pbutils::Discoverer::new(gst::ClockTime::from_seconds(20))
        .map_err(|e| AppError::internal(anyhow::anyhow!("discoverer: {e}")))?;
    let info = discoverer.discover_uri(uri.as_str()).map_err(|e| {
        AppError::UnsupportedMedia(format!("GStreamer cannot read this file ({e})"))
    })?;
    match info.result() {
        pbutils::DiscovererResult::Ok => {}
        pbutils::DiscovererResult::MissingPlugins => {
            return Err(AppError::UnsupportedMedia(
                "no decoder is installed for this format".into(),
            ));
        }
        pbutils::DiscovererResult::Timeout => {
            return Err(AppError::UnsupportedMedia(
                "the file could not be read in time".into(),
            ));
        }
        other => {
            return Err(AppError::UnsupportedMedia(format!(
                "GStreamer cannot read this file ({other:?})"
            )));
        }
    }
    let video = info
        .video_streams()
        .into_iter()
        .find(|v| !v.is_image())
        .map(|v| {
            let rate = v.framerate();
            let frame_rate = if rate.denom() > 0 {
                f64::from(rate.numer()) / f64::from(rate.denom())
            } else {
                0.0
            };
            VideoTrack {
                codec: describe(v.caps()),
                width: v.width(),
                height: v.height(),
                frame_rate,
            }
        });
    let audio = info.audio_streams().into_iter().next().map(|a| AudioTrack {
        codec: describe(a.caps()),
        channels: a.channels(),
        sample_rate: a.sample_rate(),
    });
    if video.is_none() && audio.is_none() {
        let still = info.video_streams().iter().any(|v| v.is_image());
        return Err(AppError::UnsupportedMedia(if still {
            "this is a still image, not a video or audio file".into()
        } else {
            "the file has no audio or video track".into()
        }));
    }
    let duration_secs = info
        .duration()
        .map(|d| Duration::from_nanos(d.nseconds()).as_secs_f64())
        .unwrap_or_default();
    if duration_secs <= 0.0 {
        return Err(AppError::UnsupportedMedia(
            "the file has no playable duration".into(),
        ));
    }
    let container = info.stream_info().and_then(|s| {
        // A bare stream (e.g. an MP3 file) has no container; its top-level info is the track.
        s.downcast_ref::<pbutils::DiscovererContainerInfo>()
            .map(|_| describe(s.caps()))
    });
    Ok(Probe {
        kind: if video.is_some() { "video" } else { "audio" }.into(),
        container,
        duration_secs,
        video,
        audio,
    })
}
