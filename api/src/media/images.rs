//! Small pictures sent with GraphQL multipart requests: video posters, channel avatars and
//! banners, podcast artwork. Checked by their bytes (never by name or declared type), sized,
//! then decoded whole (with limits against decompression bombs) and re-encoded, so what is
//! stored and served is only ever a picture this server wrote: nothing appended after the
//! image data, no metadata (camera, GPS) from the uploader's file. Stored as assets under
//! hashed keys, and swapped in place of the previous picture.

use std::sync::Arc;

use async_graphql::Enum;
use chrono::Utc;
use sea_orm::{ActiveModelTrait as _, EntityTrait as _, IntoActiveModel as _, Set};
use uuid::Uuid;

use super::entity::media_asset;
use super::key::ObjectKey;
use crate::error::{AppError, AppResult};
use crate::state::Ctx;
use crate::visibility::{self, Viewer};

/// Where a picture goes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImageTarget {
    /// A video's poster (replaces the generated one).
    VideoPoster,
    /// A channel's avatar.
    ChannelAvatar,
    /// A channel's banner.
    ChannelBanner,
    /// A podcast's cover art: a square JPEG or PNG of 1400×1400 to 3000×3000 pixels (Apple
    /// Podcasts' rule; anything else is `VALIDATION`).
    PodcastArtwork,
    /// A user's avatar, shown beside their name: the caller's own (admins: anyone's).
    UserAvatar,
}

/// A recognised picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    /// MIME type.
    pub mime: &'static str,
    /// File extension.
    pub ext: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Largest side accepted, in pixels.
const MAX_SIDE: u32 = 8192;
/// Smallest side accepted, in pixels.
const MIN_SIDE: u32 = 16;

/// Recognises JPEG, PNG and WebP by their bytes and reads their size.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() >= 24 && &bytes[12..16] == b"IHDR" {
        let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
        return Some(Sniffed {
            mime: "image/png",
            ext: "png",
            width: w,
            height: h,
        });
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return jpeg_size(bytes).map(|(width, height)| Sniffed {
            mime: "image/jpeg",
            ext: "jpg",
            width,
            height,
        });
    }
    if bytes.len() >= 30 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        let (width, height) = match &bytes[12..16] {
            b"VP8 " => (
                u32::from(u16::from_le_bytes([bytes[26], bytes[27]]) & 0x3FFF),
                u32::from(u16::from_le_bytes([bytes[28], bytes[29]]) & 0x3FFF),
            ),
            b"VP8L" => {
                let b = &bytes[21..25];
                let bits = u32::from_le_bytes(b.try_into().ok()?);
                ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
            }
            b"VP8X" => {
                let w = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], 0]) + 1;
                let h = u32::from_le_bytes([bytes[27], bytes[28], bytes[29], 0]) + 1;
                (w, h)
            }
            _ => return None,
        };
        return Some(Sniffed {
            mime: "image/webp",
            ext: "webp",
            width,
            height,
        });
    }
    None
}

/// Walks JPEG markers to the first start-of-frame.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let h = u32::from(u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]));
            let w = u32::from(u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]));
            return Some((w, h));
        }
        i += 2 + len;
    }
    None
}

/// Checks a picture's bytes: a JPEG, PNG or WebP of a sensible size.
pub fn check(bytes: &[u8], limit: u64) -> AppResult<Sniffed> {
    if bytes.len() as u64 > limit {
        return Err(AppError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        });
    }
    if bytes.is_empty() {
        return Err(AppError::UnsupportedMedia("the file is empty".into()));
    }
    let found = sniff(bytes)
        .ok_or_else(|| AppError::UnsupportedMedia("not a JPEG, PNG or WebP picture".into()))?;
    if found.width < MIN_SIDE || found.height < MIN_SIDE {
        return Err(AppError::UnsupportedMedia(format!(
            "the picture is {}×{}: at least {MIN_SIDE}×{MIN_SIDE} pixels are needed",
            found.width, found.height
        )));
    }
    if found.width > MAX_SIDE || found.height > MAX_SIDE {
        return Err(AppError::UnsupportedMedia(format!(
            "the picture is {}×{}: at most {MAX_SIDE}×{MAX_SIDE} pixels are accepted",
            found.width, found.height
        )));
    }
    Ok(found)
}

/// Smallest side of podcast artwork, in pixels (Apple Podcasts' rule).
pub const ARTWORK_MIN_SIDE: u32 = 1400;
/// Largest side of podcast artwork, in pixels (Apple Podcasts' rule).
pub const ARTWORK_MAX_SIDE: u32 = 3000;

/// Checks podcast artwork against Apple Podcasts' rule: a square JPEG or PNG of 1400×1400 to
/// 3000×3000 pixels. Anything else is `VALIDATION`, with the rule and what the file is instead.
pub fn check_artwork(bytes: &[u8]) -> AppResult<()> {
    let refuse = |why: String| {
        AppError::validation(format!(
            "podcast artwork must be a square JPEG or PNG of {ARTWORK_MIN_SIDE}×{ARTWORK_MIN_SIDE} \
             to {ARTWORK_MAX_SIDE}×{ARTWORK_MAX_SIDE} pixels, as Apple Podcasts requires: {why}"
        ))
    };
    let Some(found) = sniff(bytes) else {
        return Err(refuse("this file is not a JPEG or PNG picture".into()));
    };
    let (w, h) = (found.width, found.height);
    if found.mime == "image/webp" {
        return Err(refuse("this picture is a WebP".into()));
    }
    if w != h {
        return Err(refuse(format!("this picture is {w}×{h}, not square")));
    }
    if w < ARTWORK_MIN_SIDE {
        return Err(refuse(format!("this picture is {w}×{h}, too small")));
    }
    if w > ARTWORK_MAX_SIDE {
        return Err(refuse(format!("this picture is {w}×{h}, too large")));
    }
    Ok(())
}

/// Most bytes a decoder may allocate for one picture (an 8192×8192 RGBA picture takes 256 MiB).
const MAX_DECODE_ALLOC: u64 = 320 * 1024 * 1024;

/// Decodes a sniffed picture whole and encodes it again in the same format (WebP as lossless
/// WebP, JPEG at quality 90). A file that only starts like a picture, claims a size its data
/// does not hold, or would decode past the limits is refused.
pub fn reencode(bytes: &[u8], found: Sniffed) -> AppResult<Vec<u8>> {
    use image::ImageFormat;
    let refuse =
        |why: String| AppError::UnsupportedMedia(format!("the picture cannot be read: {why}"));
    let format = match found.mime {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/webp" => ImageFormat::WebP,
        other => return Err(refuse(format!("unsupported type {other}"))),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| refuse(e.to_string()))?;
    if (decoded.width(), decoded.height()) != (found.width, found.height) {
        return Err(refuse(format!(
            "its header says {}×{} but its data is {}×{}",
            found.width,
            found.height,
            decoded.width(),
            decoded.height()
        )));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let written = match format {
        ImageFormat::Jpeg => {
            let rgb = decoded.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&rgb)
        }
        ImageFormat::WebP => {
            let rgba = decoded.to_rgba8();
            image::codecs::webp::WebPEncoder::new_lossless(&mut out).encode(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
        }
        _ => decoded.write_to(&mut out, ImageFormat::Png),
    };
    written.map_err(|e| AppError::internal(anyhow::anyhow!("re-encoding a picture: {e}")))?;
    Ok(out.into_inner())
}

/// Stores a checked picture as the `target` of item `id`, replacing (and deleting) the previous
/// one. The caller must manage the item's channel.
pub async fn set_image(
    ctx: &Arc<Ctx>,
    viewer: &Viewer,
    owner: Uuid,
    target: ImageTarget,
    id: Uuid,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<media_asset::Model> {
    let found = check(&bytes, ctx.config.uploads.max_image_bytes).map_err(|e| {
        // Artwork that is not a picture at all is told the artwork rule too.
        match (target, e) {
            (ImageTarget::PodcastArtwork, AppError::UnsupportedMedia(_)) => check_artwork(&bytes)
                .err()
                .unwrap_or_else(|| AppError::validation("podcast artwork cannot be read")),
            (_, e) => e,
        }
    })?;
    if target == ImageTarget::PodcastArtwork {
        check_artwork(&bytes)?;
    }
    let owner = authorize(&ctx.db, viewer, owner, target, id).await?;
    // Decoding takes up to MAX_DECODE_ALLOC of memory: a few at a time.
    static DECODERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let permit = DECODERS
        .acquire()
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("picture decoders closed: {e}")))?;
    let bytes = tokio::task::spawn_blocking(move || reencode(&bytes, found))
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("picture task failed: {e}")))??;
    drop(permit);

    let asset = Uuid::now_v7();
    // Stored as `source`, the name its delivery URL uses.
    let key = ObjectKey::for_asset(asset, "source")?;
    let sha = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let size = bytes.len();
    ctx.storage
        .put_bytes(&key, bytes.into(), found.mime)
        .await?;
    let txn = crate::db::begin_write(&ctx.db).await?;
    let row = media_asset::ActiveModel {
        id: Set(asset),
        owner_id: Set(owner),
        kind: Set("image".into()),
        storage_key: Set(key.as_str().into()),
        size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        sha256: Set(sha),
        content_type: Set(found.mime.into()),
        original_name: Set(filename
            .chars()
            .filter(|c| !c.is_control())
            .take(255)
            .collect()),
        probe: Set(Some(
            serde_json::json!({ "width": found.width, "height": found.height }).to_string(),
        )),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    let row = match row {
        Ok(r) => r,
        Err(e) => {
            let _ = ctx.storage.delete(&key).await;
            return Err(e.into());
        }
    };
    let previous = swap(&txn, target, id, asset).await?;
    txn.commit().await?;
    if let Some(old) = previous
        && let Err(e) = super::assets::delete_asset(&ctx.db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced picture; the sweep will");
    }
    ctx.public_cache.invalidate();
    Ok(row)
}

/// Checks that `viewer` may set the picture; returns who owns it (the user, for an avatar:
/// their picture goes with their account; else the caller, `owner`).
async fn authorize(
    db: &sea_orm::DatabaseConnection,
    viewer: &Viewer,
    owner: Uuid,
    target: ImageTarget,
    id: Uuid,
) -> AppResult<Uuid> {
    if target == ImageTarget::UserAvatar {
        use crate::accounts::entity::user;
        let mine = matches!(viewer, Viewer::Member { user_id, .. } if *user_id == id);
        if !mine && !matches!(viewer, Viewer::Admin) {
            return Err(AppError::Forbidden);
        }
        user::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        return Ok(id);
    }
    let channel_id = channel_of(db, target, id).await?;
    visibility::require_manage(db, viewer, channel_id).await?;
    Ok(owner)
}

/// The channel that owns the item a picture is for.
async fn channel_of(
    db: &sea_orm::DatabaseConnection,
    target: ImageTarget,
    id: Uuid,
) -> AppResult<Uuid> {
    use crate::channels::entity::channel;
    use crate::podcasts::entity::podcast;
    use crate::videos::entity::video;
    Ok(match target {
        ImageTarget::VideoPoster => {
            video::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound("video"))?
                .channel_id
        }
        ImageTarget::ChannelAvatar | ImageTarget::ChannelBanner => {
            channel::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound("channel"))?
                .id
        }
        ImageTarget::PodcastArtwork => {
            podcast::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound("podcast"))?
                .channel_id
        }
        ImageTarget::UserAvatar => return Err(AppError::NotFound("channel")),
    })
}

/// Points the item at the new picture; returns the one it replaces.
async fn swap(
    txn: &sea_orm::DatabaseTransaction,
    target: ImageTarget,
    id: Uuid,
    asset: Uuid,
) -> AppResult<Option<Uuid>> {
    use crate::channels::entity::channel;
    use crate::podcasts::entity::podcast;
    use crate::videos::entity::video;
    let not_found = |what| AppError::NotFound(what);
    Ok(match target {
        ImageTarget::VideoPoster => {
            let v = video::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(not_found("video"))?;
            let old = v.poster_asset_id;
            let mut a = v.into_active_model();
            a.poster_asset_id = Set(Some(asset));
            a.updated_at = Set(Utc::now());
            a.update(txn).await?;
            old
        }
        ImageTarget::ChannelAvatar | ImageTarget::ChannelBanner => {
            let c = channel::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(not_found("channel"))?;
            let old = if target == ImageTarget::ChannelAvatar {
                c.avatar_asset_id
            } else {
                c.banner_asset_id
            };
            let mut a = c.into_active_model();
            if target == ImageTarget::ChannelAvatar {
                a.avatar_asset_id = Set(Some(asset));
            } else {
                a.banner_asset_id = Set(Some(asset));
            }
            a.updated_at = Set(Utc::now());
            a.update(txn).await?;
            old
        }
        ImageTarget::PodcastArtwork => {
            let p = podcast::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(not_found("podcast"))?;
            let old = p.artwork_asset_id;
            let mut a = p.into_active_model();
            a.artwork_asset_id = Set(Some(asset));
            a.updated_at = Set(Utc::now());
            a.update(txn).await?;
            old
        }
        ImageTarget::UserAvatar => {
            use crate::accounts::entity::user;
            let u = user::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(not_found("user"))?;
            let old = u.avatar_asset_id;
            let mut a = u.into_active_model();
            a.avatar_asset_id = Set(Some(asset));
            a.updated_at = Set(Utc::now());
            a.update(txn).await?;
            old
        }
    })
}

/// Makes thumbnail `n` (1 to 4) of a video's current media its poster; an uploaded poster is
/// removed. The choice is kept on the generated poster's row, so delivery hands out the
/// thumbnail's (immutable) URL and no object is rewritten.
pub async fn choose_poster(
    ctx: &Arc<Ctx>,
    viewer: &Viewer,
    video_id: Uuid,
    n: i32,
) -> AppResult<crate::videos::entity::video::Model> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};

    use super::entity::media_output;
    if !(1..=4).contains(&n) {
        return Err(AppError::validation("thumbnail: give 1, 2, 3 or 4"));
    }
    let v = crate::videos::service::get_managed(&ctx.db, viewer, video_id).await?;
    let asset = v
        .source_asset_id
        .ok_or_else(|| AppError::validation("videoId: the video has no media yet"))?;
    let exists = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.eq("thumbnail"))
        .filter(media_output::Column::Name.eq(format!("{n}-1280")))
        .one(&ctx.db)
        .await?
        .is_some();
    if !exists {
        return Err(AppError::validation(format!(
            "thumbnail: the video has no thumbnail {n} (is it still processing?)"
        )));
    }
    let txn = crate::db::begin_write(&ctx.db).await?;
    for row in media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.eq("poster"))
        .all(&txn)
        .await?
    {
        let mut extra: serde_json::Value = row
            .extra
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_else(|| serde_json::json!({}));
        extra["chosen"] = serde_json::json!(n);
        let mut active: media_output::ActiveModel = row.into();
        active.extra = Set(Some(extra.to_string()));
        active.update(&txn).await?;
    }
    let previous = v.poster_asset_id;
    let mut active = v.into_active_model();
    active.poster_asset_id = Set(None);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    if let Some(old) = previous
        && let Err(e) = super::assets::delete_asset(&ctx.db, &ctx.storage, old).await
    {
        tracing::warn!(asset = %old, error = %e, "could not delete a replaced poster; the sweep will");
    }
    ctx.public_cache.invalidate();
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first bytes of a PNG of `w`×`h` (enough for [`sniff`]).
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&w.to_be_bytes());
        bytes.extend_from_slice(&h.to_be_bytes());
        bytes
    }

    #[test]
    fn artwork_is_a_square_of_1400_to_3000_pixels() {
        assert!(check_artwork(&png_header(1400, 1400)).is_ok());
        assert!(check_artwork(&png_header(3000, 3000)).is_ok());
        for (w, h, why) in [
            (1399, 1399, "too small"),
            (3001, 3001, "too large"),
            (2000, 2001, "not square"),
        ] {
            let message = check_artwork(&png_header(w, h)).unwrap_err().to_string();
            assert!(message.contains(why), "{w}×{h}: {message}");
        }
        let svg = check_artwork(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err();
        assert!(matches!(svg, AppError::Validation(_)), "{svg:?}");
    }
}
