//! Frames into pictures: scaled, cropped or padded to the asked geometry, then encoded as JPEG
//! (the `image` crate), WebP (GStreamer's `webpenc`, lossy: the `image` crate's encoder is
//! lossless only, several times larger for video frames) or an animated WebP, whose container
//! (`VP8X`, `ANIM`, one `ANMF` per frame) is written here around `webpenc`'s frames, since
//! GStreamer 1.22 has no animated WebP encoder. Runs on a blocking thread.

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{RgbImage, imageops};

use super::params::{Fit, Format, Geometry};
use crate::error::AppError;

const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 80.0;
/// `webpenc` refuses pictures narrower or lower than this; smaller ones are encoded lossless.
const WEBP_MIN_SIDE: u32 = 16;

fn failed(what: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("image encoding: {what}"))
}

/// The frame scaled, then cut or framed to the geometry's size.
pub fn shape(frame: &RgbImage, g: &Geometry) -> RgbImage {
    let (sw, sh) = g.scaled;
    let scaled = if frame.dimensions() == (sw, sh) {
        frame.clone()
    } else {
        imageops::resize(frame, sw, sh, imageops::FilterType::Triangle)
    };
    let (w, h) = g.out;
    match g.fit {
        Fit::Preserve => scaled,
        Fit::Crop => {
            let (x, y) = (sw.saturating_sub(w) / 2, sh.saturating_sub(h) / 2);
            imageops::crop_imm(&scaled, x, y, w.min(sw), h.min(sh)).to_image()
        }
        Fit::Pad => {
            let mut canvas = RgbImage::new(w, h);
            let (x, y) = (w.saturating_sub(sw) / 2, h.saturating_sub(sh) / 2);
            imageops::replace(&mut canvas, &scaled, i64::from(x), i64::from(y));
            canvas
        }
    }
}

/// One picture in `format`.
pub fn still(image: &RgbImage, format: Format) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    let written = match format {
        Format::Jpeg => {
            image.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
        }
        Format::Webp if image.width() < WEBP_MIN_SIDE || image.height() < WEBP_MIN_SIDE => {
            image.write_with_encoder(WebPEncoder::new_lossless(&mut bytes))
        }
        Format::Webp => {
            return webp_frames(std::slice::from_ref(image), 1)?
                .pop()
                .ok_or_else(|| failed("webpenc gave no picture"));
        }
    };
    written.map_err(failed)?;
    Ok(bytes)
}

/// Still WebP files of equally sized frames, one per frame, through one `webpenc`.
fn webp_frames(frames: &[RgbImage], fps: u32) -> Result<Vec<Vec<u8>>, AppError> {
    gst::init().map_err(failed)?;
    let Some(first) = frames.first() else {
        return Ok(Vec::new());
    };
    let (w, h) = first.dimensions();
    let pipeline = gst::Pipeline::new();
    let caps = gst::Caps::builder("video/x-raw")
        .field("format", "RGB")
        .field("width", i32::try_from(w).map_err(failed)?)
        .field("height", i32::try_from(h).map_err(failed)?)
        .field(
            "framerate",
            gst::Fraction::new(i32::try_from(fps).map_err(failed)?, 1),
        )
        .build();
    let src = gst_app::AppSrc::builder()
        .caps(&caps)
        .format(gst::Format::Time)
        .build();
    let enc = gst::ElementFactory::make("webpenc")
        .property("quality", WEBP_QUALITY)
        .build()
        .map_err(|_| failed("the GStreamer element `webpenc` is not installed"))?;
    let sink = gst_app::AppSink::builder().sync(false).build();
    pipeline
        .add_many([src.upcast_ref(), &enc, sink.upcast_ref()])
        .map_err(failed)?;
    gst::Element::link_many([src.upcast_ref(), &enc, sink.upcast_ref()]).map_err(failed)?;
    // GStreamer's RGB rows are padded to 4 bytes.
    let row = (w as usize) * 3;
    let stride = row.div_ceil(4) * 4;
    let frame_ns = 1_000_000_000 / u64::from(fps.max(1));
    for (i, frame) in frames.iter().enumerate() {
        let mut data = vec![0u8; stride * h as usize];
        for (dst, src_row) in data
            .chunks_exact_mut(stride)
            .zip(frame.as_raw().chunks_exact(row))
        {
            dst[..row].copy_from_slice(src_row);
        }
        let mut buffer = gst::Buffer::from_mut_slice(data);
        if let Some(b) = buffer.get_mut() {
            b.set_pts(gst::ClockTime::from_nseconds(i as u64 * frame_ns));
            b.set_duration(gst::ClockTime::from_nseconds(frame_ns));
        }
        src.push_buffer(buffer).map_err(failed)?;
    }
    src.end_of_stream().map_err(failed)?;
    pipeline.set_state(gst::State::Playing).map_err(failed)?;
    let mut out = Vec::with_capacity(frames.len());
    let result = loop {
        match sink.try_pull_sample(gst::ClockTime::from_seconds(10)) {
            Some(sample) => {
                let buffer = sample.buffer().ok_or_else(|| failed("no buffer"))?;
                let map = buffer.map_readable().map_err(failed)?;
                out.push(map.as_slice().to_vec());
            }
            None if sink.is_eos() => break Ok(out),
            None => break Err(failed("webpenc stopped")),
        }
    };
    let _ = pipeline.set_state(gst::State::Null);
    result
}

/// An animated WebP of equally sized frames shown `1/fps` s each, looping.
pub fn animated(frames: &[RgbImage], fps: u32) -> Result<Vec<u8>, AppError> {
    let Some(first) = frames.first() else {
        return Err(failed("no frames"));
    };
    let (w, h) = first.dimensions();
    let stills = if w < WEBP_MIN_SIDE || h < WEBP_MIN_SIDE {
        frames
            .iter()
            .map(|f| still(f, Format::Webp))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        webp_frames(frames, fps)?
    };
    if stills.len() != frames.len() {
        return Err(failed("webpenc gave a different number of frames"));
    }
    let duration_ms = 1000 / fps.max(1);
    let mut body = Vec::new();
    let mut vp8x = vec![0x02u8, 0, 0, 0]; // animation
    vp8x.extend_from_slice(&u24(w - 1));
    vp8x.extend_from_slice(&u24(h - 1));
    chunk(&mut body, b"VP8X", &vp8x);
    // Background colour (ignored by browsers), loop forever.
    chunk(&mut body, b"ANIM", &[0, 0, 0, 0, 0, 0]);
    for still in &stills {
        let mut frame = Vec::new();
        frame.extend_from_slice(&u24(0));
        frame.extend_from_slice(&u24(0));
        frame.extend_from_slice(&u24(w - 1));
        frame.extend_from_slice(&u24(h - 1));
        frame.extend_from_slice(&u24(duration_ms));
        // No blending (every frame is opaque and whole), no disposal.
        frame.push(0x02);
        frame.extend_from_slice(&image_chunks(still)?);
        chunk(&mut body, b"ANMF", &frame);
    }
    let mut out = Vec::with_capacity(body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(body.len() + 4).map_err(failed)?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Ok(out)
}

fn u24(v: u32) -> [u8; 3] {
    let b = v.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// Appends a RIFF chunk, padded to an even length.
fn chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
}

/// The image data chunks (`ALPH`, `VP8 `, `VP8L`) of a still WebP file, as they are.
fn image_chunks(webp: &[u8]) -> Result<Vec<u8>, AppError> {
    if webp.len() < 12 || &webp[0..4] != b"RIFF" || &webp[8..12] != b"WEBP" {
        return Err(failed("webpenc gave something that is not WebP"));
    }
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= webp.len() {
        let fourcc = &webp[at..at + 4];
        let len =
            u32::from_le_bytes([webp[at + 4], webp[at + 5], webp[at + 6], webp[at + 7]]) as usize;
        let end = at + 8 + len + len % 2;
        if at + 8 + len > webp.len() {
            return Err(failed("a truncated WebP chunk"));
        }
        if matches!(fourcc, b"ALPH" | b"VP8 " | b"VP8L") {
            out.extend_from_slice(&webp[at..end.min(webp.len())]);
            if len % 2 == 1 && end > webp.len() {
                out.push(0);
            }
        }
        at = end;
    }
    if out.is_empty() {
        return Err(failed("a WebP file without a picture"));
    }
    Ok(out)
}
