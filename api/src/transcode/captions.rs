//! Caption files: WebVTT (or SRT, converted) per language, stored next to a video's HLS outputs
//! and listed in its master playlist as subtitle renditions.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set};
use uuid::Uuid;

use super::pipeline::hls::{self, MasterRendition, SubtitleTrack};
use crate::error::{AppError, AppResult};
use crate::media::entity::media_output;
use crate::media::key::ObjectKey;
use crate::state::Ctx;
use crate::visibility::Viewer;

/// Largest caption file accepted.
pub const MAX_CAPTION_BYTES: usize = 1024 * 1024;

/// Checks a BCP 47-like language tag (`en`, `pt-BR`, `zh-Hant`).
pub fn check_language(tag: &str) -> AppResult<String> {
    let ok = !tag.is_empty()
        && tag.len() <= 35
        && tag.split('-').enumerate().all(|(i, part)| {
            let len_ok = if i == 0 {
                (2..=3).contains(&part.len())
            } else {
                (1..=8).contains(&part.len())
            };
            len_ok
                && part.chars().all(|c| c.is_ascii_alphanumeric())
                && (i > 0 || part.chars().all(|c| c.is_ascii_alphabetic()))
        });
    if ok {
        Ok(tag.to_string())
    } else {
        Err(AppError::validation(format!(
            "language: `{}` is not a language tag like `en` or `pt-BR`",
            tag.chars().take(40).collect::<String>()
        )))
    }
}

/// Turns an uploaded caption file into WebVTT text, or says what is wrong with it.
pub fn to_webvtt(bytes: &[u8]) -> AppResult<String> {
    if bytes.len() > MAX_CAPTION_BYTES {
        return Err(AppError::PayloadTooLarge {
            limit: MAX_CAPTION_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        AppError::UnsupportedMedia("captions must be UTF-8 WebVTT or SRT text".into())
    })?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(AppError::UnsupportedMedia(
            "the caption file is empty".into(),
        ));
    }
    if text.starts_with("WEBVTT") {
        return Ok(text.replace("\r\n", "\n"));
    }
    hls::srt_to_vtt(text).map_err(|e| AppError::validation(format!("captions: {e}")))
}

/// The 90 kHz MPEG-TS timestamp our HLS segments start at: `mpegtsmux` offsets every stream by
/// one hour (its clock base) so that no timestamp is ever negative.
pub const MPEGTS_START: u64 = 3600 * 90_000;

/// Pins WebVTT cue times to the video's MPEG-TS timestamps, as HLS requires of subtitle
/// renditions: without `X-TIMESTAMP-MAP` a player takes cue time 0 to be MPEG-TS 0, an hour
/// before our first frame, and never shows a caption (Safari, iOS). `<track>` elements ignore
/// the line. Replaces a map the file already had: it cannot know our segments.
pub fn with_timestamp_map(vtt: &str) -> String {
    let map = format!("X-TIMESTAMP-MAP=MPEGTS:{MPEGTS_START},LOCAL:00:00:00.000");
    let mut lines = vtt.split('\n');
    let mut out = String::with_capacity(vtt.len() + map.len() + 1);
    out.push_str(lines.next().unwrap_or("WEBVTT"));
    out.push('\n');
    out.push_str(&map);
    let mut in_header = true;
    for line in lines {
        if in_header && line.trim().is_empty() {
            in_header = false;
        }
        if in_header && line.starts_with("X-TIMESTAMP-MAP") {
            continue;
        }
        out.push('\n');
        out.push_str(line);
    }
    out
}

/// Where an asset's captions in `language` live: the WebVTT file and its subtitle playlist.
fn caption_keys(asset: Uuid, language: &str) -> AppResult<(ObjectKey, ObjectKey)> {
    Ok((
        ObjectKey::for_asset(asset, &format!("captions/{language}.vtt"))?,
        ObjectKey::for_asset(asset, &format!("captions/{language}.m3u8"))?,
    ))
}

/// The output row of an asset's captions in `language`.
fn caption_row(asset: Uuid, language: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(media_output::Column::AssetId.eq(asset))
        .add(media_output::Column::Kind.eq("caption"))
        .add(media_output::Column::Name.eq(language))
}

/// Stores captions in `language` for a video the caller manages and lists them in its master
/// playlist. Replaces earlier captions in that language.
pub async fn set_caption(
    ctx: &Arc<Ctx>,
    viewer: &Viewer,
    video_id: Uuid,
    language: &str,
    bytes: &[u8],
) -> AppResult<media_output::Model> {
    let language = check_language(language)?;
    let vtt = with_timestamp_map(&to_webvtt(bytes)?);
    let v = crate::videos::service::get_managed(&ctx.db, viewer, video_id).await?;
    let asset = v.source_asset_id.ok_or_else(|| {
        AppError::validation("videoId: upload the video's media before its captions")
    })?;
    let (vtt_key, list_key) = caption_keys(asset, &language)?;
    let vtt_bytes = vtt.into_bytes();
    let size = vtt_bytes.len();
    ctx.storage
        .put_bytes(&vtt_key, vtt_bytes.into(), "text/vtt; charset=utf-8")
        .await?;
    let playlist =
        hls::subtitle_playlist(&format!("{language}.vtt"), v.duration_secs.unwrap_or(0.0));
    ctx.storage
        .put_bytes(
            &list_key,
            playlist.into_bytes().into(),
            "application/vnd.apple.mpegurl",
        )
        .await?;
    // The row, the master playlist that lists it and the webhook event go together.
    let txn = crate::db::begin_write(&ctx.db).await?;
    media_output::Entity::delete_many()
        .filter(caption_row(asset, &language))
        .exec(&txn)
        .await?;
    let row = media_output::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(asset),
        kind: Set("caption".into()),
        name: Set(language.clone()),
        storage_key: Set(vtt_key.as_str().into()),
        content_type: Set("text/vtt; charset=utf-8".into()),
        bytes: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        bitrate: Set(None),
        width: Set(None),
        height: Set(None),
        duration_secs: Set(v.duration_secs),
        extra: Set(Some(
            serde_json::json!({ "playlist": format!("captions/{language}.m3u8") }).to_string(),
        )),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    rewrite_master(&txn, &ctx.storage, asset).await?;
    crate::webhooks::outbox::captions(&txn, video_id, &language).await?;
    txn.commit().await?;
    ctx.webhooks.wake();
    ctx.public_cache.invalidate();
    Ok(row)
}

/// Removes a video's captions in `language`: their row, their WebVTT file and subtitle
/// playlist, and their entry in the master playlist. `NOT_FOUND` when the video has none in
/// that language.
pub async fn delete_caption(
    ctx: &Arc<Ctx>,
    viewer: &Viewer,
    video_id: Uuid,
    language: &str,
) -> AppResult<()> {
    let language = check_language(language)?;
    let v = crate::videos::service::get_managed(&ctx.db, viewer, video_id).await?;
    let row = match v.source_asset_id {
        Some(asset) => {
            media_output::Entity::find()
                .filter(caption_row(asset, &language))
                .one(&ctx.db)
                .await?
        }
        None => None,
    };
    let row = row.ok_or(AppError::NotFound("caption"))?;
    // The row first: once it is gone no playlist names the files, so deleting them after
    // cannot leave a listed track without its file.
    media_output::Entity::delete_by_id(row.id)
        .exec(&ctx.db)
        .await?;
    rewrite_master(&ctx.db, &ctx.storage, row.asset_id).await?;
    ctx.public_cache.invalidate();
    let (_, list) = caption_keys(row.asset_id, &language)?;
    for key in [ObjectKey::parse(&row.storage_key)?, list] {
        ctx.storage.delete(&key).await?;
    }
    Ok(())
}

/// Rewrites an asset's master playlist from its recorded renditions and captions (after a
/// caption changes, and after a transcode, whose own master knows no captions). Does nothing
/// while the asset has no renditions.
pub async fn rewrite_master(
    db: &impl sea_orm::ConnectionTrait,
    storage: &Arc<dyn crate::media::Storage>,
    asset: Uuid,
) -> AppResult<()> {
    let rows = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(asset))
        .all(db)
        .await?;
    let renditions: Vec<MasterRendition> = rows
        .iter()
        .filter(|r| r.kind == "hls_rendition")
        .filter_map(|r| {
            let extra: serde_json::Value = serde_json::from_str(r.extra.as_deref()?).ok()?;
            MasterRendition::from_extra(&extra)
        })
        .collect();
    let Some(master) = rows.iter().find(|r| r.kind == "hls_master") else {
        return Ok(());
    };
    if renditions.is_empty() {
        return Ok(());
    }
    let mut captions: Vec<&media_output::Model> =
        rows.iter().filter(|r| r.kind == "caption").collect();
    captions.sort_by(|a, b| a.name.cmp(&b.name));
    let subtitles: Vec<SubtitleTrack> = captions
        .iter()
        .enumerate()
        .map(|(i, c)| SubtitleTrack {
            language: c.name.clone(),
            name: c.name.clone(),
            uri: format!("../captions/{}.m3u8", c.name),
            default: i == 0,
        })
        .collect();
    let text = hls::master_playlist(&renditions, &subtitles);
    let size = text.len();
    let key = ObjectKey::parse(&master.storage_key)?;
    storage
        .put_bytes(
            &key,
            text.into_bytes().into(),
            "application/vnd.apple.mpegurl",
        )
        .await?;
    media_output::Entity::update_many()
        .col_expr(
            media_output::Column::Bytes,
            i64::try_from(size).unwrap_or(i64::MAX).into(),
        )
        .filter(media_output::Column::Id.eq(master.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Copies the captions of a replaced source to its successor, so new media keeps them.
pub async fn carry_over(
    db: &impl sea_orm::ConnectionTrait,
    storage: &Arc<dyn crate::media::Storage>,
    from: Uuid,
    to: Uuid,
) -> AppResult<usize> {
    let rows = media_output::Entity::find()
        .filter(media_output::Column::AssetId.eq(from))
        .filter(media_output::Column::Kind.eq("caption"))
        .all(db)
        .await?;
    let n = rows.len();
    for row in rows {
        let old = ObjectKey::parse(&row.storage_key)?;
        let bytes = crate::media::storage::read_all(storage.as_ref(), &old).await?;
        let lang = row.name.clone();
        let (key, list) = caption_keys(to, &lang)?;
        storage
            .put_bytes(&key, bytes.into(), "text/vtt; charset=utf-8")
            .await?;
        let duration = crate::media::entity::media_output::Entity::find()
            .filter(media_output::Column::AssetId.eq(to))
            .filter(media_output::Column::Kind.eq("hls_rendition"))
            .one(db)
            .await?
            .and_then(|r| r.duration_secs)
            .unwrap_or(0.0);
        storage
            .put_bytes(
                &list,
                hls::subtitle_playlist(&format!("{lang}.vtt"), duration)
                    .into_bytes()
                    .into(),
                "application/vnd.apple.mpegurl",
            )
            .await?;
        media_output::ActiveModel {
            id: Set(Uuid::now_v7()),
            asset_id: Set(to),
            storage_key: Set(key.as_str().into()),
            created_at: Set(Utc::now()),
            ..row.into()
        }
        .insert(db)
        .await?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timestamp_map_goes_right_after_the_signature_and_replaces_one_already_there() {
        let vtt = "WEBVTT - made by hand\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\nKind: captions\n\n00:00.500 --> 00:01.000\nX-TIMESTAMP-MAP is only a header\n";
        assert_eq!(
            with_timestamp_map(vtt),
            "WEBVTT - made by hand\nX-TIMESTAMP-MAP=MPEGTS:324000000,LOCAL:00:00:00.000\nKind: captions\n\n00:00.500 --> 00:01.000\nX-TIMESTAMP-MAP is only a header\n"
        );
        assert_eq!(
            with_timestamp_map("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"),
            "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:324000000,LOCAL:00:00:00.000\n\n00:01.000 --> 00:02.000\nHi\n"
        );
    }
}
