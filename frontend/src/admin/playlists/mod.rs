//! `/admin/playlists`: the playlists of the channels the user manages, and a new one;
//! `/admin/playlists/{id}`: a playlist's details and visibility, its videos in order (reordered
//! by dragging, by Alt+Arrow keys on a focused row, or by the move buttons), videos added by
//! searching the channel's, removed, and the playlist deleted.

use crate::i18n::admin::shell::{self, Shell};
use crate::i18n::admin::site::{self as text, Say, SitePages as S};
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::field;
use super::session::use_session;
use super::site_kit::{Status, clear_fields, enum_value};
use crate::components::{ErrorNotice, Loading};

mod editor;

pub use editor::ManagePlaylistPage;

/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_site_playlists.graphql",
            response_derives = "Debug, Clone",
            // Absent, not null: the API reads null as "clear", so what was not changed is not sent.
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SitePlaylists,
    SiteChannelPlaylists,
    SitePlaylist,
    SitePlaylistVideoSearch,
    SiteCreatePlaylist,
    SiteUpdatePlaylist,
    SiteDeletePlaylist,
    SiteAddPlaylistItem,
    SiteMovePlaylistItem,
    SiteRemovePlaylistItem
);

/// The admin path of a playlist's page.
pub fn playlist_admin_path(id: &str) -> String {
    format!("/admin/playlists/{id}")
}

const VISIBILITIES: [(&str, S); 3] = [
    ("PUBLIC", S::Public),
    ("UNLISTED", S::UnlistedLong),
    ("PRIVATE", S::PrivateLong),
];

fn visibility_options(selected: &str) -> impl IntoView + use<> {
    VISIBILITIES
        .iter()
        .map(|(value, label)| {
            view! { <option value=*value selected=*value == selected>{t(*label)}</option> }
        })
        .collect::<Vec<_>>()
}

/// `/admin/playlists`: every playlist of the channels the user manages.
#[component]
pub fn ManagePlaylistsPage() -> impl IntoView {
    crate::pages::set_title(Shell::Playlists.text(locale()));
    let session = use_session();
    let list = LocalResource::new(move || session.call::<SitePlaylists>(site_playlists::Variables));
    let status = Status::new();
    let busy = move || status.busy.get();
    let navigate = use_navigate();
    let query = use_query_map();
    let deleted = move || {
        query.read().get("deleted").map(|title| {
            view! { <p class="notice" id="deleted-notice" role="status">{text::say(locale(), Say::DeletedNamed(&title))}</p> }
        })
    };
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let channel_id = field("new-playlist-channel");
        if channel_id.is_empty() {
            status.fail("create", None, S::CreateChannelFirst.text(locale()));
            return;
        }
        let input = site_create_playlist::CreatePlaylistInput {
            channel_id,
            title: field("new-playlist-title"),
            slug: None,
            description: None,
            visibility: enum_value(&field("new-playlist-visibility")),
        };
        let navigate = navigate.clone();
        status.run(
            "create",
            session.call::<SiteCreatePlaylist>(site_create_playlist::Variables { input }),
            |_| S::PlaylistCreated.text(locale()).into(),
            move |data| {
                clear_fields(&["new-playlist-title"]);
                navigate(
                    &format!(
                        "{}?created=1",
                        playlist_admin_path(&data.create_playlist.playlist.id)
                    ),
                    NavigateOptions::default(),
                );
            },
        );
    };
    view! {
        <article class="site-page playlists-page">
            <h2 id="page-title">{t(Shell::Playlists)}</h2>
            {deleted}
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || {
                        let on_create = on_create.clone();
                        Suspend::new(async move {
                        list.await
                            .map(|data| {
                                let channels = data.channels.nodes;
                                let choices = channels
                                    .iter()
                                    .map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> })
                                    .collect::<Vec<_>>();
                                let sections = channels
                                    .into_iter()
                                    .map(|c| view! { <ChannelPlaylists id=c.id name=c.name /> })
                                    .collect::<Vec<_>>();
                                view! {
                                    <section aria-labelledby="new-playlist-heading" class="site-card">
                                        <h3 id="new-playlist-heading">{t(S::NewPlaylist)}</h3>
                                        <form id="new-playlist-form" class="admin-form" on:submit=on_create>
                                            <label for="new-playlist-channel">{t(S::Channel)}</label>
                                            <select id="new-playlist-channel">{choices}</select>
                                            <label for="new-playlist-title">{t(S::Title)}</label>
                                            <input id="new-playlist-title" type="text" autocomplete="off" />
                                            {status.field_error("create", "title", "new-playlist-title-error".into())}
                                            <label for="new-playlist-visibility">{t(S::Visibility)}</label>
                                            <select id="new-playlist-visibility">{visibility_options("PUBLIC")}</select>
                                            {status.other_error("create", &["title"], "new-playlist-error".into())}
                                            <button type="submit" id="new-playlist-submit" disabled=busy>{t(S::CreatePlaylist)}</button>
                                        </form>
                                    </section>
                                    {sections}
                                }
                            })
                        })
                    }}
                </ErrorBoundary>
            </Transition>
        </article>
    }
}

/// One channel's playlists on the playlists page.
#[component]
fn ChannelPlaylists(
    /// The channel's global ID.
    id: String,
    /// Its name.
    name: String,
) -> impl IntoView {
    let session = use_session();
    let list = LocalResource::new(move || {
        session.call::<SiteChannelPlaylists>(site_channel_playlists::Variables {
            channel: id.clone(),
        })
    });
    view! {
        <section class="site-channel-playlists">
            <h3>{name}</h3>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        list.await
                            .map(|data| {
                                let playlists = data
                                    .channel
                                    .map(|c| c.playlists.nodes)
                                    .unwrap_or_default();
                                if playlists.is_empty() {
                                    return view! { <p class="empty">{t(S::NoPlaylists)}</p> }.into_any();
                                }
                                view! {
                                    <ul class="site-rows">
                                        {playlists
                                            .into_iter()
                                            .map(|p| view! {
                                                <li class="site-row playlist-row">
                                                    <div class="site-row-head">
                                                        <a href=playlist_admin_path(&p.id)>{p.title}</a>
                                                        <span class="site-muted">{shell::visibility(locale(), &format!("{:?}", p.visibility))}</span>
                                                    </div>
                                                </li>
                                            })
                                            .collect::<Vec<_>>()}
                                    </ul>
                                }
                                    .into_any()
                            })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
