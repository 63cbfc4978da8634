use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route};
use leptos_router::path;

use super::{
    AdminShell, DashboardPage, EditEpisodePage, EditPodcastPage, EditVideoPage, LibraryPage,
    ManageChannelPage, ManageChannelsPage, ManagePlaylistPage, ManagePlaylistsPage, ModerationPage,
    NewPodcastPage, NewVideoPage, PlaybackKeysPage, SignInPage, TaxonomyPage, TokensPage,
    UsersPage, WebhooksPage,
};

/// Every page of the admin app, under `/admin`.
#[component(transparent)]
pub fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
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
            <Route path=path!("moderation") view=ModerationPage />
            <Route path=path!("webhooks") view=WebhooksPage />
            <Route path=path!("playback-keys") view=PlaybackKeysPage />
        </ParentRoute>
    }
    .into_inner()
}
