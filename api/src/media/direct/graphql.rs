//! GraphQL of direct uploads: `createDirectUpload`, `directUpload(id:)`, `cancelDirectUpload`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;

use super::{DirectUploadStatus, NewDirectUpload, Settings, direct_upload, public_status};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::accounts::capabilities::Capability;
use crate::error::{AppError, AppResult};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::{app, principal, viewer};
use crate::media::entity::upload;
use crate::media::graphql::Upload;
use crate::videos::entity::video;
use crate::videos::graphql::{Video, VideoDetailsInput};
use crate::videos::service::VideoDetails;
use crate::visibility::Visibility;

/// A one-time tus URL for a browser on an integrator's site, and what became of it.
///
/// Its upload is read once per object and shared by its fields (which resolve concurrently), so
/// `status`, `error` and `upload` always describe the same moment.
#[derive(Debug, Clone)]
pub struct DirectUpload(
    pub direct_upload::Model,
    tokio::sync::OnceCell<Option<upload::Model>>,
);

impl From<direct_upload::Model> for DirectUpload {
    fn from(model: direct_upload::Model) -> Self {
        Self(model, tokio::sync::OnceCell::new())
    }
}

#[Object]
impl DirectUpload {
    /// Global ID.
    async fn id(&self) -> ID {
        to_global("DirectUpload", self.0.id)
    }
    /// The tus creation URL (`POST` with `Upload-Length`, then `PATCH` the `Location` it
    /// answers). It needs no credential: hand it only to the browser that uploads.
    async fn url(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(super::url(&app(ctx)?.config.public_url, &self.0.secret))
    }
    /// The one browser origin that may use the URL.
    async fn cors_origin(&self) -> &str {
        &self.0.cors_origin
    }
    /// Where it stands.
    async fn status(&self, ctx: &Context<'_>) -> AppResult<DirectUploadStatus> {
        let upload = self.upload_row(ctx).await?;
        Ok(public_status(&self.0, upload))
    }
    /// Why it errored, for people (the upload's own reason when the file was refused).
    async fn error(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        if self.0.error.is_some() {
            return Ok(self.0.error.clone());
        }
        let upload = self.upload_row(ctx).await?;
        Ok(match public_status(&self.0, upload) {
            DirectUploadStatus::Errored => upload.and_then(|u| u.error.clone()),
            _ => None,
        })
    }
    /// Until when the URL may start its upload (an upload started before then may finish
    /// after).
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// Largest file accepted, in bytes.
    async fn max_size(&self) -> i64 {
        self.0.max_size
    }
    /// The tus upload, once the browser started it.
    async fn upload(&self, ctx: &Context<'_>) -> AppResult<Option<Upload>> {
        Ok(self.upload_row(ctx).await?.cloned().map(Upload))
    }
    /// The draft video, once the file is in (null if it was deleted since).
    async fn video(&self, ctx: &Context<'_>) -> AppResult<Option<Video>> {
        let Some(id) = self.0.video_id else {
            return Ok(None);
        };
        let found = video::Entity::find_by_id(id).one(&app(ctx)?.db).await?;
        Ok(found.map(Video))
    }
    /// The channel the video goes in.
    async fn channel_id(&self) -> ID {
        to_global("Channel", self.0.channel_id)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

impl DirectUpload {
    async fn upload_row(&self, ctx: &Context<'_>) -> AppResult<Option<&upload::Model>> {
        let row = self
            .1
            .get_or_try_init(|| async {
                let Some(id) = self.0.upload_id else {
                    return Ok(None);
                };
                Ok::<_, AppError>(upload::Entity::find_by_id(id).one(&app(ctx)?.db).await?)
            })
            .await?;
        Ok(row.as_ref())
    }
}

/// The settings of the draft video a direct upload makes.
#[derive(InputObject, Debug, Default)]
pub struct DirectUploadVideoInput {
    /// Title (1 to 200 characters); the uploaded file's name when absent.
    pub title: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Defaults to PUBLIC (it stays hidden until its media is ready and it is published).
    pub visibility: Option<Visibility>,
    /// Start of the publish window: the video goes out then, once its media is ready.
    pub publish_at: Option<DateTime<Utc>>,
    /// The window's end, language, license, category, tags and chapters, as for `createVideo`.
    #[graphql(flatten)]
    pub details: VideoDetailsInput,
}

impl TryFrom<DirectUploadVideoInput> for Settings {
    type Error = AppError;

    fn try_from(input: DirectUploadVideoInput) -> AppResult<Self> {
        Ok(Self {
            title: input.title,
            description: input.description,
            visibility: input.visibility.map(|v| v.as_str().to_string()),
            publish_at: input.publish_at,
            details: VideoDetails::try_from(input.details)?,
        })
    }
}

/// A new direct upload.
#[derive(InputObject, Debug)]
pub struct CreateDirectUploadInput {
    /// The channel the video goes in (one the caller manages).
    pub channel_id: ID,
    /// The browser origin that may use the URL, e.g. `https://www.example.com`.
    pub cors_origin: String,
    /// How long the URL may start its upload: 60 to 604800 seconds (a week); 3600 by default.
    pub expires_in_secs: Option<i64>,
    /// Largest file accepted, in bytes; at most (and by default) the server's upload limit.
    pub max_size: Option<i64>,
    /// The draft video's settings.
    pub video: Option<DirectUploadVideoInput>,
}

/// Names a direct upload to cancel.
#[derive(InputObject, Debug)]
pub struct CancelDirectUploadInput {
    /// The direct upload.
    pub id: ID,
}

/// The direct upload a mutation made or changed.
#[derive(SimpleObject, Debug)]
pub struct DirectUploadPayload {
    /// The direct upload.
    pub direct_upload: DirectUpload,
}

/// The direct-upload query.
#[derive(Default, Debug)]
pub struct DirectUploadsQuery;

#[Object]
impl DirectUploadsQuery {
    /// A direct upload in a channel the caller manages (`NOT_FOUND` otherwise).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn direct_upload(&self, ctx: &Context<'_>, id: ID) -> AppResult<DirectUpload> {
        let id = from_global(&id, "DirectUpload")?;
        let found = super::find_managed(&app(ctx)?.db, &viewer(ctx), id).await?;
        Ok(DirectUpload::from(found))
    }
}

/// The direct-upload mutations.
#[derive(Default, Debug)]
pub struct DirectUploadsMutation;

#[Object]
impl DirectUploadsMutation {
    /// Creates a one-time tus URL that a browser on `corsOrigin` may upload one file to,
    /// without credentials, until it expires; the file becomes a draft video in the channel
    /// with the given settings. Editors of the channel; API tokens with WRITE and UPLOAD.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_direct_upload(
        &self,
        ctx: &Context<'_>,
        input: CreateDirectUploadInput,
    ) -> AppResult<DirectUploadPayload> {
        let caller = principal(ctx);
        if let Some(grant) = caller.grant()
            && !grant.capabilities.contains(Capability::Upload)
        {
            return Err(AppError::Forbidden);
        }
        let owner = caller.signed_in()?;
        let new = NewDirectUpload {
            channel_id: from_global(&input.channel_id, "Channel")?,
            cors_origin: input.cors_origin,
            expires_in_secs: input.expires_in_secs,
            max_size: input.max_size,
            settings: Settings::try_from(input.video.unwrap_or_default())?,
        };
        let app = app(ctx)?;
        let created = super::create(&app.db, &app.config.uploads, &viewer(ctx), owner, new).await?;
        crate::graphql::gate::changed_nothing_public(ctx);
        Ok(DirectUploadPayload {
            direct_upload: DirectUpload::from(created),
        })
    }

    /// Cancels a direct upload whose URL has not been used: it stops working (`CONFLICT` once
    /// an upload started).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn cancel_direct_upload(
        &self,
        ctx: &Context<'_>,
        input: CancelDirectUploadInput,
    ) -> AppResult<DirectUploadPayload> {
        let id = from_global(&input.id, "DirectUpload")?;
        let cancelled = super::cancel(&app(ctx)?.db, &viewer(ctx), id).await?;
        crate::graphql::gate::changed_nothing_public(ctx);
        Ok(DirectUploadPayload {
            direct_upload: DirectUpload::from(cancelled),
        })
    }
}
