use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::{NotFound, ServerVersion, SiteHeader};
use crate::api::discovery::TopicKind;
use crate::i18n::site::Missing;
use crate::i18n::{LanguageSwitch, provide_i18n};
use crate::pages::{
    ChannelPage, EpisodePage, HistoryPage, HomePage, PlaylistPage, PodcastPage, PopularPage,
    SearchPage, SettingsPage, SignUpPage, SubscriptionsPage, TopicPage, TrendingPage,
    ViewerSignInPage, WatchPage,
};
use crate::session::Session;

/// The whole app: header, the page the address names, and a footer naming the server's version.
///
/// The app is built twice (see `frontend/index.html` and `frontend/admin.html`): the viewer
/// pages alone, which the server sends for every public address, and the same with the admin
/// app (the `admin` feature), sent only under `/admin`. So a viewer never downloads the admin
/// app; in the viewer build the `/admin` routes only load the admin build.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::new());
    provide_i18n();
    view! {
        <Router>
            <SiteHeader />
            <main class="content" id="content">
                <Routes fallback=|| view! { <NotFound what=Missing::Page /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/watch/:id") view=WatchPage />
                    <Route path=path!("/channels/:slug") view=ChannelPage />
                    <Route path=path!("/podcasts/:channel/:slug") view=PodcastPage />
                    <Route path=path!("/search") view=SearchPage />
                    <Route path=path!("/tags/:slug") view=|| view! { <TopicPage kind=TopicKind::Tag /> } />
                    <Route
                        path=path!("/categories/:slug")
                        view=|| view! { <TopicPage kind=TopicKind::Category /> }
                    />
                    <Route path=path!("/trending") view=TrendingPage />
                    <Route path=path!("/popular") view=PopularPage />
                    <Route path=path!("/playlists/:id") view=PlaylistPage />
                    <Route path=path!("/episodes/:id") view=EpisodePage />
                    <Route path=path!("/signin") view=ViewerSignInPage />
                    <Route path=path!("/signup") view=SignUpPage />
                    <Route path=path!("/subscriptions") view=SubscriptionsPage />
                    <Route path=path!("/history") view=HistoryPage />
                    <Route path=path!("/settings") view=SettingsPage />
                    <AdminRoutes />
                </Routes>
            </main>
            <footer class="site-footer">
                <ServerVersion />
                <LanguageSwitch />
            </footer>
        </Router>
    }
}

#[cfg(feature = "admin")]
use crate::admin::AdminRoutes;

/// In the viewer build, `/admin` and everything under it: the page is loaded again from the
/// server, which sends the build that has the admin app.
#[cfg(not(feature = "admin"))]
#[component(transparent)]
fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::ParentRoute;
    view! {
        <ParentRoute path=path!("/admin") view=LoadAdminApp>
            <Route path=path!("") view=|| () />
            <Route path=path!("*any") view=|| () />
        </ParentRoute>
    }
    .into_inner()
}

/// Reloads the current address (an `/admin` one) from the server.
#[cfg(not(feature = "admin"))]
#[component]
fn LoadAdminApp() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    view! { <crate::components::Loading /> }
}
