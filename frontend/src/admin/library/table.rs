//! The library's table: a checkbox, poster, title, channel, state, visibility, publication,
//! length and views per video or episode (episodes show their podcast's artwork and no views).

use crate::i18n::admin::library::{self as text, Library as L};
use crate::i18n::admin::shell;
use crate::i18n::{locale, t};
use leptos::prelude::*;

use super::Listing;
use super::calls::{Kind, Row};
use crate::admin::StateBadge;
use crate::format;

/// The table of the rows loaded so far.
#[component]
pub(super) fn LibraryTable(listing: Listing, kind: Signal<Kind>) -> impl IntoView {
    let episodes = move || kind.get() == Kind::Episodes;
    let selected = listing.selected;
    let all_checked = move || {
        let rows = listing.rows.get();
        !rows.is_empty() && selected.with(|s| rows.iter().all(|r| s.contains(&r.id)))
    };
    let toggle_all = move |ev| {
        let on = event_target_checked(&ev);
        let ids = listing
            .rows
            .with_untracked(|rows| rows.iter().map(|r| r.id.clone()).collect());
        selected.set(if on { ids } else { Vec::new() });
    };
    view! {
        {move || listing.rows.with(Vec::is_empty).then(|| {
            (!listing.loading.get()).then(|| view! {
                <p class="empty" id="library-empty">
                    {move || t(if episodes() { L::NoEpisodesMatch } else { L::NoMatch })}
                </p>
            })
        })}
        <div class="table-scroll">
            <table class="admin-videos library-table" id="library-table">
                <thead>
                    <tr>
                        <th scope="col">
                            <input type="checkbox" id="library-select-all" aria-label=move || t(if episodes() { L::SelectAllEpisodes } else { L::SelectAll })
                                prop:checked=all_checked on:change=toggle_all />
                        </th>
                        <th scope="col">{move || t(if episodes() { L::Episode } else { L::Video })}</th>
                        <th scope="col">{t(L::State)}</th>
                        <th scope="col" class="wide-only">{t(L::Visibility)}</th>
                        <th scope="col">{t(L::Publication)}</th>
                        <th scope="col" class="wide-only">{t(L::Length)}</th>
                        <th scope="col" class="wide-only">{t(L::Views)}</th>
                        <th scope="col" class="wide-only">{t(L::Likes)}</th>
                        <th scope="col" class="wide-only">{t(L::Comments)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || listing.rows.get()
                        key=|row| (row.id.clone(), row.title.clone(), row.publication, row.visibility.clone())
                        children=move |row| row_view(row, selected)
                    />
                </tbody>
            </table>
        </div>
    }
}

fn row_view(row: Row, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let id = row.id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        let id = id.clone();
        selected.update(|s| {
            s.retain(|x| *x != id);
            if on {
                s.push(id);
            }
        });
    };
    let poster = row
        .poster
        .clone()
        .map(|url| view! { <img class="row-poster" src=url alt="" loading="lazy" /> });
    view! {
        <tr class="admin-video library-row" data-uuid=row.uuid.clone() data-id=row.id.clone()>
            <td>
                <input type="checkbox" class="library-select" data-id=row.id.clone()
                    aria-label=text::select_one(locale(), &row.title) prop:checked=checked on:change=toggle />
            </td>
            <td class="admin-video-title">
                <div class="row-video">
                    {poster}
                    <div>
                        <a href=row.href.clone()>{row.title.clone()}</a>
                        <div class="hint row-channel">{row.channel.clone()}</div>
                    </div>
                </div>
            </td>
            <td><StateBadge phase=row.phase.clone() /></td>
            <td class="visibility wide-only">{shell::visibility(locale(), &row.visibility)}</td>
            <td class="publication">{shell::publication(locale(), row.publication)}</td>
            <td class="wide-only">{row.duration.map(format::duration)}</td>
            <td class="views wide-only">{row.views.map(|n| format::number(locale(), n))}</td>
            <td class="likes wide-only">{format::number(locale(), row.likes)}</td>
            <td class="comments wide-only">{format::number(locale(), row.comments)}</td>
        </tr>
    }
}
