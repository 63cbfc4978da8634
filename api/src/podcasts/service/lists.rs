//! Podcasts and episodes as a viewer finds them: by id, by slug, and in lists (a podcast by id
//! and by slug through `content::find`, over what this file declares of podcasts).

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

use super::{EpisodeQuery, PodcastQuery};

use crate::content;
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{Key, KeyOf, OrderBy, Page, PageRequest, Sort};
use crate::podcasts::entity::{episode, podcast};
use crate::taxonomy::entity::episode_tag;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

impl content::InChannel for podcast::Entity {
    const ID_CHANNEL: [podcast::Column; 2] = [podcast::Column::Id, podcast::Column::ChannelId];
    fn channel_id(model: &podcast::Model) -> Uuid {
        model.channel_id
    }
    fn visible(viewer: &Viewer, reach: Reach) -> Condition {
        visibility::podcasts(viewer, reach)
    }
}

/// Newest, oldest or by title (`E`'s `id` and title columns); podcasts and episodes are not
/// ranked by views.
fn sort<E: content::Item + content::TextColumns>(
    order: OrderBy,
    id: E::Column,
) -> AppResult<(Sort, KeyOf<E::Model>)> {
    let [title, _, _] = E::text_columns();
    Sort::by_id_or_title(
        order,
        Expr::col((E::default(), id)).into(),
        Expr::col((E::default(), title)).into(),
        |m| {
            let (id, title, _) = E::text(m);
            (Key::Text(title.to_owned()), id)
        },
        |m| (Key::None, E::text(m).0),
    )
    .ok_or_else(|| AppError::validation("orderBy: MOST_VIEWED and TRENDING apply to videos only"))
}

/// One page of the podcasts `viewer` may see in lists.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: PodcastQuery,
    page: &PageRequest,
) -> AppResult<Page<podcast::Model>> {
    let (select, list) =
        content::listed::<podcast::Entity>(viewer, "podcasts", page.order, query.channel_id);
    let select = content::common_filters(select, query.visibility, query.text)
        .apply_if(query.language, |s, l| {
            s.filter(podcast::Column::Language.eq(l))
        });
    let (sort, key_of) = sort::<podcast::Entity>(page.order, podcast::Column::Id)?;
    page.fetch(db, select, &list, &sort, key_of).await
}

/// An episode by id, if `viewer` may see it (and its podcast).
pub async fn find_episode(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<episode::Model>> {
    Ok(episode::Entity::find_by_id(id)
        .filter(visibility::episodes(
            viewer,
            Reach::Direct,
            EpisodeScope::AnyPodcast,
            Utc::now(),
        ))
        .one(db)
        .await?)
}

/// Episodes whose podcast matches `podcasts` (a condition on the podcasts table).
fn in_podcasts(podcasts: SimpleExpr) -> SimpleExpr {
    episode::Column::PodcastId.in_subquery(
        Query::select()
            .column(podcast::Column::Id)
            .from(podcast::Entity)
            .and_where(podcasts)
            .to_owned(),
    )
}

/// Episodes by id that `viewer` may reach directly (for the watch history).
pub async fn find_episodes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: Vec<Uuid>,
) -> AppResult<Vec<episode::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(episode::Entity::find()
        .filter(episode::Column::Id.is_in(ids))
        .filter(visibility::episodes(
            viewer,
            Reach::Direct,
            EpisodeScope::AnyPodcast,
            Utc::now(),
        ))
        .all(db)
        .await?)
}

/// One page of the episodes `viewer` may see in lists.
pub async fn list_episodes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: EpisodeQuery,
    page: &PageRequest,
) -> AppResult<Page<episode::Model>> {
    let scope = if query.podcast_id.is_some() {
        EpisodeScope::WithinVisiblePodcast
    } else {
        EpisodeScope::AnyPodcast
    };
    let mut select = episode::Entity::find().filter(visibility::episodes(
        viewer,
        Reach::Listed,
        scope,
        Utc::now(),
    ));
    let mut list = format!("episodes:{}", page.order.as_str());
    if let Some(p) = query.podcast_id {
        select = select.filter(episode::Column::PodcastId.eq(p));
        list.push_str(&format!(":p{p}"));
    }
    if let Some(c) = query.channel_id {
        select = select.filter(in_podcasts(Expr::col(podcast::Column::ChannelId).eq(c)));
        // A cursor of one channel's list must not page another channel's.
        list.push_str(&format!(":c{c}"));
    }
    if let Some(manager) = &query.managed_by {
        let managed = visibility::managed_channel_ids(manager);
        select = select.filter(in_podcasts(
            Expr::col(podcast::Column::ChannelId).in_subquery(managed),
        ));
    }
    if let Some(t) = query.tag_id {
        select = select.filter(
            episode::Column::Id.in_subquery(
                Query::select()
                    .column(episode_tag::Column::EpisodeId)
                    .from(episode_tag::Entity)
                    .and_where(episode_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    let select = content::common_filters(select, query.visibility, query.text)
        .apply_if(query.status, |s, v| {
            s.filter(episode::Column::Status.eq(v.as_str()))
        })
        .apply_if(query.created_after, |s, t| {
            s.filter(episode::Column::CreatedAt.gte(t))
        })
        .apply_if(query.created_before, |s, t| {
            s.filter(episode::Column::CreatedAt.lt(t))
        });
    let (sort, key_of) = sort::<episode::Entity>(page.order, episode::Column::Id)?;
    page.fetch(db, select, &list, &sort, key_of).await
}
