use leptos::prelude::*;

/// What a page shows while its data is on the way.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            "Loading…"
        </p>
    }
}
