//! The calls of the viewer's account and community (`graphql/community.graphql`): sign-up,
//! likes, subscriptions, watch positions, the subscription feed and the watch history. All
//! but `sign_up` are sent as the signed-in user.
//!
//! The operations are checked against the schema at compile time like every other, but sent
//! and read as plain JSON (`serde_json::Value`, which the app decodes every answer into anyway):
//! their typed requests and answers would weigh on the viewer bundle for fields read once.

use serde_json::{Value, json};

use super::watching::{global_id, uuid_of};
use super::{ApiError, post};
use crate::session::Session;

/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

json_operations!("graphql/community.graphql": SignUp,
    LogoutEverywhere,
    SetVideoLike,
    SetEpisodeLike,
    SetSubscription,
    SaveWatchPosition,
    ClearWatchHistory,
    SubscriptionFeed,
    WatchHistory);

/// Creates a viewer account (sign in with the same email and password next).
pub async fn sign_up(
    email: String,
    password: String,
    display_name: String,
    invitation: Option<String>,
) -> Result<(), ApiError> {
    let input = json!({
        "email": email,
        "password": password,
        "displayName": display_name,
        "invitation": invitation,
    });
    post(None, json_request!(sign_up, json!({ "input": input })))
        .await
        .map(|_| ())
}

/// Ends every session of the signed-in user.
pub async fn logout_everywhere(session: Session) -> Result<(), ApiError> {
    session
        .call_json(json_request!(logout_everywhere, json!({})))
        .await
        .map(|_| ())
}

/// What can be liked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Likeable {
    /// A video.
    Video,
    /// A podcast episode.
    Episode,
}

/// Likes (`on`) or unlikes the video or episode with this UUID.
pub async fn set_like(
    session: Session,
    kind: Likeable,
    uuid: &str,
    on: bool,
) -> Result<(), ApiError> {
    let body = match kind {
        Likeable::Video => {
            let id = global_id("Video", uuid).unwrap_or_default();
            json_request!(set_video_like, json!({ "id": id, "on": on }))
        }
        Likeable::Episode => {
            let id = global_id("Episode", uuid).unwrap_or_default();
            json_request!(set_episode_like, json!({ "id": id, "on": on }))
        }
    };
    session.call_json(body).await.map(|_| ())
}

/// Subscribes (`on`) to the channel with this global ID, or unsubscribes.
pub async fn set_subscription(session: Session, id: String, on: bool) -> Result<(), ApiError> {
    session
        .call_json(json_request!(
            set_subscription,
            json!({ "id": id, "on": on })
        ))
        .await
        .map(|_| ())
}

/// Saves where the viewer is in the item with this global ID.
pub async fn save_position(session: Session, id: String, seconds: f64) -> Result<(), ApiError> {
    session
        .call_json(save_position_body(id, seconds))
        .await
        .map(|_| ())
}

/// The request body of `SaveWatchPosition`, for a page that is going away (see
/// `pages::watch::resume`).
pub fn save_position_body(id: String, seconds: f64) -> String {
    json_request!(save_watch_position, json!({ "id": id, "seconds": seconds }))
}

/// Forgets the viewer's whole watch history.
pub async fn clear_history(session: Session) -> Result<(), ApiError> {
    session
        .call_json(json_request!(clear_watch_history, json!({})))
        .await
        .map(|_| ())
}

/// A video or an episode in a list of the viewer's (the feed, the history).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The app path of its page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// The channel's name (and the podcast's, for an episode).
    pub from: String,
    /// Its picture: a video's poster, an episode's cover art.
    pub picture: Option<String>,
    /// Whether it is an episode.
    pub episode: bool,
}

/// A `FeedVideo` or `FeedEpisode` as JSON; `None` for anything else.
fn item(v: &Value) -> Option<Item> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let title = text(&v["title"])?;
    let duration = v["duration"].as_f64();
    match v["__typename"].as_str()? {
        "Video" => Some(Item {
            href: super::watch_path(v["uuid"].as_str()?),
            title,
            duration,
            from: text(&v["channel"]["name"])?,
            picture: text(&v["media"]["posterUrl"]),
            episode: false,
        }),
        "Episode" => {
            let podcast = &v["podcast"];
            Some(Item {
                href: super::watching::episode_path(&uuid_of(v["id"].as_str()?)?),
                title,
                duration,
                from: format!(
                    "{} · {}",
                    podcast["channel"]["name"].as_str()?,
                    podcast["title"].as_str()?
                ),
                picture: text(&podcast["artworkUrl"]),
                episode: true,
            })
        }
        _ => None,
    }
}

/// One page of a viewer's list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemPage<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// The nodes of a connection as JSON, and its next cursor.
fn nodes(connection: &Value) -> (&[Value], Option<String>) {
    let page = &connection["pageInfo"];
    let next = page["endCursor"]
        .as_str()
        .filter(|_| page["hasNextPage"] == true)
        .map(str::to_owned);
    let nodes = connection["nodes"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    (nodes, next)
}

/// One page of the newest items of the channels the viewer follows.
pub async fn feed(session: Session, after: Option<String>) -> Result<ItemPage<Item>, ApiError> {
    let data = session
        .call_json(json_request!(subscription_feed, json!({ "after": after })))
        .await?;
    let (nodes, next) = nodes(&data["subscriptionFeed"]);
    Ok(ItemPage {
        items: nodes.iter().filter_map(item).collect(),
        next,
    })
}

/// One page of the viewer's history: each item (`None` when it can no longer be seen) with
/// where they stopped.
pub async fn history(
    session: Session,
    after: Option<String>,
) -> Result<ItemPage<(Option<Item>, f64)>, ApiError> {
    let data = session
        .call_json(json_request!(watch_history, json!({ "after": after })))
        .await?;
    let (nodes, next) = nodes(&data["watchHistory"]);
    Ok(ItemPage {
        items: nodes
            .iter()
            .map(|n| (item(&n["item"]), n["seconds"].as_f64().unwrap_or(0.0)))
            .collect(),
        next,
    })
}
