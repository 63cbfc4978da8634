//! The one map from a stored object's name to its content type, used when a transcode stores
//! its outputs, when media moves between stores and when delivery serves an object.

/// The content type of an object, from the extension of its name.
pub fn of_name(name: &str) -> &'static str {
    match name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .unwrap_or_default()
    {
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        // An fMP4 media segment is not a playable MP4 file (RFC 8216, IANA media types).
        "m4s" => "video/iso.segment",
        "mp4" => "video/mp4",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "vtt" => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}
