use crate::i18n::admin::library::Library as L;
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::api;
use super::drop_uploads::DropUploads;
use super::session::use_session;
use crate::components::{ErrorNotice, Loading};

/// `/admin/videos/new` (`?channel=<id>` picks the channel): a draft video's channel, title,
/// description and visibility. Creating it opens its edit page, where its media is uploaded.
#[component]
pub fn NewVideoPage() -> impl IntoView {
    crate::pages::set_title(Shell::NewVideo.text(locale()));
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
        spawn_local(async move {
            match api::create_video(
                session,
                super::field("new-video-channel"),
                super::field("new-video-title"),
                super::field("new-video-description"),
                super::field("new-video-visibility"),
            )
            .await
            {
                Ok(uuid) => navigate(&super::edit_path(&uuid), NavigateOptions::default()),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let form = move |channels: Vec<api::ManagedChannel>| {
        if channels.is_empty() {
            return view! {
                <p class="empty">{t(L::NoChannelsForVideos)}</p>
            }
            .into_any();
        }
        let preselected = query.get_untracked().get("channel").unwrap_or_default();
        view! {
            <form id="new-video-form" class="admin-form" on:submit=on_submit.clone()>
                <label for="new-video-channel">{t(L::Channel)}</label>
                <select id="new-video-channel" name="channel">
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
                <label for="new-video-title">{t(L::Title)}</label>
                <input id="new-video-title" name="title" type="text" />
                <label for="new-video-description">{t(L::DescriptionMarkdown)}</label>
                <textarea id="new-video-description" name="description" rows="5"></textarea>
                <label for="new-video-visibility">{t(L::Visibility)}</label>
                <select id="new-video-visibility" name="visibility">
                    <option value="PUBLIC">{t(L::Public)}</option>
                    <option value="UNLISTED">{t(L::UnlistedLong)}</option>
                    <option value="PRIVATE">{t(L::PrivateLong)}</option>
                </select>
                <p class="hint">
                    {t(L::StaysUnpublished)}
                </p>
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="form-error" id="new-video-error" role="alert">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button type="submit" id="new-video-submit" disabled=move || busy.get()>
                    {t(L::CreateDraft)}
                </button>
            </form>
            <DropUploads />
        }
        .into_any()
    };
    view! {
        <section class="new-video">
            <h2>{t(Shell::NewVideo)}</h2>
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
