//! `/admin/library`: every video and podcast episode of the channels the user manages (one
//! kind at a time), filtered, sorted and paged by cursor ("Load more", no cap), with
//! checkboxes and bulk actions whose per-item results say which items were refused and why.

mod bulk;
mod calls;
mod episode_calls;
mod filters;
mod table;

use crate::i18n::admin::library::Library as L;
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;
use leptos::task::spawn_local;

use self::bulk::BulkBar;
use self::calls::{Choices, Filters, Row};
use self::filters::FilterBar;
use self::table::LibraryTable;
use super::session::{Session, use_session};
use crate::components::{ErrorNotice, Loading};

/// The list as loaded so far.
#[derive(Clone, Copy)]
pub(super) struct Listing {
    /// Rows loaded so far.
    rows: RwSignal<Vec<Row>>,
    /// The next page's cursor, while there is one.
    next: RwSignal<Option<String>>,
    /// A page is on its way.
    loading: RwSignal<bool>,
    /// The last load's error.
    error: RwSignal<Option<String>>,
    /// Bumped by every fresh load, so a late answer to an older one is dropped.
    generation: StoredValue<u64>,
    /// The IDs of the checked rows.
    selected: RwSignal<Vec<String>>,
}

impl Listing {
    fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
            selected: RwSignal::new(Vec::new()),
        }
    }

    /// Loads the first page for `filters` (`fresh`), or the next one.
    fn load(self, session: Session, filters: Filters, fresh: bool) {
        let after = if fresh {
            self.generation.update_value(|g| *g += 1);
            self.selected.set(Vec::new());
            None
        } else {
            match self.next.get_untracked() {
                Some(cursor) => Some(cursor),
                None => return,
            }
        };
        let generation = self.generation.get_value();
        self.loading.set(true);
        self.error.set(None);
        spawn_local(async move {
            let result = calls::page(session, filters, after).await;
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok((rows, next)) => {
                    if fresh {
                        self.rows.try_set(rows);
                    } else {
                        self.rows.try_update(|r| r.extend(rows));
                    }
                    self.next.try_set(next);
                }
                Err(e) => {
                    self.error.try_set(Some(e.to_string()));
                }
            }
            self.loading.try_set(false);
        });
    }
}

/// The library page.
#[component]
pub fn LibraryPage() -> impl IntoView {
    crate::pages::set_title(Shell::Library.text(locale()));
    let session = use_session();
    let choices = LocalResource::new(move || calls::choices(session));
    view! {
        <section class="library" id="library">
            <h2>{t(Shell::Library)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        choices.await.map(|choices| view! { <Library session choices /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The filters, the bulk bar and the table, once the choices are known.
#[component]
fn Library(session: Session, choices: Choices) -> impl IntoView {
    let filters = RwSignal::new(Filters::default());
    let listing = Listing::new();
    // A new filter or sort starts the list again.
    Effect::new(move |_| listing.load(session, filters.get(), true));
    let reload = Callback::new(move |()| listing.load(session, filters.get_untracked(), true));
    let more = move |_| listing.load(session, filters.get_untracked(), false);
    let kind = Signal::derive(move || filters.with(|f| f.kind));
    view! {
        <FilterBar choices=choices.clone() filters />
        <BulkBar session choices listing kind reload />
        {move || listing.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <LibraryTable listing kind />
        {move || listing.loading.get().then(|| view! { <Loading /> })}
        {move || (listing.next.get().is_some() && !listing.loading.get()).then(|| view! {
            <button type="button" id="library-more" on:click=more>{t(L::LoadMore)}</button>
        })}
    }
}
