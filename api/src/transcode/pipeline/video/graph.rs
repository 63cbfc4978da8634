//! Building the video pipeline, one branch at a time: the decoded picture up to the tee, the
//! one AAC encode, a branch per rendition, the pictures branch, and the probes that follow the
//! caps and how far each stream got.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::super::pictures::{Collector, Gate, Plan};
use super::super::run::{capsfilter, chain, create_dir, discard, internal, make, pad_kind, queue};
use super::super::{PipelineError, VideoSpec};
use super::playlists::Rendition;
use super::sizes::{rung_size, scaled_caps, thumb_size, video_kbps};
use crate::media::probe::VideoTrack;

/// The decoded picture at a constant rate, turned upright, in I420, up to the tee every branch
/// reads from.
pub(super) struct VideoChain {
    pub decode: gst::Element,
    pub rate: gst::Element,
    pub tee: gst::Element,
    /// The picture's size once turned.
    pub display: (u32, u32),
}

/// `filesrc ! decodebin` and the video chain up to its tee.
pub(super) fn video_chain(
    pipeline: &gst::Pipeline,
    source: &Path,
    track: &VideoTrack,
    (fps_n, fps_d): (i32, i32),
) -> Result<VideoChain, PipelineError> {
    let src = make("filesrc")?;
    src.set_property("location", source.to_string_lossy().as_ref());
    let decode = make("decodebin")?;
    chain(pipeline, &[&src, &decode])?;

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
    let display = if matches!(direction, "90r" | "90l" | "ul-lr" | "ur-ll") {
        (track.height, track.width)
    } else {
        (track.width, track.height)
    };
    let i420 = capsfilter(
        &gst::Caps::builder("video/x-raw")
            .field("format", "I420")
            .build(),
    )?;
    let tee = make("tee")?;
    chain(pipeline, &[&rate, &rate_caps, &convert, &flip, &i420, &tee])?;
    Ok(VideoChain {
        decode,
        rate,
        tee,
        display,
    })
}

/// The one AAC encode every rendition shares.
pub(super) struct AudioChain {
    /// Where decoded audio enters.
    pub convert: gst::Element,
    pub tee: gst::Element,
}

/// `audioconvert ! audioresample ! avenc_aac ! aacparse ! tee`.
pub(super) fn audio_chain(
    pipeline: &gst::Pipeline,
    spec: &VideoSpec,
) -> Result<AudioChain, PipelineError> {
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
        pipeline,
        &[
            &aconvert, &resample, &acaps, &aconvert2, &aac, &aparse, &atee,
        ],
    )?;
    Ok(AudioChain {
        convert: aconvert,
        tee: atee,
    })
}

/// What every rendition branch shares.
pub(super) struct Ladder<'a> {
    pub out_dir: &'a Path,
    pub spec: &'a VideoSpec,
    pub fps: f64,
    /// Frames between keyframes.
    pub key_int: u32,
}

/// One rendition: `queue ! videoscale ! x264enc ! h264parse ! splitmuxsink`, fed from the video
/// tee and (through its own queue) the audio tee.
pub(super) fn rendition(
    pipeline: &gst::Pipeline,
    ladder: &Ladder<'_>,
    short: u32,
    video: &VideoChain,
    audio: Option<&AudioChain>,
) -> Result<Rendition, PipelineError> {
    let Ladder {
        out_dir,
        spec,
        fps,
        key_int,
    } = *ladder;
    let name = format!("{short}p");
    let dir = out_dir.join("hls").join(&name);
    create_dir(&dir)?;
    let q = queue(8)?;
    let scale = make("videoscale")?;
    let (w, h) = rung_size(short, video.display.0, video.display.1);
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
    chain(pipeline, &[&q, &scale, &size, &enc, &parse])?;
    pipeline.add(&split).map_err(internal)?;
    let vpad = split
        .request_pad_simple("video")
        .ok_or_else(|| internal("splitmuxsink video pad"))?;
    parse
        .static_pad("src")
        .ok_or_else(|| internal("h264parse src"))?
        .link(&vpad)
        .map_err(internal)?;
    video.tee.link(&q).map_err(internal)?;
    if let Some(audio) = audio {
        // Audio queues are unbounded (audio is small), so a rendition that is waiting for
        // video never blocks the shared audio encoder.
        let aq = queue(0)?;
        pipeline.add(&aq).map_err(internal)?;
        audio.tee.link(&aq).map_err(internal)?;
        let apad = split
            .request_pad_simple("audio_%u")
            .ok_or_else(|| internal("splitmuxsink audio pad"))?;
        aq.static_pad("src")
            .ok_or_else(|| internal("queue src"))?
            .link(&apad)
            .map_err(internal)?;
    }
    Ok(Rendition {
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
    })
}

/// The pictures branch: frames the gate lets through, scaled, collected for thumbnails, poster
/// and sprite.
pub(super) struct Pictures {
    pub appsink: gst_app::AppSink,
    /// Its size filter, set again when the caps settle.
    pub size: gst::Element,
    /// Taken at the end; the appsink keeps a reference until the pipeline is freed.
    pub collector: Arc<Mutex<Option<Collector>>>,
}

/// `queue ! videoscale ! videoconvert ! appsink` off the video tee, behind a gate that lets
/// through only the frames the pictures need.
pub(super) fn pictures(
    pipeline: &gst::Pipeline,
    video: &VideoChain,
    duration: f64,
    fps: f64,
) -> Result<Pictures, PipelineError> {
    let plan = Plan::new(duration);
    let gate = Arc::new(Mutex::new(Gate::new(plan.wanted())));
    let collector = Arc::new(Mutex::new(Some(Collector::new(plan))));
    let pq = queue(4)?;
    let pscale = make("videoscale")?;
    let pconvert = make("videoconvert")?;
    let (tw, th) = thumb_size(video.display.0, video.display.1);
    let psize = capsfilter(&scaled_caps("RGBx", tw, th))?;
    let appsink = gst_app::AppSink::builder()
        .sync(false)
        .async_(false)
        .build();
    // The pictures sink stays out of the pipeline's preroll (it is started on its own, see
    // `Detached`). A sink in PAUSED holds its first buffer until the pipeline plays, even with
    // async=false, and the pipeline only plays once every splitmuxsink has opened its first
    // fragment, i.e. once every encoder has put out its first frame. x264 above `ultrafast`
    // holds back a few dozen frames (lookahead, B-frames, frame threads), so on a short clip,
    // where the gate lets most frames through, the pictures queue filled first and blocked the
    // tee: every encoder starved and the pipeline never left PAUSED.
    appsink.set_locked_state(true);
    chain(
        pipeline,
        &[&pq, &pscale, &pconvert, &psize, appsink.upcast_ref()],
    )?;
    video.tee.link(&pq).map_err(internal)?;
    let slack = 0.5 / fps;
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
                // `Handled` rather than `Drop`: the bindings take the buffer either way,
                // and GStreamer 1.22 unrefs the (now empty) data of a dropped buffer,
                // which prints a `gst_mini_object_unref` CRITICAL per frame.
                gst::PadProbeReturn::Handled
            }
        });
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
    Ok(Pictures {
        appsink,
        size: psize,
        collector,
    })
}

/// The rung sizes the caps settled on (filled in as they arrive).
pub(super) type Geometry = Arc<Mutex<Vec<(u32, u32)>>>;

/// Follows the video tee: rung sizes follow the caps that reach it (after rotation), set before
/// the caps event goes on so every encoder starts with the right size; and how far the video
/// got (running time, ns).
pub(super) fn follow_video(
    video: &VideoChain,
    renditions: &[Rendition],
    pictures_size: &gst::Element,
) -> Result<(Geometry, Arc<AtomicU64>), PipelineError> {
    let geometry = Arc::new(Mutex::new(
        renditions
            .iter()
            .map(|r| (r.width, r.height))
            .collect::<Vec<_>>(),
    ));
    let video_end = Arc::new(AtomicU64::new(0));
    let filters: Vec<(u32, gst::Element)> = renditions
        .iter()
        .map(|r| (r.short, r.size.clone()))
        .collect();
    let psize = pictures_size.clone();
    let sizes_seen = geometry.clone();
    let end = video_end.clone();
    video
        .tee
        .static_pad("sink")
        .ok_or_else(|| internal("tee sink"))?
        .add_probe(
            gst::PadProbeType::EVENT_DOWNSTREAM | gst::PadProbeType::BUFFER,
            move |pad, info| {
                match &info.data {
                    Some(gst::PadProbeData::Event(event)) => {
                        if let gst::EventView::Caps(caps) = event.view()
                            && let Some((dw, dh)) = super::sizes::display_size(caps.caps())
                        {
                            let mut sizes = Vec::new();
                            for (short, filter) in &filters {
                                let (w, h) = rung_size(*short, dw, dh);
                                filter.set_property("caps", scaled_caps("I420", w, h));
                                sizes.push((w, h));
                            }
                            let (tw, th) = thumb_size(dw, dh);
                            psize.set_property("caps", scaled_caps("RGBx", tw, th));
                            if let Ok(mut g) = sizes_seen.lock() {
                                *g = sizes;
                            }
                        }
                    }
                    Some(gst::PadProbeData::Buffer(buffer)) => {
                        if let Some(at) = running_end(pad, buffer, true) {
                            end.fetch_max(at, Ordering::Relaxed);
                        }
                    }
                    _ => {}
                }
                gst::PadProbeReturn::Ok
            },
        );
    Ok((geometry, video_end))
}

/// How far the audio got (running time, ns); zero without audio.
pub(super) fn follow_audio(audio: Option<&AudioChain>) -> Result<Arc<AtomicU64>, PipelineError> {
    let audio_end = Arc::new(AtomicU64::new(0));
    if let Some(audio) = audio {
        let end = audio_end.clone();
        audio
            .tee
            .static_pad("sink")
            .ok_or_else(|| internal("tee sink"))?
            .add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
                if let Some(gst::PadProbeData::Buffer(buffer)) = &info.data
                    && let Some(at) = running_end(pad, buffer, true)
                {
                    end.fetch_max(at, Ordering::Relaxed);
                }
                gst::PadProbeReturn::Ok
            });
    }
    Ok(audio_end)
}

/// Decoded streams: the first video and the first audio go to their branches, anything else (a
/// second audio track, subtitles) into a fakesink. The flag says the file had no video.
pub(super) fn link_streams(
    pipeline: &gst::Pipeline,
    video: &VideoChain,
    audio: Option<&AudioChain>,
) -> Result<Arc<AtomicBool>, PipelineError> {
    let no_video = Arc::new(AtomicBool::new(false));
    let video_sink = video
        .rate
        .static_pad("sink")
        .ok_or_else(|| internal("videorate sink"))?;
    let audio_sink = match audio {
        Some(audio) => Some(
            audio
                .convert
                .static_pad("sink")
                .ok_or_else(|| internal("audioconvert sink"))?,
        ),
        None => None,
    };
    link_decoded(
        pipeline,
        &video.decode,
        video_sink,
        audio_sink,
        no_video.clone(),
    );
    Ok(no_video)
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
        let kind = pad_kind(pad);
        let target = if kind.starts_with("video/x-raw") && !v.is_linked() {
            Some(v.clone())
        } else if kind.starts_with("audio/x-raw") {
            a.clone().filter(|p| !p.is_linked())
        } else {
            None
        };
        match target {
            Some(target) => {
                let _ = pad.link(&target);
            }
            None => discard(&weak, pad),
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

/// An element with a locked state, played on its own ahead of the pipeline (so it never waits
/// for the pipeline to preroll) and stopped after it, whatever happens.
pub(super) struct Detached {
    pipeline: gst::Pipeline,
    element: gst::Element,
}

impl Detached {
    pub(super) fn start(
        pipeline: &gst::Pipeline,
        element: &gst::Element,
    ) -> Result<Self, PipelineError> {
        let detached = Self {
            pipeline: pipeline.clone(),
            element: element.clone(),
        };
        element.set_state(gst::State::Playing).map_err(internal)?;
        Ok(detached)
    }
}

impl Drop for Detached {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
        let _ = self.element.set_state(gst::State::Null);
    }
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
