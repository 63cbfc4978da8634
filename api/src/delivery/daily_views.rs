//! Daily view counts: `video_daily_views` and `episode_daily_views` hold one row per item per
//! UTC day with the views counted that day (never a row per view). The batched view flush
//! (`views.rs`) adds to them in the transaction that counts the views, together with the
//! channels' view counts and the videos' trending scores (see `videos::ranking`). They feed
//! the editors' statistics (`Video.viewsPerDay`, `Episode.viewsPerDay`) and the trending score.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::videos::ranking;

/// Most days `viewsPerDay` reports.
pub const MAX_DAYS: i32 = 90;

/// Rows per `INSERT` (three parameters each).
const INSERT_CHUNK: usize = 1000;

/// What a view is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// A video (`POST /views/{videoId}`).
    Video,
    /// A podcast episode (`POST /views/{episodeGlobalId}`).
    Episode,
}

impl Item {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Self::Video => ("video_daily_views", "video_id"),
            Self::Episode => ("episode_daily_views", "episode_id"),
        }
    }
}

/// Today, in UTC: the day views are counted on.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Remembers the last day this node recomputed the trending scores.
#[derive(Debug, Default)]
pub struct Rescore {
    done: Mutex<Option<NaiveDate>>,
}

impl Rescore {
    /// Whether the scores still need recomputing for `today`.
    pub fn due(&self, today: NaiveDate) -> bool {
        *self.done.lock().unwrap_or_else(|p| p.into_inner()) != Some(today)
    }

    /// Notes that the scores were recomputed for `today` (after the transaction committed).
    pub fn done(&self, today: NaiveDate) {
        *self.done.lock().unwrap_or_else(|p| p.into_inner()) = Some(today);
    }
}

/// Adds `counted` views of each item to its row of `today`.
pub async fn add(
    txn: &DatabaseTransaction,
    item: Item,
    counted: &HashMap<Uuid, i64>,
    today: NaiveDate,
) -> AppResult<()> {
    let (table, column) = item.table();
    let rows: Vec<(&Uuid, &i64)> = counted.iter().collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns([Alias::new(column), Alias::new("day"), Alias::new("views")])
            .on_conflict(
                OnConflict::columns([Alias::new(column), Alias::new("day")])
                    .value(
                        Alias::new("views"),
                        Expr::cust(format!("{table}.views + excluded.views")),
                    )
                    .to_owned(),
            );
        for (id, n) in chunk {
            insert
                .values([(**id).into(), today.into(), (**n).into()])
                .map_err(AppError::internal)?;
        }
        txn.execute(txn.get_database_backend().build(&insert))
            .await?;
    }
    Ok(())
}

/// Adds the counted views of videos to their channels' view counts: one statement per
/// distinct increment (see `views::batches`), whatever the number of channels.
pub async fn add_to_channels(
    txn: &DatabaseTransaction,
    batches: &[(i64, Vec<Uuid>)],
) -> AppResult<()> {
    for (n, videos) in batches {
        let inside = || {
            Query::select()
                .column(Alias::new("channel_id"))
                .from(Alias::new("videos"))
                .and_where(Expr::col(Alias::new("id")).is_in(videos.clone()))
                .to_owned()
        };
        // Each channel gains n times the number of its videos in this batch.
        let per_channel = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as(Alias::new("videos"), Alias::new("b"))
            .and_where(
                Expr::col((Alias::new("b"), Alias::new("channel_id")))
                    .equals((Alias::new("channels"), Alias::new("id"))),
            )
            .and_where(Expr::col((Alias::new("b"), Alias::new("id"))).is_in(videos.clone()))
            .to_owned();
        let mut update = Query::update();
        update
            .table(Alias::new("channels"))
            .value(
                Alias::new("view_count"),
                Expr::col(Alias::new("view_count")).add(Expr::val(*n).mul(Expr::expr(
                    sea_orm::sea_query::SimpleExpr::SubQuery(
                        None,
                        Box::new(per_channel.into_sub_query_statement()),
                    ),
                ))),
            )
            .and_where(Expr::col(Alias::new("id")).in_subquery(inside()));
        txn.execute(txn.get_database_backend().build(&update))
            .await?;
    }
    Ok(())
}

/// Recomputes every video's trending score as of `today` (see `videos::ranking`).
pub async fn rescore(txn: &DatabaseTransaction, today: NaiveDate) -> AppResult<()> {
    txn.execute_unprepared(&ranking::rescore_statement(today))
        .await?;
    Ok(())
}

/// Views of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayViews {
    /// The UTC day.
    pub day: NaiveDate,
    /// Views counted that day.
    pub views: i64,
}

#[derive(FromQueryResult)]
struct Row {
    day: NaiveDate,
    views: i64,
}

/// The views of one item on each of the `days` days up to `today`, oldest first, days without
/// views included as 0. `days` must be 1 to [`MAX_DAYS`] (`VALIDATION`).
pub async fn per_day(
    db: &impl ConnectionTrait,
    item: Item,
    id: Uuid,
    days: i32,
    today: NaiveDate,
) -> AppResult<Vec<DayViews>> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::validation(format!(
            "days: must be 1 to {MAX_DAYS}, {days} given"
        )));
    }
    let first = today - TimeDelta::days(i64::from(days) - 1);
    let (table, column) = item.table();
    let select = Query::select()
        .columns([Alias::new("day"), Alias::new("views")])
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new(column)).eq(id))
        .and_where(Expr::col(Alias::new("day")).gte(first))
        .and_where(Expr::col(Alias::new("day")).lte(today))
        .to_owned();
    let rows = Row::find_by_statement(db.get_database_backend().build(&select))
        .all(db)
        .await?;
    let found: HashMap<NaiveDate, i64> = rows.into_iter().map(|r| (r.day, r.views)).collect();
    Ok((0..i64::from(days))
        .map(|offset| {
            let day = first + TimeDelta::days(offset);
            DayViews {
                day,
                views: found.get(&day).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// Views of one UTC day, as GraphQL shows them.
#[derive(async_graphql::SimpleObject, Debug, Clone, Copy)]
#[graphql(name = "DayViews")]
pub struct DayViewsObject {
    /// The UTC day.
    pub day: NaiveDate,
    /// Views counted that day.
    pub views: i64,
}

/// The resolver of `Video.viewsPerDay` and `Episode.viewsPerDay`: a bad `days` is `VALIDATION`
/// for everyone; then null unless the caller manages the item's channel (editors of the
/// channel, admins), like `User.email` for others: statistics are the channel's business, and a
/// public page that asks for them still renders.
pub async fn resolve(
    ctx: &async_graphql::Context<'_>,
    item: Item,
    id: Uuid,
    channel_id: impl std::future::Future<Output = AppResult<Uuid>>,
    days: i32,
) -> AppResult<Option<Vec<DayViewsObject>>> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::validation(format!(
            "days: must be 1 to {MAX_DAYS}, {days} given"
        )));
    }
    let viewer = crate::graphql::viewer(ctx);
    if matches!(viewer, crate::visibility::Viewer::Public) {
        return Ok(None);
    }
    let db = &crate::graphql::app(ctx)?.db;
    if !crate::visibility::can_manage(db, &viewer, channel_id.await?).await? {
        return Ok(None);
    }
    Ok(Some(
        per_day(db, item, id, days, today())
            .await?
            .into_iter()
            .map(|d| DayViewsObject {
                day: d.day,
                views: d.views,
            })
            .collect(),
    ))
}

/// Carries a moved video's views from its old channel's view count to the new one's.
pub async fn move_channel_views(
    txn: &impl ConnectionTrait,
    from: Uuid,
    to: Uuid,
    views: i64,
) -> AppResult<()> {
    use crate::channels::entity::channel;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if views == 0 {
        return Ok(());
    }
    for (id, delta) in [(from, -views), (to, views)] {
        channel::Entity::update_many()
            .col_expr(
                channel::Column::ViewCount,
                Expr::col(channel::Column::ViewCount).add(delta),
            )
            .filter(channel::Column::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(())
}
