//! Pictures from the video's single decode: a branch of the tee lets through only the frames
//! we want (one per sprite tile, a few candidates per thumbnail position), scaled to at most
//! 1280 px wide; this module keeps them and writes the JPEGs at the end.

use std::path::{Path, PathBuf};

use image::{RgbImage, imageops};
use serde_json::json;

use super::run::{create_dir, file_size, write_error, write_file};
use super::{Event, Output, OutputKind, PipelineError};
use crate::transcode::pipeline::hls::vtt_time;

/// Most tiles in a storyboard sprite.
const MAX_TILES: f64 = 100.0;
/// Tiles per sprite row.
const COLUMNS: usize = 10;
/// Width of a sprite tile.
pub(super) const TILE_WIDTH: u32 = 160;
/// Widths of thumbnails and posters (never upscaled): the large one is what the branch delivers.
pub(super) const LARGE_WIDTH: u32 = 1280;
const SMALL_WIDTH: u32 = 320;
/// Mean luma (0-255) under which a frame counts as black.
const BLACK_LUMA: f64 = 24.0;
const JPEG_QUALITY: u8 = 82;

/// Which frames to keep, decided from the probed duration alone (so a retry picks the same).
#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// Seconds between sprite tiles.
    pub interval: f64,
    /// Number of sprite tiles.
    pub tiles: usize,
    /// Where each thumbnail is looked for.
    pub thumb_at: [f64; 4],
    /// Seconds after `thumb_at` in which a non-black frame may be taken instead.
    pub window: f64,
    /// Seconds between thumbnail candidates.
    pub step: f64,
    /// Duration of the source.
    pub duration: f64,
}

impl Plan {
    /// The plan for a source of this many seconds.
    pub fn new(duration: f64) -> Self {
        let duration = if duration.is_finite() && duration > 0.0 {
            duration
        } else {
            1.0
        };
        let interval = (duration / MAX_TILES).ceil().max(1.0);
        let tiles = ((duration / interval).ceil() as usize).max(1);
        let thumb_at = [0.2, 0.4, 0.6, 0.8].map(|f| duration * f);
        let window = (duration * 0.15).min(6.0);
        let step = (window / 6.0).max(0.001);
        Self {
            interval,
            tiles,
            thumb_at,
            window,
            step,
            duration,
        }
    }

    /// Every running time (seconds) at which the branch should let a frame through, sorted.
    pub fn wanted(&self) -> Vec<f64> {
        let mut times: Vec<f64> = (0..self.tiles).map(|i| i as f64 * self.interval).collect();
        for at in self.thumb_at {
            let mut t = at;
            while t <= at + self.window + 1e-9 {
                times.push(t);
                t += self.step;
            }
        }
        times.sort_by(f64::total_cmp);
        times.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        times
    }
}

/// Lets a frame at `t` through when it is the first at or after the next wanted time.
#[derive(Debug)]
pub(super) struct Gate {
    times: Vec<f64>,
    next: usize,
}

impl Gate {
    /// A gate for these sorted times.
    pub fn new(times: Vec<f64>) -> Self {
        Self { times, next: 0 }
    }

    /// Whether the frame at `t` (seconds) is wanted; `slack` is half a frame.
    pub fn pass(&mut self, t: f64, slack: f64) -> bool {
        if self.next >= self.times.len() || t + slack < self.times[self.next] {
            return false;
        }
        while self.next < self.times.len() && self.times[self.next] <= t + slack {
            self.next += 1;
        }
        true
    }
}

#[derive(Clone)]
struct Frame {
    image: RgbImage,
    luma: f64,
    contrast: f64,
}

impl Frame {
    fn new(image: RgbImage) -> Self {
        // Every 4th pixel is plenty for a mean and a spread.
        let (mut sum, mut sq, mut n) = (0.0f64, 0.0f64, 0.0f64);
        for p in image.pixels().step_by(4) {
            let y = 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
            sum += y;
            sq += y * y;
            n += 1.0;
        }
        let luma = if n > 0.0 { sum / n } else { 0.0 };
        let contrast = if n > 0.0 {
            (sq / n - luma * luma).max(0.0).sqrt()
        } else {
            0.0
        };
        Self {
            image,
            luma,
            contrast,
        }
    }

    fn black(&self) -> bool {
        self.luma < BLACK_LUMA
    }

    /// How good a poster it makes: lit frames with detail first.
    fn score(&self) -> f64 {
        if self.black() {
            self.luma
        } else {
            1000.0 + self.contrast
        }
    }
}

enum Slot {
    Empty,
    Fallback(Frame),
    Chosen(Frame),
}

/// Keeps the frames the gate let through.
pub(super) struct Collector {
    plan: Plan,
    tiles: Vec<Option<RgbImage>>,
    next_tile: usize,
    tile_size: Option<(u32, u32)>,
    slots: [Slot; 4],
    last: Option<Frame>,
}

impl Collector {
    /// An empty collector for this plan.
    pub fn new(plan: Plan) -> Self {
        let tiles = vec![None; plan.tiles];
        Self {
            plan,
            tiles,
            next_tile: 0,
            tile_size: None,
            slots: [Slot::Empty, Slot::Empty, Slot::Empty, Slot::Empty],
            last: None,
        }
    }

    /// Takes a frame at running time `t` (seconds), at most `LARGE_WIDTH` wide.
    pub fn push(&mut self, t: f64, slack: f64, image: RgbImage) {
        let frame = Frame::new(image);
        let mut tile = None;
        while self.next_tile < self.plan.tiles
            && self.next_tile as f64 * self.plan.interval <= t + slack
        {
            let tile = tile.get_or_insert_with(|| {
                let (w, h) = frame.image.dimensions();
                let tw = TILE_WIDTH.min(w).max(1);
                let th = ((f64::from(h) * f64::from(tw) / f64::from(w)).round() as u32).max(1);
                self.tile_size = Some((tw, th));
                imageops::resize(&frame.image, tw, th, imageops::FilterType::Triangle)
            });
            self.tiles[self.next_tile] = Some(tile.clone());
            self.next_tile += 1;
        }
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let at = self.plan.thumb_at[i];
            if t + slack < at || t > at + self.plan.window + slack {
                continue;
            }
            match slot {
                Slot::Chosen(_) => {}
                _ if !frame.black() => *slot = Slot::Chosen(frame.clone()),
                Slot::Fallback(f) if f.luma >= frame.luma => {}
                _ => *slot = Slot::Fallback(frame.clone()),
            }
        }
        self.last = Some(frame);
    }

    /// Writes thumbnails, posters, the sprite and its WebVTT index under `out_dir/images`.
    pub fn finish(
        self,
        out_dir: &Path,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<Vec<Output>, PipelineError> {
        let sprite = self.write_sprite(out_dir, on_event)?;
        let Some(last) = self.last else {
            return Err(PipelineError::Unsupported(
                "no picture could be decoded from the video".into(),
            ));
        };
        let dir = out_dir.join("images");
        create_dir(&dir)?;
        let mut outputs = Vec::new();
        // A position after the last frame (a probe that overstated the duration) takes the
        // best frame seen elsewhere.
        let frames: Vec<Frame> = self
            .slots
            .into_iter()
            .map(|slot| match slot {
                Slot::Chosen(f) | Slot::Fallback(f) => f,
                Slot::Empty => last.clone(),
            })
            .collect();
        let mut best = 0;
        for (i, f) in frames.iter().enumerate() {
            if f.score() > frames[best].score() {
                best = i;
            }
        }
        for (i, frame) in frames.iter().enumerate() {
            let n = i + 1;
            for (nominal, image) in sizes(&frame.image) {
                let rel = PathBuf::from(format!("images/thumb-{n}-{nominal}.jpg"));
                let out = write_jpeg(
                    out_dir,
                    &rel,
                    &image,
                    OutputKind::Thumbnail,
                    format!("{n}-{nominal}"),
                )?;
                on_event(Event::FileReady(rel));
                outputs.push(Output {
                    extra: json!({"index": n, "luma": frame.luma.round(), "poster": i == best}),
                    ..out
                });
            }
        }
        for (nominal, image) in sizes(&frames[best].image) {
            let rel = PathBuf::from(format!("images/poster-{nominal}.jpg"));
            let out = write_jpeg(
                out_dir,
                &rel,
                &image,
                OutputKind::Poster,
                nominal.to_string(),
            )?;
            on_event(Event::FileReady(rel));
            outputs.push(Output {
                extra: json!({"thumbnail": best + 1}),
                ..out
            });
        }
        outputs.extend(sprite);
        Ok(outputs)
    }

    fn write_sprite(
        &self,
        out_dir: &Path,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<Vec<Output>, PipelineError> {
        let Some((tw, th)) = self.tile_size else {
            return Ok(Vec::new());
        };
        create_dir(&out_dir.join("images"))?;
        // A tick with no frame of its own (the video ended early) shows the previous tile.
        let count = self
            .tiles
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        let columns = COLUMNS.min(count.max(1));
        let rows = count.div_ceil(columns).max(1);
        let mut sprite = RgbImage::new(tw * columns as u32, th * rows as u32);
        let mut vtt = String::from("WEBVTT\n");
        let mut previous: Option<(u32, u32)> = None;
        for i in 0..count {
            let (x, y) = ((i % columns) as u32 * tw, (i / columns) as u32 * th);
            let at = match &self.tiles[i] {
                Some(tile) => {
                    imageops::replace(&mut sprite, tile, i64::from(x), i64::from(y));
                    (x, y)
                }
                None => previous.unwrap_or((x, y)),
            };
            previous = Some(at);
            let start = i as f64 * self.plan.interval;
            let end = if i + 1 == count {
                self.plan.duration.max(start + 0.001)
            } else {
                (start + self.plan.interval).min(self.plan.duration.max(start + 0.001))
            };
            vtt.push_str(&format!(
                "\n{} --> {}\nsprite.jpg#xywh={},{},{tw},{th}\n",
                vtt_time((start * 1000.0).round() as u64),
                vtt_time((end * 1000.0).round() as u64),
                at.0,
                at.1
            ));
        }
        let rel = PathBuf::from("images/sprite.jpg");
        let sprite_out = write_jpeg(out_dir, &rel, &sprite, OutputKind::Sprite, "sprite".into())?;
        on_event(Event::FileReady(rel));
        let grid = json!({
            "columns": columns, "rows": rows, "tiles": count,
            "tile_width": tw, "tile_height": th, "interval_secs": self.plan.interval,
        });
        let vtt_rel = PathBuf::from("images/sprite.vtt");
        write_file(&out_dir.join(&vtt_rel), vtt.as_bytes())?;
        on_event(Event::FileReady(vtt_rel.clone()));
        Ok(vec![
            Output {
                extra: grid.clone(),
                ..sprite_out
            },
            Output {
                kind: OutputKind::SpriteVtt,
                name: "sprite".into(),
                bytes: file_size(&out_dir.join(&vtt_rel)),
                path: vtt_rel,
                content_type: "text/vtt".into(),
                bitrate: None,
                width: None,
                height: None,
                duration_secs: Some(self.plan.duration),
                extra: grid,
            },
        ])
    }
}

/// The large (as delivered, at most 1280 wide) and small (at most 320 wide) versions.
fn sizes(image: &RgbImage) -> Vec<(u32, RgbImage)> {
    let (w, h) = image.dimensions();
    let small_w = SMALL_WIDTH.min(w).max(1);
    let small = if small_w == w {
        image.clone()
    } else {
        let small_h = ((f64::from(h) * f64::from(small_w) / f64::from(w)).round() as u32).max(1);
        imageops::resize(image, small_w, small_h, imageops::FilterType::Triangle)
    };
    vec![(LARGE_WIDTH, image.clone()), (SMALL_WIDTH, small)]
}

fn write_jpeg(
    out_dir: &Path,
    rel: &Path,
    image: &RgbImage,
    kind: OutputKind,
    name: String,
) -> Result<Output, PipelineError> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
    image.write_with_encoder(encoder).map_err(|e| match e {
        image::ImageError::IoError(io) => write_error(rel, &io),
        other => PipelineError::Failed(format!("a picture could not be encoded ({other})")),
    })?;
    write_file(&out_dir.join(rel), &bytes)?;
    Ok(Output {
        kind,
        name,
        path: rel.to_path_buf(),
        content_type: "image/jpeg".into(),
        bytes: bytes.len() as u64,
        bitrate: None,
        width: Some(image.width()),
        height: Some(image.height()),
        duration_secs: None,
        extra: serde_json::Value::Null,
    })
}
