use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::listing::PagedVideos;
use crate::api::discovery::{self, ChannelView, Order, VideoQuery};
use crate::components::{ErrorNotice, Loading, NotFound, PodcastCard, SubscribeButton};
use crate::format;
use crate::i18n::discovery::{self as text, Discovery};
use crate::i18n::site::Missing;
use crate::i18n::{locale, t};

/// A tab of the channel page, named in the address as `?tab=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Videos,
    Playlists,
    Podcasts,
    About,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Videos, Tab::Playlists, Tab::Podcasts, Tab::About];

    fn param(self) -> &'static str {
        match self {
            Tab::Videos => "videos",
            Tab::Playlists => "playlists",
            Tab::Podcasts => "podcasts",
            Tab::About => "about",
        }
    }

    fn label(self) -> Discovery {
        match self {
            Tab::Videos => Discovery::Videos,
            Tab::Playlists => Discovery::Playlists,
            Tab::Podcasts => Discovery::Podcasts,
            Tab::About => Discovery::About,
        }
    }

    fn from_param(raw: &str) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| t.param() == raw)
            .unwrap_or(Tab::Videos)
    }
}

/// `/channels/{slug}`: a channel with tabs for its videos (a page at a time), playlists,
/// podcasts and what it is about; the tab is in the address (`?tab=playlists`).
#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let session = use_context::<crate::session::Session>();
    let channel = LocalResource::new(move || discovery::channel(session, slug()));
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    channel.await
                        .map(|found| match found {
                            Some(channel) => loaded(channel).into_any(),
                            None => view! { <NotFound what=Missing::Channel /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn loaded(channel: ChannelView) -> impl IntoView {
    super::set_title(&channel.name);
    let query = use_query_map();
    let tab = Memo::new(move |_| Tab::from_param(&query.read().get("tab").unwrap_or_default()));
    let header = channel_header(&channel);
    let ChannelView {
        id,
        slug,
        description_html,
        banner_url,
        views,
        created,
        video_count,
        videos,
        playlist_count,
        playlists,
        podcast_count,
        podcasts,
        ..
    } = channel;
    let description = StoredValue::new(description_html);
    view! {
        <article class="channel">
            {banner_url.map(|url| view! { <img class="banner" src=url alt="" /> })}
            {header}
            <Show when=move || tab.get() != Tab::About>
                <div class="description" inner_html=description.get_value()></div>
            </Show>
            <nav class="tabs" aria-label=t(Discovery::ChannelSections)>
                {tab_links(&slug, tab)}
            </nav>
            <section class="tab-panel" id="panel-videos" hidden=move || tab.get() != Tab::Videos>
                <h3 class="visually-hidden">{t(Discovery::Videos)}</h3>
                <PagedVideos
                    query=VideoQuery { order: Order::Newest, channel: Some(id), ..Default::default() }
                    first=videos
                    grid_id="videos"
                />
            </section>
            {playlists_panel(tab, playlists)}
            {podcasts_panel(tab, podcasts)}
            {about_panel(tab, description, video_count, playlist_count, podcast_count, views, created)}
        </article>
    }
}

/// The channel's header: avatar, name, counts, the subscribe button and the feed's link.
fn channel_header(channel: &ChannelView) -> impl IntoView + use<> {
    let avatar_name = channel.name.clone();
    let (video_count, views) = (channel.video_count, channel.views);
    view! {
        <header class="channel-header">
            {channel
                .avatar_url
                .clone()
                .map(|url| {
                    view! {
                        <img
                            class="avatar"
                            src=url
                            alt=move || text::avatar_of(locale(), &avatar_name)
                            width="96"
                            height="96"
                        />
                    }
                })}
            <div>
                <h2 id="channel-name">{channel.name.clone()}</h2>
                <p class="card-meta">
                    {move || {
                        format!(
                            "{} · {}",
                            text::videos(locale(), video_count),
                            format::views(locale(), views),
                        )
                    }}
                </p>
                <SubscribeButton channel=channel.id.clone() count=channel.subscriber_count subscribed=channel.subscribed />
                <p>
                    <a class="feed-link" href=channel.feed_url.clone() type="application/rss+xml">
                        {t(Discovery::RssFeed)}
                    </a>
                </p>
            </div>
        </header>
    }
}

/// The tabs' links (the videos tab is the channel's own address), the current one marked.
fn tab_links(slug: &str, tab: Memo<Tab>) -> impl IntoView + use<> {
    let base = crate::api::channel_path(slug);
    Tab::ALL
        .into_iter()
        .map(|each| {
            let href = if each == Tab::Videos {
                base.clone()
            } else {
                format!("{base}?tab={}", each.param())
            };
            view! {
                <a
                    href=href
                    id=format!("tab-{}", each.param())
                    class="tab"
                    aria-current=move || (tab.get() == each).then_some("page")
                >
                    {t(each.label())}
                </a>
            }
        })
        .collect_view()
}

/// The playlists tab: each playlist with its length and description.
fn playlists_panel(tab: Memo<Tab>, playlists: Vec<discovery::PlaylistSummary>) -> impl IntoView {
    view! {
        <section class="tab-panel" id="panel-playlists" hidden=move || tab.get() != Tab::Playlists>
            <h3 class="visually-hidden">{t(Discovery::Playlists)}</h3>
            {if playlists.is_empty() {
                view! { <p class="empty">{t(Discovery::NoPlaylists)}</p> }.into_any()
            } else {
                view! {
                    <ul class="playlist-list" id="playlists">
                        {playlists
                            .into_iter()
                            .map(|p| {
                                let items = p.items;
                                view! {
                                    <li>
                                        <a href=discovery::playlist_path(&p.id)>{p.title}</a>
                                        <span class="card-meta">
                                            {move || text::videos(locale(), items)}
                                        </span>
                                        {(!p.description.is_empty())
                                            .then(|| view! { <p class="playlist-description">{p.description}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The podcasts tab: a card per podcast.
fn podcasts_panel(tab: Memo<Tab>, podcasts: Vec<crate::api::PodcastSummary>) -> impl IntoView {
    view! {
        <section class="tab-panel" id="panel-podcasts" hidden=move || tab.get() != Tab::Podcasts>
            <h3 class="visually-hidden">{t(Discovery::Podcasts)}</h3>
            {if podcasts.is_empty() {
                view! { <p class="empty">{t(Discovery::NoPodcasts)}</p> }.into_any()
            } else {
                view! {
                    <ul class="card-grid" id="channel-podcasts">
                        {podcasts
                            .into_iter()
                            .map(|podcast| view! { <PodcastCard podcast /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The about tab: the description and the channel's numbers.
fn about_panel(
    tab: Memo<Tab>,
    description: StoredValue<String>,
    video_count: i64,
    playlist_count: i64,
    podcast_count: i64,
    views: i64,
    created: String,
) -> impl IntoView {
    view! {
        <section class="tab-panel" id="panel-about" hidden=move || tab.get() != Tab::About>
            <h3>{t(Discovery::About)}</h3>
            {move || {
                let html = description.get_value();
                if html.trim().is_empty() {
                    view! { <p class="empty">{t(Discovery::NoDescription)}</p> }.into_any()
                } else {
                    view! { <div class="description" inner_html=html></div> }.into_any()
                }
            }}
            <dl class="about-stats" id="about-stats">
                <dt>{t(Discovery::Videos)}</dt>
                <dd id="about-videos">{move || format::number(locale(), video_count)}</dd>
                <dt>{t(Discovery::Playlists)}</dt>
                <dd id="about-playlists">{move || format::number(locale(), playlist_count)}</dd>
                <dt>{t(Discovery::Podcasts)}</dt>
                <dd id="about-podcasts">{move || format::number(locale(), podcast_count)}</dd>
                <dt>{t(Discovery::TotalViews)}</dt>
                <dd id="about-views">{move || format::number(locale(), views)}</dd>
                <dt>{t(Discovery::Created)}</dt>
                <dd id="about-created">{move || format::long_date(locale(), &created)}</dd>
            </dl>
        </section>
    }
}
