//! Videos as a viewer finds them: several at once, and in lists (by id and by slug through
//! `content::find`, over what this file declares of videos).

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Iden, Iterable, QueryFilter, QuerySelect,
    QueryTrait, Select,
};
use uuid::Uuid;

use super::VideoQuery;

use crate::content;
use crate::error::AppResult;
use crate::graphql::pagination::{Page, PageRequest};
use crate::taxonomy::entity::video_tag;
use crate::videos::entity::video;
use crate::visibility::{self, Reach, Viewer};

impl content::InChannel for video::Entity {
    const ID_CHANNEL: [video::Column; 2] = [video::Column::Id, video::Column::ChannelId];
    fn channel_id(model: &video::Model) -> Uuid {
        model.channel_id
    }
    fn visible(viewer: &Viewer, reach: Reach) -> Condition {
        visibility::videos(viewer, reach, Utc::now())
    }
}

/// Videos by id that `viewer` may reach directly (for search results and playlist items).
pub async fn find_many(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: Vec<Uuid>,
    reach: Reach,
) -> AppResult<Vec<video::Model>> {
    Ok(video::Entity::find()
        .filter(video::Column::Id.is_in(ids))
        .filter(visibility::videos(viewer, reach, Utc::now()))
        .all(db)
        .await?)
}

/// `select` reading every column but the long texts, which read as empty (description) and
/// no chapters: what a list that shows neither needs.
fn without_texts(select: Select<video::Entity>) -> Select<video::Entity> {
    use video::Column;
    select
        .select_only()
        .columns(Column::iter().filter(|c| !matches!(c, Column::Description | Column::Chapters)))
        .column_as(Expr::val(""), Column::Description.to_string())
        .column_as(Expr::val("[]"), Column::Chapters.to_string())
}

/// One page of the videos `viewer` may see in lists.
pub async fn list(
    reads: &crate::db::Reads,
    viewer: &Viewer,
    query: VideoQuery,
    page: &PageRequest,
) -> AppResult<Page<video::Model>> {
    let (mut select, list) =
        content::listed::<video::Entity>(viewer, "videos", page.order, query.channel_id);
    if let Some(manager) = &query.managed_by {
        let managed = visibility::managed_channel_ids(manager);
        select = select.filter(video::Column::ChannelId.in_subquery(managed));
    }
    if let Some(t) = query.tag_id {
        select = select.filter(
            video::Column::Id.in_subquery(
                Query::select()
                    .column(video_tag::Column::VideoId)
                    .from(video_tag::Entity)
                    .and_where(video_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    select = content::common_filters(select, query.visibility, query.text)
        .apply_if(query.category_id, |s, c| {
            s.filter(video::Column::CategoryId.eq(c))
        })
        .apply_if(query.status, |s, v| {
            s.filter(video::Column::Status.eq(v.as_str()))
        })
        .apply_if(query.language, |s, l| {
            s.filter(video::Column::Language.eq(l))
        })
        .apply_if(query.created_after, |s, t| {
            s.filter(video::Column::CreatedAt.gte(t))
        })
        .apply_if(query.created_before, |s, t| {
            s.filter(video::Column::CreatedAt.lt(t))
        });
    let (sort, key_of) = crate::videos::ranking::sort(page.order);
    if query.card_only {
        return page
            .fetch_as(reads, card(select), &list, &sort, key_of, Card::into_model)
            .await;
    }
    if query.without_texts {
        select = without_texts(select);
    }
    page.fetch(reads.pool(), select, &list, &sort, key_of).await
}

/// The columns a video card reads: what its fields `id`, `title`, `slug`, `duration`,
/// `viewCount`, `publishAt`, `createdAt`, `updatedAt`, `channel`, `category` and `tags` show,
/// and every order's cursor key.
pub const CARD_COLUMNS: [video::Column; 11] = [
    video::Column::Id,
    video::Column::ChannelId,
    video::Column::Title,
    video::Column::Slug,
    video::Column::DurationSecs,
    video::Column::ViewCount,
    video::Column::TrendingScore,
    video::Column::CategoryId,
    video::Column::PublishAt,
    video::Column::CreatedAt,
    video::Column::UpdatedAt,
];

/// `select` reading only [`CARD_COLUMNS`].
fn card(select: Select<video::Entity>) -> Select<video::Entity> {
    select.select_only().columns(CARD_COLUMNS)
}

/// A row of [`CARD_COLUMNS`].
#[derive(Debug, sea_orm::FromQueryResult)]
struct Card {
    id: Uuid,
    channel_id: Uuid,
    title: String,
    slug: String,
    duration_secs: Option<f64>,
    view_count: i64,
    trending_score: f64,
    category_id: Option<Uuid>,
    publish_at: Option<chrono::DateTime<Utc>>,
    created_at: chrono::DateTime<Utc>,
    updated_at: chrono::DateTime<Utc>,
}

crate::db::reads::sqlite_rows! {
    Card {
        id, channel_id, title, slug, duration_secs, view_count, trending_score, category_id,
        publish_at, created_at, updated_at,
    }
}

impl Card {
    /// The model with the card's columns, and the rest empty (nothing reads them).
    fn into_model(self) -> video::Model {
        video::Model {
            id: self.id,
            channel_id: self.channel_id,
            title: self.title,
            slug: self.slug,
            description: String::new(),
            status: String::new(),
            visibility: String::new(),
            publish_at: self.publish_at,
            unpublish_at: None,
            duration_secs: self.duration_secs,
            language: None,
            license: None,
            category_id: self.category_id,
            view_count: self.view_count,
            like_count: 0,
            comment_count: 0,
            comments_enabled: false,
            trending_score: self.trending_score,
            chapters: String::new(),
            source_asset_id: None,
            poster_asset_id: None,
            media_error: None,
            playback_restriction: None,
            downloads_enabled: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sea_orm::{DbBackend, QueryTrait};

    #[test]
    fn a_list_without_texts_reads_neither_description_nor_chapters() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let sql = without_texts(video::Entity::find())
                .build(backend)
                .to_string();
            let (columns, _) = sql.split_once(" FROM ").unwrap();
            assert!(!columns.contains("\"videos\".\"description\""), "{sql}");
            assert!(!columns.contains("\"videos\".\"chapters\""), "{sql}");
            assert!(columns.contains("\"videos\".\"title\""), "{sql}");
            let full = video::Entity::find().build(backend).to_string();
            assert!(full.contains("\"videos\".\"description\""), "{full}");
        }
    }

    #[test]
    fn a_card_list_selects_only_the_columns_a_card_shows() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let sql = card(video::Entity::find()).build(backend).to_string();
            let (columns, _) = sql.split_once(" FROM ").unwrap();
            let selected: Vec<&str> = columns
                .trim_start_matches("SELECT ")
                .split(", ")
                .map(|c| c.trim_start_matches("\"videos\".").trim_matches('"'))
                .collect();
            assert_eq!(
                selected,
                [
                    "id",
                    "channel_id",
                    "title",
                    "slug",
                    "duration_secs",
                    "view_count",
                    "trending_score",
                    "category_id",
                    "publish_at",
                    "created_at",
                    "updated_at"
                ],
                "{sql}"
            );
        }
    }
}
