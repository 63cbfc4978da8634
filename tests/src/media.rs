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
