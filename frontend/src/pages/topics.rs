//! Lists of videos by topic or by audience: `/tags/{slug}` and `/categories/{slug}` (one
//! component, [`TopicPage`]), `/trending` and `/popular`, each paged with "More videos".

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::home::chips;
use super::listing::PagedVideos;
use crate::api::ApiError;
use crate::api::discovery::{self, Named, Order, TopicKind, VideoPage, VideoQuery};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::discovery::Discovery;
use crate::i18n::site::Missing;
use crate::i18n::t;

/// `/trending`: the videos most watched in recent days.
#[component]
pub fn TrendingPage() -> impl IntoView {
    ranked(
        Order::Trending,
        Discovery::Trending,
        Discovery::TrendingIntro,
    )
}

/// `/popular`: the most watched videos of all time.
#[component]
pub fn PopularPage() -> impl IntoView {
    ranked(
        Order::MostViewed,
        Discovery::Popular,
        Discovery::PopularIntro,
    )
}

fn ranked(order: Order, heading: Discovery, intro: Discovery) -> impl IntoView {
    let title = t(heading);
    Effect::new(move || super::set_title(title()));
    let query = VideoQuery {
        order,
        ..Default::default()
    };
    let first = LocalResource::new({
        let query = query.clone();
        move || discovery::videos(query.clone(), None)
    });
    view! {
        <section class="listing" aria-labelledby="listing-heading">
            <h2 id="listing-heading">{title}</h2>
            <p class="intro">{t(intro)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || {
                        let query = query.clone();
                        Suspend::new(async move {
                            first
                                .await
                                .map(|first| view! { <PagedVideos query first grid_id="listing" /> })
                        })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The `?sort=` of the address.
fn sort_param() -> Memo<Order> {
    let query = use_query_map();
    Memo::new(move |_| Order::from_param(&query.read().get("sort").unwrap_or_default()))
}

/// The sort menu of a tag or category page; choosing an order puts it in the address.
fn sort_menu(order: Memo<Order>) -> impl IntoView {
    let navigate = use_navigate();
    let options = [
        (Order::Newest, Discovery::SortNewest),
        (Order::Trending, Discovery::SortTrending),
        (Order::MostViewed, Discovery::SortMostViewed),
    ];
    view! {
        <label class="sort">
            {t(Discovery::SortLabel)} " "
            <select
                id="sort"
                on:change=move |ev| {
                    let sort = Order::from_param(&event_target_value(&ev));
                    let path = web_sys::window()
                        .and_then(|w| w.location().pathname().ok())
                        .unwrap_or_default();
                    let target = if sort == Order::Newest {
                        path
                    } else {
                        format!("{path}?sort={}", sort.as_param())
                    };
                    navigate(&target, NavigateOptions { replace: true, ..Default::default() });
                }
            >
                {options
                    .into_iter()
                    .map(|(o, label)| {
                        view! {
                            <option value=o.as_param() selected=move || order.get() == o>
                                {t(label)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// What differs between a tag's page and a category's.
struct Wording {
    kicker: Discovery,
    missing: Missing,
}

fn wording(kind: TopicKind) -> Wording {
    match kind {
        TopicKind::Tag => Wording {
            kicker: Discovery::TagHeading,
            missing: Missing::Tag,
        },
        TopicKind::Category => Wording {
            kicker: Discovery::CategoryHeading,
            missing: Missing::Category,
        },
    }
}

/// `/tags/{slug}` and `/categories/{slug}`: the videos with a tag or in a category, found by
/// the slug in the address; a category also shows the categories it is inside of and those
/// inside it.
#[component]
pub fn TopicPage(
    /// Whether the slug names a tag or a category.
    kind: TopicKind,
) -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let order = sort_param();
    let found = LocalResource::new(move || {
        let (slug, order) = (slug(), order.get());
        async move {
            let Some(topic) = discovery::topic(kind, slug).await? else {
                return Ok::<_, ApiError>(None);
            };
            let query = topic.videos(kind, order);
            let first = discovery::videos(query.clone(), None).await?;
            Ok(Some((topic, query, first)))
        }
    });
    let Wording { kicker, missing } = wording(kind);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    found
                        .await
                        .map(|found| match found {
                            None => view! { <NotFound what=missing /> }.into_any(),
                            Some((topic, query, first)) => {
                                super::set_title(&match kind {
                                    TopicKind::Tag => format!("#{}", topic.name),
                                    TopicKind::Category => topic.name.clone(),
                                });
                                view! {
                                    <section class="listing" aria-labelledby="listing-heading">
                                        {breadcrumbs(topic.parents)}
                                        <div class="row-head">
                                            <h2 id="listing-heading">
                                                <span class="heading-kicker">{t(kicker)}</span>
                                                " "
                                                <span id="topic-name">{topic.name}</span>
                                            </h2>
                                            {sort_menu(order)}
                                        </div>
                                        {(!topic.children.is_empty())
                                            .then(|| {
                                                view! {
                                                    <h3>{t(Discovery::SubCategories)}</h3>
                                                    {chips(topic.children, discovery::category_path, "subcategories")}
                                                }
                                            })}
                                        {listing(query, first)}
                                    </section>
                                }
                                    .into_any()
                            }
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The categories a category is inside of, outermost first, each a link; nothing when none.
fn breadcrumbs(parents: Vec<Named>) -> impl IntoView {
    (!parents.is_empty()).then(|| {
        view! {
            <nav class="breadcrumbs" aria-label=t(Discovery::Categories)>
                {parents
                    .into_iter()
                    .map(|p| {
                        view! {
                            <a href=discovery::category_path(&p.slug)>{p.name}</a>
                            " › "
                        }
                    })
                    .collect_view()}
            </nav>
        }
    })
}

fn listing(query: VideoQuery, first: VideoPage) -> impl IntoView {
    view! { <PagedVideos query first grid_id="listing" /> }
}
