use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use super::{NotFound, ServerVersion, SiteHeader};
use crate::admin::session::Session;
use crate::admin::{
    AdminShell, DashboardPage, EditEpisodePage, EditPodcastPage, EditVideoPage, LibraryPage,
    NewPodcastPage, NewVideoPage, SignInPage,
};
use crate::admin::{
    ManageChannelPage, ManageChannelsPage, ManagePlaylistPage, ManagePlaylistsPage, TaxonomyPage,
    TokensPage, UsersPage,
};
use crate::i18n::site::Missing;
use crate::i18n::{LanguageSwitch, provide_i18n};
use crate::pages::{
    ChannelPage, EpisodePage, HomePage, PlaylistPage, PodcastPage, SearchPage, WatchPage,
};

/// The whole app: header, the page the address names, and a footer naming the server's version.
/// The viewer pages are public; everything under `/admin` is for signed-in editors.
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
                    <Route path=path!("/playlists/:id") view=PlaylistPage />
                    <Route path=path!("/episodes/:id") view=EpisodePage />
                    <Route path=path!("/admin/sign-in") view=SignInPage />
                    <ParentRoute path=path!("/admin") view=AdminShell>
                        <Route path=path!("") view=DashboardPage />
                        <Route path=path!("library") view=LibraryPage />
                        <Route path=path!("videos/new") view=NewVideoPage />
                        <Route path=path!("videos/:id") view=EditVideoPage />
                        <Route path=path!("podcasts/new") view=NewPodcastPage />
                        <Route path=path!("podcasts/:id") view=EditPodcastPage />
                        <Route path=path!("episodes/:id") view=EditEpisodePage />
                        <Route path=path!("users") view=UsersPage />
                        <Route path=path!("tokens") view=TokensPage />
                        <Route path=path!("channels") view=ManageChannelsPage />
                        <Route path=path!("channels/:id") view=ManageChannelPage />
                        <Route path=path!("playlists") view=ManagePlaylistsPage />
                        <Route path=path!("playlists/:id") view=ManagePlaylistPage />
                        <Route path=path!("taxonomy") view=TaxonomyPage />
                    </ParentRoute>
                </Routes>
            </main>
            <footer class="site-footer">
                <ServerVersion />
                <LanguageSwitch />
            </footer>
        </Router>
    }
}
