//! The app's components, one per file.

mod app;
mod server_version;
mod site_header;

pub use app::App;
pub use server_version::ServerVersion;
pub use site_header::SiteHeader;
