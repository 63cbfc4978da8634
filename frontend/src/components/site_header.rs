use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::AccountMenu;
use crate::i18n::site::Site;
use crate::i18n::t;

/// The banner at the top of every page: the site's name (a link home), the search box, the
/// account menu ("Sign in" for a visitor) and the way into the admin app.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let query = use_query_map();
    let current = move || query.read().get("q").unwrap_or_default();
    let input = NodeRef::<html::Input>::new();
    let navigate = use_navigate();
    // A plain GET form that the router takes over, so the address reads `/search?q=...` and
    // nothing else (the router's `<Form>` also sends the nameless submit button).
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = input.get().map(|i| i.value()).unwrap_or_default();
        let q = String::from(js_sys::encode_uri_component(q.trim()));
        navigate(&format!("/search?q={q}"), NavigateOptions::default());
    };
    view! {
        <header class="site-header">
            <a class="skip-link" href="#content">
                {t(Site::SkipToContent)}
            </a>
            <h1>
                <a href="/">"Projector"</a>
            </h1>
            <form action="/search" method="get" role="search" on:submit=on_submit>
                <div class="search-box">
                    <label for="search-q" class="visually-hidden">
                        {t(Site::SearchLabel)}
                    </label>
                    <input
                        id="search-q"
                        type="search"
                        name="q"
                        placeholder=t(Site::Search)
                        node_ref=input
                        prop:value=current
                        required
                    />
                    <button type="submit">{t(Site::Search)}</button>
                </div>
            </form>
            <AccountMenu />
            <a class="admin-link" href="/admin">
                {t(Site::Admin)}
            </a>
        </header>
    }
}
