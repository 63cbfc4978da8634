//! A source asset's transcode outputs (`media_outputs` rows), loaded in batches and sorted into
//! what players and feeds need.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::graphql::{
    AudioFile, CaptionTrack, Download, DownloadFormat, Enclosure, EpisodeMedia, Picture, Rendition,
    VideoMedia,
};
use super::urls::{MediaUrls, output_path};
use crate::error::{AppError, AppResult};
use crate::media::entity::media_output;

/// Outputs by source asset, one statement per batch.
pub struct OutputsByAsset(pub crate::db::Reads);

impl Loader<Uuid> for OutputsByAsset {
    type Value = Vec<media_output::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let select =
            media_output::Entity::find().filter(media_output::Column::AssetId.is_in(keys.to_vec()));
        let rows: Vec<media_output::Model> = self.0.select(&select).await?;
        // Every key has an entry (empty without outputs), so a prefetched asset with none is
        // not asked again through the batch window.
        let mut by_asset: HashMap<Uuid, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            by_asset.entry(row.asset_id).or_default().push(row);
        }
        Ok(by_asset)
    }
}

/// The outputs of one asset, straight from the database (for feeds and pages outside GraphQL).
pub async fn of_assets(
    db: &impl ConnectionTrait,
    assets: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, Vec<media_output::Model>>> {
    if assets.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = media_output::Entity::find()
        .filter(media_output::Column::AssetId.is_in(assets))
        .all(db)
        .await?;
    let mut by_asset: HashMap<Uuid, Vec<media_output::Model>> = HashMap::new();
    for row in rows {
        by_asset.entry(row.asset_id).or_default().push(row);
    }
    Ok(by_asset)
}

/// One asset's outputs.
#[derive(Debug)]
pub struct Outputs {
    asset: Uuid,
    rows: Vec<media_output::Model>,
}

impl Outputs {
    /// Wraps the rows of `asset`.
    pub fn new(asset: Uuid, mut rows: Vec<media_output::Model>) -> Self {
        rows.retain(|r| r.asset_id == asset);
        // Widest first within a kind, then by name, so lists come out in a stable order.
        rows.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.height.cmp(&a.height))
                .then(b.width.cmp(&a.width))
                .then(a.name.cmp(&b.name))
        });
        Self { asset, rows }
    }

    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a media_output::Model> {
        self.rows.iter().filter(move |r| r.kind == kind)
    }

    fn url(&self, urls: &MediaUrls, row: &media_output::Model) -> Option<String> {
        output_path(&row.storage_key, self.asset).map(|p| urls.url(p))
    }

    /// The audio files, MP3 first.
    pub fn audio(&self, urls: &MediaUrls) -> Vec<AudioFile> {
        let mut files: Vec<AudioFile> = self
            .of_kind("audio")
            .filter_map(|r| {
                Some(AudioFile {
                    url: self.url(urls, r)?,
                    format: r.name.clone(),
                    content_type: r.content_type.clone(),
                    bytes: r.bytes,
                    bitrate: r.bitrate,
                    duration: r.duration_secs,
                })
            })
            .collect();
        files.sort_by_key(|f| f.format != "mp3");
        files
    }

    /// What a podcast feed encloses: the MP3, else the M4A.
    pub fn enclosure(&self, urls: &MediaUrls) -> Option<Enclosure> {
        self.audio(urls).into_iter().next().map(|f| Enclosure {
            url: f.url,
            length: f.bytes,
            mime_type: f.content_type,
        })
    }

    /// The duration of the audio, if known.
    pub fn audio_duration(&self) -> Option<f64> {
        self.of_kind("audio").find_map(|r| r.duration_secs)
    }

    /// The largest poster, else the first thumbnail.
    pub fn poster(&self, urls: &MediaUrls) -> Option<Picture> {
        // An editor's pick among the thumbnails (`choosePoster`) wins over the generated poster.
        let chosen = self.of_kind("poster").find_map(|r| {
            let extra: serde_json::Value = serde_json::from_str(r.extra.as_deref()?).ok()?;
            extra.get("chosen")?.as_u64()
        });
        let picked = chosen.and_then(|n| {
            let name = format!("{n}-1280");
            self.of_kind("thumbnail")
                .find(|r| r.name == name)
                .and_then(|r| self.picture(urls, r))
        });
        picked.or_else(|| {
            self.of_kind("poster")
                .chain(self.of_kind("thumbnail"))
                .find_map(|r| self.picture(urls, r))
        })
    }

    fn picture(&self, urls: &MediaUrls, r: &media_output::Model) -> Option<Picture> {
        Some(Picture {
            url: self.url(urls, r)?,
            width: r.width,
            height: r.height,
        })
    }

    /// Everything a video player needs.
    pub fn video_media(&self, urls: &MediaUrls) -> VideoMedia {
        let master = self.of_kind("hls_master").next();
        VideoMedia {
            playable: master.is_some(),
            hls_url: master.and_then(|r| self.url(urls, r)),
            poster_url: self.poster(urls).map(|p| p.url),
            thumbnails: self
                .of_kind("thumbnail")
                .filter_map(|r| self.picture(urls, r))
                .collect(),
            sprite_url: self
                .of_kind("sprite")
                .next()
                .and_then(|r| self.url(urls, r)),
            sprite_vtt_url: self
                .of_kind("sprite_vtt")
                .next()
                .and_then(|r| self.url(urls, r)),
            captions: self
                .of_kind("caption")
                .filter(|r| r.storage_key.ends_with(".vtt"))
                .filter_map(|r| {
                    Some(CaptionTrack {
                        language: r.name.clone(),
                        url: self.url(urls, r)?,
                    })
                })
                .collect(),
            renditions: self
                .of_kind("hls_rendition")
                .map(|r| Rendition {
                    name: r.name.clone(),
                    width: r.width,
                    height: r.height,
                    bitrate: r.bitrate,
                })
                .collect(),
            audio: self.audio(urls),
        }
    }

    /// The downloads, MP4 first.
    pub fn downloads(&self, urls: &MediaUrls) -> Vec<Download> {
        let mut files: Vec<Download> = self
            .of_kind(crate::transcode::downloads::KIND)
            .filter_map(|r| {
                let format = match r.name.as_str() {
                    "mp4" => DownloadFormat::Mp4,
                    "m4a" => DownloadFormat::M4a,
                    _ => return None,
                };
                Some(Download {
                    format,
                    url: self.url(urls, r)?,
                    content_type: r.content_type.clone(),
                    bytes: r.bytes,
                    width: r.width,
                    height: r.height,
                    duration: r.duration_secs,
                })
            })
            .collect();
        files.sort_by_key(|f| f.format != DownloadFormat::Mp4);
        files
    }

    /// Everything a podcast player needs.
    pub fn episode_media(&self, urls: &MediaUrls) -> EpisodeMedia {
        EpisodeMedia {
            audio: self.audio(urls),
            enclosure: self.enclosure(urls),
        }
    }
}
