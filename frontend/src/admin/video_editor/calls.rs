//! The video editor's calls (`graphql/admin/video_editor.graphql`), checked against
//! `schema.graphql` at compile time like every other operation of the app.

use graphql_client::{GraphQLQuery, QueryBody};
use serde_json::{Map, Value};

use super::super::api::{self, Phase, Thumbnail, VideoState, update_video};
use super::super::playback::Rule;
use super::super::session::Session;
use crate::api::ApiError;

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;
/// `Upload`: null in the variables, the file travels as a part of a multipart request.
type Upload = ();

/// The `VideoEditorData` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video_editor.graphql",
    response_derives = "Debug"
)]
pub struct VideoEditorData;

/// The `Taxonomy` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video_editor.graphql",
    response_derives = "Debug"
)]
pub struct Taxonomy;

/// The `CreateTag` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video_editor.graphql",
    response_derives = "Debug",
    skip_serializing_none
)]
pub struct CreateTag;

/// The `DeleteCaption` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video_editor.graphql",
    response_derives = "Debug"
)]
pub struct DeleteCaption;

/// The `UploadImage` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/video_editor.graphql",
    response_derives = "Debug"
)]
pub struct UploadImage;

/// `UpdateVideo` (type-checked by [`api::UpdateVideo`]) sent with a hand-made input: only the
/// fields the editor changed, and `null` for a field the editor emptied (which the API reads
/// as "clear"). graphql_client's generated input cannot tell "absent" from "null".
pub struct UpdateVideoPatch;

impl GraphQLQuery for UpdateVideoPatch {
    type Variables = Value;
    type ResponseData = update_video::ResponseData;

    fn build_query(variables: Value) -> QueryBody<Value> {
        QueryBody {
            variables,
            query: update_video::QUERY,
            operation_name: update_video::OPERATION_NAME,
        }
    }
}

/// A tag: its ID and name.
#[derive(Debug, Clone, PartialEq)]
pub struct TagRef {
    /// Global ID.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A chapter as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterData {
    /// Title.
    pub title: String,
    /// Start, in seconds.
    pub start_secs: f64,
}

/// Everything the editor shows of a video.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorVideo {
    /// State, title, publish window, poster.
    pub state: VideoState,
    /// Address part, unique in the channel.
    pub slug: String,
    /// Markdown.
    pub description: String,
    /// Seconds, once measured.
    pub duration: Option<f64>,
    /// BCP 47 tag.
    pub language: Option<String>,
    /// License name or URL.
    pub license: Option<String>,
    /// Category ID.
    pub category_id: Option<String>,
    /// Tags by name.
    pub tags: Vec<TagRef>,
    /// Chapters in order.
    pub chapters: Vec<ChapterData>,
    /// The HLS master playlist, once playable.
    pub hls_url: Option<String>,
    /// The four generated thumbnails.
    pub thumbnails: Vec<Thumbnail>,
    /// Caption languages.
    pub captions: Vec<String>,
    /// The channel's name.
    pub channel_name: String,
    /// Whether viewers may comment.
    pub comments_enabled: bool,
    /// Its own playback restriction (`None`: its channel's applies).
    pub playback: Option<Rule>,
    /// Its channel's playback restriction.
    pub channel_playback: Rule,
    /// Its own downloads setting (`None`: its channel's applies).
    pub downloads_enabled: Option<bool>,
    /// Its channel's downloads setting.
    pub channel_downloads: bool,
    /// Its downloads, once made.
    pub downloads: Vec<DownloadFile>,
}

/// A file to download, as the editor lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadFile {
    /// `MP4` or `M4A`.
    pub format: String,
    /// Where to get it.
    pub url: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// Its frame width (MP4).
    pub width: Option<i64>,
    /// Its frame height (MP4).
    pub height: Option<i64>,
}

/// A video the user may manage, by UUID or global ID; `None` when there is none they may
/// manage (or the id cannot be read).
pub async fn editor_video(session: Session, id: String) -> Result<Option<EditorVideo>, ApiError> {
    let data = match session
        .call::<VideoEditorData>(video_editor_data::Variables { id })
        .await
    {
        Ok(data) => data,
        // FORBIDDEN: the playback restriction is for its channel's managers only.
        Err(e) if matches!(e.code(), Some("NOT_FOUND" | "VALIDATION" | "FORBIDDEN")) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let Some(v) = data.video.filter(|v| v.channel.viewer_can_manage) else {
        return Ok(None);
    };
    let status = format!("{:?}", v.status);
    let (percent, processing_error) = v
        .processing
        .map(|p| (Some(p.percent), p.error))
        .unwrap_or((None, None));
    let mut thumbnails: Vec<Thumbnail> = v
        .media
        .thumbnails
        .into_iter()
        .filter_map(|t| {
            Some(Thumbnail {
                number: api::thumbnail_number(&t.url)?,
                url: t.url,
            })
        })
        .collect();
    thumbnails.sort_by_key(|t| t.number);
    let phase: Phase = api::phase(&status, v.media_error, percent, processing_error);
    Ok(Some(EditorVideo {
        state: VideoState {
            phase,
            playable: status == "READY",
            id: v.id,
            uuid: v.uuid,
            title: v.title,
            visibility: format!("{:?}", v.visibility),
            publish_at: v.publish_at,
            unpublish_at: v.unpublish_at,
            poster_url: v.media.poster_url,
        },
        slug: v.slug,
        description: v.description,
        duration: v.duration,
        language: v.language,
        license: v.license,
        category_id: v.category.map(|c| c.id),
        tags: v
            .tags
            .into_iter()
            .map(|t| TagRef {
                id: t.id,
                name: t.name,
            })
            .collect(),
        chapters: v
            .chapters
            .into_iter()
            .map(|c| ChapterData {
                title: c.title,
                start_secs: c.start_secs,
            })
            .collect(),
        hls_url: v.media.hls_url.filter(|_| v.media.playable),
        thumbnails,
        captions: v.media.captions.into_iter().map(|c| c.language).collect(),
        playback: v.playback_restriction.map(|r| Rule {
            domains: r.allowed_domains,
            allow_no_referrer: r.allow_no_referrer,
        }),
        channel_playback: Rule {
            domains: v.channel.playback_restriction.allowed_domains,
            allow_no_referrer: v.channel.playback_restriction.allow_no_referrer,
        },
        downloads_enabled: v.downloads_enabled,
        channel_downloads: v.channel.downloads_enabled,
        downloads: v
            .downloads
            .into_iter()
            .map(|d| DownloadFile {
                format: format!("{:?}", d.format),
                url: d.url,
                bytes: d.bytes,
                width: d.width,
                height: d.height,
            })
            .collect(),
        channel_name: v.channel.name,
        comments_enabled: v.comments_enabled,
    }))
}

/// A category with its depth in the tree (0 for a root).
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryOption {
    /// Global ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// How deep it sits.
    pub depth: usize,
}

/// Every tag, and the category tree flattened in order (parents before their children).
pub async fn taxonomy(session: Session) -> Result<(Vec<TagRef>, Vec<CategoryOption>), ApiError> {
    let data = session.call::<Taxonomy>(taxonomy::Variables).await?;
    let tags = data
        .tags
        .into_iter()
        .map(|t| TagRef {
            id: t.id,
            name: t.name,
        })
        .collect();
    let mut categories = Vec::new();
    let mut push = |id: String, name: String, depth| {
        categories.push(CategoryOption { id, name, depth });
    };
    for root in data.categories {
        push(root.id, root.name, 0);
        for child in root.children {
            push(child.id, child.name, 1);
            for grandchild in child.children {
                push(grandchild.id, grandchild.name, 2);
                for leaf in grandchild.children {
                    push(leaf.id, leaf.name, 3);
                }
            }
        }
    }
    Ok((tags, categories))
}

/// Creates a tag by name.
pub async fn create_tag(session: Session, name: String) -> Result<TagRef, ApiError> {
    let input = create_tag::CreateTagInput { name, slug: None };
    let data = session
        .call::<CreateTag>(create_tag::Variables { input })
        .await?;
    Ok(TagRef {
        id: data.create_tag.tag.id,
        name: data.create_tag.tag.name,
    })
}

/// Sends `updateVideo` with only the fields in `changes` (`null` clears one).
pub async fn patch_video(
    session: Session,
    id: String,
    mut changes: Map<String, Value>,
) -> Result<(), ApiError> {
    changes.insert("id".into(), Value::String(id));
    let variables = serde_json::json!({ "input": changes });
    session.call::<UpdateVideoPatch>(variables).await?;
    Ok(())
}

/// Removes a video's captions in one language.
pub async fn delete_caption(
    session: Session,
    video_id: String,
    language: String,
) -> Result<(), ApiError> {
    let input = delete_caption::DeleteCaptionInput { video_id, language };
    session
        .call::<DeleteCaption>(delete_caption::Variables { input })
        .await?;
    Ok(())
}

/// Sets the video's poster from a picture file (JPEG, PNG or WebP).
pub async fn upload_poster(
    session: Session,
    video_id: String,
    file: &web_sys::File,
) -> Result<(), ApiError> {
    let variables = upload_image::Variables {
        input: upload_image::UploadImageInput {
            target: upload_image::ImageTarget::VIDEO_POSTER,
            id: video_id,
        },
        file: (),
    };
    session
        .call_with_file::<UploadImage>(variables, "file", file)
        .await?;
    Ok(())
}
