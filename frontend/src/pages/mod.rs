//! The app's pages, one per route (see `components::App`).

mod account;
mod channel;
mod episode;
mod home;
mod library;
mod listing;
mod playlist;
mod podcast;
mod search;
mod settings;
mod topics;
mod watch;

pub use account::{SignUpPage, ViewerSignInPage};
pub use channel::ChannelPage;
pub use episode::EpisodePage;
pub use home::HomePage;
pub use library::{HistoryPage, SubscriptionsPage};
pub use playlist::PlaylistPage;
pub use podcast::PodcastPage;
pub use search::SearchPage;
pub use settings::SettingsPage;
pub use topics::{PopularPage, TopicPage, TrendingPage};
pub use watch::WatchPage;

/// Names the page in the browser's tab and history (`""`: just the site's name).
pub(crate) fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if title.is_empty() {
            document.set_title("Projector");
        } else {
            document.set_title(&format!("{title} · Projector"));
        }
    }
}
