//! The rows of the taxonomy page: a category's (rename, move, merge, delete) and a tag's
//! (rename, merge, delete), and the "Merge into" control both use.

use crate::i18n::admin::site::{self as text, Say, SitePages as S};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::*;
use crate::admin::session::Session;
use crate::admin::site_kit::Status;

/// A category's row: its name and slug, rename, move, merge and delete (after a question).
pub(super) fn category_row(
    session: Session,
    status: Status,
    all: Vec<Row>,
    row: Row,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let scope = row.id.clone();
    let name: NodeRef<leptos::html::Input> = NodeRef::new();
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
    let merge_view = category_merge(session, status, &all, &row, reload);
    let move_view = category_move(session, status, all, &row, reload);
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
                {move_view}
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

/// A category's "Put inside" choice (the top level, or any category outside its own subtree)
/// and its Move button.
fn category_move<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    all: Vec<Row>,
    row: &Row,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let parent: NodeRef<leptos::html::Select> = NodeRef::new();
    let move_it = {
        let (id, scope, current) = (row.id.clone(), row.id.clone(), row.parent.clone());
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
    view! {
        <select class="category-parent" aria-label=text::say(locale(), Say::PutInside(&row.name)) node_ref=parent>
            <option value="" selected=row.parent.is_none()>{t(S::TopLevel)}</option>
            {options}
        </select>
        <button type="button" class="category-move" on:click=move_it disabled=busy>{t(S::Move)}</button>
    }
}

/// A category's "Merge into": any category outside its own subtree.
fn category_merge<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    all: &[Row],
    row: &Row,
    reload: R,
) -> impl IntoView + use<R> {
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
    merge_control(
        status,
        row.id.clone(),
        row.name.clone(),
        "category",
        merge_targets,
        merge,
    )
}

/// A tag's row: rename, its slug, merge and delete (after a question).
pub(super) fn tag_row(
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
