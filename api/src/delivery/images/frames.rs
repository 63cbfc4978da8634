//! Frames out of HLS segments: one or a few consecutive MPEG-TS segments of a rendition are
//! demuxed and decoded by GStreamer, and the frames at the wanted moments come out as RGB.
//!
//! Every segment starts on a keyframe (the transcoder cuts whole GOPs), so decoding starts at
//! the first byte given and never needs anything before it. Frames before a wanted moment are
//! dropped straight after the decoder, so only the frames kept are converted to RGB; decoding
//! stops as soon as the last wanted frame is out. Runs on a blocking thread.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use image::RgbImage;

use crate::error::AppError;

/// Longest a decode may take before it is abandoned.
const DEADLINE: Duration = Duration::from_secs(30);
/// Frame length assumed when the decoder does not say (25 fps).
const DEFAULT_FRAME: f64 = 0.04;

/// What to decode.
#[derive(Debug)]
pub struct Segments {
    /// The bytes of one or more consecutive segments.
    pub ts: Vec<u8>,
    /// The video's time (seconds) at the first frame of these bytes.
    pub base: f64,
    /// The video's time where these segments end.
    pub end: f64,
}

fn failed(what: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("image frames: {what}"))
}

fn make(factory: &str) -> Result<gst::Element, AppError> {
    gst::ElementFactory::make(factory).build().map_err(|_| {
        failed(format!(
            "the GStreamer element `{factory}` is not installed"
        ))
    })
}

/// Which decoded frames go on to be converted: those at or just after a wanted time, and any
/// that may be the last (a wanted time past the last frame takes the last frame).
struct Gate {
    base: f64,
    end: f64,
    wanted: Vec<f64>,
    first_pts: Option<gst::ClockTime>,
    next: usize,
}

impl Gate {
    /// The video time of a frame at `pts`, and half its length.
    fn time_of(&mut self, pts: gst::ClockTime, duration: Option<gst::ClockTime>) -> (f64, f64) {
        let first = *self.first_pts.get_or_insert(pts);
        let t = self.base + pts.saturating_sub(first).nseconds() as f64 / 1e9;
        let length = duration.map_or(DEFAULT_FRAME, |d| d.nseconds() as f64 / 1e9);
        (t, length.max(0.001) / 2.0)
    }

    fn pass(&mut self, pts: gst::ClockTime, duration: Option<gst::ClockTime>) -> bool {
        let (t, slack) = self.time_of(pts, duration);
        let mut wanted = false;
        while self.next < self.wanted.len() && self.wanted[self.next] <= t + slack {
            self.next += 1;
            wanted = true;
        }
        wanted || t + 3.0 * slack >= self.end
    }
}

/// The frames at `wanted` (sorted video times, seconds), one per time, as RGB.
pub fn decode(segments: Segments, wanted: &[f64]) -> Result<Vec<RgbImage>, AppError> {
    gst::init().map_err(failed)?;
    let pipeline = gst::Pipeline::new();
    let src = gst_app::AppSrc::builder()
        .caps(
            &gst::Caps::builder("video/mpegts")
                .field("systemstream", true)
                .field("packetsize", 188i32)
                .build(),
        )
        .format(gst::Format::Bytes)
        .build();
    let demux = make("tsdemux")?;
    let parse = make("h264parse")?;
    let dec = make("avdec_h264")?;
    let convert = make("videoconvert")?;
    let rgb = make("capsfilter")?;
    rgb.set_property(
        "caps",
        gst::Caps::builder("video/x-raw")
            .field("format", "RGBx")
            .build(),
    );
    let sink = gst_app::AppSink::builder().sync(false).build();
    pipeline
        .add_many([
            src.upcast_ref(),
            &demux,
            &parse,
            &dec,
            &convert,
            &rgb,
            sink.upcast_ref(),
        ])
        .map_err(failed)?;
    src.link(&demux).map_err(failed)?;
    gst::Element::link_many([&parse, &dec, &convert, &rgb, sink.upcast_ref()]).map_err(failed)?;
    let parse_sink = parse
        .static_pad("sink")
        .ok_or_else(|| failed("h264parse"))?;
    demux.connect_pad_added(move |_, pad| {
        if pad.name().starts_with("video") && !parse_sink.is_linked() {
            let _ = pad.link(&parse_sink);
        }
    });
    let gate = Arc::new(Mutex::new(Gate {
        base: segments.base,
        end: segments.end,
        wanted: wanted.to_vec(),
        first_pts: None,
        next: 0,
    }));
    let probe_gate = gate.clone();
    dec.static_pad("src")
        .ok_or_else(|| failed("decoder pad"))?
        .add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            let Some(buffer) = info.buffer() else {
                return gst::PadProbeReturn::Ok;
            };
            let Some(pts) = buffer.pts() else {
                return gst::PadProbeReturn::Drop;
            };
            let mut g = probe_gate.lock().unwrap_or_else(|p| p.into_inner());
            if g.pass(pts, buffer.duration()) {
                gst::PadProbeReturn::Ok
            } else {
                gst::PadProbeReturn::Drop
            }
        });
    src.push_buffer(gst::Buffer::from_slice(segments.ts))
        .map_err(failed)?;
    src.end_of_stream().map_err(failed)?;
    let stop = Stop(pipeline.clone());
    pipeline.set_state(gst::State::Playing).map_err(failed)?;
    let frames = collect(&pipeline, &sink, &gate, wanted.len());
    drop(stop);
    frames
}

/// Stops the pipeline however the decode ends.
struct Stop(gst::Pipeline);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.set_state(gst::State::Null);
    }
}

/// Pulls converted frames until every wanted time has one (or the stream ends).
fn collect(
    pipeline: &gst::Pipeline,
    sink: &gst_app::AppSink,
    gate: &Mutex<Gate>,
    count: usize,
) -> Result<Vec<RgbImage>, AppError> {
    let bus = pipeline.bus().ok_or_else(|| failed("no bus"))?;
    let started = Instant::now();
    let wanted: Vec<f64> = gate
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .wanted
        .clone();
    let mut out: Vec<RgbImage> = Vec::with_capacity(count);
    let mut last: Option<RgbImage> = None;
    while out.len() < count {
        if let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_mseconds(20)) {
            let buffer = sample
                .buffer()
                .ok_or_else(|| failed("a sample without a buffer"))?;
            let (t, slack) = {
                let mut g = gate.lock().unwrap_or_else(|p| p.into_inner());
                let pts = buffer.pts().unwrap_or(gst::ClockTime::ZERO);
                g.time_of(pts, buffer.duration())
            };
            let image = to_rgb(&sample)?;
            while out.len() < count && wanted[out.len()] <= t + slack {
                out.push(image.clone());
            }
            last = Some(image);
            continue;
        }
        if sink.is_eos() {
            break;
        }
        if let Some(msg) = bus.pop_filtered(&[gst::MessageType::Error])
            && let gst::MessageView::Error(err) = msg.view()
        {
            return Err(failed(err.error()));
        }
        if started.elapsed() > DEADLINE {
            return Err(failed("decoding took too long"));
        }
    }
    // Times past the last frame (a rounded duration) take the last frame.
    let last = last.ok_or_else(|| failed("no frame could be decoded"))?;
    while out.len() < count {
        out.push(last.clone());
    }
    Ok(out)
}

/// An `RGBx` sample as an RGB image.
fn to_rgb(sample: &gst::Sample) -> Result<RgbImage, AppError> {
    let caps = sample
        .caps()
        .ok_or_else(|| failed("a sample without caps"))?;
    let s = caps.structure(0).ok_or_else(|| failed("empty caps"))?;
    let w = s.get::<i32>("width").map_err(failed)?;
    let h = s.get::<i32>("height").map_err(failed)?;
    let (w, h) = (
        u32::try_from(w).map_err(failed)?,
        u32::try_from(h).map_err(failed)?,
    );
    let buffer = sample
        .buffer()
        .ok_or_else(|| failed("a sample without a buffer"))?;
    let map = buffer.map_readable().map_err(failed)?;
    let pixels = (w as usize) * (h as usize);
    if map.len() < pixels * 4 {
        return Err(failed("a frame smaller than its caps"));
    }
    let mut rgb = Vec::with_capacity(pixels * 3);
    for px in map.as_slice()[..pixels * 4].chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    RgbImage::from_raw(w, h, rgb).ok_or_else(|| failed("a frame of the wrong size"))
}
