//! The admin app's podcast and episode calls (`graphql/admin/podcast.graphql`).

use graphql_client::GraphQLQuery;

use super::api::{Phase, phase, publication, visibility_of};
use super::session::Session;
use crate::api::ApiError;

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

/// The `ChannelPodcasts` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct ChannelPodcasts;

/// The `EditPodcast` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct EditPodcast;

/// The `EditEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct EditEpisode;

/// The `CreatePodcast` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct CreatePodcast;

/// The `UpdatePodcast` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct UpdatePodcast;

/// The `CreateEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct CreateEpisode;

/// The `UpdateEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct UpdateEpisode;

/// The `PublishEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct PublishEpisode;

/// The `UnpublishEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct UnpublishEpisode;

/// The `DeleteEpisode` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast.graphql",
    response_derives = "Debug"
)]
pub struct DeleteEpisode;

/// A podcast as the dashboard lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodcastSummary {
    /// Global ID (its admin page's address).
    pub id: String,
    /// Title.
    pub title: String,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
}

/// A channel's podcasts, newest first.
pub async fn channel_podcasts(
    session: Session,
    channel: String,
) -> Result<Vec<PodcastSummary>, ApiError> {
    let data = session
        .call::<ChannelPodcasts>(channel_podcasts::Variables { channel })
        .await?;
    Ok(data
        .channel
        .map(|c| c.podcasts.nodes)
        .unwrap_or_default()
        .into_iter()
        .map(|p| PodcastSummary {
            id: p.id,
            title: p.title,
            visibility: format!("{:?}", p.visibility),
        })
        .collect())
}

/// Where an episode is in its life.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeState {
    /// Global ID (its admin page's address).
    pub id: String,
    /// Title.
    pub title: String,
    /// Where its audio is.
    pub phase: Phase,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
    /// `published`, `scheduled` or `not published`.
    pub publication: &'static str,
}

macro_rules! episode_states_from {
    ($($module:ident),*) => {$(
        impl From<$module::EpisodeState> for EpisodeState {
            fn from(e: $module::EpisodeState) -> Self {
                let status = format!("{:?}", e.status);
                let (percent, processing_error) = e
                    .processing
                    .map(|p| (Some(p.percent), p.error))
                    .unwrap_or((None, None));
                Self {
                    publication: publication(
                        status == "READY",
                        e.publish_at.as_deref(),
                        e.unpublish_at.as_deref(),
                    ),
                    phase: phase(&status, e.media_error, percent, processing_error),
                    id: e.id,
                    title: e.title,
                    visibility: format!("{:?}", e.visibility),
                }
            }
        }
    )*};
}
episode_states_from!(edit_podcast, edit_episode);

/// Everything the podcast page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EditablePodcast {
    /// Global ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its slug, unique within its channel.
    pub slug: String,
    /// Description as written (Markdown).
    pub description: String,
    /// Author shown in podcast apps.
    pub author: String,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
    /// Other hosts may not import the feed (`podcast:locked`).
    pub locked: bool,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
    /// Its episodes, newest first, drafts included.
    pub episodes: Vec<EpisodeState>,
}

/// A podcast the user may manage; `None` when there is none they may manage.
pub async fn editable_podcast(
    session: Session,
    id: String,
) -> Result<Option<EditablePodcast>, ApiError> {
    let data = match session
        .call::<EditPodcast>(edit_podcast::Variables { id })
        .await
    {
        Ok(data) => data,
        Err(e) if matches!(e.code(), Some("NOT_FOUND" | "VALIDATION")) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(data
        .podcast
        .filter(|p| p.channel.viewer_can_manage)
        .map(|p| EditablePodcast {
            id: p.id,
            title: p.title,
            slug: p.slug,
            description: p.description,
            author: p.author,
            visibility: format!("{:?}", p.visibility),
            locked: p.locked,
            channel_name: p.channel.name,
            channel_slug: p.channel.slug,
            episodes: p.episodes.nodes.into_iter().map(Into::into).collect(),
        }))
}

/// Everything the episode page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EditableEpisode {
    /// Its state (title, phase, publication).
    pub state: EpisodeState,
    /// Description as written (Markdown).
    pub description: String,
    /// Season number.
    pub season: Option<i64>,
    /// Episode number.
    pub number: Option<i64>,
    /// Whether viewers may comment.
    pub comments_enabled: bool,
    /// The podcast's global ID.
    pub podcast_id: String,
    /// The podcast's title.
    pub podcast_title: String,
    /// The public podcast page.
    pub podcast_path: String,
}

/// An episode the user may manage; `None` when there is none they may manage.
pub async fn editable_episode(
    session: Session,
    id: String,
) -> Result<Option<EditableEpisode>, ApiError> {
    let data = match session
        .call::<EditEpisode>(edit_episode::Variables { id })
        .await
    {
        Ok(data) => data,
        Err(e) if matches!(e.code(), Some("NOT_FOUND" | "VALIDATION")) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(data
        .episode
        .filter(|e| e.podcast.channel.viewer_can_manage)
        .map(|e| EditableEpisode {
            description: e.description,
            season: e.season,
            number: e.number,
            comments_enabled: e.comments_enabled,
            podcast_id: e.podcast.id,
            podcast_title: e.podcast.title,
            podcast_path: crate::api::podcast_path(&e.podcast.channel.slug, &e.podcast.slug),
            state: e.episode_state.into(),
        }))
}

/// The phase of an episode's audio, for the upload panel's poll; `None` when it is gone.
pub async fn episode_phase(session: Session, id: String) -> Result<Option<Phase>, ApiError> {
    Ok(editable_episode(session, id).await?.map(|e| e.state.phase))
}

/// What the new-podcast form sends.
#[derive(Debug, Clone)]
pub struct NewPodcast {
    /// The channel's global ID.
    pub channel_id: String,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Author shown in podcast apps.
    pub author: String,
    /// The owner's name, for the feed.
    pub owner_name: String,
    /// The owner's email, for the feed.
    pub owner_email: String,
    /// Language tag, e.g. `en`.
    pub language: String,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
}

/// Creates a podcast; returns its global ID.
pub async fn create_podcast(session: Session, new: NewPodcast) -> Result<String, ApiError> {
    use create_podcast::{CreatePodcastInput, Variables, Visibility};
    let input = CreatePodcastInput {
        channel_id: new.channel_id,
        title: new.title,
        slug: None,
        description: Some(new.description),
        author: new.author,
        owner_name: new.owner_name,
        owner_email: new.owner_email,
        language: new.language,
        itunes_categories: None,
        explicit: None,
        locked: None,
        type_: None,
        visibility: Some(visibility_of(
            &new.visibility,
            Visibility::PUBLIC,
            Visibility::UNLISTED,
            Visibility::PRIVATE,
        )),
    };
    let data = session.call::<CreatePodcast>(Variables { input }).await?;
    Ok(data.create_podcast.podcast.id)
}

/// What the podcast page's details form changes.
#[derive(Debug, Clone)]
pub struct PodcastDetails {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Author shown in podcast apps.
    pub author: String,
    /// `PUBLIC`, `UNLISTED` or `PRIVATE`.
    pub visibility: String,
    /// `podcast:locked`.
    pub locked: bool,
}

/// Changes a podcast's title, description, author, visibility and lock.
pub async fn update_podcast(
    session: Session,
    id: String,
    details: PodcastDetails,
) -> Result<(), ApiError> {
    let PodcastDetails {
        title,
        description,
        author,
        visibility,
        locked,
    } = details;
    use update_podcast::{UpdatePodcastInput, Variables, Visibility};
    let input = UpdatePodcastInput {
        id,
        title: Some(title),
        description: Some(description),
        author: Some(author),
        visibility: Some(visibility_of(
            &visibility,
            Visibility::PUBLIC,
            Visibility::UNLISTED,
            Visibility::PRIVATE,
        )),
        slug: None,
        owner_name: None,
        owner_email: None,
        language: None,
        itunes_categories: None,
        locked: Some(locked),
        explicit: None,
        type_: None,
    };
    session.call::<UpdatePodcast>(Variables { input }).await?;
    Ok(())
}

/// Creates an episode, unpublished like new videos; returns its global ID.
pub async fn create_episode(
    session: Session,
    podcast_id: String,
    title: String,
) -> Result<String, ApiError> {
    use create_episode::{CreateEpisodeInput, Variables};
    // No window: a new episode is unpublished until its editor publishes it.
    let input = CreateEpisodeInput {
        podcast_id,
        title,
        unpublish_at: None,
        slug: None,
        description: None,
        guid: None,
        season: None,
        number: None,
        episode_type: None,
        visibility: None,
        publish_at: None,
        tag_ids: None,
        chapters: None,
    };
    let data = session.call::<CreateEpisode>(Variables { input }).await?;
    Ok(data.create_episode.episode.id)
}

/// Parses an optional whole number typed in a form (`""`: none).
fn number(raw: &str) -> Result<Option<i64>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| ApiError::GraphQl {
        message: crate::i18n::admin::podcasts::not_a_whole_number(crate::i18n::locale(), raw),
        code: Some("VALIDATION".into()),
    })
}

/// Changes an episode's title, description, season and number.
pub async fn update_episode(
    session: Session,
    id: String,
    title: String,
    description: String,
    season: String,
    episode: String,
    comments_enabled: Option<bool>,
) -> Result<(), ApiError> {
    let variables = update_episode::Variables {
        id,
        title,
        description,
        season: number(&season).map_err(|e| prefixed("season", e))?,
        number: number(&episode).map_err(|e| prefixed("number", e))?,
        comments_enabled,
    };
    session.call::<UpdateEpisode>(variables).await?;
    Ok(())
}

fn prefixed(field: &str, error: ApiError) -> ApiError {
    ApiError::GraphQl {
        message: format!("{field}: {error}"),
        code: error.code().map(str::to_owned),
    }
}

/// Publishes an episode now.
pub async fn publish_episode(session: Session, id: String) -> Result<(), ApiError> {
    let input = publish_episode::PublishEpisodeInput { id, at: None };
    session
        .call::<PublishEpisode>(publish_episode::Variables { input })
        .await?;
    Ok(())
}

/// Unpublishes an episode now.
pub async fn unpublish_episode(session: Session, id: String) -> Result<(), ApiError> {
    let input = unpublish_episode::PublishEpisodeInput { id, at: None };
    session
        .call::<UnpublishEpisode>(unpublish_episode::Variables { input })
        .await?;
    Ok(())
}

/// Deletes an episode.
pub async fn delete_episode(session: Session, id: String) -> Result<(), ApiError> {
    let input = delete_episode::DeleteNodeInput { id };
    session
        .call::<DeleteEpisode>(delete_episode::Variables { input })
        .await?;
    Ok(())
}
