use leptos::prelude::*;

/// The banner at the top of every page.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <h1>"Projector"</h1>
        </header>
    }
}
