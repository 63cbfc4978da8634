//! The video pipeline on a generated 30 s 1080p clip with sound, to the 4-rung ladder
//! (1080/720/480/360, x264 `veryfast`, 2 s GOP, no scene-cut), in one run:
//!
//! 1. CPU time (user + system) of `transcode_video` (in this process, so every GStreamer thread
//!    counts) as a ratio to four separate `ffmpeg` runs of one rendition each (goal <= 0.85);
//! 2. the same as a ratio to one `ffmpeg` run that decodes once and splits into the four
//!    renditions (goal <= 1.0);
//! 3. wall time as a ratio to the same pipeline run by `gst-launch-1.0` (goal <= 1.05; medians
//!    of 3 alternating rounds, CPU too);
//! 4. time to first playable (the first master playlist) as a share of the whole (goal <= 0.2).
//!
//! Children's CPU comes from `/proc/self/stat` (`cutime`/`cstime`, i.e. `RUSAGE_CHILDREN` of
//! waited-for children), ours from the same file's `utime`/`stime` deltas. Every baseline gets
//! the bitrates our pipeline chose, the same GOP and VBV, AAC at 128 kbit/s and 4 s HLS segments.
//!
//! Run with `scripts/bench` (or `cargo bench -p projector-tests --bench transcode`; needs
//! `ffmpeg` and `gst-launch-1.0`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use projector_api::transcode::pipeline::{Event, OutputKind, VideoSpec, transcode_video};
use projector_tests::media::gst_launch;

const SECONDS: u32 = 30;
const FPS: u32 = 30;
const LADDER: [u32; 4] = [1080, 720, 480, 360];
const GOP_SECS: f64 = 2.0;
const SEGMENT_SECS: f64 = 4.0;
/// Rounds of ours vs gst-launch (the ffmpeg baselines are slow and run once).
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// CPU seconds of this process and of its waited-for children, from `/proc/self/stat`.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let rest: Vec<&str> = stat
        .rsplit_once(") ")
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let field = |i: usize| rest[i].parse::<f64>().unwrap();
    let tick = clock_ticks();
    (
        (field(11) + field(12)) / tick,
        (field(13) + field(14)) / tick,
    )
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Runs a command, returning (wall, children's CPU seconds).
fn measure(cmd: &mut Command) -> (Duration, f64) {
    let before = cpu().1;
    let started = Instant::now();
    let out = cmd.output().expect("spawn");
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (wall, cpu().1 - before)
}

fn ffmpeg_rendition_args(args: &mut Vec<String>, video: &str, kbps: u32, dir: &Path, key_int: u32) {
    let a = |v: &mut Vec<String>, s: &str| v.push(s.to_owned());
    for s in [
        "-map", video, "-map", "0:a:0", "-c:v", "libx264", "-preset", "veryfast",
    ] {
        a(args, s);
    }
    // x264enc's defaults: ABR at the bitrate with a 600 ms VBV.
    args.extend([
        "-b:v".into(),
        format!("{kbps}k"),
        "-maxrate".into(),
        format!("{kbps}k"),
        "-bufsize".into(),
        format!("{}k", kbps * 6 / 10),
        "-g".into(),
        key_int.to_string(),
        "-keyint_min".into(),
        key_int.to_string(),
        "-sc_threshold".into(),
        "0".into(),
        "-c:a".into(),
        "aac".into(),
        "-b:a".into(),
        "128k".into(),
        "-ar".into(),
        "48000".into(),
        "-ac".into(),
        "2".into(),
        "-f".into(),
        "hls".into(),
        "-hls_time".into(),
        format!("{SEGMENT_SECS}"),
        "-hls_playlist_type".into(),
        "vod".into(),
        "-hls_segment_filename".into(),
        dir.join("seg-%d.ts").display().to_string(),
        dir.join("index.m3u8").display().to_string(),
    ]);
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source.mp4");
    // A moving test pattern (a static one is unrealistically cheap to encode) with a tone.
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} pattern=smpte horizontal-speed=3 ! video/x-raw,width=1920,height=1080,framerate={FPS}/1 ! x264enc speed-preset=veryfast bitrate=8000 key-int-max={FPS} ! h264parse ! mp4mux name=mux faststart=true ! filesink location={src} \
         audiotestsrc num-buffers={abuf} samplesperbuffer=1024 wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac bitrate=128000 ! aacparse ! mux.",
        frames = SECONDS * FPS,
        abuf = SECONDS * 48_000 / 1024 + 1,
        src = source.display()
    ));
    let probe = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(projector_api::media::probe::probe_file(&source))
        .unwrap();
    let key_int = (GOP_SECS * f64::from(FPS)).round() as u32;

    // 1 and 2, alternating for ROUNDS rounds (the machine is shared; medians are compared):
    // ours in this process, and the same pipeline through gst-launch-1.0 (without our pictures
    // branch, which it cannot express: ours does that work on top).
    let spec = VideoSpec {
        ladder: LADDER.to_vec(),
        preset: "veryfast".into(),
        gop_secs: GOP_SECS,
        segment_secs: SEGMENT_SECS,
        audio_kbps: 128,
        nice: 0,
    };
    let (mut ours_cpu, mut ours_wall, mut playable) = (Vec::new(), Vec::new(), Vec::new());
    let (mut gst_cpu, mut gst_wall) = (Vec::new(), Vec::new());
    let mut rungs: Vec<(u32, u32, u32)> = Vec::new();
    for round in 0..ROUNDS {
        let out = tmp.path().join(format!("ours-{round}"));
        let cancel = AtomicBool::new(false);
        let before = cpu().0;
        let started = Instant::now();
        let mut first_playable = None;
        let outputs = transcode_video(&source, &probe, &out, &spec, &cancel, &mut |e| {
            if let Event::PlaylistsUpdated(lists) = &e
                && first_playable.is_none()
                && lists.iter().any(|l| l.ends_with("master.m3u8"))
            {
                first_playable = Some(started.elapsed());
            }
        })
        .expect("transcode");
        let wall = started.elapsed();
        ours_cpu.push(cpu().0 - before);
        playable
            .push(first_playable.expect("a master playlist").as_secs_f64() / wall.as_secs_f64());
        ours_wall.push(wall.as_secs_f64());
        rungs = outputs
            .iter()
            .filter(|o| o.kind == OutputKind::HlsRendition)
            .map(|o| {
                (
                    o.width.unwrap(),
                    o.height.unwrap(),
                    o.extra["video_kbps"].as_u64().unwrap() as u32,
                )
            })
            .collect();
        assert_eq!(rungs.len(), 4, "{rungs:?}");

        let gst_out = tmp.path().join(format!("gst-{round}"));
        let mut p = format!(
            "filesrc location={} ! decodebin name=d d. ! videorate ! video/x-raw,framerate={FPS}/1 ! videoconvert ! videoflip video-direction=identity ! video/x-raw,format=I420 ! tee name=vt \
             d. ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac bitrate=128000 ! aacparse ! tee name=at ",
            source.display()
        );
        for (w, h, kbps) in &rungs {
            let dir = gst_out.join(format!("{h}p"));
            std::fs::create_dir_all(&dir).unwrap();
            p.push_str(&format!(
                "vt. ! queue max-size-buffers=8 max-size-bytes=0 max-size-time=0 ! videoscale ! video/x-raw,format=I420,width={w},height={h},pixel-aspect-ratio=1/1 ! x264enc speed-preset=veryfast bitrate={kbps} key-int-max={key_int} option-string=scenecut=0 ! h264parse config-interval=-1 ! splitmuxsink name=s{h} muxer=mpegtsmux location={}/seg-%d.ts max-size-time={} \
                 at. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! s{h}.audio_0 ",
                dir.display(),
                ((SEGMENT_SECS + 0.5 / f64::from(FPS)) * 1e9) as u64
            ));
        }
        let (wall, cpu) = measure(
            Command::new("gst-launch-1.0")
                .arg("-q")
                .args(p.split_whitespace()),
        );
        gst_wall.push(wall.as_secs_f64());
        gst_cpu.push(cpu);
    }
    let (ours_cpu, ours_wall, playable) = (median(ours_cpu), median(ours_wall), median(playable));
    let (gst_cpu, gst_wall) = (median(gst_cpu), median(gst_wall));

    // 3. Four separate ffmpeg runs, one rendition each (how PeerTube does it).
    let mut separate = (Duration::ZERO, 0.0);
    for (_, h, kbps) in &rungs {
        let dir = tmp.path().join(format!("ff-{h}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y", "-i"]
            .map(String::from)
            .to_vec();
        args.push(source.display().to_string());
        args.extend(["-vf".into(), format!("scale=-2:{h}")]);
        ffmpeg_rendition_args(&mut args, "0:v:0", *kbps, &dir, key_int);
        let (wall, cpu) = measure(Command::new("ffmpeg").args(&args));
        separate.0 += wall;
        separate.1 += cpu;
    }

    // 4. One ffmpeg run: decode once, split into four.
    let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y", "-i"]
        .map(String::from)
        .to_vec();
    args.push(source.display().to_string());
    let mut graph = format!("[0:v]split={}", rungs.len());
    for i in 0..rungs.len() {
        graph.push_str(&format!("[s{i}]"));
    }
    for (i, (_, h, _)) in rungs.iter().enumerate() {
        graph.push_str(&format!(";[s{i}]scale=-2:{h}[o{i}]"));
    }
    args.extend(["-filter_complex".into(), graph]);
    for (i, (_, h, kbps)) in rungs.iter().enumerate() {
        let dir = tmp.path().join(format!("split-{h}"));
        std::fs::create_dir_all(&dir).unwrap();
        ffmpeg_rendition_args(&mut args, &format!("[o{i}]"), *kbps, &dir, key_int);
    }
    let (split_wall, split_cpu) = measure(Command::new("ffmpeg").args(&args));

    println!(
        "bench transcode: {SECONDS} s 1920x1080 {FPS} fps H.264/AAC -> {rungs:?} (x264 veryfast, {GOP_SECS} s GOP, no scene-cut, {SEGMENT_SECS} s segments)"
    );
    println!(
        "  ours (transcode_video, with pictures): {ours_cpu:>6.1} s CPU, {ours_wall:>6.1} s wall (median of {ROUNDS})"
    );
    println!(
        "  gst-launch-1.0, same pipeline        : {gst_cpu:>6.1} s CPU, {gst_wall:>6.1} s wall (median of {ROUNDS})"
    );
    println!(
        "  ffmpeg, 4 separate runs              : {:>6.1} s CPU, {:>6.1} s wall",
        separate.1,
        separate.0.as_secs_f64()
    );
    println!(
        "  ffmpeg, one run split in 4           : {:>6.1} s CPU, {:>6.1} s wall",
        split_cpu,
        split_wall.as_secs_f64()
    );
    println!(
        "  CPU ours / 4 ffmpeg runs             : {:.2}  (goal <= 0.85)",
        ours_cpu / separate.1
    );
    println!(
        "  CPU ours / ffmpeg split              : {:.2}  (goal <= 1.0)",
        ours_cpu / split_cpu
    );
    println!(
        "  CPU ours / gst-launch                : {:.2}",
        ours_cpu / gst_cpu
    );
    println!(
        "  wall ours / gst-launch               : {:.2}  (goal <= 1.05)",
        ours_wall / gst_wall
    );
    println!("  first playable / total               : {playable:.2}  (goal <= 0.2)");
}
