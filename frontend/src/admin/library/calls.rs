//! The library's calls (`graphql/admin/library.graphql`).

use graphql_client::GraphQLQuery;

use crate::admin::api::{self, Phase};
use crate::admin::session::Session;
use crate::api::ApiError;

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

/// How many videos a page asks for (the API's cap is 100).
const PAGE: i64 = 50;

macro_rules! operation {
    ($name:ident) => {
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin/library.graphql",
            response_derives = "Debug",
            skip_serializing_none
        )]
        pub struct $name;
    };
}
operation!(LibraryVideos);
operation!(LibraryChoices);
operation!(LibraryTaxonomy);
operation!(BulkPublish);
operation!(BulkUnpublish);
operation!(BulkDelete);
operation!(BulkVisibility);
operation!(BulkAddToPlaylist);
operation!(BulkMove);

/// A row of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Global ID.
    pub id: String,
    /// UUID for a video, the global ID for an episode (`data-uuid`).
    pub uuid: String,
    /// The editor's address.
    pub href: String,
    /// Title.
    pub title: String,
    /// Its channel's name (and the podcast's title, for an episode).
    pub channel: String,
    /// Where its media is.
    pub phase: Phase,
    /// `PUBLIC`, `UNLISTED`, `PRIVATE`.
    pub visibility: String,
    /// Published, scheduled, not published...
    pub publication: &'static str,
    /// Seconds, once measured.
    pub duration: Option<f64>,
    /// Views (videos only: episodes keep plays per day, not a total).
    pub views: Option<i64>,
    /// Likes (counted in batches, like views).
    pub likes: i64,
    /// Published comments.
    pub comments: i64,
    /// The poster.
    pub poster: Option<String>,
}

/// What the library lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    /// Videos.
    #[default]
    Videos,
    /// Podcast episodes.
    Episodes,
}

/// The library's filters, as the controls hold them (`""`: any).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Videos or episodes.
    pub kind: Kind,
    /// Channel ID.
    pub channel: String,
    /// `DRAFT`, `PROCESSING`, `READY`, `FAILED`.
    pub status: String,
    /// `PUBLIC`, `UNLISTED`, `PRIVATE`.
    pub visibility: String,
    /// Tag ID.
    pub tag: String,
    /// Category ID (videos only).
    pub category: String,
    /// Part of the title.
    pub text: String,
    /// `NEWEST`, `OLDEST`, `MOST_VIEWED`, `TITLE`.
    pub sort: String,
}

pub(super) fn some(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

/// A page of the library after `after`: the rows of channels the user manages and the
/// cursor of the next page (if any).
pub async fn page(
    session: Session,
    filters: Filters,
    after: Option<String>,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    match filters.kind {
        Kind::Videos => videos_page(session, filters, after).await,
        Kind::Episodes => super::episode_calls::page(session, filters, after).await,
    }
}

/// A page of videos.
async fn videos_page(
    session: Session,
    filters: Filters,
    after: Option<String>,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    use library_videos::{OrderBy, Status, VideoFilter, Visibility};
    let status = match filters.status.as_str() {
        "DRAFT" => Some(Status::DRAFT),
        "PROCESSING" => Some(Status::PROCESSING),
        "READY" => Some(Status::READY),
        "FAILED" => Some(Status::FAILED),
        _ => None,
    };
    let visibility = match filters.visibility.as_str() {
        "PUBLIC" => Some(Visibility::PUBLIC),
        "UNLISTED" => Some(Visibility::UNLISTED),
        "PRIVATE" => Some(Visibility::PRIVATE),
        _ => None,
    };
    let order_by = match filters.sort.as_str() {
        "OLDEST" => OrderBy::OLDEST,
        "MOST_VIEWED" => OrderBy::MOST_VIEWED,
        "TITLE" => OrderBy::TITLE,
        _ => OrderBy::NEWEST,
    };
    let filter = VideoFilter {
        channel: some(&filters.channel),
        tag: some(&filters.tag),
        category: some(&filters.category),
        status,
        visibility,
        language: None,
        created_after: None,
        created_before: None,
        text: some(&filters.text),
        managed_by_me: Some(true),
    };
    let variables = library_videos::Variables {
        first: PAGE,
        after,
        filter: Some(filter),
        order_by: Some(order_by),
    };
    let data = session.call::<LibraryVideos>(variables).await?;
    let videos = data.videos;
    let next = videos
        .page_info
        .has_next_page
        .then_some(videos.page_info.end_cursor)
        .flatten();
    let rows = videos
        .nodes
        .into_iter()
        .map(|v| {
            let (phase, publication) = state_of(
                format!("{:?}", v.status),
                v.media_error,
                v.processing.map(|p| (p.percent, p.error)),
                v.publish_at.as_deref(),
                v.unpublish_at.as_deref(),
            );
            Row {
                publication,
                phase,
                id: v.id,
                href: crate::admin::edit_path(&v.uuid),
                uuid: v.uuid,
                title: v.title,
                channel: v.channel.name,
                visibility: format!("{:?}", v.visibility),
                duration: v.duration,
                views: Some(v.view_count),
                likes: v.like_count,
                comments: v.comment_count,
                poster: v.media.poster_url,
            }
        })
        .collect();
    Ok((rows, next))
}

/// A row's state and publication, from its status (as the API spells it), media error,
/// latest processing (percent, error) and publish window: the same for videos and episodes.
pub(super) fn state_of(
    status: String,
    media_error: Option<String>,
    processing: Option<(f64, Option<String>)>,
    publish_at: Option<&str>,
    unpublish_at: Option<&str>,
) -> (Phase, &'static str) {
    let (percent, error) = processing.map_or((None, None), |(p, e)| (Some(p), e));
    let publication = api::publication(status == "READY", publish_at, unpublish_at);
    (
        api::phase(&status, media_error, percent, error),
        publication,
    )
}

/// What the filters and bulk actions offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices {
    /// Managed channels: ID and name.
    pub channels: Vec<(String, String)>,
    /// Their playlists: ID and "channel: title".
    pub playlists: Vec<(String, String)>,
    /// Tags: ID and name.
    pub tags: Vec<(String, String)>,
    /// Categories in tree order: ID and name indented by depth.
    pub categories: Vec<(String, String)>,
}

/// The channels, playlists, tags and categories to choose from.
pub async fn choices(session: Session) -> Result<Choices, ApiError> {
    let data = session
        .call::<LibraryChoices>(library_choices::Variables)
        .await?;
    let mut out = Choices {
        channels: data
            .channels
            .nodes
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
        playlists: data
            .playlists
            .nodes
            .into_iter()
            .filter(|p| p.channel.viewer_can_manage)
            .map(|p| (p.id, format!("{}: {}", p.channel.name, p.title)))
            .collect(),
        ..Choices::default()
    };
    let data = session
        .call::<LibraryTaxonomy>(library_taxonomy::Variables)
        .await?;
    out.tags = data.tags.into_iter().map(|t| (t.id, t.name)).collect();
    let indent =
        |depth: usize, name: String| format!("{}{name}", "\u{a0}\u{a0}\u{a0}".repeat(depth));
    for root in data.categories {
        out.categories.push((root.id, root.name));
        for child in root.children {
            out.categories.push((child.id, indent(1, child.name)));
            for leaf in child.children {
                out.categories.push((leaf.id, indent(2, leaf.name)));
            }
        }
    }
    Ok(out)
}

/// A bulk action over the selected videos.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Publish now.
    Publish,
    /// Unpublish now.
    Unpublish,
    /// Delete for good.
    Delete,
    /// Set the visibility.
    Visibility(String),
    /// Add to the end of a playlist (ID).
    AddToPlaylist(String),
    /// Move to a channel (ID).
    Move(String),
}

/// One refused item of a bulk action.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The video's ID.
    pub id: String,
    /// The error code.
    pub code: String,
    /// Why, in the API's words.
    pub message: String,
}

/// What a bulk action did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Items done.
    pub done: i64,
    /// Items refused, each with why.
    pub failures: Vec<Failure>,
}

/// A bulk call's payload as an [`Outcome`] (video and episode payloads have the same shape;
/// `Outcome` and `Failure` must be in scope).
macro_rules! bulk_outcome {
    ($payload:expr) => {{
        let p = $payload;
        Outcome {
            done: p.ok_count,
            failures: p
                .results
                .into_iter()
                .filter(|r| !r.ok)
                .map(|r| Failure {
                    id: r.id,
                    code: r.code.unwrap_or_default(),
                    message: r.message.unwrap_or_default(),
                })
                .collect(),
        }
    }};
}
pub(super) use bulk_outcome;

/// Runs `action` over the `kind` items `ids`: each item is done or refused on its own.
pub async fn bulk(
    session: Session,
    kind: Kind,
    action: Action,
    ids: Vec<String>,
) -> Result<Outcome, ApiError> {
    if kind == Kind::Episodes {
        return super::episode_calls::bulk(session, action, ids).await;
    }
    Ok(match action {
        Action::Publish => {
            let input = bulk_publish::BulkVideosInput { ids };
            let data = session
                .call::<BulkPublish>(bulk_publish::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_publish_videos)
        }
        Action::Unpublish => {
            let input = bulk_unpublish::BulkVideosInput { ids };
            let data = session
                .call::<BulkUnpublish>(bulk_unpublish::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_unpublish_videos)
        }
        Action::Delete => {
            let input = bulk_delete::BulkVideosInput { ids };
            let data = session
                .call::<BulkDelete>(bulk_delete::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_delete_videos)
        }
        Action::Visibility(word) => {
            use bulk_visibility::Visibility;
            let visibility = api::visibility_of(
                &word,
                Visibility::PUBLIC,
                Visibility::UNLISTED,
                Visibility::PRIVATE,
            );
            let input = bulk_visibility::BulkSetVideoVisibilityInput { ids, visibility };
            let data = session
                .call::<BulkVisibility>(bulk_visibility::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_set_video_visibility)
        }
        Action::AddToPlaylist(playlist_id) => {
            let input = bulk_add_to_playlist::BulkAddVideosToPlaylistInput { ids, playlist_id };
            let data = session
                .call::<BulkAddToPlaylist>(bulk_add_to_playlist::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_add_videos_to_playlist)
        }
        Action::Move(channel_id) => {
            let input = bulk_move::BulkMoveVideosInput { ids, channel_id };
            let data = session
                .call::<BulkMove>(bulk_move::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_move_videos)
        }
    })
}
