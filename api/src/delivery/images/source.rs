//! What a video offers to take pictures from: its renditions (read from the transcoder's
//! `media_outputs` rows), its length and its poster's moment; and, from a rendition's media
//! playlist, the segments that hold a stretch of time.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::content;
use crate::delivery::outputs::of_assets;
use crate::error::{AppError, AppResult};
use crate::media::ObjectKey;
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// One rendition of the video.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendition {
    /// `240p`, `720p`...
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its media playlist.
    pub playlist: ObjectKey,
}

/// A video the public may see, as far as pictures go.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Its source asset: pictures are stored under its prefix, so they go with it.
    pub asset: Uuid,
    /// Seconds of video.
    pub duration: f64,
    /// Where its generated poster was looked for, in seconds (0 without one).
    pub poster_time: f64,
    /// Smallest first; empty when the video has no picture (audio only, or no outputs).
    pub renditions: Vec<Rendition>,
}

impl Source {
    /// The aspect of the picture (the largest rendition's size).
    pub fn size(&self) -> (u32, u32) {
        self.renditions
            .last()
            .map_or((16, 9), |r| (r.width.max(1), r.height.max(1)))
    }

    /// The smallest rendition at least `needed` large, else the largest.
    pub fn rendition_for(&self, needed: (u32, u32)) -> Option<&Rendition> {
        self.renditions
            .iter()
            .find(|r| r.width >= needed.0 && r.height >= needed.1)
            .or_else(|| self.renditions.last())
    }
}

/// The video `id` as the public sees it: `None` when it may not (private, draft, unpublished,
/// deleted, unknown).
pub async fn lookup(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<Source>> {
    match content::find::<video::Entity>(db, &Viewer::Public, id).await? {
        Some(video) => Ok(Some(of_video(db, &video).await?)),
        None => Ok(None),
    }
}

/// What `video` offers, whoever may see it.
pub async fn of_video(db: &impl ConnectionTrait, video: &video::Model) -> AppResult<Source> {
    let Some(asset) = video.source_asset_id else {
        return Ok(Source {
            asset: Uuid::nil(),
            duration: 0.0,
            poster_time: 0.0,
            renditions: Vec::new(),
        });
    };
    let rows = of_assets(db, vec![asset])
        .await?
        .remove(&asset)
        .unwrap_or_default();
    let mut renditions = Vec::new();
    let mut duration = None;
    let mut poster_index = None;
    for row in &rows {
        match row.kind.as_str() {
            "hls_rendition" => {
                let (Some(w), Some(h)) = (row.width, row.height) else {
                    continue;
                };
                let Ok(playlist) = ObjectKey::parse(&row.storage_key) else {
                    continue;
                };
                duration = duration.or(row.duration_secs);
                renditions.push(Rendition {
                    name: row.name.clone(),
                    width: u32::try_from(w).unwrap_or(0),
                    height: u32::try_from(h).unwrap_or(0),
                    playlist,
                });
            }
            "poster" => {
                let extra: serde_json::Value = row
                    .extra
                    .as_deref()
                    .and_then(|e| serde_json::from_str(e).ok())
                    .unwrap_or_default();
                // An editor's pick (`choosePoster`) wins over the generated choice.
                let n = extra.get("chosen").or_else(|| extra.get("thumbnail"));
                if let Some(n) = n.and_then(serde_json::Value::as_u64) {
                    poster_index = Some(poster_index.map_or(n, |p: u64| p.max(n)));
                }
            }
            _ => {}
        }
    }
    renditions.sort_by_key(|r| (u64::from(r.width) * u64::from(r.height), r.width));
    // The length the API shows; a time past the last frame takes the last frame.
    let duration = video.duration_secs.or(duration).unwrap_or(0.0).max(0.0);
    // The pipeline looks for thumbnail n at n/5 of the video (`pictures::Plan`).
    let poster_time = poster_index
        .filter(|n| (1..=4).contains(n))
        .map_or(0.0, |n| duration * n as f64 / 5.0);
    Ok(Source {
        asset,
        duration,
        poster_time,
        renditions,
    })
}

/// One segment of a media playlist.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Where it starts in the video, seconds.
    pub start: f64,
    /// Its length, seconds.
    pub duration: f64,
    /// Its URI, relative to the playlist.
    pub uri: String,
}

/// The segments of a media playlist, with their start times.
pub fn segments(playlist: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut start = 0.0;
    let mut pending: Option<f64> = None;
    for line in playlist.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            let d = rest.split(',').next().unwrap_or_default();
            pending = d
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|d| d.is_finite() && *d >= 0.0);
        } else if !line.is_empty()
            && !line.starts_with('#')
            && let Some(duration) = pending.take()
        {
            out.push(Segment {
                start,
                duration,
                uri: line.to_string(),
            });
            start += duration;
        }
    }
    out
}

/// The consecutive segments holding `from..=to` (seconds): the first is the one `from` falls
/// in (the last one for a time past the end), the last the one `to` falls in.
pub fn covering(segments: &[Segment], from: f64, to: f64) -> Option<&[Segment]> {
    let holds = |s: &Segment, t: f64| t < s.start + s.duration;
    let first = segments
        .iter()
        .position(|s| holds(s, from))
        .unwrap_or(segments.len().checked_sub(1)?);
    let last = segments
        .iter()
        .position(|s| holds(s, to))
        .unwrap_or(segments.len() - 1)
        .max(first);
    segments.get(first..=last)
}

/// The key of a segment named in the playlist at `playlist`: a plain file next to it.
pub fn segment_key(playlist: &ObjectKey, uri: &str) -> AppResult<ObjectKey> {
    let bad = || AppError::internal(anyhow::anyhow!("a playlist names an odd segment"));
    if uri.contains('/') || uri.contains('?') || uri.contains(':') {
        return Err(bad());
    }
    let (dir, _) = playlist.as_str().rsplit_once('/').ok_or_else(bad)?;
    ObjectKey::parse(&format!("{dir}/{uri}")).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAYLIST: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n\
#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.000000,\nseg-0.ts\n\
#EXTINF:4.000000,\nseg-1.ts\n#EXTINF:4.000000,\nseg-2.ts\n#EXT-X-ENDLIST\n";

    #[test]
    fn a_time_is_found_in_the_segment_that_holds_it() {
        let segs = segments(PLAYLIST);
        assert_eq!(segs.len(), 3);
        assert_eq!((segs[1].start, segs[2].start), (2.0, 6.0));
        let uris = |s: &[Segment]| s.iter().map(|s| s.uri.clone()).collect::<Vec<_>>();
        assert_eq!(uris(covering(&segs, 0.0, 0.0).unwrap()), ["seg-0.ts"]);
        assert_eq!(uris(covering(&segs, 5.9, 5.9).unwrap()), ["seg-1.ts"]);
        assert_eq!(uris(covering(&segs, 6.0, 6.0).unwrap()), ["seg-2.ts"]);
        assert_eq!(
            uris(covering(&segs, 1.0, 7.0).unwrap()),
            ["seg-0.ts", "seg-1.ts", "seg-2.ts"]
        );
        // Past the end (a rounded duration): the last segment.
        assert_eq!(uris(covering(&segs, 10.0, 10.0).unwrap()), ["seg-2.ts"]);
        assert!(covering(&[], 1.0, 1.0).is_none());
    }

    #[test]
    fn segments_are_plain_names_next_to_their_playlist() {
        let playlist = ObjectKey::parse("ab/cd/x/hls/240p/index.m3u8").unwrap();
        assert_eq!(
            segment_key(&playlist, "seg-3.ts").unwrap().as_str(),
            "ab/cd/x/hls/240p/seg-3.ts"
        );
        for bad in ["../720p/seg-1.ts", "http://evil/x.ts", "a/b.ts", ".."] {
            assert!(segment_key(&playlist, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_smallest_rendition_that_is_large_enough_is_used() {
        let r = |name: &str, width, height| Rendition {
            name: name.into(),
            width,
            height,
            playlist: ObjectKey::parse("a/b").unwrap(),
        };
        let source = Source {
            asset: Uuid::nil(),
            duration: 10.0,
            poster_time: 0.0,
            renditions: vec![
                r("240p", 426, 240),
                r("360p", 640, 360),
                r("720p", 1280, 720),
            ],
        };
        assert_eq!(source.rendition_for((320, 180)).unwrap().name, "240p");
        assert_eq!(source.rendition_for((427, 240)).unwrap().name, "360p");
        assert_eq!(source.rendition_for((1920, 1080)).unwrap().name, "720p");
        assert_eq!(source.size(), (1280, 720));
    }
}
