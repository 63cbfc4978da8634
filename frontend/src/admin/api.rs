//! The admin app's calls. Each operation lives in `graphql/admin/*.graphql`, checked against
//! `schema.graphql` at compile time like the viewer pages' (`crate::api`); every call goes
//! through the signed-in [`Session`].

use graphql_client::GraphQLQuery;

use super::session::Session;
use crate::api::ApiError;

// How the operations' custom scalars arrive: as the strings JSON carries.
/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;
/// `Upload`: null in the variables, the file travels as a part of a multipart request.
type Upload = ();

/// The `ManagedChannels` operation (`graphql/admin/dashboard.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/dashboard.graphql",
    response_derives = "Debug"
)]
pub struct ManagedChannels;

/// The `ChannelVideos` operation (`graphql/admin/dashboard.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/dashboard.graphql",
    response_derives = "Debug"
)]
pub struct ChannelVideos;

/// The `VideoStateOf` operation (`graphql/admin/dashboard.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/dashboard.graphql",
    response_derives = "Debug"
)]
pub struct VideoStateOf;

/// The `CreateVideo` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct CreateVideo;

/// The `UpdateVideo` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct UpdateVideo;

/// The `PublishVideo` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug"
)]
pub struct PublishVideo;

/// The `UnpublishVideo` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug"
)]
pub struct UnpublishVideo;

/// The `DeleteVideo` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug"
)]
pub struct DeleteVideo;

/// The `ChoosePoster` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug"
)]
pub struct ChoosePoster;

/// The `UploadCaption` operation (`graphql/admin/video.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video.graphql",
    response_derives = "Debug"
)]
pub struct UploadCaption;

/// A channel the user may manage.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedChannel {
    /// Global ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its slug (the public page's address).
    pub slug: String,
}

/// The channels the signed-in user may manage, oldest first.
pub async fn managed_channels(session: Session) -> Result<Vec<ManagedChannel>, ApiError> {
    let data = session
        .call::<ManagedChannels>(managed_channels::Variables)
        .await?;
    Ok(data
        .channels
        .nodes
        .into_iter()
        .map(|c| ManagedChannel {
            id: c.id,
            name: c.name,
            slug: c.slug,
        })
        .collect())
}

/// Where a video's media is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// No media yet (or a file still being checked).
    Draft,
    /// Being transcoded; the percentage once a worker reports one.
    Processing(Option<f64>),
    /// Playable; with the reason when a newer file was refused or failed and this media stays.
    Ready(Option<String>),
    /// The media was refused or could not be processed: why, in the API's words.
    Failed(String),
}

impl Phase {
    /// A word for the state, also the suffix of its CSS class (`state-ready`...).
    pub fn word(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Processing(_) => "processing",
            Self::Ready(_) => "ready",
            Self::Failed(_) => "failed",
        }
    }

    /// Whether the media may still change by itself (worth polling).
    pub fn is_settling(&self) -> bool {
        matches!(self, Self::Processing(_))
    }
}

/// A video's life as the dashboard and the upload panel show it.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoState {
    /// Global ID.
    pub id: String,
    /// Its UUID (the edit and watch pages' address).
    pub uuid: String,
    /// Title.
    pub title: String,
    /// Where its media is.
    pub phase: Phase,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
    /// Start of the publish window.
    pub publish_at: Option<String>,
    /// End of the publish window.
    pub unpublish_at: Option<String>,
    /// Whether its media plays (`READY`): the public sees it only then, inside its window.
    pub playable: bool,
    /// The poster picture, once there is one.
    pub poster_url: Option<String>,
}

/// Whether an item is out, in words: `published`, `scheduled`, `not published`, or `published
/// once ready` for one whose window is open but whose media does not play yet (the public sees
/// it the moment it does). No window start means never published.
pub fn publication(
    playable: bool,
    publish_at: Option<&str>,
    unpublish_at: Option<&str>,
) -> &'static str {
    let now = js_sys::Date::now();
    let at = |t: Option<&str>| t.map(js_sys::Date::parse);
    match (at(publish_at), at(unpublish_at)) {
        (None, _) => "not published",
        (_, Some(end)) if end <= now => "not published",
        (Some(start), _) if start > now => "scheduled",
        _ if !playable => "published once ready",
        _ => "published",
    }
}

impl VideoState {
    /// [`publication`] of this video.
    pub fn publication(&self) -> &'static str {
        publication(
            self.playable,
            self.publish_at.as_deref(),
            self.unpublish_at.as_deref(),
        )
    }
}

/// The phase from the API's status, media error and latest processing.
pub(super) fn phase(
    status: &str,
    media_error: Option<String>,
    percent: Option<f64>,
    processing_error: Option<String>,
) -> Phase {
    match status {
        "FAILED" => Phase::Failed(processing_error.or(media_error).unwrap_or_else(|| {
            use crate::i18n::Message;
            crate::i18n::admin::shell::Shell::ProcessingFailed
                .text(crate::i18n::locale())
                .into()
        })),
        // A newer file was refused (or failed) while the earlier media stays playable: still
        // ready, and the editor is told why the new one is not there.
        "READY" => Phase::Ready(media_error),
        _ if media_error.is_some() => Phase::Failed(media_error.unwrap_or_default()),
        "PROCESSING" => Phase::Processing(percent),
        _ => Phase::Draft,
    }
}

// Each operation has its own copy of the fragment's types; the compiler checks they agree.
macro_rules! states_from {
    ($($module:ident),*) => {$(
        impl From<$module::VideoState> for VideoState {
            fn from(v: $module::VideoState) -> Self {
                let status = format!("{:?}", v.status);
                let (percent, processing_error) = v
                    .processing
                    .map(|p| (Some(p.percent), p.error))
                    .unwrap_or((None, None));
                Self {
                    phase: phase(&status, v.media_error, percent, processing_error),
                    playable: status == "READY",
                    id: v.id,
                    uuid: v.uuid,
                    title: v.title,
                    visibility: format!("{:?}", v.visibility),
                    publish_at: v.publish_at,
                    unpublish_at: v.unpublish_at,
                    poster_url: v.media.poster_url,
                }
            }
        }
    )*};
}
states_from!(channel_videos, video_state_of);

/// A channel's videos, drafts included, newest first.
pub async fn channel_videos(
    session: Session,
    channel: String,
) -> Result<Vec<VideoState>, ApiError> {
    let data = session
        .call::<ChannelVideos>(channel_videos::Variables { channel })
        .await?;
    Ok(data.videos.nodes.into_iter().map(Into::into).collect())
}

/// One video's state; `None` when it is gone.
pub async fn video_state(session: Session, id: String) -> Result<Option<VideoState>, ApiError> {
    let data = session
        .call::<VideoStateOf>(video_state_of::Variables { id })
        .await?;
    Ok(data.video.map(Into::into))
}

/// A generated thumbnail that can become the poster.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    /// 1 to 4, as `choosePoster` counts them.
    pub number: i64,
    /// The picture.
    pub url: String,
}

/// The number `n` of a large generated thumbnail (`.../images/thumb-<n>-1280.jpg`, see
/// `transcode::pipeline`); the small ones and anything else give `None`.
pub(super) fn thumbnail_number(url: &str) -> Option<i64> {
    let path = url.split('?').next().unwrap_or(url);
    let name = path.rsplit('/').next()?;
    let n = name.strip_prefix("thumb-")?.strip_suffix("-1280.jpg")?;
    n.parse().ok()
}

/// Parses a visibility word of the edit form.
pub(super) fn visibility_of<V>(word: &str, public: V, unlisted: V, private: V) -> V {
    match word {
        "PUBLIC" => public,
        "UNLISTED" => unlisted,
        _ => private,
    }
}

/// Creates a video in a channel; returns its UUID. It starts unpublished (its window closed
/// now), so that its media becoming ready does not put it out before an editor publishes it.
pub async fn create_video(
    session: Session,
    channel_id: String,
    title: String,
    description: String,
    visibility: String,
) -> Result<String, ApiError> {
    Ok(
        create_draft(session, channel_id, title, description, visibility)
            .await?
            .1,
    )
}

/// Creates an unpublished video in a channel, as [`create_video`]; returns its global ID and
/// its UUID.
pub async fn create_draft(
    session: Session,
    channel_id: String,
    title: String,
    description: String,
    visibility: String,
) -> Result<(String, String), ApiError> {
    use create_video::{CreateVideoInput, Variables, Visibility};
    // No window: a new video is unpublished until its editor publishes it.
    let input = CreateVideoInput {
        channel_id,
        title,
        description: Some(description),
        visibility: Some(visibility_of(
            &visibility,
            Visibility::PUBLIC,
            Visibility::UNLISTED,
            Visibility::PRIVATE,
        )),
        unpublish_at: None,
        slug: None,
        publish_at: None,
        language: None,
        license: None,
        category_id: None,
        tag_ids: None,
        chapters: None,
    };
    let data = session.call::<CreateVideo>(Variables { input }).await?;
    Ok((data.create_video.video.id, data.create_video.video.uuid))
}

/// Changes a video's title, description and visibility.
pub async fn update_video(
    session: Session,
    id: String,
    title: String,
    description: String,
    visibility: String,
) -> Result<(), ApiError> {
    use update_video::{UpdateVideoInput, Variables, Visibility};
    let input = UpdateVideoInput {
        id,
        title: Some(title),
        description: Some(description),
        visibility: Some(visibility_of(
            &visibility,
            Visibility::PUBLIC,
            Visibility::UNLISTED,
            Visibility::PRIVATE,
        )),
        slug: None,
        publish_at: None,
        unpublish_at: None,
        language: None,
        license: None,
        category_id: None,
        tag_ids: None,
        chapters: None,
        comments_enabled: None,
        playback_restriction: None,
        downloads_enabled: None,
    };
    session.call::<UpdateVideo>(Variables { input }).await?;
    Ok(())
}

/// Publishes a video now.
pub async fn publish_video(session: Session, id: String) -> Result<(), ApiError> {
    let input = publish_video::PublishVideoInput { id, at: None };
    session
        .call::<PublishVideo>(publish_video::Variables { input })
        .await?;
    Ok(())
}

/// Unpublishes a video now.
pub async fn unpublish_video(session: Session, id: String) -> Result<(), ApiError> {
    let input = unpublish_video::PublishVideoInput { id, at: None };
    session
        .call::<UnpublishVideo>(unpublish_video::Variables { input })
        .await?;
    Ok(())
}

/// Deletes a video.
pub async fn delete_video(session: Session, id: String) -> Result<(), ApiError> {
    let input = delete_video::DeleteVideoInput { id };
    session
        .call::<DeleteVideo>(delete_video::Variables { input })
        .await?;
    Ok(())
}

/// Makes generated thumbnail `number` (1 to 4) the video's poster.
pub async fn choose_poster(
    session: Session,
    video_id: String,
    number: i64,
) -> Result<(), ApiError> {
    let input = choose_poster::ChoosePosterInput {
        video_id,
        thumbnail: number,
    };
    session
        .call::<ChoosePoster>(choose_poster::Variables { input })
        .await?;
    Ok(())
}

/// Adds captions in `language` to a video from a WebVTT or SRT file.
pub async fn upload_caption(
    session: Session,
    video_id: String,
    language: String,
    file: &web_sys::File,
) -> Result<(), ApiError> {
    let variables = upload_caption::Variables {
        input: upload_caption::UploadCaptionInput { video_id, language },
        file: (),
    };
    session
        .call_with_file::<UploadCaption>(variables, "file", file)
        .await?;
    Ok(())
}

/// The `MyUploads` operation (`graphql/admin/uploads.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/uploads.graphql",
    response_derives = "Debug"
)]
pub struct MyUploads;

/// An upload of the signed-in user that stopped before its last byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfinished {
    /// Its tus address.
    pub url: String,
    /// The file's name.
    pub filename: String,
    /// Bytes the server has.
    pub offset: f64,
    /// Bytes in the file.
    pub length: f64,
}

/// The signed-in user's uploads still waiting for bytes, newest first.
pub async fn unfinished_uploads(session: Session) -> Result<Vec<Unfinished>, ApiError> {
    let data = session.call::<MyUploads>(my_uploads::Variables).await?;
    Ok(data
        .my_uploads
        .into_iter()
        .filter(|u| u.status == "UPLOADING")
        .map(|u| Unfinished {
            url: u.url,
            filename: u.filename,
            offset: u.offset as f64,
            length: u.length as f64,
        })
        .collect())
}
