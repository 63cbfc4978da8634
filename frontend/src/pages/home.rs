use leptos::prelude::*;

use super::listing::{PagedVideos, card};
use crate::api::channel_path;
use crate::api::discovery::{self, ChannelSummary, HomeRows, Named, Order, VideoQuery};
use crate::components::{ErrorNotice, Loading, PodcastCard};
use crate::format;
use crate::i18n::discovery::Discovery;
use crate::i18n::{locale, t};

/// How many tags the home page offers (the tag pages hold the rest).
const TAGS_SHOWN: usize = 30;

/// `/`: rows of trending videos, the latest videos (paged with "More videos"), the most
/// watched channels, the latest podcasts, and topics to browse.
#[component]
pub fn HomePage() -> impl IntoView {
    super::set_title("");
    let home = LocalResource::new(discovery::home);
    view! {
        <nav class="discover-nav" aria-label=t(Discovery::Browse)>
            <a href="/trending" id="link-trending">
                {t(Discovery::Trending)}
            </a>
            <a href="/popular" id="link-popular">
                {t(Discovery::Popular)}
            </a>
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move { home.await.map(rows) })}
            </ErrorBoundary>
        </Transition>
    }
}

fn rows(data: HomeRows) -> impl IntoView {
    let HomeRows {
        trending,
        latest,
        channels,
        podcasts,
        categories,
        tags,
    } = data;
    // On a site nobody has watched yet every score is zero: the row would repeat the latest.
    let trending: Vec<_> = trending.into_iter().filter(|v| v.views > 0).collect();
    view! {
        {(!trending.is_empty())
            .then(|| {
                view! {
                    <section class="row" aria-labelledby="trending-heading">
                        <div class="row-head">
                            <h2 id="trending-heading">{t(Discovery::Trending)}</h2>
                            <a class="see-all" href="/trending">
                                {t(Discovery::SeeAll)}
                            </a>
                        </div>
                        <ul class="card-grid" id="trending">
                            {trending.into_iter().map(card).collect_view()}
                        </ul>
                    </section>
                }
            })}
        <section class="row" aria-labelledby="latest-videos">
            <div class="row-head">
                <h2 id="latest-videos">{t(Discovery::LatestVideos)}</h2>
            </div>
            <PagedVideos
                query=VideoQuery { order: Order::Newest, ..Default::default() }
                first=latest
                grid_id="videos"
            />
        </section>
        {(!channels.is_empty())
            .then(|| {
                view! {
                    <section class="row" aria-labelledby="channels-heading">
                        <h2 id="channels-heading">{t(Discovery::Channels)}</h2>
                        <ul class="channel-row" id="channels">
                            {channels.into_iter().map(channel_chip).collect_view()}
                        </ul>
                    </section>
                }
            })}
        {(!podcasts.is_empty())
            .then(|| {
                view! {
                    <section class="row" aria-labelledby="podcasts-heading">
                        <h2 id="podcasts-heading">{t(Discovery::Podcasts)}</h2>
                        <ul class="card-grid" id="podcasts">
                            {podcasts
                                .into_iter()
                                .map(|podcast| view! { <PodcastCard podcast /> })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        {(!categories.is_empty() || !tags.is_empty())
            .then(|| {
                view! {
                    <section class="row topics" aria-labelledby="topics-heading" id="topics">
                        <h2 id="topics-heading">{t(Discovery::Browse)}</h2>
                        {(!categories.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{t(Discovery::Categories)}</h3>
                                    {chips(categories, discovery::category_path, "category-links")}
                                }
                            })}
                        {(!tags.is_empty())
                            .then(|| {
                                let tags = tags.into_iter().take(TAGS_SHOWN).collect();
                                view! {
                                    <h3>{t(Discovery::Tags)}</h3>
                                    {chips(tags, discovery::tag_path, "tag-links")}
                                }
                            })}
                    </section>
                }
            })}
    }
}

/// A channel in the channels row: avatar, name and views.
fn channel_chip(channel: ChannelSummary) -> impl IntoView {
    let views = channel.views;
    view! {
        <li class="channel-chip">
            <a href=channel_path(&channel.slug)>
                {match channel.avatar_url {
                    Some(url) => {
                        view! { <img src=url alt="" width="56" height="56" loading="lazy" /> }
                            .into_any()
                    }
                    None => view! { <span class="avatar-blank" aria-hidden="true"></span> }.into_any(),
                }}
                <span class="channel-chip-name">{channel.name}</span>
            </a>
            <span class="card-meta">{move || format::views(locale(), views)}</span>
        </li>
    }
}

/// Links to topics as a list of chips.
pub(super) fn chips(
    items: Vec<Named>,
    path: fn(&str) -> String,
    id: &'static str,
) -> impl IntoView {
    view! {
        <ul class="chips" id=id>
            {items
                .into_iter()
                .map(|item| view! { <li><a href=path(&item.slug)>{item.name}</a></li> })
                .collect_view()}
        </ul>
    }
}
