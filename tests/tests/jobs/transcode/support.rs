//! Helpers: probing, running a pipeline with its events recorded, reading playlists and
//! MPEG-TS segments.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use projector_api::media::probe::{Probe, probe_file};
use projector_api::transcode::pipeline::{
    AudioSpec, Event, Output, PipelineError, VideoSpec, transcode_audio, transcode_video,
};

/// Probes a file the way the upload path does.
pub fn probe(path: &Path) -> Probe {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(probe_file(path))
        .unwrap_or_else(|e| panic!("probe {}: {e:?}", path.display()))
}

/// The production defaults with another ladder and preset.
pub fn video_spec(ladder: &[u32], preset: &str) -> VideoSpec {
    VideoSpec {
        ladder: ladder.to_vec(),
        preset: preset.into(),
        gop_secs: 2.0,
        segment_secs: 4.0,
        audio_kbps: 128,
        nice: 0,
    }
}

/// Podcast defaults.
pub fn audio_spec() -> AudioSpec {
    AudioSpec {
        m4a_kbps: 128,
        mp3_kbps: 128,
        nice: 0,
    }
}

/// One finished run.
pub struct Run {
    pub out: PathBuf,
    pub events: Vec<Event>,
    /// The text of every playlist named by a `PlaylistsUpdated`, read when it was reported,
    /// with the index of that event.
    pub snapshots: Vec<(usize, PathBuf, String)>,
    pub result: Result<Vec<Output>, PipelineError>,
    pub elapsed: Duration,
}

impl Run {
    /// The outputs, or a panic with the error.
    pub fn outputs(&self) -> &[Output] {
        match &self.result {
            Ok(o) => o,
            Err(e) => panic!("transcode failed: {e:?}"),
        }
    }

    /// The error, or a panic.
    pub fn error(&self) -> &PipelineError {
        match &self.result {
            Ok(_) => panic!("transcode succeeded but should have failed"),
            Err(e) => e,
        }
    }

    /// Reads a file under the output directory.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Runs `transcode_video` on a source into `out`.
pub fn video(source: &Path, out: &Path, spec: &VideoSpec) -> Run {
    let probe = probe(source);
    let cancel = AtomicBool::new(false);
    let mut events = Vec::new();
    let mut snapshots = Vec::new();
    let started = Instant::now();
    let result = transcode_video(source, &probe, out, spec, &cancel, &mut |e| {
        if let Event::PlaylistsUpdated(lists) = &e {
            for list in lists {
                let text = std::fs::read_to_string(out.join(list)).unwrap_or_default();
                snapshots.push((events.len(), list.clone(), text));
            }
        }
        events.push(e);
    });
    Run {
        out: out.to_path_buf(),
        events,
        snapshots,
        result,
        elapsed: started.elapsed(),
    }
}

/// Runs `transcode_audio` on a source into `out`.
pub fn audio(source: &Path, out: &Path) -> Run {
    let probe = probe(source);
    let cancel = AtomicBool::new(false);
    let mut events = Vec::new();
    let started = Instant::now();
    let result = transcode_audio(source, &probe, out, &audio_spec(), &cancel, &mut |e| {
        events.push(e)
    });
    Run {
        out: out.to_path_buf(),
        events,
        snapshots: Vec::new(),
        result,
        elapsed: started.elapsed(),
    }
}

/// `(attributes, uri)` of each variant in a master playlist.
pub fn variants(master: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = master.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let attrs = l.strip_prefix("#EXT-X-STREAM-INF:")?;
            Some((attrs.to_owned(), lines.get(i + 1)?.to_string()))
        })
        .collect()
}

/// One attribute of an attribute list (quotes removed).
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while !rest.is_empty() {
        let (key, value) = rest.split_once('=')?;
        let (value, next) = if let Some(quoted) = value.strip_prefix('"') {
            let (v, after) = quoted.split_once('"')?;
            (v, after.strip_prefix(',').unwrap_or(after))
        } else {
            value.split_once(',').unwrap_or((value, ""))
        };
        if key == name {
            return Some(value.to_owned());
        }
        rest = next;
    }
    None
}

/// `(duration, uri)` of each segment of a media playlist.
pub fn segments(playlist: &str) -> Vec<(f64, String)> {
    let lines: Vec<&str> = playlist.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let d = l.strip_prefix("#EXTINF:")?.trim_end_matches(',');
            Some((d.parse().ok()?, lines.get(i + 1)?.to_string()))
        })
        .collect()
}

/// Whether the first picture in an MPEG-TS segment is an IDR frame (a keyframe a player can
/// start from), reading the H.264 elementary stream named by the PMT.
pub fn starts_with_keyframe(ts: &[u8]) -> bool {
    let mut pmt_pid = None;
    let mut video_pid = None;
    let mut es = Vec::new();
    for packet in ts.chunks_exact(188) {
        assert_eq!(packet[0], 0x47, "not an MPEG-TS packet");
        let pid = (u16::from(packet[1] & 0x1f) << 8) | u16::from(packet[2]);
        let start = packet[1] & 0x40 != 0;
        let adaptation = (packet[3] >> 4) & 3;
        let mut p = 4;
        if adaptation & 2 != 0 {
            p += 1 + packet[4] as usize;
        }
        if adaptation & 1 == 0 || p >= 188 {
            continue;
        }
        let payload = &packet[p..];
        if pid == 0 && start && pmt_pid.is_none() {
            let s = 1 + payload[0] as usize;
            pmt_pid = Some((u16::from(payload[s + 10] & 0x1f) << 8) | u16::from(payload[s + 11]));
        } else if Some(pid) == pmt_pid && start && video_pid.is_none() {
            let s = 1 + payload[0] as usize;
            let section_len =
                ((usize::from(payload[s + 1]) & 0x0f) << 8) | usize::from(payload[s + 2]);
            let info_len =
                ((usize::from(payload[s + 10]) & 0x0f) << 8) | usize::from(payload[s + 11]);
            let mut i = s + 12 + info_len;
            let end = s + 3 + section_len - 4;
            while i + 5 <= end {
                let stream_type = payload[i];
                let es_pid = (u16::from(payload[i + 1] & 0x1f) << 8) | u16::from(payload[i + 2]);
                let es_info =
                    ((usize::from(payload[i + 3]) & 0x0f) << 8) | usize::from(payload[i + 4]);
                if stream_type == 0x1b {
                    video_pid = Some(es_pid);
                }
                i += 5 + es_info;
            }
        } else if Some(pid) == video_pid {
            if es.is_empty() {
                if !start {
                    continue;
                }
                // Skip the PES header.
                let header = 9 + payload[8] as usize;
                es.extend_from_slice(&payload[header..]);
            } else {
                es.extend_from_slice(payload);
            }
            if es.len() > 4096 {
                break;
            }
        }
    }
    let mut i = 0;
    while i + 3 < es.len() {
        if es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1 {
            let nal = es[i + 3] & 0x1f;
            if nal == 1 || nal == 5 {
                return nal == 5;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    false
}

/// The `(start, end)` seconds of each cue of a WebVTT file, with its payload.
pub fn cues(vtt: &str) -> Vec<(f64, f64, String)> {
    let secs = |t: &str| -> f64 {
        let parts: Vec<f64> = t.trim().split(':').map(|p| p.parse().unwrap()).collect();
        parts.iter().fold(0.0, |acc, p| acc * 60.0 + p)
    };
    let lines: Vec<&str> = vtt.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let (a, b) = l.split_once(" --> ")?;
            Some((
                secs(a),
                secs(b),
                lines.get(i + 1).unwrap_or(&"").to_string(),
            ))
        })
        .collect()
}
