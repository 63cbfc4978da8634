//! Absolute URLs the API hands out: media (plain for public items, signed for private ones),
//! the embed page, oEmbed and feeds. Everything that names a media URL goes through here, so
//! switching the storage backend or the S3 delivery mode changes no stored data.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::config::Config;
use crate::visibility::{Status, Visibility};

use super::sign::Signer;

/// How a media URL lets its bearer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// The item is public (or unlisted): a plain, cacheable URL.
    Public,
    /// The item is private: a signed URL, valid for `delivery.signed_url_ttl_secs`.
    Signed,
}

/// `config.public_url` without its trailing slash.
pub fn base(config: &Config) -> &str {
    config.public_url.as_str().trim_end_matches('/')
}

/// Whether the public may read an item with these facts right now: the same rule as
/// [`crate::visibility`]'s conditions (media ready, public or unlisted, published and inside
/// the window), for items already loaded.
pub fn publicly_readable(
    status: &str,
    visibility: &str,
    publish_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == Status::Ready.as_str()
        && visibility != Visibility::Private.as_str()
        && publish_at.is_some_and(|t| t <= now)
        && unpublish_at.is_none_or(|t| t > now)
}

/// Builds media URLs for one asset.
#[derive(Debug)]
pub struct MediaUrls {
    prefix: String,
}

impl MediaUrls {
    /// URLs of `asset`'s objects, granted as `grant`.
    pub fn new(config: &Config, signer: &Signer, asset: Uuid, grant: Grant) -> Self {
        let scope = match grant {
            Grant::Public => "p".to_string(),
            Grant::Signed => signer.token(asset, signed_expiry(config, Utc::now().timestamp())),
        };
        Self {
            prefix: format!("{}/media/{scope}/{asset}/", base(config)),
        }
    }

    /// The URL of the object at `path` under the asset.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }
}

/// The expiry of a token issued at `now`: at least the configured lifetime, rounded up to the
/// next 10 minutes so a page reloaded soon after gets the same (cacheable) URLs.
pub fn signed_expiry(config: &Config, now: i64) -> i64 {
    const STEP: i64 = 600;
    let ttl = i64::try_from(config.delivery.signed_url_ttl_secs).unwrap_or(i64::MAX / 4);
    let at = now.saturating_add(ttl.max(60));
    (at + STEP - 1) / STEP * STEP
}

/// The path of an output below its asset, from its storage key (`ab/cd/<asset>/<path>`).
pub fn output_path(storage_key: &str, asset: Uuid) -> Option<&str> {
    let marker = format!("/{asset}/");
    storage_key
        .find(&marker)
        .map(|i| &storage_key[i + marker.len()..])
}

/// The embed page of a video.
pub fn embed(config: &Config, video: Uuid) -> String {
    format!("{}/embed/{video}", base(config))
}

/// The watch page of a video (the web app's route; oEmbed accepts it and the embed URL).
pub fn watch(config: &Config, video: Uuid) -> String {
    format!("{}/watch/{video}", base(config))
}

/// The page of a channel in the web app.
pub fn channel_page(config: &Config, slug: &str) -> String {
    format!("{}/channels/{slug}", base(config))
}

/// The page of a podcast in the web app (podcast slugs are unique within their channel).
pub fn podcast_page(config: &Config, channel_slug: &str, slug: &str) -> String {
    format!("{}/podcasts/{channel_slug}/{slug}", base(config))
}

/// The oEmbed endpoint for `url`.
pub fn oembed(config: &Config, url: &str) -> String {
    let mut u = config.public_url.clone();
    u.set_path("/oembed");
    u.query_pairs_mut()
        .append_pair("url", url)
        .append_pair("format", "json");
    u.to_string()
}

/// The RSS feed of a podcast.
pub fn podcast_feed(config: &Config, channel_slug: &str, slug: &str) -> String {
    format!("{}/feeds/podcasts/{channel_slug}/{slug}.xml", base(config))
}

/// The RSS feed of a channel.
pub fn channel_feed(config: &Config, slug: &str) -> String {
    format!("{}/feeds/channels/{slug}.xml", base(config))
}
