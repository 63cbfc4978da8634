//! Bad inputs end in an error a person can read, of the right kind, quickly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use projector_api::transcode::pipeline::{Event, PipelineError, transcode_video};
use projector_tests::media::{Clip, mjpeg, sine_wav};

use crate::transcode::support;

fn assert_readable(e: &PipelineError) {
    let text = e.to_string();
    assert!(
        !text.contains("gst") && !text.contains(".c(") && !text.contains('\n'),
        "{text}"
    );
    assert!(text.len() < 200, "{text}");
}

#[test]
fn a_file_without_video_is_refused_and_a_video_without_sound_has_no_podcast_audio() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    sine_wav(&wav, 1);
    let run = support::video(
        &wav,
        &dir.path().join("out"),
        &support::video_spec(&[240], "ultrafast"),
    );
    assert!(
        matches!(run.error(), PipelineError::Unsupported(m) if m == "the file has no video track")
    );

    let mute = dir.path().join("mute.mp4");
    let mut clip = Clip::new(160, 120, 1.0);
    clip.audio = false;
    clip.write(&mute);
    let run = support::audio(&mute, &dir.path().join("out2"));
    assert!(
        matches!(run.error(), PipelineError::Unsupported(m) if m.contains("no audio track")),
        "{:?}",
        run.error()
    );
}

#[test]
fn a_one_pixel_and_a_ten_thousand_pixel_square_video_are_refused_with_their_size() {
    let dir = tempfile::tempdir().unwrap();
    for (side, expected) in [
        (1, "the video is 1×1 pixels"),
        (10_000, "the video is 10000×10000 pixels"),
    ] {
        let source = dir.path().join(format!("{side}.mkv"));
        mjpeg(&source, side, side, 1);
        let run = support::video(
            &source,
            &dir.path().join(format!("out-{side}")),
            &support::video_spec(&[240], "ultrafast"),
        );
        let e = run.error();
        assert!(
            matches!(e, PipelineError::Unsupported(m) if m.starts_with(expected)),
            "{e:?}"
        );
        assert_readable(e);
    }
}

#[test]
fn a_file_that_stops_partway_is_refused_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.mp4");
    Clip::new(320, 240, 6.0).write(&full);
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 5]).unwrap();
    let run = support::video(
        &cut,
        &dir.path().join("out"),
        &support::video_spec(&[240], "ultrafast"),
    );
    let e = run.error();
    assert!(
        matches!(e, PipelineError::Unsupported(m) if m.contains("truncated or damaged")),
        "{e:?}"
    );
    assert_readable(e);
}

#[test]
fn a_full_disk_fails_with_a_reason_worth_retrying() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("clip.mp4");
    Clip::new(320, 240, 2.0).write(&source);
    // /dev/full answers every write with ENOSPC, like a full disk.
    let out = dir.path().join("video");
    std::fs::create_dir_all(out.join("hls/240p")).unwrap();
    std::os::unix::fs::symlink("/dev/full", out.join("hls/240p/seg-0.ts")).unwrap();
    let run = support::video(&source, &out, &support::video_spec(&[240], "ultrafast"));
    let e = run.error();
    assert!(
        matches!(e, PipelineError::Failed(m) if m.contains("disk is full")),
        "{e:?}"
    );
    assert_readable(e);

    let out = dir.path().join("audio");
    std::fs::create_dir_all(out.join("audio")).unwrap();
    std::os::unix::fs::symlink("/dev/full", out.join("audio/audio.mp3")).unwrap();
    let run = support::audio(&source, &out);
    let e = run.error();
    assert!(
        matches!(e, PipelineError::Failed(m) if m.contains("disk is full")),
        "{e:?}"
    );
}

#[test]
fn cancelling_stops_the_pipeline_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("long.mp4");
    Clip::new(640, 360, 30.0).write(&source);
    let probe = support::probe(&source);
    let cancel = AtomicBool::new(false);
    let out = dir.path().join("out");
    let spec = support::video_spec(&[360, 240], "veryfast");
    std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let mut first_segment = None;
            let result = transcode_video(&source, &probe, &out, &spec, &cancel, &mut |e| {
                if matches!(e, Event::FileReady(_)) && first_segment.is_none() {
                    first_segment = Some(Instant::now());
                }
            });
            (result, Instant::now(), first_segment)
        });
        std::thread::sleep(Duration::from_millis(1500));
        let cancelled_at = Instant::now();
        cancel.store(true, Ordering::Relaxed);
        let (result, returned_at, _) = worker.join().unwrap();
        assert!(
            matches!(result, Err(PipelineError::Cancelled)),
            "{result:?}"
        );
        let took = returned_at - cancelled_at;
        assert!(took < Duration::from_secs(1), "took {took:?} to stop");
    });
}
