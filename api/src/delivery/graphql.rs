//! GraphQL types of delivery: what a player needs to play a video or an episode, as absolute
//! URLs (signed when the item is private; only callers allowed to see the item reach these).

use async_graphql::{Context, SimpleObject};
use chrono::Utc;

use super::outputs::Outputs;
use super::urls::{self, Grant, MediaUrls};
use crate::error::AppResult;
use crate::graphql::{app, loaders};
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;

/// A picture at one size.
#[derive(SimpleObject, Debug, Clone)]
pub struct Picture {
    /// Absolute URL.
    pub url: String,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
}

/// A caption (subtitle) track in WebVTT.
#[derive(SimpleObject, Debug, Clone)]
pub struct CaptionTrack {
    /// BCP 47 language tag.
    pub language: String,
    /// Absolute URL of the `.vtt` file.
    pub url: String,
}

/// One quality of the adaptive stream.
#[derive(SimpleObject, Debug, Clone)]
pub struct Rendition {
    /// `720p`, `360p`...
    pub name: String,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Peak bits per second.
    pub bitrate: Option<i64>,
}

/// A downloadable audio file.
#[derive(SimpleObject, Debug, Clone)]
pub struct AudioFile {
    /// Absolute URL.
    pub url: String,
    /// `m4a` or `mp3`.
    pub format: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: i64,
    /// Bits per second.
    pub bitrate: Option<i64>,
    /// Length in seconds.
    pub duration: Option<f64>,
}

/// What an RSS `<enclosure>` says: the file podcast apps download.
#[derive(SimpleObject, Debug, Clone)]
pub struct Enclosure {
    /// Absolute URL of the MP3 (preferred) or M4A file.
    pub url: String,
    /// Exact size in bytes.
    pub length: i64,
    /// MIME type.
    #[graphql(name = "type")]
    pub mime_type: String,
}

/// Everything a player needs for a video. URLs are absolute; for a private video they carry a
/// signature that expires (`delivery.signed_url_ttl_secs`), so fetch them when playing.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct VideoMedia {
    /// Whether the video can be played: its HLS master playlist exists (it may still be
    /// growing while the transcode runs).
    pub playable: bool,
    /// The HLS master playlist.
    pub hls_url: Option<String>,
    /// The poster: the editor's upload, else the transcode's.
    pub poster_url: Option<String>,
    /// Thumbnail candidates.
    pub thumbnails: Vec<Picture>,
    /// The storyboard sprite (for scrubbing previews).
    pub sprite_url: Option<String>,
    /// The WebVTT index of the sprite.
    pub sprite_vtt_url: Option<String>,
    /// Caption tracks.
    pub captions: Vec<CaptionTrack>,
    /// The qualities of the adaptive stream, best first.
    pub renditions: Vec<Rendition>,
    /// Audio-only files, if the transcode made them.
    pub audio: Vec<AudioFile>,
}

/// The files of an episode.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct EpisodeMedia {
    /// Every audio file, MP3 first.
    pub audio: Vec<AudioFile>,
    /// The file feeds point at (MP3, else M4A); null until the transcode made one.
    pub enclosure: Option<Enclosure>,
}

fn grant(public: bool) -> Grant {
    if public { Grant::Public } else { Grant::Signed }
}

/// The media of a video the caller may see.
pub async fn video_media(ctx: &Context<'_>, video: &video::Model) -> AppResult<VideoMedia> {
    let app = app(ctx)?;
    let public = urls::publicly_readable(
        &video.status,
        &video.visibility,
        video.publish_at,
        video.unpublish_at,
        Utc::now(),
    );
    let mut media = match video.source_asset_id {
        Some(asset) => {
            let outputs = loaders(ctx)?
                .outputs()
                .load_one(asset)
                .await?
                .unwrap_or_default();
            let urls = MediaUrls::new(&app.config, &app.delivery.signer, asset, grant(public));
            Outputs::new(asset, outputs).video_media(&urls)
        }
        None => VideoMedia::default(),
    };
    if let Some(poster) = video.poster_asset_id {
        let urls = MediaUrls::new(&app.config, &app.delivery.signer, poster, grant(public));
        media.poster_url = Some(urls.url("source"));
    }
    Ok(media)
}

/// A file to download.
#[derive(SimpleObject, Debug, Clone)]
pub struct Download {
    /// `MP4` (video and sound) or `M4A` (sound only).
    pub format: DownloadFormat,
    /// Where to get it (answered with `Content-Disposition: attachment`).
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// Its frame width (MP4).
    pub width: Option<i32>,
    /// Its frame height (MP4).
    pub height: Option<i32>,
    /// Its length in seconds.
    pub duration: Option<f64>,
}

/// The kinds of downloads.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DownloadFormat {
    /// The highest rung, video and sound.
    #[graphql(name = "MP4")]
    Mp4,
    /// The sound alone.
    #[graphql(name = "M4A")]
    M4a,
}

pub async fn video_downloads(ctx: &Context<'_>, video: &video::Model) -> AppResult<Vec<Download>> {
    let Some(asset) = video.source_asset_id else {
        return Ok(Vec::new());
    };
    let app = app(ctx)?;
    let loaders = loaders(ctx)?;
    let on = match video.downloads_enabled {
        Some(own) => own,
        None => loaders
            .channel()
            .load_one(video.channel_id)
            .await?
            .is_some_and(|c| c.downloads_enabled),
    };
    if !on {
        return Ok(Vec::new());
    }
    let public = urls::publicly_readable(
        &video.status,
        &video.visibility,
        video.publish_at,
        video.unpublish_at,
        Utc::now(),
    );
    let outputs = loaders.outputs().load_one(asset).await?.unwrap_or_default();
    let urls = MediaUrls::new(&app.config, &app.delivery.signer, asset, grant(public));
    Ok(Outputs::new(asset, outputs).downloads(&urls))
}

/// The URL of a picture (poster, avatar, banner, artwork) of an item the caller may see: plain
/// when the item is public (or unlisted), signed otherwise.
pub fn picture_url(ctx: &Context<'_>, asset: uuid::Uuid, public: bool) -> AppResult<String> {
    let app = app(ctx)?;
    Ok(MediaUrls::new(&app.config, &app.delivery.signer, asset, grant(public)).url("source"))
}

/// The media of an episode the caller may see.
pub async fn episode_media(ctx: &Context<'_>, episode: &episode::Model) -> AppResult<EpisodeMedia> {
    let app = app(ctx)?;
    let Some(asset) = episode.media_asset_id else {
        return Ok(EpisodeMedia::default());
    };
    let loaders = loaders(ctx)?;
    let podcast: Option<podcast::Model> = loaders.podcast().load_one(episode.podcast_id).await?;
    let public = podcast.is_some_and(|p| p.visibility != "private")
        && urls::publicly_readable(
            &episode.status,
            &episode.visibility,
            episode.publish_at,
            episode.unpublish_at,
            Utc::now(),
        );
    let outputs = loaders.outputs().load_one(asset).await?.unwrap_or_default();
    let urls = MediaUrls::new(&app.config, &app.delivery.signer, asset, grant(public));
    Ok(Outputs::new(asset, outputs).episode_media(&urls))
}
