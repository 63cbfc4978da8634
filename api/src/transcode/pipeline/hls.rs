//! HLS text: media playlists, the master playlist, subtitle playlists and SRT to WebVTT. Pure
//! functions, so the master can be regenerated from recorded outputs (e.g. when an editor adds
//! a caption file long after the transcode).

use std::fmt::Write as _;

/// One variant stream of the master playlist.
#[derive(Clone, Debug, PartialEq)]
pub struct MasterRendition {
    /// URI relative to the master playlist, e.g. `720p/index.m3u8`.
    pub uri: String,
    /// Peak bits per second.
    pub bandwidth: u64,
    /// Average bits per second, when known.
    pub average_bandwidth: Option<u64>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`.
    pub codecs: String,
    /// Frames per second, when known.
    pub frame_rate: Option<f64>,
}

impl MasterRendition {
    /// Rebuilds a rendition from the `extra` of its recorded `Output` (kind `hls_rendition`).
    pub fn from_extra(extra: &serde_json::Value) -> Option<Self> {
        let resolution = extra.get("resolution")?.as_str()?;
        let (w, h) = resolution.split_once('x')?;
        Some(Self {
            uri: extra.get("uri")?.as_str()?.to_owned(),
            bandwidth: extra.get("bandwidth")?.as_u64()?,
            average_bandwidth: extra.get("average_bandwidth").and_then(|v| v.as_u64()),
            width: w.parse().ok()?,
            height: h.parse().ok()?,
            codecs: extra.get("codecs")?.as_str()?.to_owned(),
            frame_rate: extra.get("frame_rate").and_then(|v| v.as_f64()),
        })
    }
}

/// A caption track, listed as a `TYPE=SUBTITLES` rendition in group `subs`.
#[derive(Clone, Debug, PartialEq)]
pub struct SubtitleTrack {
    /// BCP 47 language tag, e.g. `en`.
    pub language: String,
    /// Name shown in players, e.g. `English`.
    pub name: String,
    /// URI of its subtitle playlist relative to the master, e.g. `../captions/en.m3u8`.
    pub uri: String,
    /// Selected when the player has no preference.
    pub default: bool,
}

/// Group id of the subtitle renditions.
pub const SUBTITLE_GROUP: &str = "subs";

fn quoted(value: &str) -> String {
    // Quoted strings in HLS may not contain `"` or line breaks.
    value
        .chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n'))
        .collect()
}

/// The master playlist: every variant (tallest first as given), with its subtitle group when
/// there are captions.
pub fn master_playlist(renditions: &[MasterRendition], subtitles: &[SubtitleTrack]) -> String {
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for sub in subtitles {
        let _ = writeln!(
            out,
            "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"{SUBTITLE_GROUP}\",NAME=\"{}\",LANGUAGE=\"{}\",DEFAULT={},AUTOSELECT=YES,FORCED=NO,URI=\"{}\"",
            quoted(&sub.name),
            quoted(&sub.language),
            if sub.default { "YES" } else { "NO" },
            quoted(&sub.uri),
        );
    }
    for r in renditions {
        let _ = write!(out, "#EXT-X-STREAM-INF:BANDWIDTH={}", r.bandwidth);
        if let Some(avg) = r.average_bandwidth {
            let _ = write!(out, ",AVERAGE-BANDWIDTH={avg}");
        }
        let _ = write!(
            out,
            ",RESOLUTION={}x{},CODECS=\"{}\"",
            r.width,
            r.height,
            quoted(&r.codecs)
        );
        if let Some(fps) = r.frame_rate.filter(|f| *f > 0.0) {
            let _ = write!(out, ",FRAME-RATE={fps:.3}");
        }
        if !subtitles.is_empty() {
            let _ = write!(out, ",SUBTITLES=\"{SUBTITLE_GROUP}\"");
        }
        let _ = write!(out, "\n{}\n", r.uri);
    }
    out
}

/// One segment of a media playlist.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaSegment {
    /// URI relative to the playlist, e.g. `seg-0.ts`.
    pub uri: String,
    /// Seconds.
    pub duration: f64,
}

/// A media playlist: `EVENT` while segments are still being added, `VOD` with `ENDLIST` when
/// complete. `target_duration` is the promised maximum segment length in whole seconds.
pub fn media_playlist(segments: &[MediaSegment], target_duration: u64, complete: bool) -> String {
    let longest = segments
        .iter()
        .map(|s| s.duration.round() as u64)
        .max()
        .unwrap_or(0);
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n");
    let _ = writeln!(
        out,
        "#EXT-X-TARGETDURATION:{}",
        target_duration.max(longest).max(1)
    );
    out.push_str("#EXT-X-MEDIA-SEQUENCE:0\n");
    out.push_str(if complete {
        "#EXT-X-PLAYLIST-TYPE:VOD\n"
    } else {
        "#EXT-X-PLAYLIST-TYPE:EVENT\n"
    });
    for seg in segments {
        let _ = write!(out, "#EXTINF:{:.6},\n{}\n", seg.duration, seg.uri);
    }
    if complete {
        out.push_str("#EXT-X-ENDLIST\n");
    }
    out
}

/// The playlist of one caption file: a single WebVTT segment covering the whole video.
pub fn subtitle_playlist(vtt_name: &str, duration_secs: f64) -> String {
    let duration = if duration_secs.is_finite() && duration_secs > 0.0 {
        duration_secs
    } else {
        0.0
    };
    media_playlist(
        &[MediaSegment {
            uri: vtt_name.to_owned(),
            duration,
        }],
        duration.ceil() as u64,
        true,
    )
}

/// Why an SRT file could not be converted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CaptionError {
    /// The text is not SRT; the message names the line.
    #[error("this is not a valid SRT file: {0}")]
    Invalid(String),
}

/// Converts SubRip (SRT) text to WebVTT. Accepts a BOM, CRLF line ends, missing cue numbers
/// and `.` or `,` as the millisecond separator; refuses text without a single valid cue.
pub fn srt_to_vtt(srt: &str) -> Result<String, CaptionError> {
    let text = srt.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let text = text.replace('\r', "\n");
    let mut out = String::from("WEBVTT\n");
    let mut cues = 0usize;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        // An optional cue number, then the timing line.
        let mut timing_line = i;
        if !lines[i].contains("-->") {
            timing_line = i + 1;
        }
        let Some(timing) = lines.get(timing_line).filter(|l| l.contains("-->")) else {
            return Err(CaptionError::Invalid(format!(
                "line {}: expected a timing line like `00:00:01,000 --> 00:00:02,000`",
                timing_line.min(lines.len().saturating_sub(1)) + 1
            )));
        };
        let (start, rest) = timing.split_once("-->").unwrap_or_default();
        let end = rest.split_whitespace().next().unwrap_or_default();
        let (Some(start), Some(end)) = (srt_time(start.trim()), srt_time(end)) else {
            return Err(CaptionError::Invalid(format!(
                "line {}: `{}` is not a valid timing",
                timing_line + 1,
                timing.trim()
            )));
        };
        if end < start {
            return Err(CaptionError::Invalid(format!(
                "line {}: the cue ends before it starts",
                timing_line + 1
            )));
        }
        i = timing_line + 1;
        let mut body = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            // `-->` may not appear in a WebVTT cue payload.
            body.push(lines[i].replace("-->", "->"));
            i += 1;
        }
        let _ = write!(out, "\n{} --> {}\n", vtt_time(start), vtt_time(end));
        for line in body {
            out.push_str(&line);
            out.push('\n');
        }
        cues += 1;
    }
    if cues == 0 {
        return Err(CaptionError::Invalid("it contains no cues".into()));
    }
    Ok(out)
}

/// `HH:MM:SS,mmm` (or with `.`) to milliseconds.
fn srt_time(s: &str) -> Option<u64> {
    let s = s.trim().replace(',', ".");
    let (hms, ms) = s.split_once('.').unwrap_or((s.as_str(), "0"));
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (
            h.parse::<u64>().ok()?,
            m.parse::<u64>().ok()?,
            s.parse::<u64>().ok()?,
        ),
        [m, s] => (0, m.parse::<u64>().ok()?, s.parse::<u64>().ok()?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 || ms.is_empty() || ms.len() > 3 {
        return None;
    }
    let ms: u64 = format!("{ms:0<3}").parse().ok()?;
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// Milliseconds to WebVTT's `HH:MM:SS.mmm`.
pub fn vtt_time(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}
