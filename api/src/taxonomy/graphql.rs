//! GraphQL types and resolvers of categories and tags.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::entity::{category, tag};
use super::{merge, service};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::error::AppResult;
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::{DeletePayload, id_input, maybe};
use crate::graphql::{app, loaders, viewer};

/// A category; categories form a tree.
#[derive(Debug, Clone)]
pub struct Category(pub category::Model);

#[Object]
impl Category {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Category", self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique address part.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// The category it is inside of, if any.
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<Category>> {
        let Some(p) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.category().load_one(p).await?.map(Category))
    }
    /// The categories directly inside it, by name.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<Category>> {
        Ok(service::categories(&app(ctx)?.db, Some(Some(self.0.id)))
            .await?
            .into_iter()
            .map(Category)
            .collect())
    }
}

/// A tag.
#[derive(Debug, Clone)]
pub struct Tag(pub tag::Model);

#[Object]
impl Tag {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Tag", self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique address part.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
}

/// A new category.
#[derive(InputObject, Debug)]
pub struct CreateCategoryInput {
    /// Display name.
    pub name: String,
    /// Unique slug; made from the name when absent.
    pub slug: Option<String>,
    /// The category to put it inside of.
    pub parent_id: Option<ID>,
}

/// Changes to a category.
#[derive(InputObject, Debug)]
pub struct UpdateCategoryInput {
    /// The category.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New parent (null: make it a root).
    pub parent_id: MaybeUndefined<ID>,
}

/// A new tag.
#[derive(InputObject, Debug)]
pub struct CreateTagInput {
    /// Display name (1 to 100 characters).
    pub name: String,
    /// Unique slug; made from the name when absent.
    pub slug: Option<String>,
}

/// Changes to a tag.
#[derive(InputObject, Debug)]
pub struct UpdateTagInput {
    /// The tag.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
}

id_input!(DeleteByIdInput, "What to delete.", "Its ID.");

/// Which category or tag goes into which.
#[derive(InputObject, Debug)]
pub struct MergeInput {
    /// The one that goes: everything filed under it is filed under `intoId`.
    pub from_id: ID,
    /// The one that stays.
    pub into_id: ID,
}

/// Result of a change to a category.
#[derive(SimpleObject, Debug)]
pub struct CategoryPayload {
    /// The category after the change.
    pub category: Category,
}

/// Result of a change to a tag.
#[derive(SimpleObject, Debug)]
pub struct TagPayload {
    /// The tag after the change.
    pub tag: Tag,
}

/// Category and tag queries.
#[derive(Default, Debug)]
pub struct TaxonomyQuery;

#[Object]
impl TaxonomyQuery {
    /// Categories by name: the roots, or the children of `parent` (at most 1000).
    async fn categories(&self, ctx: &Context<'_>, parent: Option<ID>) -> AppResult<Vec<Category>> {
        let parent = match parent {
            Some(id) => Some(from_global(&id, "Category")?),
            None => None,
        };
        Ok(service::categories(&app(ctx)?.db, Some(parent))
            .await?
            .into_iter()
            .map(Category)
            .collect())
    }

    /// The category with this slug (anyone may look), or null when there is none.
    async fn category(&self, ctx: &Context<'_>, slug: String) -> AppResult<Option<Category>> {
        Ok(service::category_by_slug(&app(ctx)?.db, &slug)
            .await?
            .map(Category))
    }

    /// The tag with this slug (anyone may look), or null when there is none.
    async fn tag(&self, ctx: &Context<'_>, slug: String) -> AppResult<Option<Tag>> {
        Ok(service::tag_by_slug(&app(ctx)?.db, &slug).await?.map(Tag))
    }

    /// Every tag by name (at most 1000).
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(service::tags(&app(ctx)?.db)
            .await?
            .into_iter()
            .map(Tag)
            .collect())
    }
}

/// Category and tag mutations.
#[derive(Default, Debug)]
pub struct TaxonomyMutation;

#[Object]
impl TaxonomyMutation {
    /// Creates a category (admins).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        input: CreateCategoryInput,
    ) -> AppResult<CategoryPayload> {
        let parent = input
            .parent_id
            .as_ref()
            .map(|id| from_global(id, "Category"))
            .transpose()?;
        let c = service::create_category(
            &app(ctx)?.db,
            &viewer(ctx),
            &input.name,
            input.slug.as_deref(),
            parent,
        )
        .await?;
        Ok(CategoryPayload {
            category: Category(c),
        })
    }

    /// Changes a category (admins).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        input: UpdateCategoryInput,
    ) -> AppResult<CategoryPayload> {
        let id = from_global(&input.id, "Category")?;
        let parent = maybe(input.parent_id, |p| from_global(&p, "Category"))?;
        let c = service::update_category(
            &app(ctx)?.db,
            &viewer(ctx),
            id,
            input.name,
            input.slug,
            parent,
        )
        .await?;
        Ok(CategoryPayload {
            category: Category(c),
        })
    }

    /// Deletes a category (admins); its children become roots.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn delete_category(
        &self,
        ctx: &Context<'_>,
        input: DeleteByIdInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Category")?;
        service::delete_category(&app(ctx)?.db, &viewer(ctx), id).await?;
        Ok(DeletePayload::of(input.id))
    }

    /// Merges a category into another (admins): its videos and subcategories move to
    /// `intoId`, and it is deleted. `intoId` may not be one of its subcategories.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn merge_categories(
        &self,
        ctx: &Context<'_>,
        input: MergeInput,
    ) -> AppResult<CategoryPayload> {
        let from = from_global(&input.from_id, "Category")?;
        let into = from_global(&input.into_id, "Category")?;
        let c = merge::merge_categories(&app(ctx)?.db, &viewer(ctx), from, into).await?;
        Ok(CategoryPayload {
            category: Category(c),
        })
    }

    /// Merges a tag into another (admins): everything tagged `fromId` is tagged `intoId`
    /// instead, and `fromId` is deleted.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn merge_tags(&self, ctx: &Context<'_>, input: MergeInput) -> AppResult<TagPayload> {
        let from = from_global(&input.from_id, "Tag")?;
        let into = from_global(&input.into_id, "Tag")?;
        let t = merge::merge_tags(&app(ctx)?.db, &viewer(ctx), from, into).await?;
        Ok(TagPayload { tag: Tag(t) })
    }

    /// Creates a tag (editors and admins).
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_tag(&self, ctx: &Context<'_>, input: CreateTagInput) -> AppResult<TagPayload> {
        let t = service::create_tag(
            &app(ctx)?.db,
            &viewer(ctx),
            &input.name,
            input.slug.as_deref(),
        )
        .await?;
        Ok(TagPayload { tag: Tag(t) })
    }

    /// Changes a tag (admins).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn update_tag(&self, ctx: &Context<'_>, input: UpdateTagInput) -> AppResult<TagPayload> {
        let id = from_global(&input.id, "Tag")?;
        let t =
            service::update_tag(&app(ctx)?.db, &viewer(ctx), id, input.name, input.slug).await?;
        Ok(TagPayload { tag: Tag(t) })
    }

    /// Deletes a tag from everything (admins).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        input: DeleteByIdInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Tag")?;
        service::delete_tag(&app(ctx)?.db, &viewer(ctx), id).await?;
        Ok(DeletePayload::of(input.id))
    }
}
