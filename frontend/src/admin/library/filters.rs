//! The library's filters and sort order.

use leptos::prelude::*;

use super::calls::{Choices, Filters};

/// A select over `options` (value, label) with an "any" first option, writing into `filters`.
fn select(
    id: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    filters: RwSignal<Filters>,
    set: fn(&mut Filters, String),
) -> impl IntoView {
    view! {
        <div class="library-filter">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| {
                let value = event_target_value(&ev);
                filters.update(|f| set(f, value));
            }>
                {(!any.is_empty()).then(|| view! { <option value="">{any}</option> })}
                {options
                    .into_iter()
                    .map(|(value, label)| view! { <option value=value>{label}</option> })
                    .collect::<Vec<_>>()}
            </select>
        </div>
    }
}

fn words(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect()
}

/// The filter bar.
#[component]
pub(super) fn FilterBar(choices: Choices, filters: RwSignal<Filters>) -> impl IntoView {
    let statuses = words(&[
        ("DRAFT", "Draft"),
        ("PROCESSING", "Processing"),
        ("READY", "Ready"),
        ("FAILED", "Failed"),
    ]);
    let visibilities = words(&[
        ("PUBLIC", "Public"),
        ("UNLISTED", "Unlisted"),
        ("PRIVATE", "Private"),
    ]);
    let sorts = words(&[
        ("NEWEST", "Newest first"),
        ("OLDEST", "Oldest first"),
        ("MOST_VIEWED", "Most viewed"),
        ("TITLE", "Title"),
    ]);
    let on_text = move |ev| {
        let value = event_target_value(&ev);
        filters.update(|f| f.text = value);
    };
    view! {
        <form class="library-filters" id="library-filters" on:submit=|ev| ev.prevent_default()>
            <div class="library-filter library-search">
                <label for="library-text">"Title contains"</label>
                <input id="library-text" type="search" on:change=on_text />
            </div>
            {select("library-channel", "Channel", "All my channels", choices.channels, filters, |f, v| f.channel = v)}
            {select("library-status", "State", "Any state", statuses, filters, |f, v| f.status = v)}
            {select("library-visibility", "Visibility", "Any visibility", visibilities, filters, |f, v| f.visibility = v)}
            {select("library-tag", "Tag", "Any tag", choices.tags, filters, |f, v| f.tag = v)}
            {select("library-category", "Category", "Any category", choices.categories, filters, |f, v| f.category = v)}
            {select("library-sort", "Sort", "", sorts, filters, |f, v| f.sort = v)}
        </form>
    }
}
