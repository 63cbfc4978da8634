//! `/admin/taxonomy` (admins): the category tree (create, rename, move under another category
//! or to the top, merge into another, delete) and the tags (create, rename, merge into another,
//! delete). This file holds the operations, the tree as rows and the page with its two
//! sections; `rows.rs` a category's and a tag's row.

use crate::i18n::admin::shell::Shell;
use crate::i18n::admin::site::{self as text, Say, SitePages as S};
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde::Deserialize;

use super::field;
use super::session::{Session, use_session};
use super::site_kit::{Status, clear_fields, non_blank};
use crate::api::ApiError;
use crate::components::{ErrorNotice, Loading};

mod rows;
use rows::{category_row, tag_row};

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_site_taxonomy.graphql",
            response_derives = "Debug, Clone, Serialize",
            // Absent, not null: the API reads null as "clear", so what was not changed is not sent.
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SiteTaxonomy,
    SiteCreateCategory,
    SiteUpdateCategory,
    SiteMakeCategoryRoot,
    SiteDeleteCategory,
    SiteCreateTag,
    SiteUpdateTag,
    SiteDeleteTag,
    SiteMergeCategories,
    SiteMergeTags
);

/// A category and the ones inside it.
#[derive(Debug, Clone, Deserialize)]
struct Node {
    id: String,
    name: String,
    slug: String,
    #[serde(default)]
    children: Vec<Node>,
}

/// A category as a row of the tree: how deep it is and which categories it may move under.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    name: String,
    slug: String,
    depth: usize,
    parent: Option<String>,
    /// Itself and every category inside it: it cannot move under these.
    subtree: Vec<String>,
}

fn flatten(nodes: &[Node], depth: usize, parent: Option<&str>, out: &mut Vec<Row>) -> Vec<String> {
    let mut all = Vec::new();
    for node in nodes {
        let at = out.len();
        out.push(Row {
            id: node.id.clone(),
            name: node.name.clone(),
            slug: node.slug.clone(),
            depth,
            parent: parent.map(str::to_owned),
            subtree: Vec::new(),
        });
        let mut subtree = vec![node.id.clone()];
        subtree.extend(flatten(&node.children, depth + 1, Some(&node.id), out));
        all.extend(subtree.iter().cloned());
        out[at].subtree = subtree;
    }
    all
}

type Tag = site_taxonomy::SiteTaxonomyTags;

async fn taxonomy(session: Session) -> Result<(Vec<Row>, Vec<Tag>), ApiError> {
    let data = session
        .call::<SiteTaxonomy>(site_taxonomy::Variables)
        .await?;
    let tree: Vec<Node> = serde_json::to_value(&data.categories)
        .and_then(serde_json::from_value)
        .map_err(|e| ApiError::Unreadable(e.to_string()))?;
    let mut rows = Vec::new();
    flatten(&tree, 0, None, &mut rows);
    Ok((rows, data.tags))
}

/// `/admin/taxonomy`: categories and tags, for admins.
#[component]
pub fn TaxonomyPage() -> impl IntoView {
    crate::pages::set_title(Shell::Taxonomy.text(locale()));
    let session = use_session();
    let data = LocalResource::new(move || taxonomy(session));
    let status = Status::new();
    let reload = move || data.refetch();
    view! {
        <article class="site-page taxonomy-page">
            <h2 id="page-title">{t(Shell::Taxonomy)}</h2>
            <p class="site-muted">
                {t(S::TaxonomyHint1)}
                {t(S::TaxonomyHint2)}
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        data.await
                            .map(|(rows, tags)| {
                                view! {
                                    {categories_section(session, status, rows, reload)}
                                    {tags_section(session, status, tags, reload)}
                                }
                            })
                    })}
                </ErrorBoundary>
            </Transition>
        </article>
    }
}

/// The categories: the tree, a row each, and the form that creates one (at the top or inside
/// another).
fn categories_section(
    session: Session,
    status: Status,
    rows: Vec<Row>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let on_new_category = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_category::CreateCategoryInput {
            name: field("new-category-name"),
            slug: None,
            parent_id: non_blank(field("new-category-parent")),
        };
        let name = input.name.trim().to_owned();
        status.run(
            "new-category",
            session.call::<SiteCreateCategory>(site_create_category::Variables { input }),
            move |_| text::say(locale(), Say::CategoryCreated(&name)),
            move |_| {
                clear_fields(&["new-category-name"]);
                reload();
            },
        );
    };
    let parents = rows
        .iter()
        .map(|r| {
            view! {
                <option value=r.id.clone()>
                    {format!("{}{}", "— ".repeat(r.depth), r.name)}
                </option>
            }
        })
        .collect::<Vec<_>>();
    let all = rows.clone();
    let tree = rows
        .into_iter()
        .map(|r| category_row(session, status, all.clone(), r, reload))
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="categories-heading">
            <h3 id="categories-heading">{t(S::Categories)}</h3>
            <ul class="site-rows" id="category-list">{tree}</ul>
            <form id="new-category-form" class="admin-form site-card" on:submit=on_new_category>
                <label for="new-category-name">{t(S::NewCategory)}</label>
                <input id="new-category-name" type="text" autocomplete="off" />
                {status.field_error("new-category", "name", "new-category-name-error".into())}
                <label for="new-category-parent">{t(S::Inside)}</label>
                <select id="new-category-parent">
                    <option value="" selected>{t(S::TopLevel)}</option>
                    {parents}
                </select>
                {status.other_error("new-category", &["name"], "new-category-error".into())}
                <button type="submit" id="new-category-submit" disabled=busy>{t(S::CreateCategory)}</button>
                {status.done_view("new-category", "new-category-notice".into())}
            </form>
        </section>
    }
}

/// The tags: a row each (its merge offers every other tag), and the form that creates one.
fn tags_section(
    session: Session,
    status: Status,
    tags: Vec<Tag>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let on_new_tag = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_tag::CreateTagInput {
            name: field("new-tag-name"),
            slug: None,
        };
        let name = input.name.trim().to_owned();
        status.run(
            "new-tag",
            session.call::<SiteCreateTag>(site_create_tag::Variables { input }),
            move |_| text::say(locale(), Say::TagCreated(&name)),
            move |_| {
                clear_fields(&["new-tag-name"]);
                reload();
            },
        );
    };
    let every_tag: Vec<(String, String)> = tags
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let tag_rows = tags
        .into_iter()
        .map(|t| {
            let others = every_tag
                .iter()
                .filter(|(id, _)| *id != t.id)
                .map(|(id, name)| (id.clone(), name.clone(), name.clone()))
                .collect();
            tag_row(session, status, t, others, reload)
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="tags-heading">
            <h3 id="tags-heading">{t(S::Tags)}</h3>
            <ul class="site-rows" id="tag-list">{tag_rows}</ul>
            <form id="new-tag-form" class="admin-form site-card" on:submit=on_new_tag>
                <label for="new-tag-name">{t(S::NewTag)}</label>
                <input id="new-tag-name" type="text" autocomplete="off" />
                {status.field_error("new-tag", "name", "new-tag-name-error".into())}
                {status.other_error("new-tag", &["name"], "new-tag-error".into())}
                <button type="submit" id="new-tag-submit" disabled=busy>{t(S::CreateTag)}</button>
                {status.done_view("new-tag", "new-tag-notice".into())}
            </form>
        </section>
    }
}
