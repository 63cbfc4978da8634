//! The feed's address on the podcast page, with a preview of the feed as podcast apps read it:
//! fetched over HTTP and parsed by the browser's XML parser, so it shows what the server
//! really sends.

use leptos::prelude::*;

use crate::i18n::admin::{self as text, Admin};
use crate::i18n::{locale, t};

/// A feed as podcast apps read it.
#[derive(Debug, Clone, PartialEq, Default)]
struct Feed {
    title: String,
    artwork: Option<String>,
    categories: Vec<String>,
    /// Title, enclosure URL, type and length.
    episodes: Vec<(String, String, String, String)>,
}

/// The text of the first `tag` (a qualified name, e.g. `itunes:image`) under `within`.
fn first(within: &web_sys::Element, tag: &str) -> Option<web_sys::Element> {
    within.get_elements_by_tag_name(tag).item(0)
}

fn parse_feed(xml: &str) -> Option<Feed> {
    let parser = web_sys::DomParser::new().ok()?;
    let doc = parser
        .parse_from_string(xml, web_sys::SupportedType::ApplicationXml)
        .ok()?;
    let channel = doc.get_elements_by_tag_name("channel").item(0)?;
    let text = |e: Option<web_sys::Element>| e.and_then(|e| e.text_content()).unwrap_or_default();
    let title = text(
        (0..channel.children().length())
            .filter_map(|i| channel.children().item(i))
            .find(|c| c.tag_name() == "title"),
    );
    let artwork = first(&channel, "itunes:image").and_then(|e| e.get_attribute("href"));
    let cats = channel.get_elements_by_tag_name("itunes:category");
    let categories = (0..cats.length())
        .filter_map(|i| cats.item(i))
        .filter_map(|c| {
            let name = c.get_attribute("text")?;
            // A subcategory is nested in its category.
            let parent = c
                .parent_element()
                .filter(|p| p.tag_name() == "itunes:category")
                .and_then(|p| p.get_attribute("text"));
            Some(match parent {
                Some(parent) => format!("{parent} › {name}"),
                None => name,
            })
        })
        .collect::<Vec<_>>();
    // A category holding subcategories is named with each of them.
    let categories = categories
        .iter()
        .filter(|c| !categories.iter().any(|o| o.starts_with(&format!("{c} › "))))
        .cloned()
        .collect();
    let items = channel.get_elements_by_tag_name("item");
    let episodes = (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|item| {
            let enclosure = first(&item, "enclosure");
            let attr = |name: &str| {
                enclosure
                    .as_ref()
                    .and_then(|e| e.get_attribute(name))
                    .unwrap_or_default()
            };
            (
                text(first(&item, "title")),
                attr("url"),
                attr("type"),
                attr("length"),
            )
        })
        .collect();
    Some(Feed {
        title,
        artwork,
        categories,
        episodes,
    })
}

async fn fetch_feed(url: String) -> Result<Feed, String> {
    // Asked again each time: a feed the browser cached would show what was there before.
    let response = gloo_net::http::Request::get(&url)
        .cache(web_sys::RequestCache::NoCache)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let xml = response.text().await.map_err(|e| e.to_string())?;
    parse_feed(&xml).ok_or_else(|| "not an RSS feed".to_owned())
}

/// The feed's address, and the feed as podcast apps read it (fetched from that address).
#[component]
pub(super) fn FeedPreview(
    /// The feed's address (none while the podcast is not public).
    url: Option<String>,
) -> impl IntoView {
    let Some(url) = url else {
        return view! {
            <section class="feed-preview" aria-labelledby="feed-heading">
                <h3 id="feed-heading">{t(Admin::FeedHeading)}</h3>
                <p class="hint" id="no-feed">{t(Admin::NoFeed)}</p>
            </section>
        }
        .into_any();
    };
    let feed = LocalResource::new({
        let url = url.clone();
        move || fetch_feed(url.clone())
    });
    let preview = move || {
        feed.get().map(|result| match result {
            Err(e) => view! {
                <p class="form-error" role="alert">{move || text::feed_unreadable(locale(), &e)}</p>
            }
            .into_any(),
            Ok(feed) => {
                let episodes = feed
                    .episodes
                    .into_iter()
                    .map(|(title, url, kind, length)| {
                        view! {
                            <li class="feed-episode">
                                <span class="feed-episode-title">{title}</span>
                                " · "
                                <a class="feed-enclosure" href=url.clone()>{kind}</a>
                                " · "
                                <span class="feed-length">{move || text::bytes_long(locale(), &length)}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div id="feed-preview" class="feed-card">
                        {feed.artwork.map(|src| view! { <img class="artwork" id="feed-artwork" src=src alt="" width="96" height="96" /> })}
                        <div>
                            <p class="feed-title" id="feed-title">{feed.title}</p>
                            <p class="hint" id="feed-categories">{feed.categories.join(" · ")}</p>
                        </div>
                    </div>
                    <ul class="feed-episodes" id="feed-episodes">{episodes}</ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="feed-preview" aria-labelledby="feed-heading">
            <h3 id="feed-heading">{t(Admin::FeedHeading)}</h3>
            <p>
                <a id="feed-link" href=url.clone()>{url.clone()}</a>
                " "
                <button type="button" id="feed-refresh" on:click=move |_| feed.refetch()>
                    {t(Admin::RefreshPreview)}
                </button>
            </p>
            <p class="hint">{t(Admin::FeedHint)}</p>
            {preview}
        </section>
    }
    .into_any()
}
