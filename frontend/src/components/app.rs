use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::{NotFound, ServerVersion, SiteHeader};
use crate::pages::{ChannelPage, HomePage, PodcastPage, SearchPage, WatchPage};

/// The whole app: header, the page the address names, and a footer naming the server's version.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <SiteHeader />
            <main class="content" id="content">
                <Routes fallback=|| view! { <NotFound what="page" /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/watch/:id") view=WatchPage />
                    <Route path=path!("/channels/:slug") view=ChannelPage />
                    <Route path=path!("/podcasts/:channel/:slug") view=PodcastPage />
                    <Route path=path!("/search") view=SearchPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <ServerVersion />
            </footer>
        </Router>
    }
}
