//! Search with filters: the search page's call and what it shows of each hit.

use super::discovery::{ListedVideo, SearchResults, playlist_path, search_results};
use super::{ApiError, channel_path, execute, podcast_path};

/// What a search hit is, as the type filter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A video.
    Video,
    /// A podcast episode.
    Episode,
    /// A podcast.
    Podcast,
    /// A channel.
    Channel,
    /// A playlist.
    Playlist,
}

impl Kind {
    /// Every kind, in the order the filter lists them.
    pub const ALL: [Kind; 5] = [
        Kind::Video,
        Kind::Episode,
        Kind::Podcast,
        Kind::Channel,
        Kind::Playlist,
    ];

    /// How the kind reads in an address (`?type=`).
    pub fn as_param(self) -> &'static str {
        match self {
            Kind::Video => "video",
            Kind::Episode => "episode",
            Kind::Podcast => "podcast",
            Kind::Channel => "channel",
            Kind::Playlist => "playlist",
        }
    }

    /// The kind an address names.
    pub fn from_param(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_param() == raw)
    }
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub enum Hit {
    /// A video, shown as a card.
    Video(ListedVideo),
    /// Anything else: shown as a line with what it is, its title and where it leads.
    Other {
        /// What it is.
        kind: Kind,
        /// Its title or name.
        title: String,
        /// The app path that shows it.
        href: String,
    },
}

impl Hit {
    /// What it is.
    pub fn kind(&self) -> Kind {
        match self {
            Hit::Video(_) => Kind::Video,
            Hit::Other { kind, .. } => *kind,
        }
    }
}

/// A page of search hits.
#[derive(Debug, Clone, PartialEq)]
pub struct HitPage {
    /// Every match the caller may see that passes the filters.
    pub total: i64,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// What a search is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchFilter {
    /// Only this kind (`None`: every kind).
    pub kind: Option<Kind>,
    /// Only items published (channels, playlists, podcasts: created) at or after this
    /// instant, RFC 3339.
    pub since: Option<String>,
}

/// One page of `first` search hits after `after`, narrowed by `filter` (by the API).
pub async fn search(
    query: String,
    filter: SearchFilter,
    first: i64,
    after: Option<String>,
) -> Result<HitPage, ApiError> {
    use search_results::{SearchKind, SearchResultsSearchNodes as Node};
    let kinds = filter.kind.map(|k| {
        vec![match k {
            Kind::Video => SearchKind::VIDEO,
            Kind::Episode => SearchKind::EPISODE,
            Kind::Podcast => SearchKind::PODCAST,
            Kind::Channel => SearchKind::CHANNEL,
            Kind::Playlist => SearchKind::PLAYLIST,
        }]
    });
    let data = execute::<SearchResults>(search_results::Variables {
        query,
        first,
        after,
        kinds,
        since: filter.since,
    })
    .await?;
    let page = data.search.page_info;
    let hits = data
        .search
        .nodes
        .into_iter()
        .map(|node| match node {
            Node::Video(v) => Hit::Video(v.into()),
            Node::Episode(e) => Hit::Other {
                kind: Kind::Episode,
                title: format!("{} · {}", e.title, e.podcast.title),
                href: podcast_path(&e.podcast.channel.slug, &e.podcast.slug),
            },
            Node::Channel(c) => Hit::Other {
                kind: Kind::Channel,
                title: c.name,
                href: channel_path(&c.slug),
            },
            Node::Podcast(p) => Hit::Other {
                kind: Kind::Podcast,
                title: p.title,
                href: podcast_path(&p.channel.slug, &p.slug),
            },
            Node::Playlist(p) => Hit::Other {
                kind: Kind::Playlist,
                title: format!("{} · {}", p.title, p.channel.name),
                href: playlist_path(&p.id),
            },
        })
        .collect();
    Ok(HitPage {
        total: data.search.total_count,
        hits,
        next: page.end_cursor.filter(|_| page.has_next_page),
    })
}
