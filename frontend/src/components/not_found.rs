use leptos::prelude::*;

use crate::i18n::site::{Missing, Site, not_found};
use crate::i18n::{locale, t};

/// The "not found" view: for unknown addresses and for items that do not exist or are not
/// public.
#[component]
pub fn NotFound(
    /// What was not found.
    what: Missing,
) -> impl IntoView {
    view! {
        <section class="not-found" id="not-found">
            <h2>{move || not_found(locale(), what)}</h2>
            <p>{t(Site::NotFoundHelp)}</p>
            <p>
                <a href="/">{t(Site::BackHome)}</a>
            </p>
        </section>
    }
}
