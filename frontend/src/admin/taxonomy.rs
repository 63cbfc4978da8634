//! `/admin/taxonomy` (admins): the category tree (create, rename, move under another category
//! or to the top, merge into another, delete) and the tags (create, rename, merge into another,
//! delete).

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
    let busy = move || status.busy.get();
    let reload = move || data.refetch();

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
                                let every_tag: Vec<(String, String)> =
                                    tags.iter().map(|t| (t.id.clone(), t.name.clone())).collect();
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
                            })
                    })}
                </ErrorBoundary>
            </Transition>
        </article>
    }
}

fn category_row(
    session: Session,
    status: Status,
    all: Vec<Row>,
    row: Row,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let scope = row.id.clone();
    let name: NodeRef<leptos::html::Input> = NodeRef::new();
    let parent: NodeRef<leptos::html::Select> = NodeRef::new();
    let confirming = RwSignal::new(false);
    let rename = {
        let (id, old, scope) = (row.id.clone(), row.name.clone(), scope.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let Some(new) = name.get().map(|i| i.value()) else {
                return;
            };
            if new == old {
                status.say(&scope, S::SameName.text(locale()));
                return;
            }
            let input = site_update_category::UpdateCategoryInput {
                id: id.clone(),
                name: Some(new.clone()),
                slug: None,
                parent_id: None,
            };
            status.run(
                scope.clone(),
                session.call::<SiteUpdateCategory>(site_update_category::Variables { input }),
                move |_| text::say(locale(), Say::Renamed(new.trim())),
                move |_| reload(),
            );
        }
    };
    let move_it = {
        let (id, scope, current) = (row.id.clone(), scope.clone(), row.parent.clone());
        move |_| {
            let Some(to) = parent.get().map(|s| s.value()) else {
                return;
            };
            if Some(&to) == current.as_ref() || (to.is_empty() && current.is_none()) {
                status.say(&scope, S::AlreadyThere.text(locale()));
                return;
            }
            if to.is_empty() {
                let variables = site_make_category_root::Variables { id: id.clone() };
                status.run(
                    scope.clone(),
                    session.call::<SiteMakeCategoryRoot>(variables),
                    |_| S::MovedTop.text(locale()).to_owned(),
                    move |_| reload(),
                );
            } else {
                let input = site_update_category::UpdateCategoryInput {
                    id: id.clone(),
                    name: None,
                    slug: None,
                    parent_id: Some(to),
                };
                status.run(
                    scope.clone(),
                    session.call::<SiteUpdateCategory>(site_update_category::Variables { input }),
                    |_| S::Moved.text(locale()).to_owned(),
                    move |_| reload(),
                );
            }
        }
    };
    let delete = {
        let (id, scope, title) = (row.id.clone(), scope.clone(), row.name.clone());
        move |_| {
            let input = site_delete_category::DeleteByIdInput { id: id.clone() };
            let title = title.clone();
            status.run(
                scope.clone(),
                session.call::<SiteDeleteCategory>(site_delete_category::Variables { input }),
                move |_| text::say(locale(), Say::DeletedNamed(&title)),
                move |_| reload(),
            );
        }
    };
    let merge_targets: Vec<(String, String, String)> = all
        .iter()
        .filter(|c| !row.subtree.contains(&c.id))
        .map(|c| {
            let label = format!("{}{}", "— ".repeat(c.depth), c.name);
            (c.id.clone(), label, c.name.clone())
        })
        .collect();
    let merge = {
        let (from, name) = (row.id.clone(), row.name.clone());
        move |into: String, into_name: String| {
            let input = site_merge_categories::MergeInput {
                from_id: from.clone(),
                into_id: into.clone(),
            };
            let name = name.clone();
            // Said on the row that stays: this one goes.
            status.run(
                into,
                session.call::<SiteMergeCategories>(site_merge_categories::Variables { input }),
                move |_| text::say(locale(), Say::Merged(&name, &into_name)),
                move |_| reload(),
            );
        }
    };
    let merge_view = merge_control(
        status,
        scope.clone(),
        row.name.clone(),
        "category",
        merge_targets,
        merge,
    );
    let options = all
        .into_iter()
        .filter(|c| !row.subtree.contains(&c.id))
        .map(|c| {
            let selected = row.parent.as_deref() == Some(c.id.as_str());
            view! {
                <option value=c.id selected=selected>
                    {format!("{}{}", "— ".repeat(c.depth), c.name)}
                </option>
            }
        })
        .collect::<Vec<_>>();
    let children = row.subtree.len() - 1;
    let warning = text::delete_category(locale(), &row.name, children > 0);
    let indent = format!("padding-left: {}rem", row.depth as f32 * 1.5);
    view! {
        <li class="site-row category-row" data-name=row.name.clone() data-depth=row.depth style=indent>
            <div class="site-row-head">
                <strong class="category-name">{row.name.clone()}</strong>
                <span class="site-muted">{row.slug.clone()}</span>
            </div>
            <div class="site-row-actions">
                <form class="inline" on:submit=rename>
                    <input class="category-rename" type="text" value=row.name.clone() aria-label=text::say(locale(), Say::NewNameFor(&row.name)) node_ref=name />
                    <button type="submit" class="category-rename-submit" disabled=busy>{t(S::Rename)}</button>
                </form>
                <select class="category-parent" aria-label=text::say(locale(), Say::PutInside(&row.name)) node_ref=parent>
                    <option value="" selected=row.parent.is_none()>{t(S::TopLevel)}</option>
                    {options}
                </select>
                <button type="button" class="category-move" on:click=move_it disabled=busy>{t(S::Move)}</button>
                {merge_view}
                <button type="button" class="category-delete danger" on:click=move |_| confirming.set(true) disabled=busy>{t(S::DeleteMenu)}</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="site-confirm" role="alertdialog">
                    <p>{warning.clone()}</p>
                    <button type="button" class="category-confirm-delete danger" on:click=delete.clone()>{t(S::Delete)}</button>
                    " "
                    <button type="button" on:click=move |_| confirming.set(false)>{t(S::KeepIt)}</button>
                </div>
            </Show>
            {status.field_error(scope.clone(), "name", String::new())}
            {status.other_error(scope.clone(), &["name"], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}

fn tag_row(
    session: Session,
    status: Status,
    tag: Tag,
    others: Vec<(String, String, String)>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let scope = tag.id.clone();
    let name: NodeRef<leptos::html::Input> = NodeRef::new();
    let confirming = RwSignal::new(false);
    let rename = {
        let (id, old, scope) = (tag.id.clone(), tag.name.clone(), scope.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let Some(new) = name.get().map(|i| i.value()) else {
                return;
            };
            if new == old {
                status.say(&scope, S::SameName.text(locale()));
                return;
            }
            let input = site_update_tag::UpdateTagInput {
                id: id.clone(),
                name: Some(new.clone()),
                slug: None,
            };
            status.run(
                scope.clone(),
                session.call::<SiteUpdateTag>(site_update_tag::Variables { input }),
                move |_| text::say(locale(), Say::Renamed(new.trim())),
                move |_| reload(),
            );
        }
    };
    let delete = {
        let (id, scope, title) = (tag.id.clone(), scope.clone(), tag.name.clone());
        move |_| {
            let input = site_delete_tag::DeleteByIdInput { id: id.clone() };
            let title = title.clone();
            status.run(
                scope.clone(),
                session.call::<SiteDeleteTag>(site_delete_tag::Variables { input }),
                move |_| text::say(locale(), Say::DeletedNamed(&title)),
                move |_| reload(),
            );
        }
    };
    let merge = {
        let (from, name) = (tag.id.clone(), tag.name.clone());
        move |into: String, into_name: String| {
            let input = site_merge_tags::MergeInput {
                from_id: from.clone(),
                into_id: into.clone(),
            };
            let name = name.clone();
            // Said on the row that stays: this one goes.
            status.run(
                into,
                session.call::<SiteMergeTags>(site_merge_tags::Variables { input }),
                move |_| text::say(locale(), Say::Merged(&name, &into_name)),
                move |_| reload(),
            );
        }
    };
    let merge_view = merge_control(
        status,
        scope.clone(),
        tag.name.clone(),
        "tag",
        others,
        merge,
    );
    let warning = text::say(locale(), Say::DeleteTag(&tag.name));
    view! {
        <li class="site-row tag-row" data-name=tag.name.clone()>
            <div class="site-row-actions">
                <form class="inline" on:submit=rename>
                    <input class="tag-rename" type="text" value=tag.name.clone() aria-label=text::say(locale(), Say::NewNameFor(&tag.name)) node_ref=name />
                    <button type="submit" class="tag-rename-submit" disabled=busy>{t(S::Rename)}</button>
                </form>
                <span class="site-muted">{tag.slug.clone()}</span>
                {merge_view}
                <button type="button" class="tag-delete danger" on:click=move |_| confirming.set(true) disabled=busy>{t(S::DeleteMenu)}</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="site-confirm" role="alertdialog">
                    <p>{warning.clone()}</p>
                    <button type="button" class="tag-confirm-delete danger" on:click=delete.clone()>{t(S::Delete)}</button>
                    " "
                    <button type="button" on:click=move |_| confirming.set(false)>{t(S::KeepIt)}</button>
                </div>
            </Show>
            {status.field_error(scope.clone(), "name", String::new())}
            {status.other_error(scope.clone(), &["name"], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}

/// "Merge into" for one category or tag called `name`: a choice among `targets` (ID, label as
/// listed, plain name), a button, and a question naming both before `merge(into ID, into name)`
/// runs. `kind`
/// prefixes the controls' classes (`tag-merge-into`, `tag-merge`, `tag-confirm-merge`).
fn merge_control(
    status: Status,
    scope: String,
    name: String,
    kind: &'static str,
    targets: Vec<(String, String, String)>,
    merge: impl Fn(String, String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let target: NodeRef<leptos::html::Select> = NodeRef::new();
    let asking = RwSignal::new(None::<(String, String)>);
    let ask = {
        let targets = targets.clone();
        move |_| {
            let chosen = target.get().map(|s| s.value()).unwrap_or_default();
            match targets.iter().find(|(id, _, _)| *id == chosen) {
                Some((id, _, name)) => asking.set(Some((id.clone(), name.clone()))),
                None => status.say(&scope, S::ChooseMergeTarget.text(locale())),
            }
        }
    };
    let options = targets
        .into_iter()
        .map(|(id, label, _)| view! { <option value=id>{label}</option> })
        .collect::<Vec<_>>();
    let label = text::say(locale(), Say::MergeTarget(&name));
    let question = move || {
        asking.get().map(|(into, into_name)| {
            let merge = merge.clone();
            let said = text::say(locale(), Say::MergeQuestion(&name, &into_name));
            view! {
                <div class="site-confirm" role="alertdialog">
                    <p>{said}</p>
                    <button
                        type="button"
                        class=format!("{kind}-confirm-merge danger")
                        on:click=move |_| {
                            asking.set(None);
                            merge(into.clone(), into_name.clone());
                        }
                    >
                        {t(S::Merge)}
                    </button>
                    " "
                    <button type="button" on:click=move |_| asking.set(None)>{t(S::KeepIt)}</button>
                </div>
            }
        })
    };
    view! {
        <select class=format!("{kind}-merge-into") aria-label=label node_ref=target>
            <option value="" selected=true>{t(S::MergeInto)}</option>
            {options}
        </select>
        <button type="button" class=format!("{kind}-merge") on:click=ask disabled=busy>{t(S::Merge)}</button>
        {question}
    }
}
