use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The banner at the top of every page: the site's name (a link home) and the search box.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let query = use_query_map();
    let current = move || query.read().get("q").unwrap_or_default();
    view! {
        <header class="site-header">
            <a class="skip-link" href="#content">"Skip to content"</a>
            <h1>
                <a href="/">"Projector"</a>
            </h1>
            <Form action="/search" method="get">
                <div class="search-box" role="search">
                    <label for="search-q" class="visually-hidden">"Search videos and podcasts"</label>
                    <input
                        id="search-q"
                        type="search"
                        name="q"
                        placeholder="Search"
                        prop:value=current
                        required
                    />
                    <button type="submit">"Search"</button>
                </div>
            </Form>
        </header>
    }
}
