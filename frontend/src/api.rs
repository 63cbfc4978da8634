//! Every call the app makes to the server. Each operation lives in `graphql/*.graphql` and is
//! checked against `schema.graphql` at compile time, so an API change that breaks the app breaks
//! the build.

/// Declares operations of the GraphQL document `$file` that are sent and read as plain JSON
/// (`serde_json::Value`, which the app decodes every answer into anyway): checked against the
/// schema at compile time like every other, without typed answers weighing on the viewer bundle.
macro_rules! json_operations {
    ($file:tt: $($name:ident),* $(,)?) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation (`", $file, "`).")]
        #[derive(graphql_client::GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = $file,
            response_derives = "Debug"
        )]
        pub struct $name;
    )*};
}

/// The JSON request of a [`json_operations`] operation `op` (its module) with these variables.
macro_rules! json_request {
    ($op:ident, $variables:expr) => {
        serde_json::json!({
            "query": $op::QUERY,
            "operationName": $op::OPERATION_NAME,
            "variables": $variables,
        })
        .to_string()
    };
}

pub mod comments;
pub mod community;
pub mod discovery;
pub mod filtered_search;
pub mod profile;

use std::sync::Arc;

use gloo_net::http::Request;
use graphql_client::{GraphQLQuery, Response};

pub mod watching;

/// Same origin as the app: the server that serves the app also answers GraphQL.
const ENDPOINT: &str = "/graphql";

/// Why an API call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// No usable answer: the server is unreachable or sent something that is not GraphQL.
    #[error("cannot reach the server: {0}")]
    Network(#[source] Arc<gloo_net::Error>),
    /// The server answered with an HTTP error and no GraphQL body.
    #[error("the server answered HTTP {0}")]
    Status(u16),
    /// The server refused the operation; holds the first error's message and its
    /// `extensions.code` (`NOT_FOUND`, `VALIDATION`...).
    #[error("{message}")]
    GraphQl {
        /// What went wrong, for people.
        message: String,
        /// What went wrong, for code.
        code: Option<String>,
    },
    /// The answer had neither data nor errors.
    #[error("the server sent an empty answer")]
    NoData,
    /// The answer's data does not fit the operation (an app older than the server?).
    #[error("the server's answer does not fit this app: {0}")]
    Unreadable(String),
}

impl ApiError {
    /// The GraphQL error's `extensions.code`, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::GraphQl { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

// The derive reads the schema without telling cargo; including it makes a schema change
// re-check every operation instead of leaving a stale build.
const _SCHEMA: &str = include_str!("../../schema.graphql");

/// The `Version` operation (`graphql/version.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/version.graphql",
    response_derives = "Debug"
)]
pub struct Version;

/// The server's version, e.g. `0.1.0`.
pub async fn server_version() -> Result<String, ApiError> {
    let data = execute::<Version>(version::Variables).await?;
    Ok(data.version)
}

/// The `Home` operation (`graphql/home.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/home.graphql",
    response_derives = "Debug"
)]
pub struct Home;

/// The `ChannelPage` operation (`graphql/channel.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/channel.graphql",
    response_derives = "Debug"
)]
pub struct ChannelPage;

/// The `PodcastPage` operation (`graphql/podcast.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/podcast.graphql",
    response_derives = "Debug"
)]
pub struct PodcastPage;

/// The `Search` operation (`graphql/search.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/search.graphql",
    response_derives = "Debug"
)]
pub struct Search;

// How the operations' custom scalars arrive: as the strings JSON carries.
/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

/// A video as a card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoSummary {
    /// Its UUID, the `{id}` of `/watch/{id}`.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// Length in seconds, once known.
    pub duration: Option<f64>,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug, the `{slug}` of `/channels/{slug}`.
    pub channel_slug: String,
    /// The poster picture, once there is one.
    pub poster_url: Option<String>,
}

/// A podcast as a card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodcastSummary {
    /// Title.
    pub title: String,
    /// Its slug, unique within its channel.
    pub slug: String,
    /// Author shown in podcast apps.
    pub author: String,
    /// The cover art, if any.
    pub artwork_url: Option<String>,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
}

// Each operation has its own copy of the fragments' types; the compiler checks they agree.
macro_rules! summaries_from {
    ($($module:ident),*) => {$(
        impl From<$module::VideoCard> for VideoSummary {
            fn from(v: $module::VideoCard) -> Self {
                Self {
                    uuid: v.uuid,
                    title: v.title,
                    duration: v.duration,
                    channel_name: v.channel.name,
                    channel_slug: v.channel.slug,
                    poster_url: v.media.poster_url,
                }
            }
        }
    )*};
}
summaries_from!(home, channel_page, search);

macro_rules! podcast_summaries_from {
    ($($module:ident),*) => {$(
        impl From<$module::PodcastCard> for PodcastSummary {
            fn from(p: $module::PodcastCard) -> Self {
                Self {
                    title: p.title,
                    slug: p.slug,
                    author: p.author,
                    artwork_url: p.artwork_url,
                    channel_name: p.channel.name,
                    channel_slug: p.channel.slug,
                }
            }
        }
    )*};
}
podcast_summaries_from!(home, channel_page);

/// What the home page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeData {
    /// The latest public videos, newest first.
    pub videos: Vec<VideoSummary>,
    /// The latest public podcasts, newest first.
    pub podcasts: Vec<PodcastSummary>,
}

/// The latest public videos and podcasts.
pub async fn home() -> Result<HomeData, ApiError> {
    let data = execute::<Home>(home::Variables).await?;
    Ok(HomeData {
        videos: data.videos.nodes.into_iter().map(Into::into).collect(),
        podcasts: data.podcasts.nodes.into_iter().map(Into::into).collect(),
    })
}

/// A chapter of a video.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// Chapter title.
    pub title: String,
    /// Where it starts, in seconds.
    pub start_secs: f64,
}

/// A caption track.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    /// BCP 47 language tag.
    pub language: String,
    /// The WebVTT file.
    pub url: String,
}

/// A channel's page.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDetails {
    /// Display name.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// The avatar picture, if any.
    pub avatar_url: Option<String>,
    /// The banner picture, if any.
    pub banner_url: Option<String>,
    /// Its RSS feed of videos.
    pub feed_url: String,
    /// One page of its videos, newest first.
    pub videos: Vec<VideoSummary>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
    /// Its podcasts.
    pub podcasts: Vec<PodcastSummary>,
}

/// A channel by slug with the page of its videos after `after` (`None`: the first page);
/// `None` when there is no such channel.
pub async fn channel(
    slug: String,
    after: Option<String>,
) -> Result<Option<ChannelDetails>, ApiError> {
    let Some(data) =
        unless_missing(execute::<ChannelPage>(channel_page::Variables { slug, after }).await)?
    else {
        return Ok(None);
    };
    Ok(data.channel.map(|c| {
        let page = c.videos.page_info;
        ChannelDetails {
            name: c.name,
            slug: c.slug,
            description_html: c.description_html,
            avatar_url: c.avatar_url,
            banner_url: c.banner_url,
            feed_url: c.feed_url,
            videos: c.videos.nodes.into_iter().map(Into::into).collect(),
            next_cursor: page.end_cursor.filter(|_| page.has_next_page),
            podcasts: c.podcasts.nodes.into_iter().map(Into::into).collect(),
        }
    }))
}

/// An episode as the podcast page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeSummary {
    /// Global ID (an anchor on the page).
    pub id: String,
    /// Title.
    pub title: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Season number.
    pub season: Option<i64>,
    /// Episode number.
    pub number: Option<i64>,
    /// When it was published, else created; RFC 3339.
    pub published: String,
    /// Its audio files as `(url, MIME type)`, MP3 first.
    pub audio: Vec<(String, String)>,
}

/// A podcast's page.
#[derive(Debug, Clone, PartialEq)]
pub struct PodcastDetails {
    /// Title.
    pub title: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// Author.
    pub author: String,
    /// Explicit content.
    pub explicit: bool,
    /// The cover art, if any.
    pub artwork_url: Option<String>,
    /// The RSS feed (none for a private podcast).
    pub feed_url: Option<String>,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
    /// Its latest episodes, newest first.
    pub episodes: Vec<EpisodeSummary>,
}

/// A podcast by its channel's slug and its own; `None` when there is none.
pub async fn podcast(
    channel_slug: String,
    slug: String,
) -> Result<Option<PodcastDetails>, ApiError> {
    let Some(data) = unless_missing(
        execute::<PodcastPage>(podcast_page::Variables { channel_slug, slug }).await,
    )?
    else {
        return Ok(None);
    };
    Ok(data.podcast.map(|p| PodcastDetails {
        title: p.title,
        description_html: p.description_html,
        author: p.author,
        explicit: p.explicit,
        artwork_url: p.artwork_url,
        feed_url: p.feed_url,
        channel_name: p.channel.name,
        channel_slug: p.channel.slug,
        episodes: p
            .episodes
            .nodes
            .into_iter()
            .map(|e| EpisodeSummary {
                id: e.id,
                title: e.title,
                description_html: e.description_html,
                duration: e.duration,
                season: e.season,
                number: e.number,
                published: e.publish_at.unwrap_or(e.created_at),
                audio: e
                    .media
                    .audio
                    .into_iter()
                    .map(|a| (a.url, a.content_type))
                    .collect(),
            })
            .collect(),
    }))
}

/// One search result, with where it leads.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchHit {
    /// A video, shown as a card.
    Video(VideoSummary),
    /// Anything else: what it is, its title and the app path of its page.
    Other {
        /// `Episode`, `Channel`, `Podcast` or `Playlist`.
        kind: &'static str,
        /// Its title or name.
        title: String,
        /// The app path that shows it.
        href: String,
    },
}

/// The results of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// How many items match in all.
    pub total: i64,
    /// The best matches first.
    pub hits: Vec<SearchHit>,
}

/// Searches the catalogue.
pub async fn search(query: String) -> Result<SearchResults, ApiError> {
    use search::SearchSearchNodes as Node;
    let data = execute::<Search>(search::Variables { query }).await?;
    let hits = data
        .search
        .nodes
        .into_iter()
        .map(|node| match node {
            Node::Video(v) => SearchHit::Video(v.into()),
            Node::Episode(e) => SearchHit::Other {
                kind: "Episode",
                title: e.title,
                href: podcast_path(&e.podcast.channel.slug, &e.podcast.slug),
            },
            Node::Channel(c) => SearchHit::Other {
                kind: "Channel",
                title: c.name,
                href: channel_path(&c.slug),
            },
            Node::Podcast(p) => SearchHit::Other {
                kind: "Podcast",
                title: p.title,
                href: podcast_path(&p.channel.slug, &p.slug),
            },
            Node::Playlist(p) => SearchHit::Other {
                kind: "Playlist",
                title: format!("{} ({})", p.title, p.channel.name),
                href: channel_path(&p.channel.slug),
            },
        })
        .collect();
    Ok(SearchResults {
        total: data.search.total_count,
        hits,
    })
}

/// The app path of a video's watch page.
pub fn watch_path(uuid: &str) -> String {
    format!("/watch/{uuid}")
}

/// The app path of a channel's page.
pub fn channel_path(slug: &str) -> String {
    format!("/channels/{slug}")
}

/// The app path of a podcast's page.
pub fn podcast_path(channel_slug: &str, slug: &str) -> String {
    format!("/podcasts/{channel_slug}/{slug}")
}

/// Where a player reports that playback started (`POST`, counted once per viewer).
pub fn views_path(uuid: &str) -> String {
    format!("/views/{uuid}")
}

/// An answer, or `None` when the server says the address names nothing: `NOT_FOUND`, or
/// `VALIDATION` for an id or slug it cannot read (a mistyped address is not an error to show).
fn unless_missing<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(data) => Ok(Some(data)),
        Err(ApiError::GraphQl {
            code: Some(code), ..
        }) if code == "NOT_FOUND" || code == "VALIDATION" => Ok(None),
        Err(e) => Err(e),
    }
}

/// POSTs one operation to the API and returns its `data`, or the first GraphQL error.
async fn execute<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
    execute_as::<Q>(None, variables).await
}

/// [`execute`] with `Authorization: Bearer <token>` when a token is given (the admin app's
/// calls, see `admin::session`).
///
/// Only the encoding and decoding depend on the operation; the request itself is one
/// non-generic function, so each of the app's operations adds little to the wasm.
pub(crate) async fn execute_as<Q: GraphQLQuery>(
    token: Option<&str>,
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    decode(post(token, request_body::<Q>(variables)).await?)
}

/// The JSON body of a request for operation `Q`.
pub(crate) fn request_body<Q: GraphQLQuery>(variables: Q::Variables) -> String {
    serde_json::to_string(&Q::build_query(variables)).unwrap_or_default()
}

/// An answer's `data` as the operation's types.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    data: serde_json::Value,
) -> Result<T, ApiError> {
    serde_json::from_value(data).map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// POSTs a JSON request `body` to the API; returns the answer's `data`, or its first error.
pub(crate) async fn post(token: Option<&str>, body: String) -> Result<serde_json::Value, ApiError> {
    let mut request = Request::post(ENDPOINT).header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request
        .body(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read_response(response).await
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(Arc::new(e))
}

/// The `data` of a GraphQL answer, or its first error.
pub(crate) async fn read_response(
    response: gloo_net::http::Response,
) -> Result<serde_json::Value, ApiError> {
    let body: Response<serde_json::Value> = match response.json().await {
        Ok(body) => body,
        Err(_) if !response.ok() => return Err(ApiError::Status(response.status())),
        Err(e) => return Err(network(e)),
    };
    if let Some(error) = body.errors.unwrap_or_default().into_iter().next() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(|c| c.as_str())
            .map(str::to_owned);
        return Err(ApiError::GraphQl {
            message: error.message,
            code,
        });
    }
    body.data.ok_or(ApiError::NoData)
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
