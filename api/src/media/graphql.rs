//! GraphQL view of uploads: editors follow an upload's progress and see why a file was refused.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{media_asset, upload};
use super::probe::Probe;
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::error::{AppError, AppResult};
use crate::graphql::relay::to_global;
use crate::graphql::{app, principal};

/// A resumable upload (tus) and what became of it. (`Upload` is the multipart file scalar.)
#[derive(Debug, Clone)]
pub struct Upload(pub upload::Model);

#[Object(name = "ResumableUpload")]
impl Upload {
    /// Global ID.
    async fn id(&self) -> ID {
        to_global("Upload", self.0.id)
    }
    /// The tus URL to send bytes to (`PATCH`) or ask for the offset (`HEAD`).
    async fn url(&self) -> String {
        format!("/uploads/{}", self.0.id)
    }
    /// The file name the client gave.
    async fn filename(&self) -> &str {
        &self.0.filename
    }
    /// `UPLOADING`, `PROCESSING`, `COMPLETE`, `REJECTED`, `TERMINATED` or `FAILED` (the server
    /// could not store the file, even after retries: `error` says so).
    async fn status(&self) -> String {
        self.0.status.to_ascii_uppercase()
    }
    /// Bytes received so far (durably).
    async fn offset(&self) -> i64 {
        self.0.offset
    }
    /// Total size in bytes.
    async fn length(&self) -> i64 {
        self.0.length
    }
    /// Why the file was rejected, cancelled or failed, for people.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// What GStreamer found in the file, once it is complete.
    async fn media(&self, ctx: &Context<'_>) -> AppResult<Option<MediaInfo>> {
        let Some(asset) = self.0.asset_id else {
            return Ok(None);
        };
        let app = app(ctx)?;
        let Some(model) = media_asset::Entity::find_by_id(asset).one(&app.db).await? else {
            return Ok(None);
        };
        let probe: Option<Probe> = model
            .probe
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
        Ok(probe.map(|p| MediaInfo {
            size: model.size,
            sha256: model.sha256,
            probe: p,
        }))
    }
    /// When unfinished bytes are discarded.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When the upload was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A probed media file.
#[derive(Debug, Clone)]
pub struct MediaInfo {
    size: i64,
    sha256: String,
    probe: Probe,
}

#[Object]
impl MediaInfo {
    /// `VIDEO` or `AUDIO`.
    async fn kind(&self) -> String {
        self.probe.kind.to_ascii_uppercase()
    }
    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.size
    }
    /// Hex SHA-256 of the stored file. Null for a moment after the upload completes: it is
    /// computed once the file is stored, so that the transcode does not wait for it (about a
    /// second per 2 GB).
    async fn sha256(&self) -> Option<&str> {
        // Pending digests are stored empty (`uploads::record_digest`).
        Some(self.sha256.as_str()).filter(|s| !s.is_empty())
    }
    /// Container format, e.g. "ISO MP4/M4A".
    async fn container(&self) -> Option<&str> {
        self.probe.container.as_deref()
    }
    /// Duration in seconds.
    async fn duration(&self) -> f64 {
        self.probe.duration_secs
    }
    /// Video codec, e.g. "H.264 (High Profile)".
    async fn video_codec(&self) -> Option<&str> {
        self.probe.video.as_ref().map(|v| v.codec.as_str())
    }
    /// Width in pixels.
    async fn width(&self) -> Option<u32> {
        self.probe.video.as_ref().map(|v| v.width)
    }
    /// Height in pixels.
    async fn height(&self) -> Option<u32> {
        self.probe.video.as_ref().map(|v| v.height)
    }
    /// Frames per second.
    async fn frame_rate(&self) -> Option<f64> {
        self.probe.video.as_ref().map(|v| v.frame_rate)
    }
    /// Audio codec, e.g. "MPEG-4 AAC".
    async fn audio_codec(&self) -> Option<&str> {
        self.probe.audio.as_ref().map(|a| a.codec.as_str())
    }
    /// Audio channels.
    async fn audio_channels(&self) -> Option<u32> {
        self.probe.audio.as_ref().map(|a| a.channels)
    }
}

/// Upload queries.
#[derive(Default, Debug)]
pub struct MediaQuery;

#[Object]
impl MediaQuery {
    /// The caller's uploads, newest first (at most 100).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn my_uploads(&self, ctx: &Context<'_>) -> AppResult<Vec<Upload>> {
        let app = app(ctx)?;
        let owner = principal(ctx).signed_in()?;
        Ok(upload::Entity::find()
            .filter(upload::Column::OwnerId.eq(owner))
            .order_by_desc(upload::Column::Id)
            .limit(100)
            .all(&app.db)
            .await?
            .into_iter()
            .map(Upload)
            .collect())
    }
}

/// Pictures sent as GraphQL multipart requests (the `operations`/`map` form of the GraphQL
/// multipart request spec).
#[derive(Default, Debug)]
pub struct MediaMutation;

/// Which picture to set.
#[derive(async_graphql::InputObject, Debug)]
pub struct UploadImageInput {
    /// Where the picture goes.
    pub target: super::images::ImageTarget,
    /// The video, channel, podcast or user (by target).
    pub id: ID,
}

/// The stored picture.
#[derive(async_graphql::SimpleObject, Debug)]
pub struct UploadImagePayload {
    /// The picture's asset.
    pub asset_id: ID,
    /// Its MIME type.
    pub content_type: String,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// Size in bytes.
    pub bytes: i64,
}

/// Captions to store.
#[derive(async_graphql::InputObject, Debug)]
pub struct UploadCaptionInput {
    /// The video.
    pub video_id: ID,
    /// Language tag, e.g. `en` or `pt-BR`; captions in that language are replaced.
    pub language: String,
}

/// Stored captions.
#[derive(async_graphql::SimpleObject, Debug)]
pub struct UploadCaptionPayload {
    /// Their language.
    pub language: String,
    /// Size of the stored WebVTT file.
    pub bytes: i64,
}

/// Captions to remove.
#[derive(async_graphql::InputObject, Debug)]
pub struct DeleteCaptionInput {
    /// The video.
    pub video_id: ID,
    /// Language tag of the captions, as given to `uploadCaption`.
    pub language: String,
}

/// Removed captions.
#[derive(async_graphql::SimpleObject, Debug)]
pub struct DeleteCaptionPayload {
    /// Their language.
    pub language: String,
}

/// Which thumbnail becomes the poster.
#[derive(async_graphql::InputObject, Debug)]
pub struct ChoosePosterInput {
    /// The video.
    pub video_id: ID,
    /// The thumbnail, 1 to 4 (`Video.media.thumbnails` in order).
    pub thumbnail: i32,
}

#[Object]
impl MediaMutation {
    /// Makes one of the four generated thumbnails the video's poster, instead of the generated
    /// poster or an uploaded one (which is deleted).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn choose_poster(
        &self,
        ctx: &Context<'_>,
        input: ChoosePosterInput,
    ) -> AppResult<crate::videos::graphql::Video> {
        let app = app(ctx)?;
        let id = crate::graphql::relay::from_global(&input.video_id, "Video")?;
        let video =
            super::images::choose_poster(app, &crate::graphql::viewer(ctx), id, input.thumbnail)
                .await?;
        Ok(crate::videos::graphql::Video(video))
    }

    /// Adds captions to a video from a WebVTT or SRT file (converted to WebVTT, 1 MiB at most);
    /// they become a subtitle rendition in its HLS master playlist.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn upload_caption(
        &self,
        ctx: &Context<'_>,
        input: UploadCaptionInput,
        file: async_graphql::Upload,
    ) -> AppResult<UploadCaptionPayload> {
        use std::io::Read as _;
        let app = app(ctx)?;
        let video = crate::graphql::relay::from_global(&input.video_id, "Video")?;
        let value = file
            .value(ctx)
            .map_err(|e| AppError::validation(format!("file: {e}")))?;
        let mut bytes = Vec::new();
        value
            .content
            .take(crate::transcode::captions::MAX_CAPTION_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(AppError::internal)?;
        let row = crate::transcode::captions::set_caption(
            app,
            &crate::graphql::viewer(ctx),
            video,
            &input.language,
            &bytes,
        )
        .await?;
        Ok(UploadCaptionPayload {
            language: row.name,
            bytes: row.bytes,
        })
    }

    /// Removes a video's captions in one language, from storage and from its master playlist.
    /// `NOT_FOUND` when it has none in that language.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_caption(
        &self,
        ctx: &Context<'_>,
        input: DeleteCaptionInput,
    ) -> AppResult<DeleteCaptionPayload> {
        let app = app(ctx)?;
        let video = crate::graphql::relay::from_global(&input.video_id, "Video")?;
        crate::transcode::captions::delete_caption(
            app,
            &crate::graphql::viewer(ctx),
            video,
            &input.language,
        )
        .await?;
        Ok(DeleteCaptionPayload {
            language: input.language,
        })
    }

    /// Sets a poster, avatar, banner or cover art from an uploaded JPEG, PNG or WebP file
    /// (`uploads.max_image_bytes` at most). The previous picture is deleted. Editors and admins
    /// for the catalogue's pictures; `USER_AVATAR` for any signed-in user's own avatar (admins:
    /// anyone's).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn upload_image(
        &self,
        ctx: &Context<'_>,
        input: UploadImageInput,
        file: async_graphql::Upload,
    ) -> AppResult<UploadImagePayload> {
        use super::images::ImageTarget;
        use std::io::Read as _;
        if input.target != ImageTarget::UserAvatar
            && principal(ctx).role().is_none_or(|r| r < Role::Editor)
        {
            return Err(AppError::Forbidden);
        }
        let app = app(ctx)?;
        let typename = match input.target {
            ImageTarget::VideoPoster => "Video",
            ImageTarget::ChannelAvatar | ImageTarget::ChannelBanner => "Channel",
            ImageTarget::PodcastArtwork => "Podcast",
            ImageTarget::UserAvatar => "User",
        };
        let id = crate::graphql::relay::from_global(&input.id, typename)?;
        let owner = principal(ctx).signed_in()?;
        let value = file
            .value(ctx)
            .map_err(|e| AppError::validation(format!("file: {e}")))?;
        let limit = app.config.uploads.max_image_bytes;
        let mut bytes = Vec::new();
        value
            .content
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(AppError::internal)?;
        let asset = super::images::set_image(
            app,
            &crate::graphql::viewer(ctx),
            owner,
            input.target,
            id,
            &value.filename,
            bytes,
        )
        .await?;
        let probe: serde_json::Value =
            serde_json::from_str(asset.probe.as_deref().unwrap_or("{}")).unwrap_or_default();
        Ok(UploadImagePayload {
            asset_id: to_global("Asset", asset.id),
            content_type: asset.content_type,
            width: probe["width"].as_i64().unwrap_or(0) as i32,
            height: probe["height"].as_i64().unwrap_or(0) as i32,
            bytes: asset.size,
        })
    }
}
