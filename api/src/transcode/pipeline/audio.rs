//! The audio pipeline: one decode, teed into AAC in M4A, MP3 and a loudness meter.
//!
//! ```text
//! filesrc ! decodebin ! audioconvert ! audioresample ! tee ─┬ queue ! avenc_aac ! mp4mux(faststart) ! filesink audio.m4a
//!                                                           ├ queue ! lamemp3enc ! xingmux ! filesink audio.mp3
//!                                                           └ queue ! audioconvert ! appsink (F32, EBU R128)
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ebur128::{EbuR128, Mode};
use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use serde_json::json;

use super::run::{
    Teardown, Tick, capsfilter, chain, create_dir, discard, file_duration, file_size, internal,
    make, pad_kind, queue, run,
};
use super::{AudioSpec, Event, Output, OutputKind, PipelineError};
use crate::media::probe::Probe;

/// Sample rates both encoders take (MPEG audio's list; AAC takes all of them).
const RATES: [u32; 9] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/// Transcodes an audio source (a podcast episode, an audio-only upload) to M4A and MP3 (see the
/// module docs).
pub fn transcode(
    source: &Path,
    probe: &Probe,
    out_dir: &Path,
    spec: &AudioSpec,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(Event),
) -> Result<Vec<Output>, PipelineError> {
    let track = probe
        .audio
        .as_ref()
        .ok_or_else(|| PipelineError::Unsupported("the file has no audio track".into()))?;
    super::run::init()?;
    let duration = probe.duration_secs.max(0.001);
    let rate = output_rate(track.sample_rate);
    let channels = track.channels.clamp(1, 2);
    let dir = out_dir.join("audio");
    create_dir(&dir)?;
    let m4a = dir.join("audio.m4a");
    let mp3 = dir.join("audio.mp3");
    let mp3_kbps = mp3_bitrate(spec.mp3_kbps, rate);

    let pipeline = gst::Pipeline::new();
    let _teardown = Teardown(pipeline.clone());
    let src = make("filesrc")?;
    src.set_property("location", source.to_string_lossy().as_ref());
    let decode = make("decodebin")?;
    chain(&pipeline, &[&src, &decode])?;
    let convert = make("audioconvert")?;
    let resample = make("audioresample")?;
    let caps = capsfilter(
        &gst::Caps::builder("audio/x-raw")
            .field("rate", rate as i32)
            .field("channels", channels as i32)
            .build(),
    )?;
    let tee = make("tee")?;
    chain(&pipeline, &[&convert, &resample, &caps, &tee])?;
    let aq = m4a_branch(&pipeline, spec.m4a_kbps, &m4a)?;
    let mq = mp3_branch(&pipeline, mp3_kbps, &mp3)?;
    let (lq, appsink) = meter_branch(&pipeline)?;
    for q in [&aq, &mq, &lq] {
        tee.link(q).map_err(internal)?;
    }
    let meter = meter(&appsink, channels, rate)?;
    let linked = link_decoded(&pipeline, &decode, &convert)?;

    let mut last_percent = -1.0;
    let end = run(&pipeline, cancel, spec.nice, &mut |tick| {
        if let Tick::Position(secs) = tick {
            let percent = (secs / duration * 100.0).clamp(0.0, 99.0).floor();
            if percent > last_percent {
                last_percent = percent;
                on_event(Event::Progress {
                    percent,
                    stage: "audio",
                });
            }
        }
        Ok(())
    })?;
    let _ = pipeline.set_state(gst::State::Null);
    if !linked.load(Ordering::Relaxed) {
        return Err(PipelineError::Unsupported(
            "the file has no audio track we can decode".into(),
        ));
    }
    let levels = levels(&meter, channels);
    let files = [
        (&m4a, "m4a", "audio/mp4", "mp4a.40.2", spec.m4a_kbps),
        (&mp3, "mp3", "audio/mpeg", "mp3", mp3_kbps),
    ];
    let mut outputs = Vec::new();
    for (path, name, content_type, codec, kbps) in files {
        let file = AudioFile {
            name,
            content_type,
            codec,
            kbps,
        };
        let output = audio_output(path, &file, end, duration, (rate, channels), levels)?;
        on_event(Event::FileReady(output.path.clone()));
        outputs.push(output);
    }
    on_event(Event::Progress {
        percent: 100.0,
        stage: "audio",
    });
    Ok(outputs)
}

/// `queue ! audioconvert ! avenc_aac ! mp4mux(faststart) ! filesink`; its queue.
fn m4a_branch(
    pipeline: &gst::Pipeline,
    kbps: u32,
    path: &Path,
) -> Result<gst::Element, PipelineError> {
    let aac = make("avenc_aac")?;
    aac.set_property_from_str("bitrate", &(u64::from(kbps) * 1000).to_string());
    let mp4 = make("mp4mux")?;
    mp4.set_property("faststart", true);
    encode_to_file(pipeline, &aac, &mp4, path)
}

/// `queue ! audioconvert ! lamemp3enc(cbr) ! xingmux ! filesink`; its queue.
fn mp3_branch(
    pipeline: &gst::Pipeline,
    kbps: u32,
    path: &Path,
) -> Result<gst::Element, PipelineError> {
    let lame = make("lamemp3enc")?;
    lame.set_property_from_str("target", "bitrate");
    lame.set_property("cbr", true);
    lame.set_property("bitrate", kbps as i32);
    let xing = make("xingmux")?;
    encode_to_file(pipeline, &lame, &xing, path)
}

/// `queue ! audioconvert ! encoder ! muxer ! filesink location=path`; its queue, for the tee.
fn encode_to_file(
    pipeline: &gst::Pipeline,
    encoder: &gst::Element,
    muxer: &gst::Element,
    path: &Path,
) -> Result<gst::Element, PipelineError> {
    let q = queue(0)?;
    let convert = make("audioconvert")?;
    let sink = make("filesink")?;
    sink.set_property("location", path.to_string_lossy().as_ref());
    chain(pipeline, &[&q, &convert, encoder, muxer, &sink])?;
    Ok(q)
}

/// `queue ! audioconvert ! appsink` in interleaved F32; its queue and sink.
fn meter_branch(
    pipeline: &gst::Pipeline,
) -> Result<(gst::Element, gst_app::AppSink), PipelineError> {
    let lq = queue(0)?;
    let lconvert = make("audioconvert")?;
    let f32caps = capsfilter(
        &gst::Caps::builder("audio/x-raw")
            .field("format", "F32LE")
            .field("layout", "interleaved")
            .build(),
    )?;
    let appsink = gst_app::AppSink::builder()
        .sync(false)
        .async_(false)
        .build();
    chain(pipeline, &[&lq, &lconvert, &f32caps, appsink.upcast_ref()])?;
    Ok((lq, appsink))
}

/// An EBU R128 meter fed by the meter branch's sink.
fn meter(
    appsink: &gst_app::AppSink,
    channels: u32,
    rate: u32,
) -> Result<Arc<Mutex<EbuR128>>, PipelineError> {
    let meter = EbuR128::new(channels, rate, Mode::I | Mode::SAMPLE_PEAK)
        .map_err(|e| internal(format!("loudness meter: {e}")))?;
    let meter = Arc::new(Mutex::new(meter));
    let fed = meter.clone();
    appsink.set_callbacks(
        gst_app::AppSinkCallbacks::builder()
            .new_sample(move |sink| {
                let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                if let Some(buffer) = sample.buffer()
                    && let Ok(map) = buffer.map_readable()
                {
                    let samples: Vec<f32> = map
                        .as_slice()
                        .chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .collect();
                    if let Ok(mut m) = fed.lock() {
                        let _ = m.add_frames_f32(&samples);
                    }
                }
                Ok(gst::FlowSuccess::Ok)
            })
            .build(),
    );
    Ok(meter)
}

/// Links the first decoded audio stream to `convert`; video (cover art) and further tracks go
/// to fakesinks. The flag says whether audio was linked.
fn link_decoded(
    pipeline: &gst::Pipeline,
    decode: &gst::Element,
    convert: &gst::Element,
) -> Result<Arc<AtomicBool>, PipelineError> {
    let linked = Arc::new(AtomicBool::new(false));
    let sink = convert
        .static_pad("sink")
        .ok_or_else(|| internal("audioconvert sink"))?;
    let weak = pipeline.downgrade();
    let linked_flag = linked.clone();
    decode.connect_pad_added(move |_, pad| {
        if pad_kind(pad).starts_with("audio/x-raw") && !sink.is_linked() {
            if pad.link(&sink).is_ok() {
                linked_flag.store(true, Ordering::Relaxed);
            }
            return;
        }
        // Video (cover art) and further tracks are ignored.
        discard(&weak, pad);
    });
    let sink = convert
        .static_pad("sink")
        .ok_or_else(|| internal("audioconvert sink"))?;
    decode.connect_no_more_pads(move |_| {
        if !sink.is_linked() {
            sink.send_event(gst::event::Eos::new());
        }
    });
    Ok(linked)
}

/// Integrated loudness (LUFS) and sample peak (dBFS); `None` for silence.
fn levels(meter: &Mutex<EbuR128>, channels: u32) -> (Option<f64>, Option<f64>) {
    match meter.lock() {
        Ok(m) => {
            let loudness = m.loudness_global().ok().filter(|l| l.is_finite());
            let peak = (0..channels)
                .filter_map(|c| m.sample_peak(c).ok())
                .fold(0.0f64, f64::max);
            let peak_db = (peak > 0.0).then(|| 20.0 * peak.log10());
            (loudness, peak_db)
        }
        Err(_) => (None, None),
    }
}

/// What names and describes one encoded file.
struct AudioFile {
    name: &'static str,
    content_type: &'static str,
    codec: &'static str,
    kbps: u32,
}

/// The output row of an encoded file, refused when it stops well short of `duration`.
fn audio_output(
    path: &Path,
    file: &AudioFile,
    end: f64,
    duration: f64,
    (rate, channels): (u32, u32),
    (loudness, peak): (Option<f64>, Option<f64>),
) -> Result<Output, PipelineError> {
    let bytes = file_size(path);
    let secs = file_duration(path).unwrap_or(end);
    if secs < duration * 0.9 - 0.5 {
        return Err(PipelineError::Unsupported(format!(
            "the file stops after {secs:.1} s of its {duration:.1} s: it is truncated or damaged"
        )));
    }
    Ok(Output {
        kind: OutputKind::Audio,
        name: file.name.into(),
        path: PathBuf::from(format!("audio/audio.{}", file.name)),
        content_type: file.content_type.into(),
        bytes,
        bitrate: (secs > 0.0).then(|| (bytes as f64 * 8.0 / secs) as u64),
        width: None,
        height: None,
        duration_secs: Some(secs),
        extra: json!({
            "codec": file.codec,
            "nominal_kbps": file.kbps,
            "sample_rate": rate,
            "channels": channels,
            // Silence has no loudness (minus infinity): null, and `silent` says why.
            "loudness_lufs": loudness.map(|l| (l * 10.0).round() / 10.0),
            "sample_peak_dbfs": peak.map(|p| (p * 10.0).round() / 10.0),
            "silent": peak.is_none(),
        }),
    })
}

/// The source's rate when both encoders take it, else the nearest common rate.
fn output_rate(source: u32) -> u32 {
    if RATES.contains(&source) {
        source
    } else if source > 48_000 {
        48_000
    } else {
        RATES
            .iter()
            .copied()
            .find(|r| *r >= source)
            .unwrap_or(44_100)
    }
}

/// The MP3 bitrate: the wanted one, capped at what the MPEG version of this rate allows.
fn mp3_bitrate(kbps: u32, rate: u32) -> u32 {
    let allowed: &[u32] = if rate >= 32_000 {
        &[
            32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ]
    } else {
        &[8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    };
    let cap = if rate <= 12_000 { 64 } else { u32::MAX };
    allowed
        .iter()
        .copied()
        .filter(|b| *b <= kbps.min(cap))
        .max()
        .unwrap_or(allowed[0])
}
