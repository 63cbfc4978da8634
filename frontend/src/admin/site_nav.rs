//! The admin bar's links to the pages that run the site.

use crate::i18n::admin::shell::Shell;
use crate::i18n::t;
use leptos::prelude::*;

use super::session::{AuthState, Session};

/// Links to the site pages; users, categories and tags, webhooks and playback keys only for
/// admins (the API refuses anyone else).
pub(super) fn links(session: Session) -> impl IntoView {
    let is_admin =
        move || matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN");
    view! {
        <a href="/admin/channels" id="nav-channels">{t(Shell::Channels)}</a>
        <a href="/admin/playlists" id="nav-playlists">{t(Shell::Playlists)}</a>
        <a href="/admin/tokens" id="nav-tokens">{t(Shell::ApiTokens)}</a>
        {super::moderation::nav_link(session)}
        <Show when=is_admin>
            <a href="/admin/users" id="nav-users">{t(Shell::Users)}</a>
            <a href="/admin/taxonomy" id="nav-taxonomy">{t(Shell::Taxonomy)}</a>
            <a href="/admin/webhooks" id="nav-webhooks">{t(Shell::Webhooks)}</a>
            <a href="/admin/playback-keys" id="nav-playback-keys">{t(Shell::PlaybackKeys)}</a>
        </Show>
    }
}
