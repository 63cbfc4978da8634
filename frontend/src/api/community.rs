//! The calls of the viewer's account and community (`graphql/community.graphql`): sign-up,
//! likes, subscriptions, watch positions, the subscription feed and the watch history. All
//! but `sign_up` are sent as the signed-in user.

use graphql_client::GraphQLQuery;

use super::watching::{global_id, uuid_of};
use super::{ApiError, execute_as};
use crate::session::Session;

/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation (`graphql/community.graphql`).")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/community.graphql",
            response_derives = "Debug"
        )]
        pub struct $name;
    )*};
}
operation!(
    SignUp,
    LogoutEverywhere,
    SetVideoLike,
    SetEpisodeLike,
    SetSubscription,
    SaveWatchPosition,
    ClearWatchHistory,
    SubscriptionFeed,
    WatchHistory
);

/// Creates a viewer account (sign in with the same email and password next).
pub async fn sign_up(
    email: String,
    password: String,
    display_name: String,
    invitation: Option<String>,
) -> Result<(), ApiError> {
    execute_as::<SignUp>(
        None,
        sign_up::Variables {
            input: sign_up::SignUpInput {
                email,
                password,
                display_name,
                invitation,
            },
        },
    )
    .await
    .map(|_| ())
}

/// Ends every session of the signed-in user.
pub async fn logout_everywhere(session: Session) -> Result<(), ApiError> {
    session
        .call::<LogoutEverywhere>(logout_everywhere::Variables)
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
    match kind {
        Likeable::Video => {
            let id = global_id("Video", uuid).unwrap_or_default();
            session
                .call::<SetVideoLike>(set_video_like::Variables { id, on })
                .await
                .map(|_| ())
        }
        Likeable::Episode => {
            let id = global_id("Episode", uuid).unwrap_or_default();
            session
                .call::<SetEpisodeLike>(set_episode_like::Variables { id, on })
                .await
                .map(|_| ())
        }
    }
}

/// Subscribes (`on`) to the channel with this global ID, or unsubscribes.
pub async fn set_subscription(session: Session, id: String, on: bool) -> Result<(), ApiError> {
    session
        .call::<SetSubscription>(set_subscription::Variables { id, on })
        .await
        .map(|_| ())
}

/// Saves where the viewer is in the item with this global ID.
pub async fn save_position(session: Session, id: String, seconds: f64) -> Result<(), ApiError> {
    session
        .call::<SaveWatchPosition>(save_watch_position::Variables { id, seconds })
        .await
        .map(|_| ())
}

/// The request body of `SaveWatchPosition`, for a page that is going away (see
/// `pages::watch::resume`).
pub fn save_position_body(id: String, seconds: f64) -> String {
    super::request_body::<SaveWatchPosition>(save_watch_position::Variables { id, seconds })
}

/// Forgets the viewer's whole watch history.
pub async fn clear_history(session: Session) -> Result<(), ApiError> {
    session
        .call::<ClearWatchHistory>(clear_watch_history::Variables)
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

macro_rules! items_from {
    ($($module:ident),*) => {$(
        impl From<$module::FeedVideo> for Item {
            fn from(v: $module::FeedVideo) -> Self {
                Self {
                    href: super::watch_path(&v.uuid),
                    title: v.title,
                    duration: v.duration,
                    from: v.channel.name,
                    picture: v.media.poster_url,
                    episode: false,
                }
            }
        }
        impl From<$module::FeedEpisode> for Item {
            fn from(e: $module::FeedEpisode) -> Self {
                Self {
                    href: super::watching::episode_path(&uuid_of(&e.id).unwrap_or_default()),
                    title: e.title,
                    duration: e.duration,
                    from: format!("{} · {}", e.podcast.channel.name, e.podcast.title),
                    picture: e.podcast.artwork_url,
                    episode: true,
                }
            }
        }
    )*};
}
items_from!(subscription_feed, watch_history);

/// One page of a viewer's list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemPage<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// One page of the newest items of the channels the viewer follows.
pub async fn feed(session: Session, after: Option<String>) -> Result<ItemPage<Item>, ApiError> {
    use subscription_feed::SubscriptionFeedSubscriptionFeedNodes as Node;
    let data = session
        .call::<SubscriptionFeed>(subscription_feed::Variables { after })
        .await?;
    let page = data.subscription_feed.page_info;
    Ok(ItemPage {
        items: data
            .subscription_feed
            .nodes
            .into_iter()
            .map(|n| match n {
                Node::Video(v) => v.into(),
                Node::Episode(e) => e.into(),
            })
            .collect(),
        next: page.end_cursor.filter(|_| page.has_next_page),
    })
}

/// One page of the viewer's history: each item (`None` when it can no longer be seen) with
/// where they stopped.
pub async fn history(
    session: Session,
    after: Option<String>,
) -> Result<ItemPage<(Option<Item>, f64)>, ApiError> {
    use watch_history::WatchHistoryWatchHistoryNodesItem as Node;
    let data = session
        .call::<WatchHistory>(watch_history::Variables { after })
        .await?;
    let page = data.watch_history.page_info;
    Ok(ItemPage {
        items: data
            .watch_history
            .nodes
            .into_iter()
            .map(|n| {
                let item = n.item.map(|i| match i {
                    Node::Video(v) => v.into(),
                    Node::Episode(e) => e.into(),
                });
                (item, n.seconds)
            })
            .collect(),
        next: page.end_cursor.filter(|_| page.has_next_page),
    })
}
