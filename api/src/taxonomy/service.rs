//! Category and tag services.

use chrono::Utc;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{category, tag};
use crate::channels::service::slug_conflict;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::visibility::{self, Viewer};

/// Most categories or tags a plain list returns.
pub const MAX_LIST: u64 = 1000;

pub(super) fn require_admin(viewer: &Viewer) -> AppResult<()> {
    if *viewer == Viewer::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates a category (admins only: the tree is shared by every channel).
pub async fn create_category(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    name: &str,
    slug: Option<&str>,
    parent_id: Option<Uuid>,
) -> AppResult<category::Model> {
    require_admin(viewer)?;
    let name = content::title("name", name)?;
    // One transaction, so concurrent creators of one name take turns for the free slug.
    let txn = crate::db::begin_write(db).await?;
    let db = &txn;
    let slug = content::new_slug::<category::Entity>(
        db,
        slug,
        &name,
        category::Column::Slug,
        Condition::all(),
    )
    .await?;
    if let Some(p) = parent_id
        && category::Entity::find_by_id(p).one(db).await?.is_none()
    {
        return Err(AppError::NotFound("parent category"));
    }
    let now = Utc::now();
    let created = category::ActiveModel {
        id: Set(Uuid::now_v7()),
        parent_id: Set(parent_id),
        name: Set(name),
        slug: Set(slug.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(slug_conflict(&slug))?;
    txn.commit().await?;
    Ok(created)
}

/// Sets the checked new `name` and `slug` (each when given) of a category or tag in `active`,
/// its `columns` (name, slug); returns the slug (empty when it stays), which a conflict names.
fn rename<A: ActiveModelTrait>(
    active: &mut A,
    [name_column, slug_column]: [<A::Entity as EntityTrait>::Column; 2],
    name: Option<String>,
    slug: Option<String>,
) -> AppResult<String> {
    if let Some(n) = name {
        active.try_set(name_column, content::title("name", &n)?.into())?;
    }
    let mut checked_slug = String::new();
    if let Some(s) = slug {
        checked_slug = content::slug(&s)?;
        active.try_set(slug_column, checked_slug.clone().into())?;
    }
    Ok(checked_slug)
}

/// Changes a category; `parent_id: Some(None)` makes it a root. Cycles are refused.
pub async fn update_category(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    name: Option<String>,
    slug: Option<String>,
    parent_id: Option<Option<Uuid>>,
) -> AppResult<category::Model> {
    require_admin(viewer)?;
    let txn = crate::db::begin_write(db).await?;
    let current = category::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("category"))?;
    let mut active = current.into_active_model();
    let columns = [category::Column::Name, category::Column::Slug];
    let checked_slug = rename(&mut active, columns, name, slug)?;
    if let Some(parent) = parent_id {
        // Meeting `id` above the new parent would close a loop.
        if reaches(&txn, parent, id, "parentId").await? {
            return Err(AppError::validation(
                "parentId: a category cannot be inside itself",
            ));
        }
        active.parent_id = Set(parent);
    }
    active.updated_at = Set(Utc::now());
    let updated = active
        .update(&txn)
        .await
        .map_err(slug_conflict(&checked_slug))?;
    txn.commit().await?;
    Ok(updated)
}

/// Whether walking up the tree from `start` (itself included) meets `category`; `key` names
/// the input field in the error for a tree nested over 100 deep.
pub(super) async fn reaches(
    db: &impl ConnectionTrait,
    start: Option<Uuid>,
    category: Uuid,
    key: &str,
) -> AppResult<bool> {
    let (mut cursor, mut steps) = (start, 0);
    while let Some(p) = cursor {
        if p == category {
            return Ok(true);
        }
        steps += 1;
        if steps > 100 {
            return Err(AppError::validation(format!(
                "{key}: categories nest too deep"
            )));
        }
        cursor = category::Entity::find_by_id(p)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("parent category"))?
            .parent_id;
    }
    Ok(false)
}

/// Deletes a category; its children become roots, its videos uncategorised.
pub async fn delete_category(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Uuid> {
    require_admin(viewer)?;
    let current = category::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("category"))?;
    current.delete(db).await?;
    Ok(id)
}

/// Categories, optionally only the children of one (`Some(None)`: the roots), by name.
pub async fn categories(
    db: &impl ConnectionTrait,
    parent: Option<Option<Uuid>>,
) -> AppResult<Vec<category::Model>> {
    let mut select = category::Entity::find();
    match parent {
        None => {}
        Some(None) => select = select.filter(category::Column::ParentId.is_null()),
        Some(Some(p)) => select = select.filter(category::Column::ParentId.eq(p)),
    }
    Ok(select
        .order_by_asc(category::Column::Name)
        .order_by_asc(category::Column::Id)
        .limit(MAX_LIST)
        .all(db)
        .await?)
}

/// Finds a category.
pub async fn find_category(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<category::Model>> {
    Ok(category::Entity::find_by_id(id).one(db).await?)
}

/// Creates a tag (editors and admins).
pub async fn create_tag(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    name: &str,
    slug: Option<&str>,
) -> AppResult<tag::Model> {
    visibility::require_editor(viewer)?;
    let name = content::title("name", name)?;
    if name.chars().count() > 100 {
        return Err(AppError::validation("name: must be at most 100 characters"));
    }
    // One transaction, so concurrent creators of one name take turns for the free slug.
    let txn = crate::db::begin_write(db).await?;
    let slug =
        content::new_slug::<tag::Entity>(&txn, slug, &name, tag::Column::Slug, Condition::all())
            .await?;
    let created = tag::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        slug: Set(slug.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(slug_conflict(&slug))?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a tag (admins only: tags are shared by every channel).
pub async fn update_tag(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
    name: Option<String>,
    slug: Option<String>,
) -> AppResult<tag::Model> {
    require_admin(viewer)?;
    let current = tag::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("tag"))?;
    let mut active = current.into_active_model();
    let columns = [tag::Column::Name, tag::Column::Slug];
    let checked_slug = rename(&mut active, columns, name, slug)?;
    active
        .update(db)
        .await
        .map_err(slug_conflict(&checked_slug))
}

/// Deletes a tag from everything that carries it (admins only).
pub async fn delete_tag(db: &impl ConnectionTrait, viewer: &Viewer, id: Uuid) -> AppResult<Uuid> {
    require_admin(viewer)?;
    let current = tag::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("tag"))?;
    current.delete(db).await?;
    Ok(id)
}

/// Tags by name.
pub async fn tags(db: &impl ConnectionTrait) -> AppResult<Vec<tag::Model>> {
    Ok(tag::Entity::find()
        .order_by_asc(tag::Column::Name)
        .order_by_asc(tag::Column::Id)
        .limit(MAX_LIST)
        .all(db)
        .await?)
}

/// Finds a category by its slug; `None` when no category has it (a slug longer than any
/// slug can be is not looked up).
pub async fn category_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<category::Model>> {
    if slug.len() > content::MAX_SLUG_LEN {
        return Ok(None);
    }
    Ok(category::Entity::find()
        .filter(category::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Finds a tag by its slug; `None` when no tag has it.
pub async fn tag_by_slug(db: &impl ConnectionTrait, slug: &str) -> AppResult<Option<tag::Model>> {
    if slug.len() > content::MAX_SLUG_LEN {
        return Ok(None);
    }
    Ok(tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Finds a tag.
pub async fn find_tag(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<tag::Model>> {
    Ok(tag::Entity::find_by_id(id).one(db).await?)
}
