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
//!
//! `graph.rs` builds the pipeline branch by branch, `playlists.rs` follows the renditions while
//! it runs and writes their playlists, `sizes.rs` plans the ladder; this file runs the steps.

mod graph;
mod playlists;
mod sizes;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use gstreamer as gst;
use gstreamer::prelude::*;

use self::graph::{AudioChain, Ladder, Pictures};
use self::playlists::{Rendition, State};
use self::sizes::{check_size, output_rate, plan_ladder};
use super::run::{Teardown, internal, run};
use super::{Event, Output, PipelineError, VideoSpec};
use crate::media::probe::Probe;

/// Transcodes a video source: one decode, teed into every rendition of the ladder, plus the
/// pictures (see the module docs). Blocks until done; checks `cancel` every 100 ms. On error,
/// `out_dir` may hold partial files (the caller removes them); every GStreamer thread has
/// stopped.
pub fn transcode(
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
    let duration = probe.duration_secs.max(0.001);
    let ladder = Ladder {
        out_dir,
        spec,
        fps,
        key_int: ((spec.gop_secs * fps).round() as u32).max(1),
    };

    let pipeline = gst::Pipeline::new();
    let _teardown = Teardown(pipeline.clone());
    let video = graph::video_chain(&pipeline, source, track, (fps_n, fps_d))?;
    let audio: Option<AudioChain> = match probe.audio {
        Some(_) => Some(graph::audio_chain(&pipeline, spec)?),
        None => None,
    };
    let renditions = plan_ladder(&spec.ladder, track.width.min(track.height))
        .into_iter()
        .map(|short| graph::rendition(&pipeline, &ladder, short, &video, audio.as_ref()))
        .collect::<Result<Vec<Rendition>, _>>()?;
    let pictures = graph::pictures(&pipeline, &video, duration, fps)?;
    let (geometry, video_end) = graph::follow_video(&video, &renditions, &pictures.size)?;
    let audio_end = graph::follow_audio(audio.as_ref())?;
    let no_video = graph::link_streams(&pipeline, &video, audio.as_ref())?;

    let mut state = State {
        out_dir,
        spec,
        fps,
        has_audio: audio.is_some(),
        renditions,
        master_written: false,
        last_percent: -1.0,
        duration,
    };
    let _detached = graph::Detached::start(&pipeline, pictures.appsink.upcast_ref())?;
    let end = run(&pipeline, cancel, spec.nice, &mut |tick| {
        state.on_tick(tick, on_event)
    });
    let end = end?;
    let _ = pipeline.set_state(gst::State::Null);
    let video_end = video_end.load(Ordering::Relaxed) as f64 / 1e9;
    let audio_end = audio_end.load(Ordering::Relaxed) as f64 / 1e9;
    check_decoded(
        no_video.load(Ordering::Relaxed),
        video_end.max(audio_end).max(end),
        duration,
        &state.renditions,
    )?;
    let sizes = geometry.lock().map(|g| g.clone()).unwrap_or_default();
    state.close(video_end, &sizes);
    let mut outputs = state.finish(on_event)?;

    if cancel.load(Ordering::Relaxed) {
        return Err(PipelineError::Cancelled);
    }
    outputs.extend(finish_pictures(pictures, out_dir, on_event)?);
    Ok(outputs)
}

/// Refuses a file whose video could not be decoded, or only part of it: `decoded` seconds of
/// its `duration`.
fn check_decoded(
    no_video: bool,
    decoded: f64,
    duration: f64,
    renditions: &[Rendition],
) -> Result<(), PipelineError> {
    if no_video {
        return Err(PipelineError::Unsupported(
            "the file has no video track".into(),
        ));
    }
    if decoded < duration * 0.9 - 0.5 {
        return Err(PipelineError::Unsupported(format!(
            "the file stops after {decoded:.1} s of its {duration:.1} s: it is truncated or damaged"
        )));
    }
    if renditions.iter().any(|r| r.segments.is_empty()) {
        return Err(PipelineError::Unsupported(
            "no video frames could be decoded from the file".into(),
        ));
    }
    Ok(())
}

/// Makes the thumbnails, poster and sprite from the frames the pictures branch collected.
fn finish_pictures(
    pictures: Pictures,
    out_dir: &Path,
    on_event: &mut dyn FnMut(Event),
) -> Result<Vec<Output>, PipelineError> {
    on_event(Event::Progress {
        percent: 99.0,
        stage: "pictures",
    });
    // The appsink keeps its callback (and a reference) until the pipeline is freed.
    let collector = pictures
        .collector
        .lock()
        .map_err(|_| internal("the pictures branch panicked"))?
        .take()
        .ok_or_else(|| internal("the pictures were already taken"))?;
    let outputs = collector.finish(out_dir, on_event)?;
    on_event(Event::Progress {
        percent: 100.0,
        stage: "pictures",
    });
    Ok(outputs)
}
