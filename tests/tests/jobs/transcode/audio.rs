//! Audio sources become podcast files.

use projector_api::transcode::pipeline::{Event, OutputKind};
use projector_tests::media::{silent_wav, sine_wav};

use crate::transcode::support;

#[test]
fn a_twenty_second_tone_becomes_m4a_and_mp3_with_exact_durations_sizes_and_loudness() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("episode.wav");
    sine_wav(&source, 20);
    let run = support::audio(&source, &dir.path().join("out"));
    let outputs = run.outputs();
    assert_eq!(outputs.len(), 2);
    for (o, name, mime) in [
        (&outputs[0], "m4a", "audio/mp4"),
        (&outputs[1], "mp3", "audio/mpeg"),
    ] {
        assert_eq!(
            (o.kind, o.name.as_str(), o.content_type.as_str()),
            (OutputKind::Audio, name, mime)
        );
        let path = run.out.join(&o.path);
        assert_eq!(o.bytes, std::fs::metadata(&path).unwrap().len());
        let probed = support::probe(&path);
        assert!(
            (probed.duration_secs - 20.0).abs() <= 0.2,
            "{name}: probed {} s",
            probed.duration_secs
        );
        assert!(
            (o.duration_secs.unwrap() - probed.duration_secs).abs() <= 0.2,
            "{name}: {o:?}"
        );
        let kbps = o.bitrate.unwrap() / 1000;
        assert!((110..=150).contains(&kbps), "{name}: {kbps} kbit/s");
        // A sine at half scale: about -9 LUFS, peak about -6 dBFS.
        let lufs = o.extra["loudness_lufs"].as_f64().unwrap();
        let peak = o.extra["sample_peak_dbfs"].as_f64().unwrap();
        assert!((-14.0..-5.0).contains(&lufs), "{lufs}");
        assert!((-7.0..-5.0).contains(&peak), "{peak}");
    }
    assert!(run.events.contains(&Event::Progress {
        percent: 100.0,
        stage: "audio"
    }));
    assert!(
        run.events
            .contains(&Event::FileReady("audio/audio.m4a".into()))
    );
    // Faststart: the index comes before the media data.
    let m4a = std::fs::read(run.out.join("audio/audio.m4a")).unwrap();
    let moov = m4a.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = m4a.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov < mdat);
}

#[test]
fn a_three_hour_silent_recording_becomes_m4a_and_mp3_without_a_loudness_figure() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("silence.wav");
    silent_wav(&source, 3 * 3600, 8000);
    let run = support::audio(&source, &dir.path().join("out"));
    eprintln!("3 h of 8 kHz silence took {:?}", run.elapsed);
    for o in run.outputs() {
        let secs = o.duration_secs.unwrap();
        assert!((secs - 10_800.0).abs() < 1.0, "{}: {secs}", o.name);
        assert!(o.extra["loudness_lufs"].is_null(), "{:?}", o.extra);
        assert_eq!(o.extra["silent"], true);
        assert_eq!(
            o.bytes,
            std::fs::metadata(run.out.join(&o.path)).unwrap().len()
        );
    }
}
