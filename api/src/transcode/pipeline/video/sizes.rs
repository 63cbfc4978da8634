//! Sizes and rates of the ladder: which rungs, at what size, frame rate and bitrate, and the
//! codec string each announces.

use gstreamer as gst;

use super::super::PipelineError;
use super::super::pictures::LARGE_WIDTH;

/// Smallest picture side we transcode.
const MIN_SIDE: u32 = 16;
/// Largest picture side we transcode (8K).
const MAX_SIDE: u32 = 8192;
/// Highest output frame rate; faster sources are halved until they fit.
const MAX_FPS: f64 = 60.0;

/// Refuses pictures too small to encode or too large to decode sensibly.
pub(super) fn check_size(width: u32, height: u32) -> Result<(), PipelineError> {
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(PipelineError::Unsupported(format!(
            "the video is {width}×{height} pixels; the smallest we can transcode is {MIN_SIDE}×{MIN_SIDE}"
        )));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(PipelineError::Unsupported(format!(
            "the video is {width}×{height} pixels; the largest we can transcode is {MAX_SIDE} pixels on either side"
        )));
    }
    Ok(())
}

/// The constant output frame rate: the source's, halved until at most 60, 30 when unknown.
pub(super) fn output_rate(probed: f64) -> (i32, i32) {
    let mut fps = if probed.is_finite() && probed >= 1.0 {
        probed
    } else {
        30.0
    };
    while fps > MAX_FPS + 0.5 {
        fps /= 2.0;
    }
    for (n, d) in [(24_000, 1001), (30_000, 1001), (60_000, 1001)] {
        if (fps - f64::from(n) / f64::from(d)).abs() < 0.01 {
            return (n, d);
        }
    }
    ((fps.round() as i32).max(1), 1)
}

/// Rungs at or below the source's short side, tallest first; a source smaller than every rung
/// gets one rendition at its own size.
pub(super) fn plan_ladder(ladder: &[u32], short: u32) -> Vec<u32> {
    let mut rungs: Vec<u32> = ladder
        .iter()
        .map(|r| r & !1)
        .filter(|r| *r >= 2 && *r <= short)
        .collect();
    rungs.sort_unstable_by(|a, b| b.cmp(a));
    rungs.dedup();
    if rungs.is_empty() {
        rungs.push((short & !1).max(2));
    }
    rungs
}

fn even(x: f64) -> u32 {
    (((x / 2.0).round() as u32) * 2).max(2)
}

/// The size of a rung whose short side is `short`, keeping the display aspect ratio.
pub(super) fn rung_size(short: u32, display_w: u32, display_h: u32) -> (u32, u32) {
    let (dw, dh) = (f64::from(display_w.max(1)), f64::from(display_h.max(1)));
    if dw >= dh {
        (even(f64::from(short) * dw / dh), short)
    } else {
        (short, even(f64::from(short) * dh / dw))
    }
}

/// The pictures branch's frame size: at most 1280 wide, never upscaled.
pub(super) fn thumb_size(display_w: u32, display_h: u32) -> (u32, u32) {
    let w = LARGE_WIDTH.min(display_w).max(2) & !1;
    (
        w,
        even(f64::from(w) * f64::from(display_h.max(1)) / f64::from(display_w.max(1))),
    )
}

/// Raw video caps of a size, square pixels.
pub(super) fn scaled_caps(format: &str, w: u32, h: u32) -> gst::Caps {
    gst::Caps::builder("video/x-raw")
        .field("format", format)
        .field("width", w as i32)
        .field("height", h as i32)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build()
}

/// Display size of raw video caps (pixel aspect ratio applied to the width).
pub(super) fn display_size(caps: &gst::CapsRef) -> Option<(u32, u32)> {
    let s = caps.structure(0)?;
    let w = s.get::<i32>("width").ok()?;
    let h = s.get::<i32>("height").ok()?;
    let par = s
        .get::<gst::Fraction>("pixel-aspect-ratio")
        .unwrap_or(gst::Fraction::new(1, 1));
    let dw = if par.numer() > 0 && par.denom() > 0 {
        (f64::from(w) * f64::from(par.numer()) / f64::from(par.denom())).round() as u32
    } else {
        w as u32
    };
    Some((dw.max(1), h.max(1) as u32))
}

/// A nominal bitrate for a picture size: about 5 Mbit/s at 1080p30, 2.4 at 720p, 0.7 at 360p,
/// more for high frame rates.
pub(super) fn video_kbps(w: u32, h: u32, fps: f64) -> u32 {
    let pixels = f64::from(w) * f64::from(h);
    let motion = (fps / 30.0).max(1.0).sqrt();
    let kbps = 0.0103 * pixels.powf(0.9) * motion;
    ((kbps / 50.0).round() as u32 * 50).max(100)
}

/// RFC 6381 name of an H.264 stream from h264parse's caps.
pub(super) fn avc1(profile: &str, level: &str) -> String {
    let (idc, constraints) = match profile {
        "constrained-baseline" => (0x42, 0xE0),
        "baseline" => (0x42, 0x00),
        "main" => (0x4D, 0x40),
        "extended" => (0x58, 0x00),
        "high-10" | "high-10-intra" => (0x6E, 0x00),
        "high-4:2:2" | "high-4:2:2-intra" => (0x7A, 0x00),
        "high-4:4:4" | "high-4:4:4-intra" => (0xF4, 0x00),
        _ => (0x64, 0x00),
    };
    let level = match level {
        "1b" => 11,
        l => l
            .split_once('.')
            .map(|(a, b)| a.parse::<u32>().unwrap_or(4) * 10 + b.parse::<u32>().unwrap_or(0))
            .unwrap_or_else(|| l.parse::<u32>().unwrap_or(4) * 10),
    };
    format!("avc1.{idc:02x}{constraints:02x}{level:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladders_never_upscale_and_small_sources_get_one_rung() {
        assert_eq!(
            plan_ladder(&[1080, 720, 480, 360, 240], 720),
            vec![720, 480, 360, 240]
        );
        assert_eq!(plan_ladder(&[1080, 720], 200), vec![200]);
        assert_eq!(plan_ladder(&[1080, 720], 201), vec![200]);
    }

    #[test]
    fn rung_sizes_keep_the_aspect_ratio_in_even_numbers() {
        assert_eq!(rung_size(480, 1280, 720), (854, 480));
        assert_eq!(rung_size(240, 321, 241), (320, 240));
        assert_eq!(rung_size(720, 720, 1280), (720, 1280));
    }

    #[test]
    fn frame_rates_are_capped_and_ntsc_rates_kept() {
        assert_eq!(output_rate(120.0), (60, 1));
        assert_eq!(output_rate(29.97), (30_000, 1001));
        assert_eq!(output_rate(0.0), (30, 1));
        assert_eq!(output_rate(25.0), (25, 1));
    }

    #[test]
    fn codec_strings_follow_rfc_6381() {
        assert_eq!(avc1("high", "3.1"), "avc1.64001f");
        assert_eq!(avc1("main", "4"), "avc1.4d4028");
        assert_eq!(avc1("constrained-baseline", "3"), "avc1.42e01e");
    }
}
