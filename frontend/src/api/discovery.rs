//! The discovery pages' calls: home rows, ordered and filtered video lists (tag, category,
//! trending, popular), the channel's tabs and search with filters.

use graphql_client::GraphQLQuery;

use super::{ApiError, DateTime, PodcastSummary, UUID, VideoSummary, execute, unless_missing};

/// The `DiscoveryHome` operation (`graphql/discovery_home.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_home.graphql",
    response_derives = "Debug"
)]
pub struct DiscoveryHome;

/// The `VideoList` operation (`graphql/discovery_videos.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_videos.graphql",
    response_derives = "Debug"
)]
pub struct VideoList;

/// The `TagBySlug` operation (`graphql/discovery_topics.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_topics.graphql",
    response_derives = "Debug"
)]
pub struct TagBySlug;

/// The `CategoryBySlug` operation (`graphql/discovery_topics.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_topics.graphql",
    response_derives = "Debug"
)]
pub struct CategoryBySlug;

/// The `ChannelTabs` operation (`graphql/discovery_channel.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_channel.graphql",
    response_derives = "Debug",
    variables_derives = "Clone"
)]
pub struct ChannelTabs;

/// The `SearchResults` operation (`graphql/discovery_search.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/discovery_search.graphql",
    response_derives = "Debug"
)]
pub struct SearchResults;

/// A video as the discovery pages show it: its card, with views and age.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedVideo {
    /// What the card shows.
    pub summary: VideoSummary,
    /// All-time views.
    pub views: i64,
    /// When it was published (the start of its window), else created; RFC 3339.
    pub published: String,
}

macro_rules! listed_from {
    ($($module:ident),*) => {$(
        impl From<$module::DiscoveredVideo> for ListedVideo {
            fn from(v: $module::DiscoveredVideo) -> Self {
                Self {
                    summary: VideoSummary {
                        uuid: v.uuid,
                        title: v.title,
                        duration: v.duration,
                        channel_name: v.channel.name,
                        channel_slug: v.channel.slug,
                        poster_url: v.media.poster_url,
                    },
                    views: v.view_count,
                    published: v.publish_at.unwrap_or(v.created_at),
                }
            }
        }
    )*};
}
listed_from!(discovery_home, video_list, channel_tabs, search_results);

macro_rules! podcasts_from {
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
podcasts_from!(discovery_home, channel_tabs);

/// A page of videos and where the next one starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VideoPage {
    /// The videos, in the list's order.
    pub videos: Vec<ListedVideo>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// A name and slug: a tag, a category or a channel in a list of links.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Display name.
    pub name: String,
    /// Its slug.
    pub slug: String,
}

/// A channel in the home page's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSummary {
    /// Display name.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Its avatar, if any.
    pub avatar_url: Option<String>,
    /// The views of all its videos.
    pub views: i64,
}

/// What the home page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeRows {
    /// Most watched lately.
    pub trending: Vec<ListedVideo>,
    /// The first page of the latest videos.
    pub latest: VideoPage,
    /// The most watched channels.
    pub channels: Vec<ChannelSummary>,
    /// The latest podcasts.
    pub podcasts: Vec<PodcastSummary>,
    /// The top-level categories.
    pub categories: Vec<Named>,
    /// Tags, by name.
    pub tags: Vec<Named>,
}

/// The home page's rows.
pub async fn home() -> Result<HomeRows, ApiError> {
    let data = execute::<DiscoveryHome>(discovery_home::Variables).await?;
    let latest = data.latest.page_info;
    Ok(HomeRows {
        trending: data.trending.nodes.into_iter().map(Into::into).collect(),
        latest: VideoPage {
            videos: data.latest.nodes.into_iter().map(Into::into).collect(),
            next: latest.end_cursor.filter(|_| latest.has_next_page),
        },
        channels: data
            .channels
            .nodes
            .into_iter()
            .map(|c| ChannelSummary {
                name: c.name,
                slug: c.slug,
                avatar_url: c.avatar_url,
                views: c.view_count,
            })
            .collect(),
        podcasts: data.podcasts.nodes.into_iter().map(Into::into).collect(),
        categories: data
            .categories
            .into_iter()
            .map(|c| Named {
                name: c.name,
                slug: c.slug,
            })
            .collect(),
        tags: data
            .tags
            .into_iter()
            .map(|t| Named {
                name: t.name,
                slug: t.slug,
            })
            .collect(),
    })
}

/// The order of a video list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Most recently published first.
    #[default]
    Newest,
    /// Most watched in recent days first.
    Trending,
    /// Most watched of all time first.
    MostViewed,
}

impl Order {
    /// How the order reads in an address (`?sort=`).
    pub fn as_param(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Trending => "trending",
            Order::MostViewed => "popular",
        }
    }

    /// The order an address names; newest for anything else.
    pub fn from_param(raw: &str) -> Order {
        match raw {
            "trending" => Order::Trending,
            "popular" => Order::MostViewed,
            _ => Order::Newest,
        }
    }
}

/// Which videos a list holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VideoQuery {
    /// The order.
    pub order: Order,
    /// Only this tag's videos (global ID).
    pub tag: Option<String>,
    /// Only this category's videos (global ID).
    pub category: Option<String>,
    /// Only this channel's videos (global ID).
    pub channel: Option<String>,
}

/// How many videos a page of a list holds.
pub const PAGE: i64 = 24;

/// One page of videos after `after` (`None`: the first page).
pub async fn videos(query: VideoQuery, after: Option<String>) -> Result<VideoPage, ApiError> {
    use video_list::OrderBy;
    let order_by = match query.order {
        Order::Newest => OrderBy::NEWEST,
        Order::Trending => OrderBy::TRENDING,
        Order::MostViewed => OrderBy::MOST_VIEWED,
    };
    let data = execute::<VideoList>(video_list::Variables {
        first: PAGE,
        after,
        order_by,
        tag: query.tag,
        category: query.category,
        channel: query.channel,
    })
    .await?;
    let page = data.videos.page_info;
    Ok(VideoPage {
        videos: data.videos.nodes.into_iter().map(Into::into).collect(),
        next: page.end_cursor.filter(|_| page.has_next_page),
    })
}

/// What a topic page lists: the videos with a tag, or the videos in a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicKind {
    /// `/tags/{slug}`.
    Tag,
    /// `/categories/{slug}`.
    Category,
}

/// A tag or a category found by its slug.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// Global ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The categories it is inside of, outermost first (the three nearest); none for a tag.
    pub parents: Vec<Named>,
    /// The categories directly inside it; none for a tag.
    pub children: Vec<Named>,
}

impl Topic {
    /// The first page of its videos in `order`, as a list query.
    pub fn videos(&self, kind: TopicKind, order: Order) -> VideoQuery {
        let id = Some(self.id.clone());
        match kind {
            TopicKind::Tag => VideoQuery {
                order,
                tag: id,
                ..Default::default()
            },
            TopicKind::Category => VideoQuery {
                order,
                category: id,
                ..Default::default()
            },
        }
    }
}

/// The tag or category with this slug; `None` when there is none.
pub async fn topic(kind: TopicKind, slug: String) -> Result<Option<Topic>, ApiError> {
    match kind {
        TopicKind::Tag => {
            let data = execute::<TagBySlug>(tag_by_slug::Variables { slug }).await?;
            Ok(data.tag.map(|t| Topic {
                id: t.id,
                name: t.name,
                parents: vec![],
                children: vec![],
            }))
        }
        TopicKind::Category => {
            let data = execute::<CategoryBySlug>(category_by_slug::Variables { slug }).await?;
            Ok(data.category.map(|c| {
                let named = |t: category_by_slug::Topic| Named {
                    name: t.name,
                    slug: t.slug,
                };
                let mut parents = Vec::new();
                if let Some(p) = c.parent {
                    if let Some(pp) = p.parent {
                        if let Some(ppp) = pp.parent {
                            parents.push(named(ppp));
                        }
                        parents.push(named(pp.topic));
                    }
                    parents.push(named(p.topic));
                }
                Topic {
                    id: c.id,
                    name: c.name,
                    parents,
                    children: c.children.into_iter().map(named).collect(),
                }
            }))
        }
    }
}

/// A playlist on a channel's playlists tab.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaylistSummary {
    /// Global ID, the `{id}` of `/playlists/{id}`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description (plain text).
    pub description: String,
    /// How many items it holds.
    pub items: i64,
}

/// Everything a channel's tabs show.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelView {
    /// Global ID.
    pub id: String,
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
    /// The views of all its videos.
    pub views: i64,
    /// When it was created; RFC 3339.
    pub created: String,
    /// How many follow it (written in batches).
    pub subscriber_count: i64,
    /// Whether the signed-in viewer follows it.
    pub subscribed: bool,
    /// How many public videos it has.
    pub video_count: i64,
    /// The first page of its videos, newest first.
    pub videos: VideoPage,
    /// How many playlists it has.
    pub playlist_count: i64,
    /// Its playlists, newest first (the first 100).
    pub playlists: Vec<PlaylistSummary>,
    /// How many podcasts it has.
    pub podcast_count: i64,
    /// Its podcasts, newest first.
    pub podcasts: Vec<PodcastSummary>,
}

/// A channel by slug with what its tabs show; `None` when there is none. Sent with the session
/// when there may be one (for `viewerIsSubscribed`).
pub async fn channel(
    session: Option<crate::session::Session>,
    slug: String,
) -> Result<Option<ChannelView>, ApiError> {
    let Some(data) = unless_missing(
        super::watching::as_viewer::<ChannelTabs>(session, channel_tabs::Variables { slug }).await,
    )?
    else {
        return Ok(None);
    };
    Ok(data.channel.map(|c| {
        let page = c.videos.page_info;
        ChannelView {
            id: c.id,
            name: c.name,
            slug: c.slug,
            description_html: c.description_html,
            avatar_url: c.avatar_url,
            banner_url: c.banner_url,
            feed_url: c.feed_url,
            views: c.view_count,
            created: c.created_at,
            subscriber_count: c.subscriber_count,
            subscribed: c.viewer_is_subscribed,
            video_count: c.videos.total_count,
            videos: VideoPage {
                videos: c.videos.nodes.into_iter().map(Into::into).collect(),
                next: page.end_cursor.filter(|_| page.has_next_page),
            },
            playlist_count: c.playlists.total_count,
            podcast_count: c.podcasts.total_count,
            playlists: c
                .playlists
                .nodes
                .into_iter()
                .map(|p| PlaylistSummary {
                    id: p.id,
                    title: p.title,
                    description: p.description,
                    items: p.items.total_count,
                })
                .collect(),
            podcasts: c.podcasts.nodes.into_iter().map(Into::into).collect(),
        }
    }))
}

/// The app path of a playlist's page.
pub fn playlist_path(id: &str) -> String {
    format!(
        "/playlists/{}",
        String::from(js_sys::encode_uri_component(id))
    )
}

/// The app path of a tag's page.
pub fn tag_path(slug: &str) -> String {
    format!("/tags/{slug}")
}

/// The app path of a category's page.
pub fn category_path(slug: &str) -> String {
    format!("/categories/{slug}")
}
