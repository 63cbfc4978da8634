//! Bulk actions over the checked videos or episodes: publish, unpublish, visibility, add to a
//! playlist and move to a channel (videos only), delete (after one confirmation naming every
//! item that goes). Each item is done or refused on its own; the refused ones are listed with
//! why.

use crate::i18n::admin::library::{self as text, Library as L};
use crate::i18n::{locale, t};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Listing;
use super::calls::{self, Action, Choices, Kind, Outcome};
use crate::admin::field;
use crate::admin::session::Session;

/// What the last bulk action said.
#[derive(Clone, Debug, PartialEq)]
enum Said {
    /// Its outcome, with the titles of the refused items.
    Outcome(Outcome, Vec<(String, String)>),
    /// The whole call failed.
    Error(String),
}

/// The bulk bar.
#[component]
pub(super) fn BulkBar(
    session: Session,
    choices: Choices,
    listing: Listing,
    /// Videos or episodes.
    kind: Signal<Kind>,
    /// Loads the list again.
    reload: Callback<()>,
) -> impl IntoView {
    let said = RwSignal::new(None::<Said>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let count = move || listing.selected.with(Vec::len);
    let run = move |action: Action| {
        let ids = listing.selected.get_untracked();
        if ids.is_empty() || busy.get_untracked() {
            return;
        }
        // Titles now, before the list is read again.
        let titles: Vec<(String, String)> = listing.rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| (r.id.clone(), r.title.clone()))
                .collect()
        });
        busy.set(true);
        said.set(None);
        confirming.set(false);
        let kind = kind.get_untracked();
        spawn_local(async move {
            let result = calls::bulk(session, kind, action, ids).await;
            said.try_set(Some(match result {
                Ok(outcome) => Said::Outcome(outcome, titles),
                Err(e) => Said::Error(e.to_string()),
            }));
            busy.try_set(false);
            reload.run(());
        });
    };
    let with_value = move |id: &'static str, make: fn(String) -> Action| {
        move |_| {
            let value = field(id);
            if !value.is_empty() {
                run(make(value));
            }
        }
    };
    let options = |list: Vec<(String, String)>| {
        list.into_iter()
            .map(|(v, l)| view! { <option value=v>{l}</option> })
            .collect::<Vec<_>>()
    };
    let disabled = move || busy.get() || count() == 0;
    view! {
        <div class="bulk-bar" id="bulk-bar" role="group" aria-label=t(L::BulkActions)>
            <span id="bulk-count">{move || text::selected(locale(), count())}</span>
            <button type="button" id="bulk-publish" disabled=disabled on:click=move |_| run(Action::Publish)>{t(L::Publish)}</button>
            <button type="button" id="bulk-unpublish" disabled=disabled on:click=move |_| run(Action::Unpublish)>{t(L::Unpublish)}</button>
            <span class="bulk-group">
                <label for="bulk-visibility-value" class="visually-hidden">{t(L::NewVisibility)}</label>
                <select id="bulk-visibility-value">
                    <option value="PUBLIC">{t(L::Public)}</option>
                    <option value="UNLISTED">{t(L::Unlisted)}</option>
                    <option value="PRIVATE">{t(L::Private)}</option>
                </select>
                <button type="button" id="bulk-visibility" disabled=disabled on:click=with_value("bulk-visibility-value", Action::Visibility)>{t(L::SetVisibility)}</button>
            </span>
            <span class="bulk-group" hidden=move || kind.get() == Kind::Episodes>
                <label for="bulk-playlist-value" class="visually-hidden">{t(L::Playlist)}</label>
                <select id="bulk-playlist-value">{options(choices.playlists)}</select>
                <button type="button" id="bulk-playlist" disabled=disabled on:click=with_value("bulk-playlist-value", Action::AddToPlaylist)>{t(L::AddToPlaylist)}</button>
            </span>
            <span class="bulk-group" hidden=move || kind.get() == Kind::Episodes>
                <label for="bulk-move-value" class="visually-hidden">{t(L::MoveTo)}</label>
                <select id="bulk-move-value">{options(choices.channels)}</select>
                <button type="button" id="bulk-move" disabled=disabled on:click=with_value("bulk-move-value", Action::Move)>{t(L::MoveToChannel)}</button>
            </span>
            <button type="button" id="bulk-delete" class="danger" disabled=disabled on:click=move |_| confirming.set(true)>{t(L::DeleteMenu)}</button>
        </div>
        {move || confirming.get().then(|| delete_question(listing, kind.get_untracked(), busy, confirming, move || run(Action::Delete)))}
        {move || said.get().map(said_view)}
    }
}

/// The one question before deleting: it names every item that goes.
fn delete_question(
    listing: Listing,
    kind: Kind,
    busy: RwSignal<bool>,
    confirming: RwSignal<bool>,
    delete: impl Fn() + 'static,
) -> impl IntoView {
    let ids = listing.selected.get_untracked();
    let titles: Vec<String> = listing.rows.with_untracked(|rows| {
        rows.iter()
            .filter(|r| ids.contains(&r.id))
            .map(|r| r.title.clone())
            .collect()
    });
    view! {
        <div class="danger bulk-confirm" role="alert" id="bulk-delete-question">
            <p>{match kind {
                Kind::Videos => text::delete_videos_question(locale(), titles.len()),
                Kind::Episodes => text::delete_episodes_question(locale(), titles.len()),
            }}</p>
            <ul>{titles.into_iter().map(|t| view! { <li>{t}</li> }).collect::<Vec<_>>()}</ul>
            <button type="button" id="bulk-delete-confirm" class="danger" disabled=move || busy.get() on:click=move |_| delete()>
                {t(L::DeleteForGood)}
            </button>
            " "
            <button type="button" id="bulk-delete-cancel" on:click=move |_| confirming.set(false)>{t(L::Cancel)}</button>
        </div>
    }
}

fn said_view(said: Said) -> impl IntoView {
    match said {
        Said::Error(message) => {
            view! { <p class="form-error" id="bulk-error" role="alert">{message}</p> }.into_any()
        }
        Said::Outcome(outcome, titles) => {
            let failed = outcome.failures.len();
            let summary = text::bulk_summary(locale(), outcome.done, failed);
            let failures = outcome
                .failures
                .into_iter()
                .map(|f| {
                    let title = titles
                        .iter()
                        .find(|(id, _)| *id == f.id)
                        .map(|(_, t)| t.clone())
                        .unwrap_or_else(|| f.id.clone());
                    view! {
                        <li class="bulk-failure" data-id=f.id.clone() data-code=f.code.clone()>
                            <strong>{title}</strong>{text::colon(locale())}{f.message}
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <div class="bulk-results" id="bulk-results" role="status">
                    <p class=if failed == 0 { "notice" } else { "form-error" } id="bulk-summary">{summary}</p>
                    <ul id="bulk-failures">{failures}</ul>
                </div>
            }
            .into_any()
        }
    }
}
