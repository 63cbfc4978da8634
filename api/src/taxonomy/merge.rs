//! Merging one category or tag into another (admins only): everything filed under the one is
//! filed under the other, and the one is gone. One transaction each, so a merge is never half
//! done.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{category, episode_tag, tag, video_tag};
use super::service::{reaches, require_admin};
use crate::error::{AppError, AppResult};
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// Merges the tag `from` into `into`: every video and episode tagged `from` is tagged `into`
/// instead (once, if it had both), and `from` is deleted. Returns `into`.
pub async fn merge_tags(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    from: Uuid,
    into: Uuid,
) -> AppResult<tag::Model> {
    require_admin(viewer)?;
    if from == into {
        return Err(AppError::validation(
            "intoId: a tag cannot be merged into itself",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let source = tag::Entity::find_by_id(from)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("tag"))?;
    let target = tag::Entity::find_by_id(into)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("tag to merge into"))?;
    retag::<video_tag::Entity>(
        &txn,
        video_tag::Column::VideoId,
        video_tag::Column::TagId,
        from,
        into,
    )
    .await?;
    retag::<episode_tag::Entity>(
        &txn,
        episode_tag::Column::EpisodeId,
        episode_tag::Column::TagId,
        from,
        into,
    )
    .await?;
    // The rows still naming `from` go with it.
    source.delete(&txn).await?;
    txn.commit().await?;
    Ok(target)
}

/// In the join table `E` (`item`, `tag`), adds `into` to each item that has `from` and not
/// `into` yet.
async fn retag<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    item: E::Column,
    tag_column: E::Column,
    from: Uuid,
    into: Uuid,
) -> AppResult<()> {
    let already = Query::select()
        .column(item)
        .from(E::default())
        .and_where(tag_column.eq(into))
        .to_owned();
    let moved = Query::select()
        .column(item)
        .expr(Expr::val(into))
        .from(E::default())
        .and_where(tag_column.eq(from))
        .and_where(item.not_in_subquery(already))
        .to_owned();
    let insert = Query::insert()
        .into_table(E::default())
        .columns([item, tag_column])
        .select_from(moved)
        .map_err(AppError::internal)?
        .to_owned();
    let backend = txn.get_database_backend();
    txn.execute(backend.build(&insert)).await?;
    Ok(())
}

/// Merges the category `from` into `into`: its videos move to `into`, its subcategories
/// become `into`'s, and `from` is deleted. `into` may not be inside `from` (that would leave
/// it inside nothing). Returns `into`.
pub async fn merge_categories(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    from: Uuid,
    into: Uuid,
) -> AppResult<category::Model> {
    require_admin(viewer)?;
    if from == into {
        return Err(AppError::validation(
            "intoId: a category cannot be merged into itself",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let source = category::Entity::find_by_id(from)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("category"))?;
    let target = category::Entity::find_by_id(into)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("category to merge into"))?;
    // Meeting `from` above `into` means `into` is one of its subcategories.
    if reaches(&txn, target.parent_id, from, "intoId").await? {
        return Err(AppError::validation(
            "intoId: a category cannot be merged into one of its own subcategories",
        ));
    }
    video::Entity::update_many()
        .col_expr(video::Column::CategoryId, Expr::value(into))
        .filter(video::Column::CategoryId.eq(from))
        .exec(&txn)
        .await?;
    category::Entity::update_many()
        .col_expr(category::Column::ParentId, Expr::value(into))
        .filter(category::Column::ParentId.eq(from))
        .exec(&txn)
        .await?;
    source.delete(&txn).await?;
    txn.commit().await?;
    Ok(target)
}
