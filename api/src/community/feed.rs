//! The subscription feed: the newest videos and episodes of the channels a user follows, in
//! one list by publish time (`COALESCE(publish_at, created_at)`, newest first, the id as
//! tie-breaker).
//!
//! Only what the public may see in lists is in it (published, in its window, public, ready;
//! an episode's podcast public too), whoever asks: a feed is what the channels published, so an
//! editor following their own channel does not find drafts there.
//!
//! A page takes `first + 1` rows after the cursor from each table, both in the feed's order,
//! and merges them: two indexed keyset reads, whatever the page's depth.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, Query, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::entity::channel_subscription;
use crate::error::AppResult;
use crate::graphql::pagination::{Cursor, Key, ListCount, Page, Sort, page_size};
use crate::podcasts::entity::{episode, podcast};
use crate::videos::entity::video;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

/// One item of the feed.
#[derive(Debug, Clone)]
pub enum FeedRow {
    /// A video.
    Video(video::Model),
    /// A podcast episode.
    Episode(episode::Model),
}

impl FeedRow {
    /// The feed's sort key: the publish time, then the id.
    fn key(&self) -> (DateTime<Utc>, Uuid) {
        match self {
            Self::Video(v) => (v.publish_at.unwrap_or(v.created_at), v.id),
            Self::Episode(e) => (e.publish_at.unwrap_or(e.created_at), e.id),
        }
    }
}

/// The channels `user` follows, as a subquery.
fn followed(user: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(channel_subscription::Column::ChannelId)
        .from(channel_subscription::Entity)
        .and_where(channel_subscription::Column::UserId.eq(user))
        .to_owned()
}

fn videos(user: Uuid, now: DateTime<Utc>) -> Select<video::Entity> {
    video::Entity::find()
        .filter(visibility::videos(&Viewer::Public, Reach::Listed, now))
        .filter(video::Column::ChannelId.in_subquery(followed(user)))
}

fn episodes(user: Uuid, now: DateTime<Utc>) -> Select<episode::Entity> {
    episode::Entity::find()
        .filter(visibility::episodes(
            &Viewer::Public,
            Reach::Listed,
            EpisodeScope::AnyPodcast,
            now,
        ))
        .filter(
            episode::Column::PodcastId.in_subquery(
                Query::select()
                    .column(podcast::Column::Id)
                    .from(podcast::Entity)
                    .and_where(podcast::Column::ChannelId.in_subquery(followed(user)))
                    .to_owned(),
            ),
        )
}

/// The feed's order over one table: `COALESCE(publish_at, created_at)` then the id, newest
/// first.
fn published(publish_at: SimpleExpr, created_at: SimpleExpr, id: SimpleExpr) -> Sort {
    let time: SimpleExpr = Func::coalesce([publish_at, created_at]).into();
    Sort::by(time, id, true)
}

/// One page of `user`'s feed after `after`.
pub async fn page(
    db: &impl ConnectionTrait,
    user: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<FeedRow>> {
    let limit = page_size(first)?;
    let list = format!("feed:s{user}");
    let now = Utc::now();
    let (videos, episodes) = (videos(user, now), episodes(user, now));
    let count = ListCount::from_statement(
        videos
            .clone()
            .select_only()
            .column(video::Column::Id)
            .into_query()
            .union(
                UnionType::All,
                episodes
                    .clone()
                    .select_only()
                    .column(episode::Column::Id)
                    .into_query(),
            )
            .to_owned(),
        db.get_database_backend(),
    );
    let video_sort = published(
        Expr::col((video::Entity, video::Column::PublishAt)).into(),
        Expr::col((video::Entity, video::Column::CreatedAt)).into(),
        Expr::col((video::Entity, video::Column::Id)).into(),
    );
    let episode_sort = published(
        Expr::col((episode::Entity, episode::Column::PublishAt)).into(),
        Expr::col((episode::Entity, episode::Column::CreatedAt)).into(),
        Expr::col((episode::Entity, episode::Column::Id)).into(),
    );
    let (mut videos, mut episodes) = (videos, episodes);
    if let Some(raw) = after {
        let cursor = Cursor::decode(raw, &list)?;
        videos = videos.filter(video_sort.after(&cursor)?);
        episodes = episodes.filter(episode_sort.after(&cursor)?);
    }
    let mut rows: Vec<FeedRow> = video_sort
        .order(videos)
        .limit(limit + 1)
        .all(db)
        .await?
        .into_iter()
        .map(FeedRow::Video)
        .chain(
            episode_sort
                .order(episodes)
                .limit(limit + 1)
                .all(db)
                .await?
                .into_iter()
                .map(FeedRow::Episode),
        )
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.key()));
    let has_next = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let rows = rows
        .into_iter()
        .map(|row| {
            let (time, id) = row.key();
            let cursor = Cursor {
                list: list.clone(),
                key: Key::Time(time),
                id,
            };
            (cursor, row)
        })
        .collect();
    Ok(Page {
        rows,
        has_next,
        count,
    })
}
