//! Absolute URLs the API hands out: media (plain for public items, signed for private ones),
//! the watch, episode and playlist pages, their embed pages and iframe snippets, oEmbed and
//! feeds. Everything that names a media URL goes through here, so
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
    /// `?token=…` of playback-token URLs, else empty.
    suffix: String,
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
            suffix: String::new(),
        }
    }

    /// URLs of `video`'s media carrying a playback token (`/media/v/{video}/…?token=…`; see
    /// [`super::playback`]). The token is one the server checked: base64url and dots only.
    pub fn with_token(config: &Config, video: Uuid, token: &str) -> Self {
        Self {
            prefix: format!("{}/media/v/{video}/", base(config)),
            suffix: format!("?token={token}"),
        }
    }

    /// The URL of the object at `path` under the asset.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}{}", self.prefix, self.suffix)
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

/// The page of an episode in the web app.
pub fn episode_page(config: &Config, episode: Uuid) -> String {
    format!("{}/episodes/{episode}", base(config))
}

/// The page of a playlist in the web app.
pub fn playlist_page(config: &Config, playlist: Uuid) -> String {
    format!("{}/playlists/{playlist}", base(config))
}

/// The embed page of an episode (an audio player).
pub fn episode_embed(config: &Config, episode: Uuid) -> String {
    format!("{}/embed/episodes/{episode}", base(config))
}

/// The embed page of a playlist (a video player that moves on through the items).
pub fn playlist_embed(config: &Config, playlist: Uuid) -> String {
    format!("{}/embed/playlists/{playlist}", base(config))
}

/// Widths an embed snippet may ask for, in CSS pixels.
pub const EMBED_WIDTHS: std::ops::RangeInclusive<i32> = 100..=3840;
/// Heights an embed snippet may ask for, in CSS pixels.
pub const EMBED_HEIGHTS: std::ops::RangeInclusive<i32> = 50..=2160;

/// The `<iframe>` that embeds the page at `src`, every value escaped. oEmbed and the API's
/// `embedHtml` fields both write it, so the two never differ.
pub fn iframe(src: &str, width: u32, height: u32, title: &str) -> String {
    use super::embed::html_escape;
    format!(
        "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" frameborder=\"0\" \
         allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen title=\"{}\"></iframe>",
        html_escape(src),
        html_escape(title)
    )
}

/// [`iframe`] at a size a caller asked for: `VALIDATION` outside [`EMBED_WIDTHS`] and
/// [`EMBED_HEIGHTS`].
pub fn sized_iframe(
    src: &str,
    width: i32,
    height: i32,
    title: &str,
) -> crate::error::AppResult<String> {
    use crate::error::AppError;
    let bounded = |value: i32, range: &std::ops::RangeInclusive<i32>, name: &str| {
        if range.contains(&value) {
            u32::try_from(value).map_err(|_| AppError::validation(format!("{name} is negative")))
        } else {
            Err(AppError::validation(format!(
                "{name} must be between {} and {} pixels, not {value}",
                range.start(),
                range.end()
            )))
        }
    };
    let w = bounded(width, &EMBED_WIDTHS, "width")?;
    let h = bounded(height, &EMBED_HEIGHTS, "height")?;
    Ok(iframe(src, w, h, title))
}

/// The page of a channel in the web app.
pub fn channel_page(config: &Config, slug: &str) -> String {
    format!("{}/channels/{slug}", base(config))
}

/// The page of a podcast in the web app (podcast slugs are unique within their channel).
pub fn podcast_page(config: &Config, channel_slug: &str, slug: &str) -> String {
    format!("{}/podcasts/{channel_slug}/{slug}", base(config))
}

/// The oEmbed endpoint for `url`, in JSON.
pub fn oembed(config: &Config, url: &str) -> String {
    oembed_as(config, url, "json")
}

/// The oEmbed endpoint for `url`, in XML.
pub fn oembed_xml(config: &Config, url: &str) -> String {
    oembed_as(config, url, "xml")
}

fn oembed_as(config: &Config, url: &str, format: &str) -> String {
    let mut u = config.public_url.clone();
    u.set_path("/oembed");
    u.query_pairs_mut()
        .append_pair("url", url)
        .append_pair("format", format);
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
