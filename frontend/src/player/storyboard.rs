//! The storyboard: which part of the sprite picture shows which moment, read from the
//! sprite's WebVTT index (cues like `00:00:05.000 --> 00:00:10.000` then
//! `sprite.jpg#xywh=160,0,160,90`).
//!
//! Only the rectangles are taken from the index: the picture itself is the `spriteUrl` the API
//! hands out, which for a private video carries a signature a relative name would lose.

/// One tile of the sprite and the moments it stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tile {
    /// First second it shows.
    pub start: f64,
    /// Second where the next tile starts.
    pub end: f64,
    /// Left edge in the sprite, in pixels.
    pub x: u32,
    /// Top edge in the sprite, in pixels.
    pub y: u32,
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
}

/// Reads the tiles of a sprite index; cues it cannot read are left out.
pub fn parse(vtt: &str) -> Vec<Tile> {
    let mut tiles = Vec::new();
    let mut lines = vtt.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some((start, end)) = line.split_once("-->") else {
            continue;
        };
        let (Some(start), Some(end)) = (
            seconds(start.trim()),
            end.split_whitespace().next().and_then(seconds),
        ) else {
            continue;
        };
        let Some(rect) = lines
            .next()
            .and_then(|l| l.rsplit_once("#xywh="))
            .map(|(_, r)| r)
        else {
            continue;
        };
        let numbers: Vec<u32> = rect
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect();
        if let [x, y, w, h] = numbers[..] {
            tiles.push(Tile {
                start,
                end,
                x,
                y,
                w,
                h,
            });
        }
    }
    tiles
}

/// The tile showing second `at`: the one whose span holds it, else the nearest before it.
pub fn tile_at(tiles: &[Tile], at: f64) -> Option<Tile> {
    tiles
        .iter()
        .find(|t| t.start <= at && at < t.end)
        .or_else(|| tiles.iter().rev().find(|t| t.start <= at))
        .or(tiles.first())
        .copied()
}

/// `hh:mm:ss.mmm` or `mm:ss.mmm` in seconds.
fn seconds(text: &str) -> Option<f64> {
    let mut total = 0.0;
    for part in text.split(':') {
        let value: f64 = part.parse().ok()?;
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        total = total * 60.0 + value;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nsprite.jpg#xywh=0,0,160,90\n\n\
        00:00:02.000 --> 00:01:04.500\nsprite.jpg#xywh=160,0,160,90\n\n\
        garbage --> here\nsprite.jpg#xywh=1,2,3,4\n\n\
        01:00:00.000 --> 01:00:01.000\nno rectangle\n";

    #[test]
    fn the_sprite_index_gives_each_tile_its_time_span_and_rectangle() {
        let tiles = parse(INDEX);
        assert_eq!(tiles.len(), 2, "{tiles:?}");
        assert_eq!(
            tiles[1],
            Tile {
                start: 2.0,
                end: 64.5,
                x: 160,
                y: 0,
                w: 160,
                h: 90
            }
        );
        assert_eq!(tile_at(&tiles, 1.0).map(|t| t.x), Some(0));
        assert_eq!(tile_at(&tiles, 2.0).map(|t| t.x), Some(160));
        assert_eq!(tile_at(&tiles, 100.0).map(|t| t.x), Some(160));
        assert_eq!(tile_at(&[], 1.0), None);
    }
}
