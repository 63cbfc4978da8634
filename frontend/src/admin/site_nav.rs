//! The admin bar's links to the pages that run the site.

use leptos::prelude::*;

use super::session::{AuthState, Session};

/// Links to the site pages; users, categories and tags only for admins.
pub(super) fn links(session: Session) -> impl IntoView {
    let is_admin =
        move || matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN");
    view! {
        <a href="/admin/channels" id="nav-channels">"Channels"</a>
        <a href="/admin/playlists" id="nav-playlists">"Playlists"</a>
        <a href="/admin/tokens" id="nav-tokens">"API tokens"</a>
        <Show when=is_admin>
            <a href="/admin/users" id="nav-users">"Users"</a>
            <a href="/admin/taxonomy" id="nav-taxonomy">"Categories and tags"</a>
        </Show>
    }
}
