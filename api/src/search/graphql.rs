//! The `search` query.

use std::collections::HashMap;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Union};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{Filter, SearchKind, search};
use crate::channels::entity::channel;
use crate::channels::graphql::Channel;
use crate::error::AppResult;
use crate::graphql::pagination::ListCount;
use crate::graphql::{app, viewer};
use crate::playlists::entity::playlist;
use crate::playlists::graphql::Playlist;
use crate::podcasts::entity::{episode, podcast};
use crate::podcasts::graphql::{Episode, Podcast};
use crate::videos::entity::video;
use crate::videos::graphql::Video;
use crate::visibility::{self, EpisodeScope, Reach};

/// Anything search can find.
#[derive(Union, Debug, Clone)]
pub enum SearchResult {
    /// A video.
    Video(Video),
    /// A podcast episode.
    Episode(Episode),
    /// A channel.
    Channel(Channel),
    /// A playlist.
    Playlist(Playlist),
    /// A podcast.
    Podcast(Podcast),
}

/// The search query.
#[derive(Default, Debug)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search across videos, episodes, channels, playlists and podcasts, best
    /// matches first, with the visibility rules of lists (unlisted items are never found).
    /// `first` defaults to 24 and is capped at 100. `kinds` keeps only those kinds (absent:
    /// every kind; an empty list is `VALIDATION`). `since` keeps only items dated at or after
    /// it: an item's date is its publish time, else its creation time (channels, playlists and
    /// podcasts have no publish time and are dated by their creation; a video or episode never
    /// published by its creation). A `since` in the future is accepted and finds only what
    /// is scheduled (which only the channel's members and admins see). `totalCount` counts
    /// the filtered hits; paging continues with the same filters.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        kinds: Option<Vec<SearchKind>>,
        since: Option<DateTime<Utc>>,
    ) -> AppResult<Connection<String, SearchResult, ListCount>> {
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        let filter = Filter { kinds, since };
        let page = search(db, &viewer, &query, &filter, first, after.as_deref()).await?;
        let ids = |k: SearchKind| -> Vec<Uuid> {
            page.hits
                .iter()
                .filter(|(_, h)| h.kind == k)
                .map(|(_, h)| h.id)
                .collect()
        };
        // One statement per kind that occurs; the rules are applied again so a row that
        // changed since the match cannot slip through.
        let now = Utc::now();
        let mut found: HashMap<Uuid, SearchResult> = HashMap::new();
        let v = ids(SearchKind::Video);
        if !v.is_empty() {
            for m in video::Entity::find()
                .filter(video::Column::Id.is_in(v))
                .filter(visibility::videos(&viewer, Reach::Listed, now))
                .all(db)
                .await?
            {
                found.insert(m.id, SearchResult::Video(Video(m)));
            }
        }
        let e = ids(SearchKind::Episode);
        if !e.is_empty() {
            for m in episode::Entity::find()
                .filter(episode::Column::Id.is_in(e))
                .filter(visibility::episodes(
                    &viewer,
                    Reach::Listed,
                    EpisodeScope::AnyPodcast,
                    now,
                ))
                .all(db)
                .await?
            {
                found.insert(m.id, SearchResult::Episode(Episode(m)));
            }
        }
        let c = ids(SearchKind::Channel);
        if !c.is_empty() {
            for m in channel::Entity::find()
                .filter(channel::Column::Id.is_in(c))
                .all(db)
                .await?
            {
                found.insert(m.id, SearchResult::Channel(Channel(m)));
            }
        }
        let p = ids(SearchKind::Playlist);
        if !p.is_empty() {
            for m in playlist::Entity::find()
                .filter(playlist::Column::Id.is_in(p))
                .filter(visibility::playlists(&viewer, Reach::Listed))
                .all(db)
                .await?
            {
                found.insert(m.id, SearchResult::Playlist(Playlist(m)));
            }
        }
        let s = ids(SearchKind::Podcast);
        if !s.is_empty() {
            for m in podcast::Entity::find()
                .filter(podcast::Column::Id.is_in(s))
                .filter(visibility::podcasts(&viewer, Reach::Listed))
                .all(db)
                .await?
            {
                found.insert(m.id, SearchResult::Podcast(Podcast(m)));
            }
        }
        let mut connection =
            Connection::with_additional_fields(after.is_some(), page.has_next, page.count);
        for (cursor, hit) in page.hits {
            if let Some(node) = found.remove(&hit.id) {
                connection.edges.push(Edge::new(cursor, node));
            }
        }
        Ok(connection)
    }
}
