//! Test media made on the spot: GStreamer test sources through `gst-launch-1.0`, and WAV files
//! written directly (any size, instantly). Nothing is downloaded.

use std::path::Path;
use std::process::Command;

/// Runs a `gst-launch-1.0` pipeline (given as one string) and panics with its output on failure.
pub fn gst_launch(pipeline: &str) {
    let out = Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace())
        .output()
        .expect("gst-launch-1.0 is installed (scripts/test installs gstreamer1.0-tools)");
    assert!(
        out.status.success(),
        "gst-launch-1.0 {pipeline} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A short H.264/AAC MP4 (320x240, `seconds` long) from GStreamer's test sources.
pub fn mp4(path: &Path, seconds: u32) {
    let frames = seconds * 25;
    let buffers = seconds * 48000 / 1024;
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers={buffers} samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

/// A PNG still image.
pub fn png(path: &Path) {
    gst_launch(&format!(
        "videotestsrc num-buffers=1 ! video/x-raw,width=64,height=64 ! pngenc ! filesink location={}",
        path.display()
    ));
}

/// A 16-bit stereo 48 kHz PCM WAV file of about `bytes` bytes (a valid audio file of any size).
pub fn wav(path: &Path, bytes: usize) {
    use std::io::Write as _;
    let data_len = (bytes.saturating_sub(44) / 4 * 4) as u32;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create wav"));
    let mut header = Vec::with_capacity(44);
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(36 + data_len).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&16u32.to_le_bytes());
    header.extend_from_slice(&1u16.to_le_bytes()); // PCM
    header.extend_from_slice(&2u16.to_le_bytes()); // channels
    header.extend_from_slice(&48_000u32.to_le_bytes());
    header.extend_from_slice(&(48_000u32 * 4).to_le_bytes());
    header.extend_from_slice(&4u16.to_le_bytes());
    header.extend_from_slice(&16u16.to_le_bytes());
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data_len.to_le_bytes());
    file.write_all(&header).expect("write wav");
    // A 440 Hz-ish sawtooth with a slowly changing offset, so no two chunks are alike.
    let mut block = Vec::with_capacity(1 << 20);
    let mut written = 0u32;
    let mut n: u32 = 0;
    while written < data_len {
        block.clear();
        while block.len() < (1 << 20) && written + (block.len() as u32) < data_len {
            let sample = ((n % 109) as i16 * 300).wrapping_add((n / 48_000) as i16);
            block.extend_from_slice(&sample.to_le_bytes());
            block.extend_from_slice(&sample.wrapping_neg().to_le_bytes());
            n += 1;
        }
        file.write_all(&block).expect("write wav");
        written += block.len() as u32;
    }
    file.flush().expect("flush wav");
}

/// Hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).expect("open");
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hex_encode(&hasher.finalize())
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A generated test clip: GStreamer's test pattern (and a tone) encoded as H.264/AAC.
#[derive(Clone, Debug)]
pub struct Clip {
    /// Width in pixels (odd sizes are fine).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second.
    pub fps: u32,
    /// Number of video frames.
    pub frames: u32,
    /// With an AAC track as long as the video.
    pub audio: bool,
    /// Rotation written into the MP4's track matrix, as phones do: `rotate-90`, `rotate-180`
    /// or `rotate-270`.
    pub orientation: Option<&'static str>,
    /// Drop about a third of the frames at random: a variable-frame-rate file.
    pub variable_rate: bool,
    /// x264 speed preset for the source.
    pub preset: &'static str,
    /// Index (`moov`) before the media, as web tools write it; without, it comes last, as
    /// cameras and phones write it.
    pub faststart: bool,
}

impl Clip {
    /// A clip of `seconds` at `width`×`height`, 25 fps, with sound.
    pub fn new(width: u32, height: u32, seconds: f64) -> Self {
        Self {
            width,
            height,
            fps: 25,
            frames: ((seconds * 25.0).round() as u32).max(1),
            audio: true,
            orientation: None,
            variable_rate: false,
            preset: "ultrafast",
            faststart: true,
        }
    }

    /// The same clip at another frame rate, keeping its length.
    pub fn fps(mut self, fps: u32) -> Self {
        self.frames =
            (f64::from(self.frames) * f64::from(fps) / f64::from(self.fps)).round() as u32;
        self.fps = fps;
        self
    }

    /// Writes the clip as MP4.
    pub fn write(&self, path: &Path) {
        let seconds = f64::from(self.frames) / f64::from(self.fps);
        let mut p = format!(
            "videotestsrc num-buffers={} ! video/x-raw,width={},height={},framerate={}/1 ! ",
            self.frames, self.width, self.height, self.fps
        );
        if self.variable_rate {
            p.push_str("identity drop-probability=0.35 ! ");
        }
        p.push_str(&format!(
            "x264enc speed-preset={} key-int-max={} ! h264parse ! mp4mux name=mux faststart={} ! filesink location={} ",
            self.preset,
            self.fps * 2,
            self.faststart,
            path.display()
        ));
        if self.audio {
            let buffers = (seconds * 48_000.0 / 1024.0).ceil() as u32;
            p.push_str(&format!(
                "audiotestsrc num-buffers={buffers} samplesperbuffer=1024 wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux."
            ));
        }
        gst_launch(&p);
        if let Some(o) = self.orientation {
            rotate_mp4(path, o);
        }
    }
}

/// Rewrites the display matrix of an MP4's video track (mp4mux 1.22 ignores orientation tags).
fn rotate_mp4(path: &Path, orientation: &str) {
    const ONE: u32 = 0x0001_0000;
    const MINUS_ONE: u32 = 0xFFFF_0000;
    let (a, b, c, d) = match orientation {
        "rotate-90" => (0, ONE, MINUS_ONE, 0),
        "rotate-180" => (MINUS_ONE, 0, 0, MINUS_ONE),
        "rotate-270" => (0, MINUS_ONE, ONE, 0),
        other => panic!("unknown orientation {other}"),
    };
    let mut bytes = std::fs::read(path).expect("read mp4");
    let mut from = 0;
    let mut patched = false;
    while let Some(at) = bytes[from..].windows(4).position(|w| w == b"tkhd") {
        let payload = from + at + 4;
        let version = bytes[payload];
        let matrix = payload + if version == 1 { 52 } else { 40 };
        let width =
            u32::from_be_bytes(bytes[matrix + 36..matrix + 40].try_into().expect("4 bytes"));
        if width != 0 {
            for (i, v) in [a, b, 0, c, d, 0, 0, 0, 0x4000_0000u32].iter().enumerate() {
                bytes[matrix + i * 4..matrix + i * 4 + 4].copy_from_slice(&v.to_be_bytes());
            }
            patched = true;
        }
        from = payload;
    }
    assert!(patched, "no video track header in {}", path.display());
    std::fs::write(path, bytes).expect("write mp4");
}

/// A motion-JPEG Matroska file of `frames` frames at any size (H.264 has limits; JPEG takes
/// 1×1 and 10000×10000).
pub fn mjpeg(path: &Path, width: u32, height: u32, frames: u32) {
    gst_launch(&format!(
        "videotestsrc num-buffers={frames} ! video/x-raw,width={width},height={height},framerate=5/1 ! jpegenc ! matroskamux ! filesink location={}",
        path.display()
    ));
}

/// A sine tone WAV (44.1 kHz stereo) of `seconds`.
pub fn sine_wav(path: &Path, seconds: u32) {
    let buffers = seconds * 44_100 / 1024;
    gst_launch(&format!(
        "audiotestsrc num-buffers={buffers} samplesperbuffer=1024 wave=sine freq=440 volume=0.5 ! audio/x-raw,rate=44100,channels=2,format=S16LE ! wavenc ! filesink location={}",
        path.display()
    ));
}

/// A silent 8-bit mono WAV of `seconds` at `rate` Hz, written directly (fast at any length).
pub fn silent_wav(path: &Path, seconds: u32, rate: u32) {
    use std::io::Write as _;
    let data_len = seconds * rate;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create wav"));
    let mut header = Vec::with_capacity(44);
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(36 + data_len).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&16u32.to_le_bytes());
    header.extend_from_slice(&1u16.to_le_bytes()); // PCM
    header.extend_from_slice(&1u16.to_le_bytes()); // mono
    header.extend_from_slice(&rate.to_le_bytes());
    header.extend_from_slice(&rate.to_le_bytes()); // bytes per second
    header.extend_from_slice(&1u16.to_le_bytes()); // block align
    header.extend_from_slice(&8u16.to_le_bytes()); // 8-bit: 128 is silence
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data_len.to_le_bytes());
    file.write_all(&header).expect("write wav");
    let block = vec![128u8; 1 << 20];
    let mut left = data_len as usize;
    while left > 0 {
        let n = left.min(block.len());
        file.write_all(&block[..n]).expect("write wav");
        left -= n;
    }
    file.flush().expect("flush wav");
}

/// A clip without sound that is one solid colour (`videotestsrc` pattern names: `red`,
/// `blue`...) for `seconds_each` seconds and then another for as long, at 25 fps: a picture
/// taken from it shows which half its moment fell in.
pub fn two_colours(path: &Path, width: u32, height: u32, colours: [&str; 2], seconds_each: u32) {
    let frames = seconds_each * 25;
    let caps = format!("video/x-raw,width={width},height={height},framerate=25/1");
    gst_launch(&format!(
        "concat name=c ! videoconvert ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux ! filesink location={} \
         videotestsrc pattern={} num-buffers={frames} ! {caps} ! c. \
         videotestsrc pattern={} num-buffers={frames} ! {caps} ! c.",
        path.display(),
        colours[0],
        colours[1],
    ));
}
