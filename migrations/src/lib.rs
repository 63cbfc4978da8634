//! Schema migrations, written with sea-query's builder so one definition runs on SQLite and
//! PostgreSQL. `projector serve` applies them at start; `projector migrate` applies them on demand.

pub use sea_orm_migration::prelude::*;

mod m0001_accounts;
mod m0002_catalogue;
mod m0003_media;
mod m0004_transcode;
mod m0005_podcast_locked;
mod m0006_lifecycle;
mod m0007_view_dedupe;
mod m0008_user_admin;
mod m0009_viewer;
mod m0010_episode_chapters;
mod m0011_community;
mod m0012_comments;
mod m0013_user_avatar;
mod m0014_webhooks;
mod m0015_playback_restrictions;
mod m0016_token_scopes;
mod m0017_rate_limits;
mod m0018_playback_keys;
mod m0019_direct_uploads;
mod m0020_downloads;
mod m0021_webhook_disabled_at;

/// The ordered list of every migration.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_accounts::Migration),
            Box::new(m0002_catalogue::Migration),
            Box::new(m0003_media::Migration),
            Box::new(m0004_transcode::Migration),
            Box::new(m0005_podcast_locked::Migration),
            Box::new(m0006_lifecycle::Migration),
            Box::new(m0007_view_dedupe::Migration),
            Box::new(m0008_user_admin::Migration),
            Box::new(m0009_viewer::Migration),
            Box::new(m0010_episode_chapters::Migration),
            Box::new(m0011_community::Migration),
            Box::new(m0012_comments::Migration),
            Box::new(m0013_user_avatar::Migration),
            Box::new(m0014_webhooks::Migration),
            Box::new(m0015_playback_restrictions::Migration),
            Box::new(m0016_token_scopes::Migration),
            Box::new(m0017_rate_limits::Migration),
            Box::new(m0018_playback_keys::Migration),
            Box::new(m0019_direct_uploads::Migration),
            Box::new(m0020_downloads::Migration),
            Box::new(m0021_webhook_disabled_at::Migration),
        ]
    }
}
