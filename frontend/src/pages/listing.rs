//! What the discovery pages share: a grid of videos that pages on with a "More" button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::discovery::{self, ListedVideo, VideoPage, VideoQuery};
use crate::components::VideoCard;
use crate::i18n::discovery::Discovery;
use crate::i18n::site::Site;
use crate::i18n::t;

/// A card of a listed video (with its views and age).
pub fn card(video: ListedVideo) -> impl IntoView {
    view! { <VideoCard video=video.summary views=video.views published=video.published /> }
}

/// A grid of videos starting with `first`, and a "More videos" button (`#{more_id}`) that
/// appends the next page of `query` until there is none.
#[component]
pub fn PagedVideos(
    /// Which videos, in which order.
    query: VideoQuery,
    /// The first page, already fetched.
    first: VideoPage,
    /// The grid's `id`.
    grid_id: &'static str,
    /// The button's `id`.
    #[prop(default = "more-videos")]
    more_id: &'static str,
) -> impl IntoView {
    let videos = RwSignal::new(first.videos);
    let cursor = RwSignal::new(first.next);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let query = StoredValue::new(query);
    let (loading_text, more_text) = (t(Site::Loading), t(Discovery::MoreVideos));
    let more = move |_| {
        let Some(after) = cursor.get_untracked() else {
            return;
        };
        loading.set(true);
        spawn_local(async move {
            match discovery::videos(query.get_value(), Some(after)).await {
                Ok(page) => {
                    videos.update(|v| v.extend(page.videos));
                    cursor.set(page.next);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            loading.set(false);
        });
    };
    view! {
        <Show
            when=move || !videos.read().is_empty()
            fallback=|| view! { <p class="empty">{t(Discovery::NoVideos)}</p> }
        >
            <ul class="card-grid" id=grid_id>
                <For
                    each=move || videos.get()
                    key=|video| video.summary.uuid.clone()
                    children=card
                />
            </ul>
        </Show>
        <Show when=move || cursor.read().is_some()>
            <button type="button" class="more" id=more_id on:click=more disabled=loading>
                {move || if loading.get() { loading_text() } else { more_text() }}
            </button>
        </Show>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}
