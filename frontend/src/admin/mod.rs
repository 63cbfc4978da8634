//! The editors' admin app under `/admin`: sign-in, the dashboard of the channels one manages,
//! new videos with resumable uploads, the video editor, and podcasts with their episodes. It
//! talks to the same GraphQL API as the viewer pages, as the signed-in user (see [`session`]),
//! and uploads media with tus ([`tus`]).

pub mod api;
pub mod podcast_api;
pub use crate::session;
pub mod tus;

mod channel_downloads;
mod channel_playback;
mod channels;
mod dashboard;
mod drop_uploads;
mod edit_episode;
mod edit_podcast;
mod episode_type;
mod feed_preview;
mod library;
mod live;
mod moderation;
mod moderation_bans;
mod new_podcast;
mod new_video;
mod notices;
mod playback;
mod playback_keys;
mod playlists;
mod podcast_apple;
mod routes;
mod shell;
mod sign_in;
mod site_kit;
mod site_nav;
mod state_badge;
mod taxonomy;
mod tokens;
mod upload_panel;
mod users;
mod video_editor;
mod views_chart;
mod webhooks;

pub use channels::{ManageChannelPage, ManageChannelsPage};
pub use dashboard::DashboardPage;
pub use edit_episode::EditEpisodePage;
pub use edit_podcast::EditPodcastPage;
pub use library::LibraryPage;
pub use moderation::ModerationPage;
pub use new_podcast::NewPodcastPage;
pub use new_video::NewVideoPage;
pub use playback_keys::PlaybackKeysPage;
pub use playlists::{ManagePlaylistPage, ManagePlaylistsPage};
pub use routes::AdminRoutes;
pub use shell::AdminShell;
pub use sign_in::SignInPage;
pub use state_badge::StateBadge;
pub use taxonomy::TaxonomyPage;
pub use tokens::TokensPage;
pub use upload_panel::UploadPanel;
pub use users::UsersPage;
pub use video_editor::EditVideoPage;
pub use webhooks::WebhooksPage;

use crate::dom::{checked, chosen_file};

/// The admin path of a video's edit page.
pub fn edit_path(uuid: &str) -> String {
    format!("/admin/videos/{uuid}")
}

/// The admin path of a podcast's page (by global ID).
pub fn podcast_path(id: &str) -> String {
    format!("/admin/podcasts/{id}")
}

/// The admin path of an episode's edit page (by global ID).
pub fn episode_path(id: &str) -> String {
    format!("/admin/episodes/{id}")
}

/// The value of a form control by id (`input`, `textarea` or `select`), or `""`.
fn field(id: &str) -> String {
    use wasm_bindgen::JsCast;
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return String::new();
    };
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.value()
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}
