//! The app's components, one per file.

mod app;
mod comments;
mod community;
mod error_notice;
mod loading;
mod not_found;
mod podcast_card;
mod server_version;
mod site_header;
mod video_card;
mod video_player;

pub use app::App;
pub use comments::CommentsSection;
pub use community::{AccountMenu, LikeButton, SubscribeButton, sign_in_path};
pub use error_notice::ErrorNotice;
pub use loading::Loading;
pub use not_found::NotFound;
pub use podcast_card::PodcastCard;
pub use server_version::ServerVersion;
pub use site_header::SiteHeader;
pub use video_card::VideoCard;
pub use video_player::VideoPlayer;
