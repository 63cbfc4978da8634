use leptos::prelude::*;

use crate::i18n::site::Site;
use crate::i18n::t;

/// What a page shows while its data is on the way.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            {t(Site::Loading)}
        </p>
    }
}
