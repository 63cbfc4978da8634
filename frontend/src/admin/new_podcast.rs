use crate::i18n::admin::podcasts::Podcasts as P;
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
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
    crate::pages::set_title(Shell::NewPodcast.text(locale()));
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
                <p class="empty">{t(P::NoChannels)}</p>
            }
            .into_any();
        }
        let preselected = query.get_untracked().get("channel").unwrap_or_default();
        let text = |id: &'static str, label: P, kind: &'static str, value: &'static str| {
            view! {
                <label for=id>{t(label)}</label>
                <input id=id name=id type=kind value=value />
            }
        };
        view! {
            <form id="new-podcast-form" class="admin-form" on:submit=on_submit.clone()>
                <label for="new-podcast-channel">{t(P::Channel)}</label>
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
                {text("new-podcast-title", P::Title, "text", "")}
                <label for="new-podcast-description">{t(P::Description)}</label>
                <textarea id="new-podcast-description" name="description" rows="4"></textarea>
                {text("new-podcast-author", P::Author, "text", "")}
                {text("new-podcast-owner-name", P::OwnerName, "text", "")}
                {text("new-podcast-owner-email", P::OwnerEmail, "email", "")}
                {text("new-podcast-language", P::Language, "text", "en")}
                <label for="new-podcast-visibility">{t(P::Visibility)}</label>
                <select id="new-podcast-visibility" name="visibility">
                    <option value="PUBLIC">{t(P::Public)}</option>
                    <option value="UNLISTED">{t(P::UnlistedLong)}</option>
                    <option value="PRIVATE">{t(P::PrivateLong)}</option>
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
                    {t(P::CreatePodcast)}
                </button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="new-podcast">
            <h2>{t(Shell::NewPodcast)}</h2>
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
