//! Full-text search across videos, episodes, channels, playlists and podcasts.
//!
//! One table, `search_documents (kind, item_id, title, body)`, written by the services in the
//! same transaction as the item. The backends index it natively: SQLite through FTS5 (BM25
//! ranking), PostgreSQL through a generated `tsvector` with a GIN index (`ts_rank`). Queries
//! go through [`search`], which applies the same visibility rules as every list, and narrows
//! by kind and date ([`Filter`]) in the same statement, before counting and paging.

pub mod graphql;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Condition, Expr, Func, IntoColumnRef, IntoTableRef, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DatabaseBackend};
use uuid::Uuid;

use crate::channels::entity::channel;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Cursor, Key, ListCount, page_size};
use crate::playlists::entity::playlist;
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

/// What a search document describes.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SearchKind {
    /// A video.
    Video,
    /// A podcast episode.
    Episode,
    /// A channel.
    Channel,
    /// A playlist.
    Playlist,
    /// A podcast.
    Podcast,
}

impl SearchKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Episode => "episode",
            Self::Channel => "channel",
            Self::Playlist => "playlist",
            Self::Podcast => "podcast",
        }
    }

    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::Video,
        Self::Episode,
        Self::Channel,
        Self::Playlist,
        Self::Podcast,
    ];

    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "video" => Self::Video,
            "episode" => Self::Episode,
            "channel" => Self::Channel,
            "playlist" => Self::Playlist,
            "podcast" => Self::Podcast,
            _ => return None,
        })
    }
}

fn docs() -> Alias {
    Alias::new("search_documents")
}

/// Writes (or rewrites) the search document of an item.
pub async fn index(
    db: &impl ConnectionTrait,
    kind: SearchKind,
    id: Uuid,
    title: &str,
    body: &str,
) -> AppResult<()> {
    remove(db, kind, id).await?;
    let insert = Query::insert()
        .into_table(docs())
        .columns([
            Alias::new("kind"),
            Alias::new("item_id"),
            Alias::new("title"),
            Alias::new("body"),
        ])
        .values_panic([kind.as_str().into(), id.into(), title.into(), body.into()])
        .to_owned();
    db.execute(db.get_database_backend().build(&insert)).await?;
    Ok(())
}

/// Removes the search document of an item.
pub async fn remove(db: &impl ConnectionTrait, kind: SearchKind, id: Uuid) -> AppResult<()> {
    let delete = Query::delete()
        .from_table(docs())
        .and_where(Expr::col(Alias::new("kind")).eq(kind.as_str()))
        .and_where(Expr::col(Alias::new("item_id")).eq(id))
        .to_owned();
    db.execute(db.get_database_backend().build(&delete)).await?;
    Ok(())
}

async fn remove_where(
    db: &impl ConnectionTrait,
    kind: SearchKind,
    ids: SelectStatement,
) -> AppResult<()> {
    let delete = Query::delete()
        .from_table(docs())
        .and_where(Expr::col(Alias::new("kind")).eq(kind.as_str()))
        .and_where(Expr::col(Alias::new("item_id")).in_subquery(ids))
        .to_owned();
    db.execute(db.get_database_backend().build(&delete)).await?;
    Ok(())
}

/// `SELECT <id> FROM <table> WHERE <cond>`: the items whose documents to remove.
fn ids(table: impl IntoTableRef, id: impl IntoColumnRef, cond: SimpleExpr) -> SelectStatement {
    Query::select()
        .column(id)
        .from(table)
        .and_where(cond)
        .to_owned()
}

/// Removes the documents of a podcast and its episodes (before the podcast is deleted).
pub async fn remove_podcast(db: &impl ConnectionTrait, podcast_id: Uuid) -> AppResult<()> {
    let episodes = ids(
        episode::Entity,
        episode::Column::Id,
        Expr::col(episode::Column::PodcastId).eq(podcast_id),
    );
    remove_where(db, SearchKind::Episode, episodes).await?;
    remove(db, SearchKind::Podcast, podcast_id).await
}

/// Removes the documents of a channel and everything in it (before the channel is deleted).
pub async fn remove_channel_content(db: &impl ConnectionTrait, channel_id: Uuid) -> AppResult<()> {
    let podcasts = ids(
        podcast::Entity,
        podcast::Column::Id,
        Expr::col(podcast::Column::ChannelId).eq(channel_id),
    );
    let episodes = ids(
        episode::Entity,
        episode::Column::Id,
        Expr::col(episode::Column::PodcastId).in_subquery(podcasts.clone()),
    );
    let videos = ids(
        video::Entity,
        video::Column::Id,
        Expr::col(video::Column::ChannelId).eq(channel_id),
    );
    let playlists = ids(
        playlist::Entity,
        playlist::Column::Id,
        Expr::col(playlist::Column::ChannelId).eq(channel_id),
    );
    remove_where(db, SearchKind::Episode, episodes).await?;
    remove_where(db, SearchKind::Podcast, podcasts).await?;
    remove_where(db, SearchKind::Video, videos).await?;
    remove_where(db, SearchKind::Playlist, playlists).await?;
    remove(db, SearchKind::Channel, channel_id).await
}

/// One search hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// What it is.
    pub kind: SearchKind,
    /// Its id.
    pub id: Uuid,
    /// Relevance; larger is better.
    pub score: f64,
}

/// A page of hits in relevance order.
#[derive(Debug)]
pub struct HitPage {
    /// Hits with their cursors.
    pub hits: Vec<(String, Hit)>,
    /// Whether more hits follow.
    pub has_next: bool,
    /// Counts every hit the caller may see.
    pub count: ListCount,
}

/// The words of a query, for FTS5: each one quoted so that user text is never FTS syntax.
fn fts5_query(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a search is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these kinds (`None`: every kind). An empty list is `VALIDATION`.
    pub kinds: Option<Vec<SearchKind>>,
    /// Only items dated at or after this instant. An item's date is its publish time (the
    /// start of its publish window), else its creation time: videos and episodes have a
    /// publish time, channels, playlists and podcasts are dated by their creation.
    pub since: Option<DateTime<Utc>>,
}

impl Filter {
    /// The kinds to search, each once, or `VALIDATION` for an empty list.
    fn kinds(&self) -> AppResult<Vec<SearchKind>> {
        match &self.kinds {
            None => Ok(SearchKind::ALL.to_vec()),
            Some(list) if list.is_empty() => Err(AppError::validation(
                "kinds: name at least one kind, or leave kinds out to search every kind",
            )),
            Some(list) => Ok(SearchKind::ALL
                .into_iter()
                .filter(|k| list.contains(k))
                .collect()),
        }
    }
}

/// `COALESCE(publish_at, created_at) >= since` on a table with a publish window.
fn dated_since(
    table: impl sea_orm::Iden + Copy + 'static,
    publish_at: impl sea_orm::Iden + Copy + 'static,
    created_at: impl sea_orm::Iden + Copy + 'static,
    since: DateTime<Utc>,
) -> SimpleExpr {
    Expr::expr(Func::coalesce([
        Expr::col((table, publish_at)).into(),
        Expr::col((table, created_at)).into(),
    ]))
    .gte(since)
}

/// The items of `kind` that `viewer` may find (lists' rules: unlisted items are never found),
/// dated at or after `since` when given.
fn findable(viewer: &Viewer, kind: SearchKind, since: Option<DateTime<Utc>>) -> SelectStatement {
    let now = Utc::now();
    let mut select = Query::select();
    match kind {
        SearchKind::Channel => {
            select.column(channel::Column::Id).from(channel::Entity);
            if let Some(since) = since {
                select
                    .and_where(Expr::col((channel::Entity, channel::Column::CreatedAt)).gte(since));
            }
        }
        SearchKind::Video => {
            select
                .column(video::Column::Id)
                .from(video::Entity)
                .cond_where(visibility::videos(viewer, Reach::Listed, now));
            if let Some(since) = since {
                select.and_where(dated_since(
                    video::Entity,
                    video::Column::PublishAt,
                    video::Column::CreatedAt,
                    since,
                ));
            }
        }
        SearchKind::Playlist => {
            select
                .column(playlist::Column::Id)
                .from(playlist::Entity)
                .cond_where(visibility::playlists(viewer, Reach::Listed));
            if let Some(since) = since {
                select.and_where(
                    Expr::col((playlist::Entity, playlist::Column::CreatedAt)).gte(since),
                );
            }
        }
        SearchKind::Podcast => {
            select
                .column(podcast::Column::Id)
                .from(podcast::Entity)
                .cond_where(visibility::podcasts(viewer, Reach::Listed));
            if let Some(since) = since {
                select
                    .and_where(Expr::col((podcast::Entity, podcast::Column::CreatedAt)).gte(since));
            }
        }
        SearchKind::Episode => {
            select
                .column(episode::Column::Id)
                .from(episode::Entity)
                .cond_where(visibility::episodes(
                    viewer,
                    Reach::Listed,
                    EpisodeScope::AnyPodcast,
                    now,
                ));
            if let Some(since) = since {
                select.and_where(dated_since(
                    episode::Entity,
                    episode::Column::PublishAt,
                    episode::Column::CreatedAt,
                    since,
                ));
            }
        }
    }
    select
}

/// Hits of the wanted kinds that `viewer` may find and that pass the date filter.
fn visible(viewer: &Viewer, kinds: &[SearchKind], since: Option<DateTime<Utc>>) -> Condition {
    let kind = |k: SearchKind| Expr::col((Alias::new("hits"), Alias::new("kind"))).eq(k.as_str());
    let item = || Expr::col((Alias::new("hits"), Alias::new("item_id")));
    kinds.iter().fold(Condition::any(), |any, &k| {
        // Channels have no visibility of their own: without a date they need no lookup.
        if k == SearchKind::Channel && since.is_none() {
            return any.add(kind(k));
        }
        any.add(
            Condition::all()
                .add(kind(k))
                .add(item().in_subquery(findable(viewer, k, since))),
        )
    })
}

/// The ranked matches of `text` among documents of `kinds`, as `SELECT kind, item_id, score`.
fn matches(backend: DatabaseBackend, text: &str, kinds: &[SearchKind]) -> SelectStatement {
    let mut select = match backend {
        DatabaseBackend::Postgres => Query::select()
            .column(Alias::new("kind"))
            .column(Alias::new("item_id"))
            .expr_as(
                Expr::cust_with_values(
                    // sea-query numbers PostgreSQL parameters itself: `$1` is this
                    // expression's first value.
                    "ts_rank(tsv, plainto_tsquery('simple', $1))::float8",
                    [text],
                ),
                Alias::new("score"),
            )
            .from(docs())
            .and_where(Expr::cust_with_values(
                "tsv @@ plainto_tsquery('simple', $1)",
                [text],
            ))
            .to_owned(),
        _ => {
            let query = fts5_query(text);
            Query::select()
                .column(Alias::new("kind"))
                .column(Alias::new("item_id"))
                // bm25 is smaller for better matches; negate it so larger is better on both
                // backends. Title hits weigh ten times body hits.
                .expr_as(
                    Expr::cust("-bm25(search_documents, 0.0, 0.0, 10.0, 1.0)"),
                    Alias::new("score"),
                )
                .from(docs())
                .and_where(Expr::cust_with_values("search_documents MATCH ?", [query]))
                .to_owned()
        }
    };
    if kinds.len() < SearchKind::ALL.len() {
        select.and_where(Expr::col(Alias::new("kind")).is_in(kinds.iter().map(|k| k.as_str())));
    }
    select
}

/// Searches everything `viewer` may find, narrowed by `filter`, best matches first.
pub async fn search(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    text: &str,
    filter: &Filter,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<HitPage> {
    let limit = page_size(first)?;
    if text.len() > 1000 {
        return Err(AppError::validation("query: must be at most 1000 bytes"));
    }
    if text
        .split(|c: char| !c.is_alphanumeric())
        .all(str::is_empty)
    {
        return Err(AppError::validation(
            "query: must contain at least one word",
        ));
    }
    let kinds = filter.kinds()?;
    let backend = db.get_database_backend();
    // The ranked matches, as a derived table `hits(kind, item_id, score)`.
    let matches = matches(backend, text, &kinds);
    let mut base = Query::select()
        .column((Alias::new("hits"), Alias::new("kind")))
        .column((Alias::new("hits"), Alias::new("item_id")))
        .column((Alias::new("hits"), Alias::new("score")))
        .from_subquery(matches, Alias::new("hits"))
        .cond_where(visible(viewer, &kinds, filter.since))
        .to_owned();
    let count = ListCount::from_statement(base.clone(), backend);
    let list = "search";
    if let Some(raw) = after {
        let cursor = Cursor::decode(raw, list)?;
        let Key::Float(score) = cursor.key else {
            return Err(AppError::validation(
                "after: not a valid cursor for this list",
            ));
        };
        let s = || Expr::col((Alias::new("hits"), Alias::new("score")));
        let i = || Expr::col((Alias::new("hits"), Alias::new("item_id")));
        base.cond_where(
            Condition::any()
                .add(s().lt(score))
                .add(Condition::all().add(s().eq(score)).add(i().lt(cursor.id))),
        );
    }
    base.order_by(
        (Alias::new("hits"), Alias::new("score")),
        sea_orm::sea_query::Order::Desc,
    )
    .order_by(
        (Alias::new("hits"), Alias::new("item_id")),
        sea_orm::sea_query::Order::Desc,
    )
    .limit(limit + 1);
    let rows = db.query_all(backend.build(&base)).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        let id: Uuid = row.try_get("", "item_id")?;
        let score: f64 = row.try_get("", "score")?;
        let Some(kind) = SearchKind::parse(&kind) else {
            continue;
        };
        hits.push(Hit { kind, id, score });
    }
    let has_next = hits.len() as u64 > limit;
    hits.truncate(limit as usize);
    let hits = hits
        .into_iter()
        .map(|h| {
            let cursor = Cursor {
                list: list.into(),
                key: Key::Float(h.score),
                id: h.id,
            };
            (cursor.encode(), h)
        })
        .collect();
    Ok(HitPage {
        hits,
        has_next,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_becomes_quoted_fts5_words() {
        assert_eq!(
            fts5_query("hello \"world\" OR x*"),
            "\"hello\" \"world\" \"OR\" \"x\""
        );
        assert_eq!(fts5_query("  --  "), "");
    }
}
