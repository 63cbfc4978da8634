//! The video pipeline: one decode, teed into every rendition of the ladder (x264 + the one AAC
//! encode, cut into MPEG-TS segments by splitmuxsink) and into the pictures branch.
//!
//! ```text
//! filesrc ! decodebin ─ video ─ videorate ! videoconvert ! videoflip(auto) ! tee ─┬ queue ! videoscale ! x264enc ! h264parse ! splitmuxsink(720p)
//!                    │                                                            ├ ... one per rendition
//!                    │                                                            └ queue ! videoscale ! videoconvert ! appsink (pictures)
//!                    └ audio ─ audioconvert ! audioresample ! avenc_aac ! aacparse ! tee ─ queue ! splitmuxsink(720p).audio_0 ...
//! ```
//!
//! Rung sizes come from the caps after `videoflip`, so rotated and non-square-pixel sources keep
//! their display aspect ratio. Rungs are named by the short side of the picture (a portrait
//! 1080×1920 video has a `1080p` rendition of 1080×1920); for landscape that is the height.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use serde_json::json;

use super::hls::{MasterRendition, MediaSegment, master_playlist, media_playlist};
use super::pictures::{Collector, Gate, LARGE_WIDTH, Plan};
use super::run::{
    Teardown, Tick, capsfilter, chain, create_dir, file_size, internal, make, queue, run,
    write_file,
};
use super::{Event, Output, OutputKind, PipelineError, VideoSpec};
use crate::media::probe::Probe;

/// Smallest picture side we transcode.
const MIN_SIDE: u32 = 16;
/// Largest picture side we transcode (8K).
const MAX_SIDE: u32 = 8192;
/// Highest output frame rate; faster sources are halved until they fit.
const MAX_FPS: f64 = 60.0;

/// Transcodes a video source (see the module docs).
pub(super) fn transcode(
    source: &Path,
    probe: &Probe,
    out_dir: &Path,
    spec: &VideoSpec,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(Event),
) -> Result<Vec<Output>, PipelineError> {
    let track = probe
        .video
        .as_ref()
        .ok_or_else(|| PipelineError::Unsupported("the file has no video track".into()))?;
    check_size(track.width, track.height)?;
    super::run::init()?;
    let (fps_n, fps_d) = output_rate(track.frame_rate);
    let fps = f64::from(fps_n) / f64::from(fps_d);
    let has_audio = probe.audio.is_some();
    let duration = probe.duration_secs.max(0.001);
    let rungs = plan_ladder(&spec.ladder, track.width.min(track.height));
    let key_int = ((spec.gop_secs * fps).round() as u32).max(1);

    let pipeline = gst::Pipeline::new();
    let _teardown = Teardown(pipeline.clone());

    let src = make("filesrc")?;
    src.set_property("location", source.to_string_lossy().as_ref());
    let decode = make("decodebin")?;
    chain(&pipeline, &[&src, &decode])?;

    // Constant frame rate, one colour conversion and the rotation, all before the tee.
    let rate = make("videorate")?;
    let rate_caps = capsfilter(
        &gst::Caps::builder("video/x-raw")
            .field("framerate", gst::Fraction::new(fps_n, fps_d))
            .build(),
    )?;
    let convert = make("videoconvert")?;
    // The rotation is read up front rather than left to `video-direction=auto`: a tag that
    // arrives after the first frame renegotiates every branch mid-stream, which can deadlock
    // the tee against splitmuxsink.
    let direction = orientation(source);
    let flip = make("videoflip")?;
    flip.set_property_from_str("video-direction", direction);
    let (display_w, display_h) = if matches!(direction, "90r" | "90l" | "ul-lr" | "ur-ll") {
        (track.height, track.width)
    } else {
        (track.width, track.height)
    };
    let i420 = capsfilter(
        &gst::Caps::builder("video/x-raw")
            .field("format", "I420")
            .build(),
    )?;
    let vtee = make("tee")?;
    chain(
        &pipeline,
        &[&rate, &rate_caps, &convert, &flip, &i420, &vtee],
    )?;

    let atee = if has_audio {
        let aconvert = make("audioconvert")?;
        let resample = make("audioresample")?;
        let acaps = capsfilter(
            &gst::Caps::builder("audio/x-raw")
                .field("rate", 48_000i32)
                .field("channels", 2i32)
                .build(),
        )?;
        let aconvert2 = make("audioconvert")?;
        let aac = make("avenc_aac")?;
        aac.set_property_from_str("bitrate", &(u64::from(spec.audio_kbps) * 1000).to_string());
        let aparse = make("aacparse")?;
        let atee = make("tee")?;
        chain(
            &pipeline,
            &[
                &aconvert, &resample, &acaps, &aconvert2, &aac, &aparse, &atee,
            ],
        )?;
        Some((aconvert, atee))
    } else {
        None
    };

    // One branch per rung.
    let mut renditions = Vec::new();
    for &short in &rungs {
        let name = format!("{short}p");
        let dir = out_dir.join("hls").join(&name);
        create_dir(&dir)?;
        let q = queue(8)?;
        let scale = make("videoscale")?;
        let (w, h) = rung_size(short, display_w, display_h);
        let size = capsfilter(&scaled_caps("I420", w, h))?;
        let kbps = video_kbps(w, h, fps);
        let enc = make("x264enc")?;
        enc.set_property_from_str("speed-preset", &spec.preset);
        enc.set_property("bitrate", kbps);
        enc.set_property("key-int-max", key_int);
        enc.set_property("option-string", "scenecut=0");
        let parse = make("h264parse")?;
        parse.set_property("config-interval", -1i32);
        let mux = make("mpegtsmux")?;
        let split = make("splitmuxsink")?;
        split.set_property("name", format!("rendition-{short}"));
        split.set_property("muxer", &mux);
        // The first segment is a single GOP, so every rung has one (and the video is playable)
        // sooner; the rest are of the target length. The switch happens on the streaming
        // thread as fragment 1 opens, so the cut points never depend on timing.
        let slack = 0.5 / fps;
        let first_ns = ((spec.gop_secs.min(spec.segment_secs) + slack) * 1e9) as u64;
        let rest_ns = ((spec.segment_secs + slack) * 1e9) as u64;
        split.set_property("max-size-time", first_ns);
        let pattern = dir.clone();
        split.connect("format-location", false, move |args| {
            let index = args.get(1).and_then(|v| v.get::<u32>().ok()).unwrap_or(0);
            if index == 1
                && let Some(split) = args.first().and_then(|v| v.get::<gst::Element>().ok())
            {
                split.set_property("max-size-time", rest_ns);
            }
            let location = pattern.join(format!("seg-{index}.ts"));
            Some(location.to_string_lossy().into_owned().to_value())
        });
        chain(&pipeline, &[&q, &scale, &size, &enc, &parse])?;
        pipeline.add(&split).map_err(internal)?;
        let vpad = split
            .request_pad_simple("video")
            .ok_or_else(|| internal("splitmuxsink video pad"))?;
        parse
            .static_pad("src")
            .ok_or_else(|| internal("h264parse src"))?
            .link(&vpad)
            .map_err(internal)?;
        vtee.link(&q).map_err(internal)?;
        if let Some((_, atee)) = &atee {
            // Audio queues are unbounded (audio is small), so a rendition that is waiting for
            // video never blocks the shared audio encoder.
            let aq = queue(0)?;
            pipeline.add(&aq).map_err(internal)?;
            atee.link(&aq).map_err(internal)?;
            let apad = split
                .request_pad_simple("audio_%u")
                .ok_or_else(|| internal("splitmuxsink audio pad"))?;
            aq.static_pad("src")
                .ok_or_else(|| internal("queue src"))?
                .link(&apad)
                .map_err(internal)?;
        }
        renditions.push(Rendition {
            short,
            name,
            split,
            size,
            parse,
            kbps,
            width: w,
            height: h,
            segments: Vec::new(),
            opened_ns: 0,
        });
    }

    // The pictures branch.
    let plan = Plan::new(duration);
    let gate = Arc::new(Mutex::new(Gate::new(plan.wanted())));
    let collector = Arc::new(Mutex::new(Some(Collector::new(plan))));
    let pq = queue(4)?;
    let pscale = make("videoscale")?;
    let pconvert = make("videoconvert")?;
    let (tw, th) = thumb_size(display_w, display_h);
    let psize = capsfilter(&scaled_caps("RGBx", tw, th))?;
    let appsink = gst_app::AppSink::builder()
        .sync(false)
        .async_(false)
        .build();
    chain(
        &pipeline,
        &[&pq, &pscale, &pconvert, &psize, appsink.upcast_ref()],
    )?;
    vtee.link(&pq).map_err(internal)?;
    let slack = 0.5 / fps;
    {
        let gate = gate.clone();
        pq.static_pad("sink")
            .ok_or_else(|| internal("queue sink"))?
            .add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
                let Some(gst::PadProbeData::Buffer(buffer)) = &info.data else {
                    return gst::PadProbeReturn::Ok;
                };
                let t = running_end(pad, buffer, false).unwrap_or(0) as f64 / 1e9;
                let pass = gate.lock().map(|mut g| g.pass(t, slack)).unwrap_or(false);
                if pass {
                    gst::PadProbeReturn::Ok
                } else {
                    // `Handled` rather than `Drop`: the bindings consume the buffer, and with
                    // `Drop` GStreamer 1.22 would unref the (already taken) data again and warn.
                    gst::PadProbeReturn::Handled
                }
            });
    }
    {
        let collector = collector.clone();
        appsink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    if let Some((t, image)) = sample_image(&sample)
                        && let Some(c) = collector.lock().ok().as_mut().and_then(|c| c.as_mut())
                    {
                        c.push(t, slack, image);
                    }
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
    }

    // Rung sizes follow the caps that reach the tee (after rotation): set them before the caps
    // event goes on, so every encoder starts with the right size.
    let geometry = Arc::new(Mutex::new(
        renditions
            .iter()
            .map(|r| (r.width, r.height))
            .collect::<Vec<_>>(),
    ));
    let video_end = Arc::new(AtomicU64::new(0));
    {
        let filters: Vec<(u32, gst::Element)> = renditions
            .iter()
            .map(|r| (r.short, r.size.clone()))
            .collect();
        let psize = psize.clone();
        let geometry = geometry.clone();
        let video_end = video_end.clone();
        vtee.static_pad("sink")
            .ok_or_else(|| internal("tee sink"))?
            .add_probe(
                gst::PadProbeType::EVENT_DOWNSTREAM | gst::PadProbeType::BUFFER,
                move |pad, info| {
                    match &info.data {
                        Some(gst::PadProbeData::Event(event)) => {
                            if let gst::EventView::Caps(caps) = event.view()
                                && let Some((dw, dh)) = display_size(caps.caps())
                            {
                                let mut sizes = Vec::new();
                                for (short, filter) in &filters {
                                    let (w, h) = rung_size(*short, dw, dh);
                                    filter.set_property("caps", scaled_caps("I420", w, h));
                                    sizes.push((w, h));
                                }
                                let (tw, th) = thumb_size(dw, dh);
                                psize.set_property("caps", scaled_caps("RGBx", tw, th));
                                if let Ok(mut g) = geometry.lock() {
                                    *g = sizes;
                                }
                            }
                        }
                        Some(gst::PadProbeData::Buffer(buffer)) => {
                            if let Some(end) = running_end(pad, buffer, true) {
                                video_end.fetch_max(end, Ordering::Relaxed);
                            }
                        }
                        _ => {}
                    }
                    gst::PadProbeReturn::Ok
                },
            );
    }
    let audio_end = Arc::new(AtomicU64::new(0));
    if let Some((_, atee)) = &atee {
        let audio_end = audio_end.clone();
        atee.static_pad("sink")
            .ok_or_else(|| internal("tee sink"))?
            .add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
                if let Some(gst::PadProbeData::Buffer(buffer)) = &info.data
                    && let Some(end) = running_end(pad, buffer, true)
                {
                    audio_end.fetch_max(end, Ordering::Relaxed);
                }
                gst::PadProbeReturn::Ok
            });
    }

    // Decoded streams: the first video and the first audio go to their branches, anything
    // else (a second audio track, subtitles) into a fakesink.
    let no_video = Arc::new(AtomicBool::new(false));
    {
        let video_sink = rate
            .static_pad("sink")
            .ok_or_else(|| internal("videorate sink"))?;
        let audio_sink = match &atee {
            Some((aconvert, _)) => Some(
                aconvert
                    .static_pad("sink")
                    .ok_or_else(|| internal("audioconvert sink"))?,
            ),
            None => None,
        };
        link_decoded(&pipeline, &decode, video_sink, audio_sink, no_video.clone());
    }

    let mut state = State {
        out_dir,
        spec,
        fps,
        has_audio,
        renditions,
        master_written: false,
        last_percent: -1.0,
        duration,
    };
    let end = run(&pipeline, cancel, &mut |tick| state.on_tick(tick, on_event));
    let end = end?;
    let _ = pipeline.set_state(gst::State::Null);
    if no_video.load(Ordering::Relaxed) {
        return Err(PipelineError::Unsupported(
            "the file has no video track".into(),
        ));
    }
    let video_end = video_end.load(Ordering::Relaxed) as f64 / 1e9;
    let audio_end = audio_end.load(Ordering::Relaxed) as f64 / 1e9;
    let decoded = video_end.max(audio_end).max(end);
    if decoded < duration * 0.9 - 0.5 {
        return Err(PipelineError::Unsupported(format!(
            "the file stops after {decoded:.1} s of its {duration:.1} s: it is truncated or damaged"
        )));
    }
    if state.renditions.iter().any(|r| r.segments.is_empty()) {
        return Err(PipelineError::Unsupported(
            "no video frames could be decoded from the file".into(),
        ));
    }
    // The last fragment closes at its last frame's start: give it that frame's duration too.
    for r in &mut state.renditions {
        let opened = r.opened_ns as f64 / 1e9;
        if let Some(last) = r.segments.last_mut()
            && video_end > opened
        {
            last.duration = last.duration.max(video_end - opened);
        }
    }
    if let Ok(g) = geometry.lock() {
        for (r, (w, h)) in state.renditions.iter_mut().zip(g.iter()) {
            r.width = *w;
            r.height = *h;
        }
    }
    let mut outputs = state.finish(on_event)?;

    if cancel.load(Ordering::Relaxed) {
        return Err(PipelineError::Cancelled);
    }
    on_event(Event::Progress {
        percent: 99.0,
        stage: "pictures",
    });
    // The appsink keeps its callback (and a reference) until the pipeline is freed.
    let collector = collector
        .lock()
        .map_err(|_| internal("the pictures branch panicked"))?
        .take()
        .ok_or_else(|| internal("the pictures were already taken"))?;
    outputs.extend(collector.finish(out_dir, on_event)?);
    on_event(Event::Progress {
        percent: 100.0,
        stage: "pictures",
    });
    Ok(outputs)
}

/// How `videoflip` must turn the picture, from the first video stream's `image-orientation`
/// tag (phones record portrait video as rotated landscape).
fn orientation(source: &Path) -> &'static str {
    use gstreamer_pbutils as pbutils;
    use pbutils::prelude::*;
    let tag = (|| {
        let path = std::fs::canonicalize(source).ok()?;
        let uri = url::Url::from_file_path(&path).ok()?;
        let discoverer = pbutils::Discoverer::new(gst::ClockTime::from_seconds(20)).ok()?;
        let info = discoverer.discover_uri(uri.as_str()).ok()?;
        let stream = info.video_streams().into_iter().next()?;
        let tags = stream.tags()?;
        let value = tags.get::<gst::tags::ImageOrientation>()?;
        Some(value.get().to_string())
    })();
    match tag.as_deref() {
        Some("rotate-90") => "90r",
        Some("rotate-180") => "180",
        Some("rotate-270") => "90l",
        Some("flip-rotate-0") => "horiz",
        Some("flip-rotate-90") => "ul-lr",
        Some("flip-rotate-180") => "vert",
        Some("flip-rotate-270") => "ur-ll",
        _ => "identity",
    }
}

/// Connects decodebin's pads as they appear; flags a file without video.
fn link_decoded(
    pipeline: &gst::Pipeline,
    decode: &gst::Element,
    video_sink: gst::Pad,
    audio_sink: Option<gst::Pad>,
    no_video: Arc<AtomicBool>,
) {
    let weak = pipeline.downgrade();
    let (v, a) = (video_sink.clone(), audio_sink.clone());
    decode.connect_pad_added(move |_, pad| {
        let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
        let kind = caps
            .structure(0)
            .map(|s| s.name().to_string())
            .unwrap_or_default();
        let target = if kind.starts_with("video/x-raw") && !v.is_linked() {
            Some(v.clone())
        } else if kind.starts_with("audio/x-raw") {
            a.clone().filter(|p| !p.is_linked())
        } else {
            None
        };
        if let Some(target) = target {
            let _ = pad.link(&target);
            return;
        }
        let Some(pipeline) = weak.upgrade() else {
            return;
        };
        if let Ok(sink) = gst::ElementFactory::make("fakesink")
            .property("sync", false)
            .property("async", false)
            .build()
            && pipeline.add(&sink).is_ok()
        {
            let _ = sink.sync_state_with_parent();
            if let Some(sinkpad) = sink.static_pad("sink") {
                let _ = pad.link(&sinkpad);
            }
        }
    });
    decode.connect_no_more_pads(move |_| {
        // Branches nobody feeds must still end, or the pipeline never reaches EOS.
        if !video_sink.is_linked() {
            no_video.store(true, Ordering::Relaxed);
            video_sink.send_event(gst::event::Eos::new());
        }
        if let Some(a) = &audio_sink
            && !a.is_linked()
        {
            a.send_event(gst::event::Eos::new());
        }
    });
}

/// One rendition while the pipeline runs.
struct Rendition {
    short: u32,
    name: String,
    split: gst::Element,
    size: gst::Element,
    parse: gst::Element,
    kbps: u32,
    width: u32,
    height: u32,
    segments: Vec<Segment>,
    opened_ns: u64,
}

struct Segment {
    uri: String,
    duration: f64,
    bytes: u64,
}

impl Rendition {
    fn playlist_rel(&self) -> PathBuf {
        PathBuf::from(format!("hls/{}/index.m3u8", self.name))
    }

    fn codecs(&self, has_audio: bool) -> String {
        let caps = self.parse.static_pad("src").and_then(|p| p.current_caps());
        let s = caps.as_ref().and_then(|c| c.structure(0));
        let profile = s
            .and_then(|s| s.get::<&str>("profile").ok())
            .unwrap_or("high");
        let level = s.and_then(|s| s.get::<&str>("level").ok()).unwrap_or("4");
        let mut codecs = avc1(profile, level);
        if has_audio {
            codecs.push_str(",mp4a.40.2");
        }
        codecs
    }

    fn peak_bps(&self) -> u64 {
        self.segments
            .iter()
            .filter(|s| s.duration > 0.0)
            .map(|s| (s.bytes as f64 * 8.0 / s.duration) as u64)
            .max()
            .unwrap_or(0)
    }

    fn average_bps(&self) -> u64 {
        let secs: f64 = self.segments.iter().map(|s| s.duration).sum();
        let bytes: u64 = self.segments.iter().map(|s| s.bytes).sum();
        if secs > 0.0 {
            (bytes as f64 * 8.0 / secs) as u64
        } else {
            0
        }
    }
}

struct State<'a> {
    out_dir: &'a Path,
    spec: &'a VideoSpec,
    fps: f64,
    has_audio: bool,
    renditions: Vec<Rendition>,
    master_written: bool,
    last_percent: f64,
    duration: f64,
}

impl State<'_> {
    fn on_tick(
        &mut self,
        tick: Tick<'_>,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<(), PipelineError> {
        match tick {
            Tick::Position(secs) => {
                let percent = (secs / self.duration * 100.0).clamp(0.0, 98.0).floor();
                if percent > self.last_percent {
                    self.last_percent = percent;
                    on_event(Event::Progress {
                        percent,
                        stage: "video",
                    });
                }
                Ok(())
            }
            Tick::Message(msg) => self.on_message(msg, on_event),
        }
    }

    fn on_message(
        &mut self,
        msg: &gst::Message,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<(), PipelineError> {
        let (Some(s), Some(src)) = (msg.structure(), msg.src()) else {
            return Ok(());
        };
        let Some(i) = self
            .renditions
            .iter()
            .position(|r| r.split.upcast_ref::<gst::Object>() == src)
        else {
            return Ok(());
        };
        let running = s.get::<u64>("running-time").unwrap_or(0);
        match s.name().as_str() {
            "splitmuxsink-fragment-opened" => self.renditions[i].opened_ns = running,
            "splitmuxsink-fragment-closed" => {
                let location = PathBuf::from(s.get::<&str>("location").unwrap_or_default());
                let r = &mut self.renditions[i];
                let duration = running.saturating_sub(r.opened_ns) as f64 / 1e9;
                let uri = location
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let rel = PathBuf::from(format!("hls/{}/{uri}", r.name));
                r.segments.push(Segment {
                    uri,
                    duration,
                    bytes: file_size(&location),
                });
                on_event(Event::FileReady(rel));
                self.write_media(i, false)?;
                let mut updated = vec![self.renditions[i].playlist_rel()];
                if !self.master_written && self.renditions.iter().all(|r| !r.segments.is_empty()) {
                    self.write_master(false)?;
                    self.master_written = true;
                    updated = self
                        .renditions
                        .iter()
                        .map(Rendition::playlist_rel)
                        .collect();
                    updated.push(PathBuf::from("hls/master.m3u8"));
                }
                on_event(Event::PlaylistsUpdated(updated));
            }
            _ => {}
        }
        Ok(())
    }

    /// The longest segment we promise: whole GOPs up to the target length.
    fn target_duration(&self) -> u64 {
        let gops = (self.spec.segment_secs / self.spec.gop_secs)
            .floor()
            .max(1.0);
        (gops * self.spec.gop_secs).ceil() as u64
    }

    fn write_media(&self, i: usize, complete: bool) -> Result<(), PipelineError> {
        let r = &self.renditions[i];
        let segments: Vec<MediaSegment> = r
            .segments
            .iter()
            .map(|s| MediaSegment {
                uri: s.uri.clone(),
                duration: s.duration,
            })
            .collect();
        let text = media_playlist(&segments, self.target_duration(), complete);
        write_file(&self.out_dir.join(r.playlist_rel()), text.as_bytes())
    }

    fn master_renditions(&self, complete: bool) -> Vec<MasterRendition> {
        self.renditions
            .iter()
            .map(|r| {
                // Until the end the peak is a guess: the nominal rate with headroom, or what
                // the segments so far measured, whichever is higher.
                let nominal = (u64::from(r.kbps)
                    + if self.has_audio {
                        u64::from(self.spec.audio_kbps)
                    } else {
                        0
                    })
                    * 1100;
                let bandwidth = if complete {
                    r.peak_bps().max(1)
                } else {
                    r.peak_bps().max(nominal)
                };
                MasterRendition {
                    uri: format!("{}/index.m3u8", r.name),
                    bandwidth,
                    average_bandwidth: complete.then(|| r.average_bps().max(1)),
                    width: r.width,
                    height: r.height,
                    codecs: r.codecs(self.has_audio),
                    frame_rate: Some(self.fps),
                }
            })
            .collect()
    }

    fn write_master(&self, complete: bool) -> Result<(), PipelineError> {
        let text = master_playlist(&self.master_renditions(complete), &[]);
        write_file(&self.out_dir.join("hls/master.m3u8"), text.as_bytes())
    }

    /// Rewrites every playlist as VOD and lists the outputs.
    fn finish(&mut self, on_event: &mut dyn FnMut(Event)) -> Result<Vec<Output>, PipelineError> {
        for i in 0..self.renditions.len() {
            self.write_media(i, true)?;
        }
        self.write_master(true)?;
        let mut updated: Vec<PathBuf> = self
            .renditions
            .iter()
            .map(Rendition::playlist_rel)
            .collect();
        let master_rel = PathBuf::from("hls/master.m3u8");
        updated.push(master_rel.clone());
        on_event(Event::PlaylistsUpdated(updated));
        let mut outputs = Vec::new();
        let masters = self.master_renditions(true);
        let mut longest = 0.0f64;
        for (r, m) in self.renditions.iter().zip(&masters) {
            let rel = r.playlist_rel();
            let duration: f64 = r.segments.iter().map(|s| s.duration).sum();
            longest = longest.max(duration);
            let bytes = file_size(&self.out_dir.join(&rel))
                + r.segments.iter().map(|s| s.bytes).sum::<u64>();
            outputs.push(Output {
                kind: OutputKind::HlsRendition,
                name: r.name.clone(),
                path: rel,
                content_type: "application/vnd.apple.mpegurl".into(),
                bytes,
                bitrate: Some(m.bandwidth),
                width: Some(r.width),
                height: Some(r.height),
                duration_secs: Some(duration),
                extra: json!({
                    "uri": m.uri,
                    "codecs": m.codecs,
                    "bandwidth": m.bandwidth,
                    "average_bandwidth": m.average_bandwidth,
                    "frame_rate": self.fps,
                    "resolution": format!("{}x{}", r.width, r.height),
                    "segments": r.segments.len(),
                    "video_kbps": r.kbps,
                    "audio": self.has_audio,
                }),
            });
        }
        outputs.insert(
            0,
            Output {
                kind: OutputKind::HlsMaster,
                name: "master".into(),
                bytes: file_size(&self.out_dir.join(&master_rel)),
                path: master_rel,
                content_type: "application/vnd.apple.mpegurl".into(),
                bitrate: masters.iter().map(|m| m.bandwidth).max(),
                width: masters.first().map(|m| m.width),
                height: masters.first().map(|m| m.height),
                duration_secs: Some(longest),
                extra: json!({ "renditions": self.renditions.iter().map(|r| r.name.clone()).collect::<Vec<_>>() }),
            },
        );
        Ok(outputs)
    }
}

/// Refuses pictures too small to encode or too large to decode sensibly.
fn check_size(width: u32, height: u32) -> Result<(), PipelineError> {
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
fn output_rate(probed: f64) -> (i32, i32) {
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
fn plan_ladder(ladder: &[u32], short: u32) -> Vec<u32> {
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
fn rung_size(short: u32, display_w: u32, display_h: u32) -> (u32, u32) {
    let (dw, dh) = (f64::from(display_w.max(1)), f64::from(display_h.max(1)));
    if dw >= dh {
        (even(f64::from(short) * dw / dh), short)
    } else {
        (short, even(f64::from(short) * dh / dw))
    }
}

/// The pictures branch's frame size: at most 1280 wide, never upscaled.
fn thumb_size(display_w: u32, display_h: u32) -> (u32, u32) {
    let w = LARGE_WIDTH.min(display_w).max(2) & !1;
    (
        w,
        even(f64::from(w) * f64::from(display_h.max(1)) / f64::from(display_w.max(1))),
    )
}

fn scaled_caps(format: &str, w: u32, h: u32) -> gst::Caps {
    gst::Caps::builder("video/x-raw")
        .field("format", format)
        .field("width", w as i32)
        .field("height", h as i32)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build()
}

/// Display size of raw video caps (pixel aspect ratio applied to the width).
fn display_size(caps: &gst::CapsRef) -> Option<(u32, u32)> {
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
fn video_kbps(w: u32, h: u32, fps: f64) -> u32 {
    let pixels = f64::from(w) * f64::from(h);
    let motion = (fps / 30.0).max(1.0).sqrt();
    let kbps = 0.0103 * pixels.powf(0.9) * motion;
    ((kbps / 50.0).round() as u32 * 50).max(100)
}

/// RFC 6381 name of an H.264 stream from h264parse's caps.
fn avc1(profile: &str, level: &str) -> String {
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

/// Running time (ns) at the start, or with `end` the end, of a buffer on a pad.
fn running_end(pad: &gst::Pad, buffer: &gst::Buffer, end: bool) -> Option<u64> {
    let pts = buffer.pts()?;
    let at = if end {
        pts + buffer.duration().unwrap_or(gst::ClockTime::ZERO)
    } else {
        pts
    };
    let segment = pad.sticky_event::<gst::event::Segment>(0)?;
    let segment = segment.segment().downcast_ref::<gst::ClockTime>()?;
    segment.to_running_time(at).map(|t| t.nseconds())
}

/// An RGBx sample as an RGB image with its running time in seconds.
fn sample_image(sample: &gst::Sample) -> Option<(f64, image::RgbImage)> {
    let buffer = sample.buffer()?;
    let caps = sample.caps()?;
    let s = caps.structure(0)?;
    let w = s.get::<i32>("width").ok()? as u32;
    let h = s.get::<i32>("height").ok()? as u32;
    let t = sample
        .segment()
        .and_then(|seg| {
            seg.downcast_ref::<gst::ClockTime>()
                .and_then(|seg| seg.to_running_time(buffer.pts()?))
        })
        .map_or(0.0, |t| t.nseconds() as f64 / 1e9);
    let map = buffer.map_readable().ok()?;
    let stride = (w as usize * 4).div_ceil(4) * 4;
    let data = map.as_slice();
    if data.len() < stride * h as usize {
        return None;
    }
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for row in data.chunks_exact(stride).take(h as usize) {
        for px in row[..w as usize * 4].chunks_exact(4) {
            rgb.extend_from_slice(&px[..3]);
        }
    }
    image::RgbImage::from_raw(w, h, rgb).map(|img| (t, img))
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
