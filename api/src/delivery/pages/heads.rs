//! What an item page's head tells: the item looked up as the public viewer (a hidden or
//! missing one says so), then its title, description, picture, player and structured data.

use chrono::{DateTime, Utc};
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Head;
use crate::channels::entity::channel;
use crate::delivery::outputs::{Outputs, of_assets};
use crate::delivery::urls::{self, Grant, MediaUrls};
use crate::error::AppResult;
use crate::playlists::entity::playlist;
use crate::podcasts::entity::podcast;
use crate::state::Ctx;
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// Player size announced to unfurlers when the renditions do not say (16:9).
const DEFAULT_SIZE: (i32, i32) = (640, 360);
/// Longest meta description, in characters.
const DESCRIPTION_CHARS: usize = 300;

/// `Some(Some(head))` for a page of a visible item, `Some(None)` for a page of an item the
/// public may not see (or that does not exist), `None` for paths that are not item pages.
pub async fn page_head(ctx: &Ctx, path: &str) -> AppResult<Option<Option<Head>>> {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let head = match parts.as_slice() {
        ["watch", id] => match Uuid::try_parse(id) {
            Ok(id) => video_head(ctx, id).await?,
            Err(_) => None,
        },
        ["channels", slug] => channel_head(ctx, slug).await?,
        ["playlists", id] => match Uuid::try_parse(id) {
            Ok(id) => playlist_head(ctx, id).await?,
            Err(_) => None,
        },
        ["podcasts", channel, slug] => podcast_head(ctx, channel, slug).await?,
        ["episodes", id] => match Uuid::try_parse(id) {
            Ok(id) => episode_head(ctx, id).await?,
            Err(_) => None,
        },
        _ => return Ok(None),
    };
    Ok(Some(head))
}

/// `PT1H2M3S` (ISO 8601) for a duration in seconds.
pub fn iso_duration(secs: f64) -> String {
    let total = secs.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

fn short(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text;
    }
    let mut out: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
    out.push('…');
    out
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn picture(ctx: &Ctx, asset: Uuid) -> String {
    MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public).url("source")
}

/// Facts about a public video used by its page and the sitemap.
#[derive(Debug)]
pub struct VideoFacts {
    /// Poster URL (editor's upload, else the transcode's).
    pub poster: Option<String>,
    /// HLS playlist URL.
    pub content: Option<String>,
    /// Largest rendition size.
    pub size: (i32, i32),
}

/// Poster, stream and size of a video the public may see (URLs unsigned: it is public).
pub async fn video_facts(
    ctx: &Ctx,
    video: &crate::videos::entity::video::Model,
    outputs: Option<Outputs>,
) -> AppResult<VideoFacts> {
    let outputs = match (outputs, video.source_asset_id) {
        (Some(o), _) => Some(o),
        (None, Some(asset)) => {
            let mut rows = of_assets(&ctx.db, vec![asset]).await?;
            Some(Outputs::new(asset, rows.remove(&asset).unwrap_or_default()))
        }
        (None, None) => None,
    };
    let media = match (&outputs, video.source_asset_id) {
        (Some(o), Some(asset)) => Some(o.video_media(&MediaUrls::new(
            &ctx.config,
            &ctx.delivery.signer,
            asset,
            Grant::Public,
        ))),
        _ => None,
    };
    let size = media
        .as_ref()
        .and_then(|m| {
            m.renditions
                .iter()
                .filter_map(|r| Some((r.width?, r.height?)))
                .max()
        })
        .unwrap_or(DEFAULT_SIZE);
    let poster = match video.poster_asset_id {
        Some(asset) => Some(picture(ctx, asset)),
        None => media.as_ref().and_then(|m| {
            m.poster_url.clone().or_else(|| {
                m.thumbnails
                    .iter()
                    .max_by_key(|p| p.width)
                    .map(|p| p.url.clone())
            })
        }),
    };
    Ok(VideoFacts {
        poster,
        content: media.and_then(|m| m.hls_url),
        size,
    })
}

async fn video_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(video) = crate::content::find::<video::Entity>(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let channel = channel::Entity::find_by_id(video.channel_id)
        .one(&ctx.db)
        .await?;
    let facts = video_facts(ctx, &video, None).await?;
    let watch = urls::watch(&ctx.config, video.id);
    let embed = urls::embed(&ctx.config, video.id);
    let listed = video.visibility == crate::visibility::Visibility::Public.as_str();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": video.title,
        "description": if video.description.is_empty() { video.title.clone() } else { short(&video.description) },
        "url": watch,
        "embedUrl": embed,
    });
    if let Some(p) = &facts.poster {
        ld["thumbnailUrl"] = json!([p]);
    }
    if let Some(t) = rfc3339(video.publish_at) {
        ld["uploadDate"] = json!(t);
    }
    if let Some(d) = video.duration_secs {
        ld["duration"] = json!(iso_duration(d));
    }
    if let Some(c) = &facts.content {
        ld["contentUrl"] = json!(c);
    }
    if let Some(c) = &channel {
        ld["author"] = json!({
            "@type": "Person",
            "name": c.name,
            "url": urls::channel_page(&ctx.config, &c.slug),
        });
    }
    ld["interactionStatistic"] = json!({
        "@type": "InteractionCounter",
        "interactionType": { "@type": "WatchAction" },
        "userInteractionCount": video.view_count,
    });
    Ok(Some(Head {
        title: video.title.clone(),
        description: short(&video.description),
        oembed: Some(urls::oembed(&ctx.config, &watch)),
        canonical: watch,
        og_type: "video.other",
        image: facts.poster,
        player: Some((embed, facts.size.0, facts.size.1)),
        json_ld: Some(ld),
        noindex: !listed,
    }))
}

async fn channel_head(ctx: &Ctx, slug: &str) -> AppResult<Option<Head>> {
    let Some(c) = crate::channels::service::find_by_slug(&ctx.db, slug).await? else {
        return Ok(None);
    };
    let url = urls::channel_page(&ctx.config, &c.slug);
    let image = c.avatar_asset_id.map(|a| picture(ctx, a));
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": c.name,
        "url": url,
    });
    if let Some(i) = &image {
        ld["logo"] = json!(i);
    }
    Ok(Some(Head {
        title: c.name.clone(),
        description: short(&c.description),
        canonical: url,
        og_type: "profile",
        image,
        json_ld: Some(ld),
        ..Head::default()
    }))
}

async fn playlist_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(p) = crate::content::find::<playlist::Entity>(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let url = urls::playlist_page(&ctx.config, p.id);
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": p.title,
        "url": url,
    });
    Ok(Some(Head {
        title: p.title.clone(),
        description: short(&p.description),
        canonical: url,
        og_type: "website",
        json_ld: Some(ld),
        noindex: p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

fn podcast_ld(ctx: &Ctx, p: &podcast::Model, channel_slug: &str) -> Value {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": p.title,
        "description": short(&p.description),
        "url": urls::podcast_page(&ctx.config, channel_slug, &p.slug),
        "webFeed": urls::podcast_feed(&ctx.config, channel_slug, &p.slug),
    });
    if !p.author.is_empty() {
        ld["author"] = json!({ "@type": "Person", "name": p.author });
    }
    if let Some(a) = p.artwork_asset_id {
        ld["image"] = json!(picture(ctx, a));
    }
    ld
}

async fn podcast_head(ctx: &Ctx, channel_slug: &str, slug: &str) -> AppResult<Option<Head>> {
    let Some(p) = crate::content::find_by_slug::<podcast::Entity>(
        &ctx.db,
        &Viewer::Public,
        channel_slug,
        slug,
    )
    .await?
    else {
        return Ok(None);
    };
    let url = urls::podcast_page(&ctx.config, channel_slug, &p.slug);
    Ok(Some(Head {
        title: p.title.clone(),
        description: short(&p.description),
        canonical: url,
        og_type: "website",
        image: p.artwork_asset_id.map(|a| picture(ctx, a)),
        json_ld: Some(podcast_ld(ctx, &p, channel_slug)),
        noindex: p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

async fn episode_head(ctx: &Ctx, id: Uuid) -> AppResult<Option<Head>> {
    let Some(e) = crate::podcasts::service::find_episode(&ctx.db, &Viewer::Public, id).await?
    else {
        return Ok(None);
    };
    let Some(p) = podcast::Entity::find_by_id(e.podcast_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(c) = channel::Entity::find_by_id(p.channel_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let url = urls::episode_page(&ctx.config, e.id);
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": e.title,
        "description": short(&e.description),
        "url": url,
        "partOfSeries": podcast_ld(ctx, &p, &c.slug),
    });
    if let Some(t) = rfc3339(e.publish_at) {
        ld["datePublished"] = json!(t);
    }
    if let Some(d) = e.duration_secs {
        ld["timeRequired"] = json!(iso_duration(d));
    }
    if let Some(asset) = e.media_asset_id {
        let mut rows = of_assets(&ctx.db, vec![asset]).await?;
        let urls = MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public);
        if let Some(enc) = Outputs::new(asset, rows.remove(&asset).unwrap_or_default())
            .episode_media(&urls)
            .enclosure
        {
            ld["associatedMedia"] = json!({
                "@type": "MediaObject",
                "contentUrl": enc.url,
                "encodingFormat": enc.mime_type,
            });
        }
    }
    Ok(Some(Head {
        title: e.title.clone(),
        description: short(&e.description),
        canonical: url,
        og_type: "music.song",
        image: p.artwork_asset_id.map(|a| picture(ctx, a)),
        json_ld: Some(ld),
        noindex: e.visibility != crate::visibility::Visibility::Public.as_str()
            || p.visibility != crate::visibility::Visibility::Public.as_str(),
        ..Head::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(iso_duration(0.0), "PT0S");
        assert_eq!(iso_duration(65.4), "PT1M5S");
        assert_eq!(iso_duration(3600.0), "PT1H");
        assert_eq!(iso_duration(3725.0), "PT1H2M5S");
    }
}
