//! The library's calls for episodes (`graphql/admin/library_episodes.graphql`): a page of the
//! episodes of the podcasts of channels the user manages, and the bulk actions that apply to
//! episodes (publish, unpublish, visibility, delete).

use graphql_client::GraphQLQuery;

use super::calls::{Action, Failure, Filters, Outcome, Row, bulk_outcome, some, state_of};
use crate::admin::api;
use crate::admin::session::Session;
use crate::api::ApiError;
use crate::i18n::admin::library::Library as L;
use crate::i18n::{Message, locale};

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

/// How many episodes a page asks for (the API's cap is 100).
const PAGE: i64 = 50;

macro_rules! operation {
    ($name:ident) => {
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin/library_episodes.graphql",
            response_derives = "Debug",
            skip_serializing_none
        )]
        pub struct $name;
    };
}
operation!(LibraryEpisodes);
operation!(BulkPublishEpisodes);
operation!(BulkUnpublishEpisodes);
operation!(BulkDeleteEpisodes);
operation!(BulkEpisodeVisibility);

/// A page of episodes after `after`, and the next page's cursor.
pub(super) async fn page(
    session: Session,
    filters: Filters,
    after: Option<String>,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    use library_episodes::{EpisodeFilter, OrderBy, Status, Visibility};
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
    // Episodes are not ranked by views: the sort falls back to newest.
    let order_by = match filters.sort.as_str() {
        "OLDEST" => OrderBy::OLDEST,
        "TITLE" => OrderBy::TITLE,
        _ => OrderBy::NEWEST,
    };
    let filter = EpisodeFilter {
        podcast: None,
        channel: some(&filters.channel),
        tag: some(&filters.tag),
        status,
        visibility,
        created_after: None,
        created_before: None,
        text: some(&filters.text),
        managed_by_me: Some(true),
    };
    let variables = library_episodes::Variables {
        first: PAGE,
        after,
        filter: Some(filter),
        order_by: Some(order_by),
    };
    let data = session.call::<LibraryEpisodes>(variables).await?;
    let episodes = data.episodes;
    let next = episodes
        .page_info
        .has_next_page
        .then_some(episodes.page_info.end_cursor)
        .flatten();
    let rows = episodes
        .nodes
        .into_iter()
        .map(|e| {
            let (phase, publication) = state_of(
                format!("{:?}", e.status),
                e.media_error,
                e.processing.map(|p| (p.percent, p.error)),
                e.publish_at.as_deref(),
                e.unpublish_at.as_deref(),
            );
            Row {
                publication,
                phase,
                href: crate::admin::episode_path(&e.id),
                uuid: e.id.clone(),
                id: e.id,
                title: e.title,
                channel: format!("{} · {}", e.podcast.channel.name, e.podcast.title),
                visibility: format!("{:?}", e.visibility),
                duration: e.duration,
                views: None,
                likes: e.like_count,
                comments: e.comment_count,
                poster: e.podcast.artwork_url,
            }
        })
        .collect();
    Ok((rows, next))
}

/// Runs `action` over the episodes `ids`. Playlists and channel moves are for videos only:
/// the bar does not offer them for episodes, and they are refused here as a whole.
pub(super) async fn bulk(
    session: Session,
    action: Action,
    ids: Vec<String>,
) -> Result<Outcome, ApiError> {
    Ok(match action {
        Action::Publish => {
            let input = bulk_publish_episodes::BulkEpisodesInput { ids };
            let data = session
                .call::<BulkPublishEpisodes>(bulk_publish_episodes::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_publish_episodes)
        }
        Action::Unpublish => {
            let input = bulk_unpublish_episodes::BulkEpisodesInput { ids };
            let data = session
                .call::<BulkUnpublishEpisodes>(bulk_unpublish_episodes::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_unpublish_episodes)
        }
        Action::Delete => {
            let input = bulk_delete_episodes::BulkEpisodesInput { ids };
            let data = session
                .call::<BulkDeleteEpisodes>(bulk_delete_episodes::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_delete_episodes)
        }
        Action::Visibility(word) => {
            use bulk_episode_visibility::Visibility;
            let visibility = api::visibility_of(
                &word,
                Visibility::PUBLIC,
                Visibility::UNLISTED,
                Visibility::PRIVATE,
            );
            let input = bulk_episode_visibility::BulkSetEpisodeVisibilityInput { ids, visibility };
            let data = session
                .call::<BulkEpisodeVisibility>(bulk_episode_visibility::Variables { input })
                .await?;
            bulk_outcome!(data.bulk_set_episode_visibility)
        }
        Action::AddToPlaylist(_) | Action::Move(_) => Outcome {
            done: 0,
            failures: ids
                .into_iter()
                .map(|id| Failure {
                    id,
                    code: "VALIDATION".into(),
                    message: L::VideosOnly.text(locale()).to_owned(),
                })
                .collect(),
        },
    })
}
