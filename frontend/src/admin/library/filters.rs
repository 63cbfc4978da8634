//! The library's filters and sort order.

use crate::i18n::admin::library::Library as L;
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;

use super::calls::{Choices, Filters, Kind};

/// A select over `options` (value, label) with an "any" first option, writing into `filters`.
fn select(
    id: &'static str,
    label: L,
    any: Option<L>,
    options: Vec<(String, String)>,
    filters: RwSignal<Filters>,
    set: fn(&mut Filters, String),
) -> impl IntoView {
    view! {
        <div class="library-filter">
            <label for=id>{t(label)}</label>
            <select id=id on:change=move |ev| {
                let value = event_target_value(&ev);
                filters.update(|f| set(f, value));
            }>
                {any.map(|any| view! { <option value="">{t(any)}</option> })}
                {options
                    .into_iter()
                    .map(|(value, label)| view! { <option value=value>{label}</option> })
                    .collect::<Vec<_>>()}
            </select>
        </div>
    }
}

fn words(list: &[(&str, L)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| ((*v).to_owned(), l.text(locale()).to_owned()))
        .collect()
}

/// The filter bar. Switching between videos and episodes starts the filters again (the two
/// lists do not filter alike: episodes have no category and no views).
#[component]
pub(super) fn FilterBar(choices: Choices, filters: RwSignal<Filters>) -> impl IntoView {
    let kind = Memo::new(move |_| filters.with(|f| f.kind));
    let on_kind = move |ev| {
        let kind = if event_target_value(&ev) == "EPISODES" {
            Kind::Episodes
        } else {
            Kind::Videos
        };
        filters.set(Filters {
            kind,
            ..Filters::default()
        });
    };
    view! {
        <form class="library-filters" id="library-filters" on:submit=|ev| ev.prevent_default()>
            <div class="library-filter">
                <label for="library-kind">{t(L::Show)}</label>
                <select id="library-kind" on:change=on_kind>
                    <option value="VIDEOS" selected=move || kind.get() == Kind::Videos>{t(L::Videos)}</option>
                    <option value="EPISODES" selected=move || kind.get() == Kind::Episodes>{t(L::Episodes)}</option>
                </select>
            </div>
            {move || filter_controls(kind.get(), choices.clone(), filters)}
        </form>
    }
}

/// The filters of one kind of list, as they start.
fn filter_controls(kind: Kind, choices: Choices, filters: RwSignal<Filters>) -> impl IntoView {
    let statuses = words(&[
        ("DRAFT", L::Draft),
        ("PROCESSING", L::Processing),
        ("READY", L::Ready),
        ("FAILED", L::Failed),
    ]);
    let visibilities = words(&[
        ("PUBLIC", L::Public),
        ("UNLISTED", L::Unlisted),
        ("PRIVATE", L::Private),
    ]);
    let videos = kind == Kind::Videos;
    let mut sorts = vec![("NEWEST", L::NewestFirst), ("OLDEST", L::OldestFirst)];
    if videos {
        sorts.push(("MOST_VIEWED", L::MostViewed));
    }
    sorts.push(("TITLE", L::Title));
    let sorts = words(&sorts);
    let on_text = move |ev| {
        let value = event_target_value(&ev);
        filters.update(|f| f.text = value);
    };
    let category = videos.then(|| {
        select(
            "library-category",
            L::Category,
            Some(L::AnyCategory),
            choices.categories,
            filters,
            |f, v| f.category = v,
        )
    });
    view! {
        <div class="library-filter library-search">
            <label for="library-text">{t(L::TitleContains)}</label>
            <input id="library-text" type="search" on:change=on_text />
        </div>
        {select("library-channel", L::Channel, Some(L::AllMyChannels), choices.channels, filters, |f, v| f.channel = v)}
        {select("library-status", L::State, Some(L::AnyState), statuses, filters, |f, v| f.status = v)}
        {select("library-visibility", L::Visibility, Some(L::AnyVisibility), visibilities, filters, |f, v| f.visibility = v)}
        {select("library-tag", L::Tag, Some(L::AnyTag), choices.tags, filters, |f, v| f.tag = v)}
        {category}
        {select("library-sort", L::Sort, None, sorts, filters, |f, v| f.sort = v)}
    }
}
