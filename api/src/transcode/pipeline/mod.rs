//! GStreamer pipelines: a probed source file in, every file a player needs out, all on local
//! disk. Knows nothing of the database, storage or jobs: the worker (`transcode::worker`) runs
//! these on a blocking thread, stores each file as it is reported and records the outputs.
//!
//! Output layout under `out_dir` (each relative path becomes the key suffix under the source
//! asset's hashed prefix, so a retry writes the same keys):
//! `hls/master.m3u8`, `hls/<h>p/index.m3u8`, `hls/<h>p/seg-<n>.ts`, `audio/audio.m4a`,
//! `audio/audio.mp3`, `images/thumb-<n>-<w>.jpg`, `images/poster-<w>.jpg`, `images/sprite.jpg`,
//! `images/sprite.vtt`, `captions/<lang>.vtt`, `captions/<lang>.m3u8`.
//!
//! Output names (unique per kind): the master is `master`; renditions are named by the short
//! side of the picture (`720p`; a portrait 720×1280 video also gives `720p`) and carry in
//! `extra` everything [`hls::master_playlist`] needs (`uri`, `codecs`, `bandwidth`,
//! `average_bandwidth`, `frame_rate`, `resolution`; rebuild with
//! [`hls::MasterRendition::from_extra`]); thumbnails are `<n>-1280` and `<n>-320` (the nominal
//! width: pictures are never upscaled), posters `1280` and `320`, the sprite and its index
//! `sprite`; audio is `m4a` and `mp3` with `loudness_lufs` and `sample_peak_dbfs` in `extra`
//! (null for digital silence, with `silent: true`).
//!
//! Segments: the first is one GOP long (playable sooner), the rest `segment_secs` (whole GOPs).
//! Media playlists are `EVENT` while the transcode runs and `VOD` with `ENDLIST` at the end.

use std::path::PathBuf;

mod audio;
pub mod hls;
mod pictures;
mod run;
mod video;

pub use self::audio::transcode as transcode_audio;
pub use self::run::launch;
pub use self::video::transcode as transcode_video;

/// Settings of a video transcode (from `config.transcode`).
#[derive(Clone, Debug)]
pub struct VideoSpec {
    /// Rendition heights, tallest first; those above the source's height are skipped.
    pub ladder: Vec<u32>,
    /// x264 speed preset.
    pub preset: String,
    /// Seconds between keyframes, in every rendition.
    pub gop_secs: f64,
    /// Target segment length in seconds.
    pub segment_secs: f64,
    /// AAC bitrate inside the renditions, kbit/s.
    pub audio_kbps: u32,
    /// Nice value of the pipeline's threads (0 = as the server; up to 19 = lowest priority).
    pub nice: i32,
}

/// Settings of an audio transcode.
#[derive(Clone, Debug)]
pub struct AudioSpec {
    /// AAC bitrate of the M4A file, kbit/s.
    pub m4a_kbps: u32,
    /// Bitrate of the MP3 file, kbit/s.
    pub mp3_kbps: u32,
    /// Nice value of the pipeline's threads, as in [`VideoSpec::nice`].
    pub nice: i32,
}

/// What a running pipeline reports, in an order that is safe to act on: a file is reported
/// before any playlist that names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A file under `out_dir` is complete and will not change again (segment, picture).
    FileReady(PathBuf),
    /// Playlists under `out_dir` were (re)written: store them in this order (media playlists
    /// first, then the master). The first time this names the master, the video is playable.
    PlaylistsUpdated(Vec<PathBuf>),
    /// Progress of the whole job.
    Progress {
        /// 0 to 100.
        percent: f64,
        /// `video`, `audio`, `pictures`...
        stage: &'static str,
    },
}

/// What an output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// The HLS master playlist.
    HlsMaster,
    /// One HLS rendition (its media playlist; segments are not listed one by one).
    HlsRendition,
    /// An audio file (M4A or MP3).
    Audio,
    /// A thumbnail candidate.
    Thumbnail,
    /// The default poster.
    Poster,
    /// The storyboard sprite.
    Sprite,
    /// The WebVTT index of the sprite.
    SpriteVtt,
    /// A caption track.
    Caption,
    /// A download (`transcode::downloads`): the highest rung as MP4, the sound as M4A.
    Download,
}

impl OutputKind {
    /// The spelling stored in `media_outputs.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HlsMaster => "hls_master",
            Self::HlsRendition => "hls_rendition",
            Self::Audio => "audio",
            Self::Thumbnail => "thumbnail",
            Self::Poster => "poster",
            Self::Sprite => "sprite",
            Self::SpriteVtt => "sprite_vtt",
            Self::Caption => "caption",
            Self::Download => super::downloads::KIND,
        }
    }
}

/// One finished output, recorded as a `media_outputs` row.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// What it is.
    pub kind: OutputKind,
    /// Tells outputs of one kind apart: `720p`, `m4a`, `mp3`, `1`, `en`.
    pub name: String,
    /// Path relative to `out_dir` (and key suffix).
    pub path: PathBuf,
    /// MIME type.
    pub content_type: String,
    /// Bytes (a rendition: its playlist plus its segments).
    pub bytes: u64,
    /// Bits per second (peak, for a rendition).
    pub bitrate: Option<u64>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Duration in seconds.
    pub duration_secs: Option<f64>,
    /// Kind-specific details (`codecs` of a rendition, `loudness_lufs` of audio, sprite grid).
    pub extra: serde_json::Value,
}

/// Why a pipeline stopped.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The source cannot be transcoded, and trying again will not help. The text is for people.
    #[error("{0}")]
    Unsupported(String),
    /// Something went wrong that another attempt might not hit (disk full, a crash).
    #[error("{0}")]
    Failed(String),
    /// `cancel` was set.
    #[error("cancelled")]
    Cancelled,
}
