use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::session::use_session;
use super::{api, field, podcast_api};
use crate::components::{ErrorNotice, Loading};

/// `/admin/podcasts/new` (`?channel=<id>` picks the channel): a podcast's channel, title,
/// description, author, owner (for the feed), language and visibility. Creating it opens its
/// page, where episodes are added.
#[component]
pub fn NewPodcastPage() -> impl IntoView {
    crate::pages::set_title("New podcast");
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let channels = LocalResource::new(move || api::managed_channels(session));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let new = podcast_api::NewPodcast {
            channel_id: field("new-podcast-channel"),
            title: field("new-podcast-title"),
            description: field("new-podcast-description"),
            author: field("new-podcast-author"),
            owner_name: field("new-podcast-owner-name"),
            owner_email: field("new-podcast-owner-email"),
            language: field("new-podcast-language"),
            visibility: field("new-podcast-visibility"),
        };
        spawn_local(async move {
            match podcast_api::create_podcast(session, new).await {
                Ok(id) => navigate(&super::podcast_path(&id), NavigateOptions::default()),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let form = move |channels: Vec<api::ManagedChannel>| {
        if channels.is_empty() {
            return view! {
                <p class="empty">"You manage no channels, so you cannot add podcasts yet."</p>
            }
            .into_any();
        }
        let preselected = query.get_untracked().get("channel").unwrap_or_default();
        let text =
            |id: &'static str, label: &'static str, kind: &'static str, value: &'static str| {
                view! {
                    <label for=id>{label}</label>
                    <input id=id name=id type=kind value=value />
                }
            };
        view! {
            <form id="new-podcast-form" class="admin-form" on:submit=on_submit.clone()>
                <label for="new-podcast-channel">"Channel"</label>
                <select id="new-podcast-channel" name="channel">
                    {channels
                        .into_iter()
                        .map(|c| {
                            let selected = c.id == preselected;
                            view! {
                                <option value=c.id selected=selected>
                                    {c.name}
                                </option>
                            }
                        })
                        .collect::<Vec<_>>()}
                </select>
                {text("new-podcast-title", "Title", "text", "")}
                <label for="new-podcast-description">"Description (Markdown)"</label>
                <textarea id="new-podcast-description" name="description" rows="4"></textarea>
                {text("new-podcast-author", "Author", "text", "")}
                {text("new-podcast-owner-name", "Owner's name (for the feed)", "text", "")}
                {text("new-podcast-owner-email", "Owner's email (for the feed)", "email", "")}
                {text("new-podcast-language", "Language (e.g. en)", "text", "en")}
                <label for="new-podcast-visibility">"Visibility"</label>
                <select id="new-podcast-visibility" name="visibility">
                    <option value="PUBLIC">"Public"</option>
                    <option value="UNLISTED">"Unlisted (anyone with the link)"</option>
                    <option value="PRIVATE">"Private (channel members only)"</option>
                </select>
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="form-error" id="new-podcast-error" role="alert">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button type="submit" id="new-podcast-submit" disabled=move || busy.get()>
                    "Create podcast"
                </button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="new-podcast">
            <h2>"New podcast"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || {
                        let form = form.clone();
                        Suspend::new(async move { channels.await.map(form) })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
