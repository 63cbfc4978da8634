//! The image API's parameters: read strictly from the query string, checked against their
//! bounds, and normalised (time to a tenth of a second, sizes to the pixels actually made) so
//! that every request meaning the same picture names the same stored object.

use crate::error::AppError;

/// Longest side of a thumbnail, in pixels.
pub const MAX_SIDE: u32 = 1920;
/// Width of a thumbnail when neither width nor height is asked (never more than the video's).
pub const DEFAULT_WIDTH: u32 = 1280;
/// Longest side of an animated preview, in pixels.
pub const MAX_ANIMATED_SIDE: u32 = 640;
/// Width of an animated preview when none is asked.
pub const DEFAULT_ANIMATED_WIDTH: u32 = 320;
/// Longest animated preview, in seconds.
pub const MAX_ANIMATED_SECS: f64 = 10.0;
/// Length of an animated preview when `end` is not given, in seconds.
pub const DEFAULT_ANIMATED_SECS: f64 = 3.0;
/// Frames per second of an animated preview.
pub const ANIMATED_FPS: u32 = 5;

/// What a picture is encoded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JPEG, quality 82.
    Jpeg,
    /// Lossy WebP (GStreamer's `webpenc`).
    Webp,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }
}

/// How a picture fills a box of both width and height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The whole frame inside the box, keeping its aspect ratio: the picture may be smaller
    /// than the box on one side.
    Preserve,
    /// The box filled, keeping the aspect ratio: what overhangs is cut off (centred).
    Crop,
    /// The whole frame inside the box, centred on black bars to make the box's size.
    Pad,
}

/// Which picture a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `thumbnail.{jpg,webp}`.
    Thumbnail(Format),
    /// `animated.webp`.
    Animated,
}

/// The file part of `/images/{id}/{file}`: `Ok(None)` for a name that is no picture of ours
/// (404), an error for a known picture in an unknown format (`thumbnail.gif`).
pub fn parse_file(file: &str) -> Result<Option<Request>, AppError> {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return Ok(None);
    };
    match (stem, ext) {
        ("thumbnail", "jpg" | "jpeg") => Ok(Some(Request::Thumbnail(Format::Jpeg))),
        ("thumbnail", "webp") => Ok(Some(Request::Thumbnail(Format::Webp))),
        ("animated", "webp") => Ok(Some(Request::Animated)),
        ("thumbnail", _) => Err(AppError::validation(
            "format: a thumbnail is made as `thumbnail.jpg` or `thumbnail.webp`",
        )),
        ("animated", _) => Err(AppError::validation(
            "format: an animated preview is made as `animated.webp`",
        )),
        _ => Ok(None),
    }
}

/// The query parameters as given, each at most once and only those `allowed`.
fn pairs(query: Option<&str>, allowed: &[&str]) -> Result<Vec<(String, String)>, AppError> {
    let raw = query.unwrap_or_default();
    if raw.len() > 512 {
        return Err(AppError::validation("query: too long"));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            let shown: String = k.chars().take(32).collect();
            return Err(AppError::validation(format!(
                "{shown}: unknown parameter (expected {})",
                allowed.join(", ")
            )));
        }
        if out.iter().any(|(seen, _)| *seen == k) {
            return Err(AppError::validation(format!("{k}: given more than once")));
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Ok(out)
}

/// Hex digits of a picture's version (`v`): the first ones of the video's source asset.
pub const VERSION_LEN: usize = 12;

/// The version of the media a picture is taken from: the start of the video's source asset,
/// which a media replacement changes. A URL carrying the current one names one picture for
/// good (served immutable); one without it names whatever the media is now.
pub fn version_of(asset: uuid::Uuid) -> String {
    asset.simple().to_string()[..VERSION_LEN].to_string()
}

/// The `v` parameter as given (the query's other names already checked): `None` when absent,
/// an error when it is not [`VERSION_LEN`] lower-case hex digits.
pub fn version(query: Option<&str>) -> Result<Option<String>, AppError> {
    let raw = query.unwrap_or_default();
    let Some((_, v)) = url::form_urlencoded::parse(raw.as_bytes()).find(|(k, _)| k == "v") else {
        return Ok(None);
    };
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if v.len() != VERSION_LEN || !v.bytes().all(hex) {
        return Err(AppError::validation(format!(
            "v: must be the {VERSION_LEN} hex digits of a picture's version"
        )));
    }
    Ok(Some(v.into_owned()))
}

/// `query` with `v` set to `version` (any earlier `v` dropped), the others kept in order.
pub fn with_version(query: Option<&str>, version: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k != "v" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("v", version);
    out.finish()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A moment of the video as asked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moment {
    /// Rounded down to tenths of a second: what is made and stored.
    pub tenths: u32,
    /// Exactly as asked, in seconds: what is checked against the video's length.
    pub secs: f64,
}

/// Seconds as plain decimals (`12`, `12.5`): no signs, exponents, `inf` or `NaN`.
fn moment(name: &str, raw: &str) -> Result<Moment, AppError> {
    let tenths = tenths(name, raw)?;
    let secs = raw
        .parse::<f64>()
        .map_err(|_| AppError::validation(format!("{name}: not a number")))?;
    Ok(Moment { tenths, secs })
}

fn tenths(name: &str, raw: &str) -> Result<u32, AppError> {
    let invalid = || {
        AppError::validation(format!(
            "{name}: must be a time in seconds such as 12 or 12.5, from 0 to less than the video's duration"
        ))
    };
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 6 || frac.len() > 6 || !digits(whole) || !digits(frac) {
        return Err(invalid());
    }
    if raw.ends_with('.') {
        return Err(invalid());
    }
    let whole: u32 = whole.parse().map_err(|_| invalid())?;
    // Rounded down, so a time inside the video stays inside it.
    let first = frac.bytes().next().map_or(0, |b| u32::from(b - b'0'));
    Ok(whole * 10 + first)
}

fn side(name: &str, raw: &str, max: u32) -> Result<u32, AppError> {
    let invalid = || {
        AppError::validation(format!(
            "{name}: must be a whole number of pixels from 1 to {max}"
        ))
    };
    if raw.is_empty() || raw.len() > 9 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    match raw.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(invalid()),
    }
}

/// A thumbnail request as given (sizes not yet fitted to the video).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThumbnailQuery {
    /// `None`: the poster's moment.
    pub time: Option<Moment>,
    /// Width asked.
    pub width: Option<u32>,
    /// Height asked.
    pub height: Option<u32>,
    /// How a box of both fills.
    pub fit: Fit,
}

/// Reads `time`, `width`, `height` and `fit`.
pub fn thumbnail_query(query: Option<&str>) -> Result<ThumbnailQuery, AppError> {
    let pairs = pairs(query, &["time", "width", "height", "fit", "token", "v"])?;
    let fit = match get(&pairs, "fit") {
        None | Some("preserve") => Fit::Preserve,
        Some("crop") => Fit::Crop,
        Some("pad") => Fit::Pad,
        Some(_) => {
            return Err(AppError::validation(
                "fit: must be `preserve`, `crop` or `pad`",
            ));
        }
    };
    Ok(ThumbnailQuery {
        time: get(&pairs, "time").map(|t| moment("time", t)).transpose()?,
        width: get(&pairs, "width")
            .map(|w| side("width", w, MAX_SIDE))
            .transpose()?,
        height: get(&pairs, "height")
            .map(|h| side("height", h, MAX_SIDE))
            .transpose()?,
        fit,
    })
}

/// An animated preview request as given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnimatedQuery {
    /// Where it starts (0 when not given).
    pub start: Moment,
    /// Where it ends; `None`: a few seconds after `start`.
    pub end: Option<Moment>,
    /// Width asked.
    pub width: Option<u32>,
}

/// Reads `start`, `end` and `width`.
pub fn animated_query(query: Option<&str>) -> Result<AnimatedQuery, AppError> {
    let pairs = pairs(query, &["start", "end", "width", "token", "v"])?;
    let start = get(&pairs, "start")
        .map(|t| moment("start", t))
        .transpose()?
        .unwrap_or(Moment {
            tenths: 0,
            secs: 0.0,
        });
    let end = get(&pairs, "end").map(|t| moment("end", t)).transpose()?;
    if let Some(end) = end {
        if end.tenths <= start.tenths {
            return Err(AppError::validation("end: must be after start"));
        }
        if end.secs - start.secs > MAX_ANIMATED_SECS + 1e-9 {
            return Err(AppError::validation(format!(
                "end: an animated preview lasts at most {MAX_ANIMATED_SECS} s"
            )));
        }
    }
    Ok(AnimatedQuery {
        start,
        end,
        width: get(&pairs, "width")
            .map(|w| side("width", w, MAX_ANIMATED_SIDE))
            .transpose()?,
    })
}

/// How a frame of `source` size becomes the picture: scaled to `scaled`, then cut (crop) or
/// framed (pad) to `out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// The frame scaled, keeping its aspect ratio.
    pub scaled: (u32, u32),
    /// The picture's size.
    pub out: (u32, u32),
    /// What happens between the two (`Preserve` when they are equal).
    pub fit: Fit,
}

fn scale(v: u32, by: f64) -> u32 {
    ((f64::from(v) * by).round() as u32).max(1)
}

impl Geometry {
    /// The geometry of a thumbnail of a video of `source` size (width, height).
    pub fn thumbnail(q: &ThumbnailQuery, source: (u32, u32)) -> Self {
        let (sw, sh) = (source.0.max(1), source.1.max(1));
        let scaled = |by: f64| (scale(sw, by), scale(sh, by));
        let fitted = |w: u32, h: u32| {
            let by = (f64::from(w) / f64::from(sw)).min(f64::from(h) / f64::from(sh));
            let s = scaled(by);
            (s.0.min(w), s.1.min(h))
        };
        let preserve = |size: (u32, u32)| Self {
            scaled: size,
            out: size,
            fit: Fit::Preserve,
        };
        match (q.width, q.height) {
            (None, None) => preserve(fitted(DEFAULT_WIDTH.min(sw), MAX_SIDE)),
            (Some(w), None) => preserve(fitted(w, MAX_SIDE)),
            (None, Some(h)) => preserve(fitted(MAX_SIDE, h)),
            (Some(w), Some(h)) => {
                let inside = fitted(w, h);
                match q.fit {
                    _ if inside == (w, h) => preserve(inside),
                    Fit::Preserve => preserve(inside),
                    Fit::Pad => Self {
                        scaled: inside,
                        out: (w, h),
                        fit: Fit::Pad,
                    },
                    Fit::Crop => {
                        let by = (f64::from(w) / f64::from(sw)).max(f64::from(h) / f64::from(sh));
                        let s = scaled(by);
                        Self {
                            scaled: (s.0.max(w), s.1.max(h)),
                            out: (w, h),
                            fit: Fit::Crop,
                        }
                    }
                }
            }
        }
    }

    /// The geometry of an animated preview `width` wide (neither side over 640).
    pub fn animated(width: Option<u32>, source: (u32, u32)) -> Self {
        let w = width.unwrap_or(DEFAULT_ANIMATED_WIDTH.min(source.0.max(1)));
        Self::thumbnail(
            &ThumbnailQuery {
                time: None,
                width: Some(w),
                height: Some(MAX_ANIMATED_SIDE),
                fit: Fit::Preserve,
            },
            source,
        )
    }

    /// The name of the stored picture's variant, e.g. `320x180` or `320x320-crop`.
    pub fn name(&self) -> String {
        let (w, h) = self.out;
        match self.fit {
            Fit::Preserve => format!("{w}x{h}"),
            Fit::Crop => format!("{w}x{h}-crop"),
            Fit::Pad => format!("{w}x{h}-pad"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(width: Option<u32>, height: Option<u32>, fit: Fit) -> ThumbnailQuery {
        ThumbnailQuery {
            time: None,
            width,
            height,
            fit,
        }
    }

    #[test]
    fn times_are_plain_decimals_rounded_down_to_tenths() {
        assert_eq!(tenths("time", "0").unwrap(), 0);
        assert_eq!(tenths("time", "12").unwrap(), 120);
        assert_eq!(tenths("time", "12.59").unwrap(), 125);
        assert_eq!(tenths("time", "0.05").unwrap(), 0);
        for bad in [
            "", "-1", "+1", "1e3", "inf", "NaN", "1.", ".5", "a", "1,5", "1.2.3", "9999999",
        ] {
            assert!(tenths("time", bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn sides_are_bounded() {
        assert_eq!(side("width", "1", MAX_SIDE).unwrap(), 1);
        assert_eq!(side("width", "1920", MAX_SIDE).unwrap(), 1920);
        for bad in [
            "0",
            "1921",
            "100000",
            "-5",
            "12.5",
            "",
            "abc",
            "99999999999",
        ] {
            assert!(
                side("width", bad, MAX_SIDE).is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn parameters_are_strict() {
        assert!(thumbnail_query(Some("time=1&time=2")).is_err());
        assert!(thumbnail_query(Some("widht=100")).is_err());
        assert!(thumbnail_query(Some("fit=stretch")).is_err());
        assert_eq!(
            thumbnail_query(Some("time=1.25&width=320&fit=crop")).unwrap(),
            ThumbnailQuery {
                time: Some(Moment {
                    tenths: 12,
                    secs: 1.25
                }),
                width: Some(320),
                height: None,
                fit: Fit::Crop
            }
        );
        assert!(animated_query(Some("start=5&end=5")).is_err());
        assert!(animated_query(Some("start=5&end=4")).is_err());
        assert!(animated_query(Some("start=0&end=10.1")).is_err());
        assert!(animated_query(Some("start=0&end=10")).is_ok());
        assert!(animated_query(Some("width=641")).is_err());
    }

    #[test]
    fn a_version_is_twelve_hex_digits_of_the_source_asset_and_replaces_any_other() {
        let asset = uuid::Uuid::parse_str("0123abcd-4567-89ef-0123-456789abcdef").unwrap();
        assert_eq!(version_of(asset), "0123abcd4567");
        assert_eq!(version(Some("time=1")).unwrap(), None);
        assert_eq!(
            version(Some("time=1&v=0123abcd4567")).unwrap().as_deref(),
            Some("0123abcd4567")
        );
        for bad in [
            "v=",
            "v=0123ABCD4567",
            "v=0123abcd456",
            "v=0123abcd45678",
            "v=..%2F",
        ] {
            assert!(version(Some(bad)).is_err(), "{bad}");
        }
        assert!(thumbnail_query(Some("v=0123abcd4567&v=0123abcd4567")).is_err());
        assert_eq!(
            with_version(Some("v=aaaaaaaaaaaa&time=1.5&width=320"), "0123abcd4567"),
            "time=1.5&width=320&v=0123abcd4567"
        );
        assert_eq!(with_version(None, "0123abcd4567"), "v=0123abcd4567");
    }

    #[test]
    fn files_are_thumbnails_or_animations_in_known_formats() {
        assert_eq!(
            parse_file("thumbnail.jpg").unwrap(),
            Some(Request::Thumbnail(Format::Jpeg))
        );
        assert_eq!(
            parse_file("animated.webp").unwrap(),
            Some(Request::Animated)
        );
        assert!(parse_file("thumbnail.gif").is_err());
        assert!(parse_file("animated.gif").is_err());
        assert_eq!(parse_file("poster.jpg").unwrap(), None);
        assert_eq!(parse_file("thumbnail").unwrap(), None);
    }

    #[test]
    fn one_side_keeps_the_aspect_ratio_and_a_box_fits_as_asked() {
        let hd = (1280, 720);
        let g = Geometry::thumbnail(&q(Some(320), None, Fit::Crop), hd);
        assert_eq!((g.out, g.fit), ((320, 180), Fit::Preserve));
        let g = Geometry::thumbnail(&q(None, Some(90), Fit::Preserve), hd);
        assert_eq!(g.out, (160, 90));
        let g = Geometry::thumbnail(&q(None, None, Fit::Preserve), (640, 360));
        assert_eq!(g.out, (640, 360));
        let g = Geometry::thumbnail(&q(None, None, Fit::Preserve), (1920, 1080));
        assert_eq!(g.out, (1280, 720));
        let g = Geometry::thumbnail(&q(Some(200), Some(200), Fit::Preserve), hd);
        assert_eq!((g.out, g.name()), ((200, 113), "200x113".into()));
        let g = Geometry::thumbnail(&q(Some(200), Some(200), Fit::Crop), hd);
        assert_eq!(
            (g.scaled, g.out, g.name()),
            ((356, 200), (200, 200), "200x200-crop".into())
        );
        let g = Geometry::thumbnail(&q(Some(200), Some(200), Fit::Pad), hd);
        assert_eq!((g.scaled, g.out), ((200, 113), (200, 200)));
        // A box of the frame's own shape needs neither.
        let g = Geometry::thumbnail(&q(Some(640), Some(360), Fit::Pad), hd);
        assert_eq!((g.out, g.fit), ((640, 360), Fit::Preserve));
        // A portrait video asked 1920 wide stays within 1920 on its long side.
        let g = Geometry::thumbnail(&q(Some(1920), None, Fit::Preserve), (720, 1280));
        assert_eq!(g.out, (1080, 1920));
        let g = Geometry::animated(None, hd);
        assert_eq!(g.out, (320, 180));
        let g = Geometry::animated(Some(640), (720, 1280));
        assert_eq!(g.out, (360, 640));
    }
}
