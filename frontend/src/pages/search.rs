use std::time::Duration;

use leptos::html;
use leptos::leptos_dom::helpers::{TimeoutHandle, set_timeout_with_handle};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::listing::card;
use crate::api::ApiError;
use crate::api::filtered_search::{self, Hit, Kind, SearchFilter};
use crate::components::{ErrorNotice, Loading};
use crate::format;
use crate::i18n::discovery::{self as text, Discovery};
use crate::i18n::site::Site;
use crate::i18n::{locale, t};

/// How long the page waits after the last keystroke before it searches.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// How many results a page shows.
const PAGE: i64 = 24;

/// How recent the results must be (`?date=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Since {
    Any,
    Day,
    Week,
    Month,
    Year,
}

impl Since {
    const ALL: [Since; 5] = [
        Since::Any,
        Since::Day,
        Since::Week,
        Since::Month,
        Since::Year,
    ];

    fn param(self) -> &'static str {
        match self {
            Since::Any => "",
            Since::Day => "today",
            Since::Week => "week",
            Since::Month => "month",
            Since::Year => "year",
        }
    }

    fn from_param(raw: &str) -> Since {
        Since::ALL
            .into_iter()
            .find(|s| s.param() == raw)
            .unwrap_or(Since::Any)
    }

    fn label(self) -> Discovery {
        match self {
            Since::Any => Discovery::AnyTime,
            Since::Day => Discovery::Today,
            Since::Week => Discovery::ThisWeek,
            Since::Month => Discovery::ThisMonth,
            Since::Year => Discovery::ThisYear,
        }
    }

    /// How far back it reaches, in seconds.
    fn seconds(self) -> Option<i64> {
        match self {
            Since::Any => None,
            Since::Day => Some(86_400),
            Since::Week => Some(7 * 86_400),
            Since::Month => Some(31 * 86_400),
            Since::Year => Some(366 * 86_400),
        }
    }
}

/// The plural label of a kind in the type menu.
fn kind_plural(kind: Kind) -> Discovery {
    match kind {
        Kind::Video => Discovery::Videos,
        Kind::Episode => Discovery::Episodes,
        Kind::Podcast => Discovery::Podcasts,
        Kind::Channel => Discovery::Channels,
        Kind::Playlist => Discovery::Playlists,
    }
}

/// The singular label of a kind beside a result.
fn kind_singular(kind: Kind) -> Discovery {
    match kind {
        Kind::Video => Discovery::Videos,
        Kind::Episode => Discovery::KindEpisode,
        Kind::Podcast => Discovery::KindPodcast,
        Kind::Channel => Discovery::KindChannel,
        Kind::Playlist => Discovery::KindPlaylist,
    }
}

/// What the address asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Wanted {
    q: String,
    kind: Option<Kind>,
    since: Since,
}

impl Wanted {
    /// The address that shows these results.
    fn href(&self) -> String {
        let mut href = format!(
            "/search?q={}",
            String::from(js_sys::encode_uri_component(&self.q))
        );
        if let Some(kind) = self.kind {
            href.push_str("&type=");
            href.push_str(kind.as_param());
        }
        if self.since != Since::Any {
            href.push_str("&date=");
            href.push_str(self.since.param());
        }
        href
    }

    /// The API's filter: the date filter becomes an instant, reckoned once from now (the
    /// pages after the first keep it) and rounded down to the minute, so that searches within
    /// a minute ask the same and the server's cache of public answers can serve them.
    fn filter(&self) -> SearchFilter {
        SearchFilter {
            kind: self.kind,
            since: self
                .since
                .seconds()
                .map(|s| format::rfc3339((format::now_secs() - s).div_euclid(60) * 60)),
        }
    }
}

/// A page of results.
#[derive(Clone, Debug, PartialEq)]
struct Found {
    hits: Vec<Hit>,
    next: Option<String>,
    total: i64,
}

/// The page of results after `after`; the API applies the filters.
async fn fetch(q: String, filter: SearchFilter, after: Option<String>) -> Result<Found, ApiError> {
    let page = filtered_search::search(q, filter, PAGE, after).await?;
    Ok(Found {
        hits: page.hits,
        next: page.next,
        total: page.total,
    })
}

/// `/search?q=&type=&date=`: the best matches for `q` across videos, episodes, podcasts,
/// channels and playlists, narrowed by type and date; results follow the typing (after a
/// short pause), and the address always holds the query and filters.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let query = query.read();
        Wanted {
            q: query.get("q").unwrap_or_default().trim().to_owned(),
            kind: query.get("type").and_then(|k| Kind::from_param(&k)),
            since: Since::from_param(&query.get("date").unwrap_or_default()),
        }
    });
    let search_title = t(Discovery::SearchHeading);
    Effect::new(move || {
        let q = wanted.read().q.clone();
        super::set_title(if q.is_empty() { search_title() } else { &q });
    });
    let results = LocalResource::new(move || {
        let wanted = wanted.get();
        async move {
            if wanted.q.is_empty() {
                Ok(None)
            } else {
                let filter = wanted.filter();
                fetch(wanted.q.clone(), filter.clone(), None)
                    .await
                    .map(|f| Some((wanted.q, filter, f)))
            }
        }
    });

    view! {
        <section class="search" aria-labelledby="search-heading">
            <h2 id="search-heading">
                {move || {
                    let q = wanted.read().q.clone();
                    if q.is_empty() { search_title().to_owned() } else { text::results_for(locale(), &q) }
                }}
            </h2>
            {search_form(wanted)}
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        results
                            .await
                            .map(|found| match found {
                                None => view! { <p class="empty">{t(Discovery::TypeToSearch)}</p> }.into_any(),
                                Some((_, _, found)) if found.hits.is_empty() => {
                                    view! { <p class="empty" id="no-results">{t(Discovery::NothingMatches)}</p> }
                                        .into_any()
                                }
                                Some((q, filter, found)) => shown(q, filter, found).into_any(),
                            })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The search box and the type and date filters; each change replaces the address (typing
/// after a short pause), which the results follow.
fn search_form(wanted: Memo<Wanted>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |next: Wanted| {
        if next != wanted.get_untracked() {
            navigate(
                &next.href(),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    };
    let input = NodeRef::<html::Input>::new();
    // The box follows the address (a header search, back and forward) unless the reader is
    // typing in it.
    Effect::new(move || {
        let q = wanted.read().q.clone();
        if let Some(input) = input.get() {
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|a| a == **input);
            if !focused && input.value().trim() != q {
                input.set_value(&q);
            }
        }
    });
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = {
        let go = go.clone();
        move |_| {
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let go = go.clone();
            let handle = set_timeout_with_handle(
                move || {
                    let q = input.get().map(|i| i.value()).unwrap_or_default();
                    go(Wanted {
                        q: q.trim().to_owned(),
                        ..wanted.get_untracked()
                    });
                },
                DEBOUNCE,
            )
            .ok();
            pending.set_value(handle);
        }
    };
    view! {
        <form class="search-filters" role="search" on:submit=|ev| ev.prevent_default()>
            <label for="search-input" class="visually-hidden">
                {t(Discovery::SearchField)}
            </label>
            <input
                id="search-input"
                type="search"
                autocomplete="off"
                placeholder=t(Discovery::SearchField)
                value=wanted.get_untracked().q
                node_ref=input
                on:input=on_input
            />
            <fieldset class="filters">
                <legend class="visually-hidden">{t(Discovery::Filters)}</legend>
                {type_filter(wanted, go.clone())}
                {date_filter(wanted, go)}
            </fieldset>
        </form>
    }
}

/// The type filter: everything, or one kind of result.
fn type_filter(wanted: Memo<Wanted>, go: impl Fn(Wanted) + 'static) -> impl IntoView {
    let on_type = move |ev| {
        let kind = Kind::from_param(&event_target_value(&ev));
        go(Wanted {
            kind,
            ..wanted.get_untracked()
        });
    };
    view! {
        <label>
            <span>{t(Discovery::TypeFilter)}</span>
            <select id="search-type" on:change=on_type>
                <option value="" selected=move || wanted.read().kind.is_none()>
                    {t(Discovery::Everything)}
                </option>
                {Kind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <option value=k.as_param() selected=move || wanted.read().kind == Some(k)>
                                {t(kind_plural(k))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The date filter: any time, or results from the last day, week, month or year.
fn date_filter(wanted: Memo<Wanted>, go: impl Fn(Wanted) + 'static) -> impl IntoView {
    let on_date = move |ev| {
        let since = Since::from_param(&event_target_value(&ev));
        go(Wanted {
            since,
            ..wanted.get_untracked()
        });
    };
    view! {
        <label>
            <span>{t(Discovery::DateFilter)}</span>
            <select id="search-date" on:change=on_date>
                {Since::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <option value=s.param() selected=move || wanted.read().since == s>
                                {t(s.label())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The results, with "More results" while there are more.
fn shown(q: String, filter: SearchFilter, found: Found) -> impl IntoView {
    let total = found.total;
    let hits = RwSignal::new(found.hits);
    let cursor = RwSignal::new(found.next);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let asked = StoredValue::new((q, filter));
    let (loading_text, more_text) = (t(Site::Loading), t(Discovery::MoreResults));
    let more = move |_| {
        let Some(after) = cursor.get_untracked() else {
            return;
        };
        loading.set(true);
        spawn_local(async move {
            let (q, filter) = asked.get_value();
            match fetch(q, filter, Some(after)).await {
                Ok(page) => {
                    hits.update(|h| h.extend(page.hits));
                    cursor.set(page.next);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            loading.set(false);
        });
    };
    let videos = move || {
        hits.get()
            .into_iter()
            .filter_map(|h| match h {
                Hit::Video(v) => Some(v),
                Hit::Other { .. } => None,
            })
            .collect::<Vec<_>>()
    };
    let others = move || {
        hits.get()
            .into_iter()
            .filter(|h| !matches!(h, Hit::Video(_)))
            .collect::<Vec<_>>()
    };
    view! {
        <p class="result-count">{move || text::matches(locale(), total)}</p>
        <Show when=move || !videos().is_empty()>
            <ul class="card-grid" id="search-videos">
                <For each=videos key=|v| v.summary.uuid.clone() children=card />
            </ul>
        </Show>
        <Show when=move || !others().is_empty()>
            <ul class="result-list" id="search-others">
                <For
                    each=others
                    key=|h| match h {
                        Hit::Other { href, title, .. } => format!("{href}#{title}"),
                        Hit::Video(v) => v.summary.uuid.clone(),
                    }
                    children=|hit| match hit {
                        Hit::Other { kind, title, href, .. } => {
                            view! {
                                <li data-kind=kind.as_param()>
                                    <span class="kind">{t(kind_singular(kind))}</span>
                                    " "
                                    <a href=href>{title}</a>
                                </li>
                            }
                                .into_any()
                        }
                        Hit::Video(_) => ().into_any(),
                    }
                />
            </ul>
        </Show>
        <Show when=move || cursor.read().is_some()>
            <button type="button" class="more" id="more-results" on:click=more disabled=loading>
                {move || if loading.get() { loading_text() } else { more_text() }}
            </button>
        </Show>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}
