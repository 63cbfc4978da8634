//! `/admin/playlists/{id}`: a playlist's details and visibility, its videos in order (reordered
//! by dragging, by Alt+Arrow keys on a focused row, or by the move buttons), videos added by
//! searching the channel's, removed, and the playlist deleted.

use crate::i18n::admin::shell;
use crate::i18n::admin::site::{self as text, Say, SitePages as S};
use crate::i18n::{Message, locale, t};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::*;
use crate::admin::session::{Session, use_session};
use crate::admin::site_kit::{Status, changed, enum_value, non_blank};
use crate::admin::{edit_path, field};
use crate::api::ApiError;
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::site::Missing;

type Loaded = site_playlist::SitePlaylistPlaylist;

/// `/admin/playlists/{id}`: one playlist, for those who manage its channel.
#[component]
pub fn ManagePlaylistPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let playlist = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move {
            match session
                .call::<SitePlaylist>(site_playlist::Variables { id })
                .await
            {
                Ok(data) => Ok(data.playlist.filter(|p| p.channel.viewer_can_manage)),
                Err(e) if matches!(e.code(), Some("NOT_FOUND" | "VALIDATION")) => Ok(None),
                Err(e) => Err::<Option<Loaded>, ApiError>(e),
            }
        }
    });
    let status = Status::new();
    if use_query_map().read_untracked().get("created").is_some() {
        status.say("details", S::PlaylistCreated.text(locale()));
    }
    // The item to focus once the list is read again (after a keyboard move).
    let focus = RwSignal::new(None::<String>);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    playlist
                        .await
                        .map(|found| match found {
                            Some(p) => editor(session, status, focus, p, move || playlist.refetch()).into_any(),
                            None => view! { <NotFound what=Missing::Playlist /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn editor(
    session: Session,
    status: Status,
    focus: RwSignal<Option<String>>,
    playlist: Loaded,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    crate::pages::set_title(&text::say(locale(), Say::PlaylistTitle(&playlist.title)));
    view! {
        <article class="site-page playlist-editor">
            <header class="editor-header">
                <h2 id="edit-title">{playlist.title.clone()}</h2>
                <p class="video-meta">
                    {playlist.channel.name.clone()}
                    " · "
                    <a href="/admin/playlists">{t(S::AllPlaylists)}</a>
                </p>
            </header>

            {items_section(session, status, focus, &playlist, reload)}
            {details_section(session, status, &playlist, reload)}
            {delete_playlist_section(session, status, &playlist)}
        </article>
    }
}

/// The videos section: the items in order (moved by drag, keys or buttons, removed), then the
/// search that adds more.
fn items_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    focus: RwSignal<Option<String>>,
    playlist: &Loaded,
    reload: R,
) -> impl IntoView + use<R> {
    let items = &playlist.items.nodes;
    let count = items.len() as i64;
    // Moves an item to a position; the API keeps positions dense.
    let move_item = move |item: String, title: String, to: i64| {
        if !(0..count).contains(&to) {
            return;
        }
        focus.set(Some(item.clone()));
        let input = site_move_playlist_item::MovePlaylistItemInput {
            item_id: item,
            position: to,
        };
        status.run(
            "items",
            session.call::<SiteMovePlaylistItem>(site_move_playlist_item::Variables { input }),
            move |_| text::say(locale(), Say::MovedTo(&title, to + 1)),
            move |_| reload(),
        );
    };
    let dragging = RwSignal::new(None::<(String, String)>);
    let rows = items
        .iter()
        .cloned()
        .map(|item| {
            item_row(
                session, status, focus, dragging, item, count, move_item, reload,
            )
        })
        .collect::<Vec<_>>();
    let in_playlist: Vec<String> = items.iter().map(|i| i.video.id.clone()).collect();
    view! {
        <section aria-labelledby="items-heading">
            <h3 id="items-heading">{t(S::Videos)}</h3>
            <p class="site-muted" id="reorder-help">
                {t(S::ReorderHelp)}
            </p>
            {if rows.is_empty() {
                view! { <p class="empty" id="no-items">{t(S::NoItems)}</p> }.into_any()
            } else {
                view! { <ol class="site-rows" id="playlist-items" aria-describedby="reorder-help">{rows}</ol> }.into_any()
            }}
            {status.other_error("items", &[], "items-error".into())}
            {status.done_view("items", "items-notice".into())}
            {video_search(session, status, playlist, in_playlist, reload)}
        </section>
    }
}

/// The search form over the channel's videos (titles containing the text), its notices, and
/// the videos found, each with a button that adds it at the end.
fn video_search<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    playlist: &Loaded,
    in_playlist: Vec<String>,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let results =
        RwSignal::new(None::<Vec<site_playlist_video_search::SitePlaylistVideoSearchVideosNodes>>);
    let on_search = {
        let channel = playlist.channel.id.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let variables = site_playlist_video_search::Variables {
                channel: channel.clone(),
                text: non_blank(field("video-search")),
            };
            status.run(
                "search",
                session.call::<SitePlaylistVideoSearch>(variables),
                |data| text::videos_found(locale(), data.videos.nodes.len() as i64),
                move |data| results.set(Some(data.videos.nodes)),
            );
        }
    };
    let add = {
        let id = playlist.id.clone();
        move |video: String, title: String| {
            let input = site_add_playlist_item::AddPlaylistItemInput {
                playlist_id: id.clone(),
                video_id: video,
                position: None,
            };
            status.run(
                "search",
                session.call::<SiteAddPlaylistItem>(site_add_playlist_item::Variables { input }),
                move |_| text::say(locale(), Say::AddedAtEnd(&title)),
                move |_| reload(),
            );
        }
    };
    let result_rows = move || {
        results.get().map(|found| {
            let add = add.clone();
            let in_playlist = in_playlist.clone();
            view! {
                <ul class="site-rows" id="video-results">
                    {found
                        .into_iter()
                        .map(|v| {
                            let add = add.clone();
                            let (vid, title) = (v.id.clone(), v.title.clone());
                            let already = in_playlist.contains(&v.id);
                            view! {
                                <li class="site-row video-result" data-title=v.title.clone()>
                                    <div class="site-row-head">
                                        <span>{v.title.clone()}</span>
                                        <span class="site-muted">{shell::state_word(locale(), &format!("{:?}", v.status).to_lowercase()).to_owned()}</span>
                                        <button
                                            type="button"
                                            class="add-video"
                                            aria-label=text::say(locale(), Say::AddLabel(&v.title))
                                            disabled=busy
                                            on:click=move |_| add(vid.clone(), title.clone())
                                        >
                                            {t(if already { S::AddAgain } else { S::Add })}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ul>
            }
        })
    };
    view! {
        <form id="video-search-form" class="admin-form inline" role="search" on:submit=on_search>
            <label for="video-search">{t(S::SearchVideos)}</label>
            <input id="video-search" type="search" />
            <button type="submit" id="video-search-submit" disabled=busy>{t(S::Search)}</button>
        </form>
        {status.other_error("search", &[], "search-error".into())}
        {status.done_view("search", "search-notice".into())}
        {result_rows}
    }
}

/// The details form: title, slug, description and visibility; Save sends what changed.
fn details_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    playlist: &Loaded,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let visibility_now = format!("{:?}", playlist.visibility);
    let on_save = {
        let (id, title, slug, description, visibility) = (
            playlist.id.clone(),
            playlist.title.clone(),
            playlist.slug.clone(),
            playlist.description.clone(),
            visibility_now.clone(),
        );
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let input = site_update_playlist::UpdatePlaylistInput {
                id: id.clone(),
                title: changed(&title, field("playlist-title")),
                slug: changed(&slug, field("playlist-slug")),
                description: changed(&description, field("playlist-description")),
                visibility: changed(&visibility, field("playlist-visibility"))
                    .and_then(|v| enum_value(&v)),
            };
            if input.title.is_none()
                && input.slug.is_none()
                && input.description.is_none()
                && input.visibility.is_none()
            {
                status.say("details", S::NothingChanged.text(locale()));
                return;
            }
            status.run(
                "details",
                session.call::<SiteUpdatePlaylist>(site_update_playlist::Variables { input }),
                |_| S::Saved.text(locale()).into(),
                move |_| reload(),
            );
        }
    };
    view! {
        <section aria-labelledby="details-heading">
            <h3 id="details-heading">{t(S::Details)}</h3>
            <form id="playlist-details-form" class="admin-form" on:submit=on_save>
                <label for="playlist-title">{t(S::Title)}</label>
                <input id="playlist-title" type="text" value=playlist.title.clone() />
                {status.field_error("details", "title", "playlist-title-error".into())}
                <label for="playlist-slug">{t(S::Slug)}</label>
                <input id="playlist-slug" type="text" value=playlist.slug.clone() />
                {status.field_error("details", "slug", "playlist-slug-error".into())}
                <label for="playlist-description">{t(S::Description)}</label>
                <textarea id="playlist-description" rows="3">{playlist.description.clone()}</textarea>
                <label for="playlist-visibility">{t(S::Visibility)}</label>
                <select id="playlist-visibility">{visibility_options(&visibility_now)}</select>
                {status.other_error("details", &["title", "slug"], "playlist-details-error".into())}
                <button type="submit" id="save-playlist" disabled=busy>{t(S::Save)}</button>
                {status.done_view("details", "playlist-details-notice".into())}
            </form>
        </section>
    }
}

/// The delete section: a confirmation naming how many videos the playlist holds (they stay).
fn delete_playlist_section(
    session: Session,
    status: Status,
    playlist: &Loaded,
) -> impl IntoView + use<> {
    let navigate = use_navigate();
    let on_delete = {
        let id = playlist.id.clone();
        let title = String::from(js_sys::encode_uri_component(&playlist.title));
        move |_| {
            let input = site_delete_playlist::DeletePlaylistInput { id: id.clone() };
            let (navigate, title) = (navigate.clone(), title.clone());
            status.run(
                "delete",
                session.call::<SiteDeletePlaylist>(site_delete_playlist::Variables { input }),
                |_| S::Deleted.text(locale()).into(),
                move |_| {
                    navigate(
                        &format!("/admin/playlists?deleted={title}"),
                        NavigateOptions::default(),
                    )
                },
            );
        }
    };
    let goes = text::playlist_goes(locale(), &playlist.title, playlist.items.nodes.len() as i64);
    crate::admin::site_kit::delete_section(
        status,
        "playlist",
        S::DeleteThisPlaylist.text(locale()),
        goes,
        S::DeletePlaylist.text(locale()),
        on_delete,
    )
}

#[allow(clippy::too_many_arguments)]
fn item_row(
    session: Session,
    status: Status,
    focus: RwSignal<Option<String>>,
    dragging: RwSignal<Option<(String, String)>>,
    item: site_playlist::SitePlaylistPlaylistItemsNodes,
    count: i64,
    move_item: impl Fn(String, String, i64) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let (item_id, title, position) = (item.id.clone(), item.video.title.clone(), item.position);
    let row: NodeRef<leptos::html::Li> = NodeRef::new();
    // After a keyboard move the list is drawn again: keep the focus on the moved row.
    {
        let item_id = item_id.clone();
        Effect::new(move |_| {
            if let Some(el) = row.get()
                && focus.get_untracked().as_deref() == Some(item_id.as_str())
            {
                let _ = el.focus();
            }
        });
    }
    let on_key = {
        let (item_id, title) = (item_id.clone(), title.clone());
        move |ev: KeyboardEvent| {
            if !ev.alt_key() {
                return;
            }
            let to = match ev.key().as_str() {
                "ArrowUp" => position - 1,
                "ArrowDown" => position + 1,
                _ => return,
            };
            ev.prevent_default();
            move_item(item_id.clone(), title.clone(), to);
        }
    };
    let on_drag_start = {
        let (item_id, title) = (item_id.clone(), title.clone());
        move |ev: leptos::ev::DragEvent| {
            set_drag_data(&ev, &title);
            dragging.set(Some((item_id.clone(), title.clone())));
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some((dragged, title)) = dragging.get_untracked() {
            dragging.set(None);
            move_item(dragged, title, position);
        }
    };
    let remove = {
        let (item_id, title) = (item_id.clone(), title.clone());
        move |_| {
            let input = site_remove_playlist_item::RemovePlaylistItemInput {
                item_id: item_id.clone(),
            };
            let title = title.clone();
            status.run(
                "items",
                session
                    .call::<SiteRemovePlaylistItem>(site_remove_playlist_item::Variables { input }),
                move |_| text::say(locale(), Say::RemovedFromPlaylist(&title)),
                move |_| reload(),
            );
        }
    };
    let (up, down) = {
        let (a, b) = (item_id.clone(), item_id.clone());
        let (ta, tb) = (title.clone(), title.clone());
        (
            move |_| move_item(a.clone(), ta.clone(), position - 1),
            move |_| move_item(b.clone(), tb.clone(), position + 1),
        )
    };
    let is_dragged = {
        let item_id = item_id.clone();
        move || dragging.get().is_some_and(|(d, _)| d == item_id)
    };
    view! {
        <li
            class="site-row playlist-item"
            data-item=item_id.clone()
            data-title=title.clone()
            tabindex="0"
            draggable="true"
            aria-label=text::say(locale(), Say::Position(&title, position + 1, count))
            class:dragging=is_dragged
            node_ref=row
            on:keydown=on_key
            on:dragstart=on_drag_start
            on:dragend=move |_| dragging.set(None)
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=on_drop
        >
            <span class="position" aria-hidden="true">{position + 1}</span>
            <a class="item-title" href=edit_path(&item.video.uuid)>{title.clone()}</a>
            <span class="site-muted">{shell::state_word(locale(), &format!("{:?}", item.video.status).to_lowercase()).to_owned()}</span>
            <span class="site-row-actions">
                <button type="button" class="move-up" aria-label=text::say(locale(), Say::MoveUp(&title)) disabled=move || { busy() || position == 0 } on:click=up>"↑"</button>
                <button type="button" class="move-down" aria-label=text::say(locale(), Say::MoveDown(&title)) disabled=move || { busy() || position + 1 >= count } on:click=down>"↓"</button>
                <button type="button" class="remove-item" aria-label=text::say(locale(), Say::RemoveLabel(&title)) disabled=busy on:click=remove>{t(S::Remove)}</button>
            </span>
        </li>
    }
}

/// Puts the row's title in the drag's data: some browsers start no drag without data.
fn set_drag_data(ev: &leptos::ev::DragEvent, title: &str) {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::JsValue;
    let Ok(transfer) = js_sys::Reflect::get(ev, &JsValue::from_str("dataTransfer")) else {
        return;
    };
    if let Some(set) = js_sys::Reflect::get(&transfer, &JsValue::from_str("setData"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = set.call2(
            &transfer,
            &JsValue::from_str("text/plain"),
            &JsValue::from_str(title),
        );
    }
}
