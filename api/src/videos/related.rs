//! Related videos (`Video.related(first:)`): public videos ranked by what they share with a
//! video. Shared tags weigh most, then the same category, then the same channel, and recency
//! breaks ties between equals (see [`signals`]). The video itself and everything the public
//! cannot list (private, unlisted, unpublished, not ready: `visibility::videos` with
//! `Viewer::Public` and `Reach::Listed`) never appear, whoever asks, so the answer is the same
//! for every caller. Videos sharing nothing are not related.
//!
//! Cost: two statements. The first reads the video's tags. The second does the rest in the
//! database: its candidates come from index range scans only, the newest [`PER_SIGNAL`] videos
//! of each of its tags (`ix_video_tags_tag`), of its category (`ix_videos_category`) and of its
//! channel (`ix_videos_channel_id`), united in a subquery; each candidate that passes the
//! visibility rule is scored by [`signals`] (its shared tags counted by a subquery on the
//! `video_tags` key), and the best `first` rows come back whole, in order. Nothing scans the
//! catalogue, so the time does not grow with it (the `related` bench measures 100,000 videos).

use chrono::Utc;
use sea_orm::sea_query::{
    Alias, Expr, Query, SelectStatement, SimpleExpr, SubQueryStatement, UnionType,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    StatementBuilder,
};
use uuid::Uuid;

use super::entity::video;
use crate::db::Reads;
use crate::error::{AppError, AppResult};
use crate::taxonomy::entity::video_tag;
use crate::visibility::{self, Reach, Viewer};

/// Most related videos one call returns.
pub const MAX_RELATED: i32 = 24;

/// Candidates taken per signal (each tag, the category, the channel), newest first.
pub const PER_SIGNAL: u64 = 50;

/// Weight of each shared tag.
const TAG_WEIGHT: f64 = 4.0;
/// Weight of the same category.
const CATEGORY_WEIGHT: f64 = 2.0;
/// Weight of the same channel.
const CHANNEL_WEIGHT: f64 = 1.0;

/// A row of one id.
#[derive(sea_orm::FromQueryResult)]
struct Id {
    id: Uuid,
}

crate::db::reads::sqlite_rows! {
    Id { id }
}

/// The ids `statement` selects (as `id`).
async fn ids(reads: &Reads, statement: &impl StatementBuilder) -> AppResult<Vec<Uuid>> {
    let rows: Vec<Id> = reads
        .all(reads.pool().get_database_backend().build(statement))
        .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Up to `first` (0 to [`MAX_RELATED`], else `VALIDATION`) public videos related to `of`,
/// best first.
pub async fn related(reads: &Reads, of: &video::Model, first: i32) -> AppResult<Vec<video::Model>> {
    if !(0..=MAX_RELATED).contains(&first) {
        return Err(AppError::validation(format!(
            "first: must be 0 to {MAX_RELATED}, {first} given"
        )));
    }
    if first == 0 {
        return Ok(Vec::new());
    }
    let tags = ids(
        reads,
        &Query::select()
            .expr_as(Expr::col(video_tag::Column::TagId), Alias::new("id"))
            .from(video_tag::Entity)
            .and_where(video_tag::Column::VideoId.eq(of.id))
            .to_owned(),
    )
    .await?;
    let now = Utc::now();
    // The signals first, then recency, which only ever separates equals (a public video always
    // has its publish time), then the newest id.
    let select = video::Entity::find()
        .filter(Expr::col((video::Entity, video::Column::Id)).in_subquery(candidates(of, &tags)))
        .filter(Expr::col((video::Entity, video::Column::Id)).ne(of.id))
        .filter(visibility::videos(&Viewer::Public, Reach::Listed, now))
        .order_by_desc(signals(of, &tags))
        .order_by_desc(Expr::col((video::Entity, video::Column::PublishAt)))
        .order_by_desc(Expr::col((video::Entity, video::Column::Id)))
        .limit(u64::try_from(first).unwrap_or(0));
    Ok(reads.select(&select).await?)
}

/// The ids of the videos sharing a signal with `of` (a tag, its category, its channel), the
/// newest few of each, as one statement: a union of index range scans.
fn candidates(of: &video::Model, tags: &[Uuid]) -> SelectStatement {
    let newest = |inner: SelectStatement, n: usize| {
        Query::select()
            .column(Alias::new("id"))
            .from_subquery(inner, Alias::new(format!("signal{n}")))
            .to_owned()
    };
    let newest_where = |column: video::Column, value: Uuid| {
        Query::select()
            .expr_as(Expr::col(video::Column::Id), Alias::new("id"))
            .from(video::Entity)
            .and_where(Expr::col(column).eq(value))
            .order_by(video::Column::Id, Order::Desc)
            .limit(PER_SIGNAL + 1)
            .to_owned()
    };
    let mut signals: Vec<SelectStatement> = tags
        .iter()
        .map(|tag| {
            Query::select()
                .expr_as(Expr::col(video_tag::Column::VideoId), Alias::new("id"))
                .from(video_tag::Entity)
                .and_where(video_tag::Column::TagId.eq(*tag))
                .order_by(video_tag::Column::VideoId, Order::Desc)
                .limit(PER_SIGNAL + 1)
                .to_owned()
        })
        .collect();
    if let Some(category) = of.category_id {
        signals.push(newest_where(video::Column::CategoryId, category));
    }
    signals.push(newest_where(video::Column::ChannelId, of.channel_id));
    let mut signals = signals.into_iter().enumerate().map(|(n, s)| newest(s, n));
    let mut union = signals.next().unwrap_or_else(Query::select);
    for other in signals {
        union.union(UnionType::Distinct, other);
    }
    union
}

/// What a candidate shares with `of`: 4 per shared tag, 2 for the same category, 1 for the same
/// channel, so one shared tag outweighs the other two together.
fn signals(of: &video::Model, tags: &[Uuid]) -> SimpleExpr {
    let shared_tags: SimpleExpr = if tags.is_empty() {
        Expr::val(0).into()
    } else {
        SimpleExpr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(
                Query::select()
                    .expr(Expr::col(video_tag::Column::TagId).count())
                    .from(video_tag::Entity)
                    .and_where(
                        Expr::col((video_tag::Entity, video_tag::Column::VideoId))
                            .equals((video::Entity, video::Column::Id)),
                    )
                    .and_where(video_tag::Column::TagId.is_in(tags.iter().copied()))
                    .to_owned(),
            )),
        )
    };
    let same = |column: video::Column, value: Option<Uuid>, weight: f64| -> SimpleExpr {
        match value {
            Some(v) => Expr::case(Expr::col((video::Entity, column)).eq(v), weight)
                .finally(0.0)
                .into(),
            None => Expr::val(0.0).into(),
        }
    };
    Expr::expr(shared_tags)
        .mul(TAG_WEIGHT)
        .add(same(
            video::Column::CategoryId,
            of.category_id,
            CATEGORY_WEIGHT,
        ))
        .add(same(
            video::Column::ChannelId,
            Some(of.channel_id),
            CHANNEL_WEIGHT,
        ))
}

// One shared tag outweighs the same category and channel together, and the category the
// channel: checked when the crate compiles.
const _: () = assert!(
    TAG_WEIGHT > CATEGORY_WEIGHT + CHANNEL_WEIGHT
        && CATEGORY_WEIGHT > CHANNEL_WEIGHT
        && CHANNEL_WEIGHT > 0.0
);
