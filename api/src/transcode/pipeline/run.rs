//! What every pipeline shares: making elements, driving the bus on the caller's thread (cancel,
//! progress, errors a person can read) and tearing down.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;

use super::PipelineError;

/// How often the bus loop wakes up to look at `cancel` and the position.
const TICK: Duration = Duration::from_millis(100);
/// How often progress is reported at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// A pipeline whose position has not moved for this long is stuck. Generous, because the
/// position stands still while muxers finish (an M4A's index is written after the last sample,
/// which for a 3-hour file on a busy disk took over two minutes in CI-like load).
const STALL: Duration = Duration::from_secs(300);

/// Initialises GStreamer once per process.
pub(super) fn init() -> Result<(), PipelineError> {
    gst::init().map_err(|e| PipelineError::Failed(format!("GStreamer cannot start: {e}")))
}

/// Runs a `gst-launch`-style description to its end on the caller's thread: for small fixed
/// jobs (remuxing downloads, generating the demo's media). An error message, or `quiet` without
/// any message on the bus, stops it.
pub fn launch(description: &str, quiet: Duration) -> Result<(), PipelineError> {
    init()?;
    let fail = |e: &dyn std::fmt::Display| PipelineError::Failed(e.to_string());
    let pipeline = gst::parse::launch(description).map_err(|e| fail(&e))?;
    let bus = pipeline.bus().ok_or_else(|| fail(&"no bus"))?;
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|e| fail(&e))?;
    let wait = gst::ClockTime::from_nseconds(u64::try_from(quiet.as_nanos()).unwrap_or(u64::MAX));
    let result = loop {
        let Some(msg) = bus.timed_pop(wait) else {
            break Err(fail(&"timed out"));
        };
        match msg.view() {
            gst::MessageView::Eos(_) => break Ok(()),
            gst::MessageView::Error(e) => break Err(fail(&e.error())),
            _ => {}
        }
    };
    let _ = pipeline.set_state(gst::State::Null);
    result
}

/// Makes an element of a factory, or says which plugin is missing.
pub(super) fn make(factory: &str) -> Result<gst::Element, PipelineError> {
    gst::ElementFactory::make(factory).build().map_err(|_| {
        PipelineError::Failed(format!(
            "the GStreamer element `{factory}` is not installed on this worker"
        ))
    })
}

/// A queue that never blocks its upstream on time or bytes, only on `buffers` (0: unlimited).
pub(super) fn queue(buffers: u32) -> Result<gst::Element, PipelineError> {
    let q = make("queue")?;
    q.set_property("max-size-buffers", buffers);
    q.set_property("max-size-bytes", 0u32);
    q.set_property("max-size-time", 0u64);
    Ok(q)
}

/// A capsfilter with the given caps.
pub(super) fn capsfilter(caps: &gst::Caps) -> Result<gst::Element, PipelineError> {
    let f = make("capsfilter")?;
    f.set_property("caps", caps);
    Ok(f)
}

/// Adds elements to the pipeline and links them in a chain.
pub(super) fn chain(
    pipeline: &gst::Pipeline,
    elements: &[&gst::Element],
) -> Result<(), PipelineError> {
    pipeline
        .add_many(elements.iter().copied())
        .map_err(internal)?;
    gst::Element::link_many(elements.iter().copied()).map_err(internal)
}

/// An error of the pipeline's own making (a bug, not the input's fault).
pub(super) fn internal(e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Failed(format!("the transcoding pipeline could not be built ({e})"))
}

/// An error writing one of our own files (playlists, pictures).
pub(super) fn write_error(path: &Path, e: &std::io::Error) -> PipelineError {
    if e.raw_os_error() == Some(28) {
        PipelineError::Failed("the disk is full: the transcoded files cannot be written".into())
    } else {
        PipelineError::Failed(format!(
            "the transcoded file {} cannot be written ({e})",
            path.display()
        ))
    }
}

/// Writes a whole file.
pub(super) fn write_file(path: &Path, contents: &[u8]) -> Result<(), PipelineError> {
    std::fs::write(path, contents).map_err(|e| write_error(path, &e))
}

/// Sets the pipeline to `Null` when dropped, whatever happened: stops every GStreamer thread.
pub(super) struct Teardown(pub gst::Pipeline);

impl Drop for Teardown {
    fn drop(&mut self) {
        let _ = self.0.set_state(gst::State::Null);
    }
}

/// What the bus loop hands to the pipeline's own logic.
pub(super) enum Tick<'a> {
    /// An element message (e.g. a splitmuxsink fragment).
    Message(&'a gst::Message),
    /// Seconds of the source done so far (at most every 250 ms).
    Position(f64),
}

/// Makes every streaming thread of the pipeline run at `nice` (Linux nice values are per
/// thread). GStreamer posts a stream-status `Enter` message from each new streaming thread
/// before it does any work, and a sync handler runs in the posting thread; threads the encoders
/// start from there (x264's) inherit the value. A thread can always lower its own priority.
fn lower_thread_priorities(bus: &gst::Bus, nice: i32) {
    if nice <= 0 {
        return;
    }
    bus.set_sync_handler(move |_, msg| {
        if let gst::MessageView::StreamStatus(status) = msg.view()
            && status.get().0 == gst::StreamStatusType::Enter
        {
            // `None`: the calling thread (per-thread on Linux).
            if let Err(e) = rustix::process::setpriority_process(None, nice) {
                tracing::debug!(error = %e, "could not lower a transcode thread's priority");
            }
        }
        gst::BusSyncReply::Pass
    });
}

/// Plays the pipeline until EOS, an error or `cancel`, its threads at `nice`. Returns the last
/// position in seconds.
pub(super) fn run(
    pipeline: &gst::Pipeline,
    cancel: &AtomicBool,
    nice: i32,
    handler: &mut dyn FnMut(Tick<'_>) -> Result<(), PipelineError>,
) -> Result<f64, PipelineError> {
    let bus = pipeline.bus().ok_or_else(|| internal("no bus"))?;
    lower_thread_priorities(&bus, nice);
    if pipeline.set_state(gst::State::Playing).is_err() {
        // The reason is on the bus as an error message.
        return Err(first_error(&bus).unwrap_or_else(|| internal("the pipeline did not start")));
    }
    let mut last_report = Instant::now();
    let mut last_moved = Instant::now();
    let mut position = 0.0f64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            let _ = pipeline.set_state(gst::State::Null);
            return Err(PipelineError::Cancelled);
        }
        if let Some(msg) = bus.timed_pop(gst::ClockTime::from_nseconds(TICK.as_nanos() as u64)) {
            use gst::MessageView;
            match msg.view() {
                MessageView::Eos(_) => break,
                MessageView::Error(err) => {
                    let _ = pipeline.set_state(gst::State::Null);
                    return Err(classify(&err.error()));
                }
                MessageView::Element(_) => handler(Tick::Message(&msg))?,
                _ => {}
            }
        }
        if last_report.elapsed() >= PROGRESS_EVERY {
            last_report = Instant::now();
            if let Some(pos) = pipeline.query_position::<gst::ClockTime>() {
                let secs = pos.nseconds() as f64 / 1e9;
                if secs > position {
                    position = secs;
                    last_moved = Instant::now();
                }
            }
            if last_moved.elapsed() > STALL {
                let _ = pipeline.set_state(gst::State::Null);
                return Err(PipelineError::Failed(
                    "transcoding stopped making progress (the worker may be overloaded)".into(),
                ));
            }
            handler(Tick::Position(position))?;
        }
    }
    Ok(position)
}

/// The first error message waiting on the bus.
fn first_error(bus: &gst::Bus) -> Option<PipelineError> {
    while let Some(msg) = bus.pop() {
        if let gst::MessageView::Error(err) = msg.view() {
            return Some(classify(&err.error()));
        }
    }
    None
}

/// Turns a GStreamer error into a reason for people, and decides whether a retry may help. The
/// debug string (element paths, source lines) stays out.
pub(super) fn classify(err: &gst::glib::Error) -> PipelineError {
    let detail = err.message().trim_end_matches('.').to_owned();
    if let Some(kind) = err.kind::<gst::ResourceError>() {
        return match kind {
            gst::ResourceError::NoSpaceLeft => PipelineError::Failed(
                "the disk is full: the transcoded files cannot be written".into(),
            ),
            gst::ResourceError::OpenWrite
            | gst::ResourceError::Write
            | gst::ResourceError::OpenReadWrite
            | gst::ResourceError::Close
            | gst::ResourceError::Sync => {
                PipelineError::Failed(format!("the transcoded files cannot be written ({detail})"))
            }
            gst::ResourceError::NotFound
            | gst::ResourceError::OpenRead
            | gst::ResourceError::Read
            | gst::ResourceError::Seek => {
                PipelineError::Failed(format!("the source file cannot be read ({detail})"))
            }
            _ => PipelineError::Failed(format!("transcoding failed ({detail})")),
        };
    }
    if let Some(kind) = err.kind::<gst::StreamError>() {
        return match kind {
            gst::StreamError::Decode
            | gst::StreamError::Demux
            | gst::StreamError::Format
            | gst::StreamError::WrongType
            | gst::StreamError::TypeNotFound
            | gst::StreamError::Decrypt
            | gst::StreamError::DecryptNokey => PipelineError::Unsupported(format!(
                "the file is damaged or cannot be decoded ({detail})"
            )),
            gst::StreamError::CodecNotFound | gst::StreamError::NotImplemented => {
                PipelineError::Unsupported(format!(
                    "no decoder for this format is installed ({detail})"
                ))
            }
            _ => PipelineError::Failed(format!("transcoding failed ({detail})")),
        };
    }
    if let Some(gst::CoreError::MissingPlugin) = err.kind::<gst::CoreError>() {
        return PipelineError::Unsupported(format!(
            "no decoder for this format is installed ({detail})"
        ));
    }
    PipelineError::Failed(format!("transcoding failed ({detail})"))
}

/// The duration of a finished output file, read back with the Discoverer.
pub(super) fn file_duration(path: &Path) -> Option<f64> {
    use gstreamer_pbutils as pbutils;
    let path = std::fs::canonicalize(path).ok()?;
    let uri = url::Url::from_file_path(&path).ok()?;
    let discoverer = pbutils::Discoverer::new(gst::ClockTime::from_seconds(20)).ok()?;
    let info = discoverer.discover_uri(uri.as_str()).ok()?;
    info.duration().map(|d| d.nseconds() as f64 / 1e9)
}

/// Size of a file in bytes (0 when it is missing).
pub(super) fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Creates a directory and its parents.
pub(super) fn create_dir(path: &Path) -> Result<(), PipelineError> {
    std::fs::create_dir_all(path).map_err(|e| write_error(path, &e))
}

/// The media type a decoded pad carries (`video/x-raw`, `audio/x-raw`, ...).
pub(super) fn pad_kind(pad: &gst::Pad) -> String {
    let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
    caps.structure(0)
        .map(|s| s.name().to_string())
        .unwrap_or_default()
}

/// Sends a decoded stream nobody reads (cover art, a second track, subtitles) into a fakesink
/// of its own, so it never holds up the rest.
pub(super) fn discard(pipeline: &gst::glib::WeakRef<gst::Pipeline>, pad: &gst::Pad) {
    let Some(pipeline) = pipeline.upgrade() else {
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
}
