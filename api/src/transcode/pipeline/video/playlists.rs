//! The renditions while the pipeline runs: segments as splitmuxsink closes them, the media and
//! master playlists rewritten as they grow, and the outputs at the end.

use std::path::{Path, PathBuf};

use gstreamer as gst;
use gstreamer::prelude::*;
use serde_json::json;

use super::super::hls::{MasterRendition, MediaSegment, master_playlist, media_playlist};
use super::super::run::{Tick, file_size, write_file};
use super::super::{Event, Output, OutputKind, PipelineError, VideoSpec};
use super::sizes::avc1;

/// One rendition while the pipeline runs.
pub(super) struct Rendition {
    /// The short side of its picture, which names it (`720` → `720p`).
    pub short: u32,
    pub name: String,
    pub split: gst::Element,
    /// Its size filter, set again when the caps settle.
    pub size: gst::Element,
    pub parse: gst::Element,
    pub kbps: u32,
    pub width: u32,
    pub height: u32,
    pub segments: Vec<Segment>,
    /// When the fragment being written opened (running time, ns).
    pub opened_ns: u64,
}

/// A closed segment.
pub(super) struct Segment {
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

/// The renditions and their playlists while the pipeline runs.
pub(super) struct State<'a> {
    pub out_dir: &'a Path,
    pub spec: &'a VideoSpec,
    pub fps: f64,
    pub has_audio: bool,
    pub renditions: Vec<Rendition>,
    pub master_written: bool,
    pub last_percent: f64,
    pub duration: f64,
}

impl State<'_> {
    /// Reports progress, and takes each segment splitmuxsink closes.
    pub(super) fn on_tick(
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

    /// After the pipeline ends: the last fragment closes at its last frame's start, so it gets
    /// that frame's duration too (`video_end`, in seconds); and the sizes the caps settled on.
    pub(super) fn close(&mut self, video_end: f64, geometry: &[(u32, u32)]) {
        for r in &mut self.renditions {
            let opened = r.opened_ns as f64 / 1e9;
            if let Some(last) = r.segments.last_mut()
                && video_end > opened
            {
                last.duration = last.duration.max(video_end - opened);
            }
        }
        for (r, (w, h)) in self.renditions.iter_mut().zip(geometry.iter()) {
            r.width = *w;
            r.height = *h;
        }
    }

    /// Rewrites every playlist as VOD and lists the outputs.
    pub(super) fn finish(
        &mut self,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<Vec<Output>, PipelineError> {
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
