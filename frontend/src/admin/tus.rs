//! A tus 1.0 client for the browser: uploads a `File` to the server's `/uploads/` in chunks,
//! and resumes from the server's offset after a network error.
//!
//! Creation (`POST` with `Upload-Length` and `Upload-Metadata`), then `PATCH`es of
//! [`CHUNK_BYTES`] cut with `File.slice` (the browser reads only the slice being sent, so a
//! large file is never held in memory). When a request fails on the way, a `HEAD` asks the
//! server how much it has durably stored and the upload goes on from there. An upload stopped
//! by the editor is terminated (`DELETE`), so the server drops the bytes it kept.

use crate::api::sleep;
use crate::i18n::admin::library::{self as text, Library as L};
use crate::i18n::{Message, locale};
use gloo_net::http::{Method, Request, RequestBuilder, Response};

use super::session::Session;
use crate::api::ApiError;

/// The protocol version every request names.
const TUS_VERSION: &str = "1.0.0";
/// Bytes per `PATCH`.
pub const CHUNK_BYTES: f64 = 5.0 * 1024.0 * 1024.0;
/// Network failures in a row before the upload gives up.
const MAX_RETRIES: u32 = 6;
/// How often, and how many times, a finished upload is asked whether it was probed (10 min).
const SETTLE_POLL_MS: i32 = 400;
const SETTLE_POLLS: u32 = 1500;

/// Why an upload stopped.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TusError {
    /// The server refused it: its message (too large, not allowed, over quota...).
    #[error("{0}")]
    Refused(String),
    /// The server could not be reached, even after retrying.
    #[error("the upload was interrupted: {0}")]
    Network(String),
    /// No usable session.
    #[error("{0}")]
    Session(#[from] ApiError),
    /// The editor stopped it.
    #[error("the upload was cancelled")]
    Cancelled,
}

/// How an upload ended on the server once every byte was in.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// Probed and stored; its processing starts.
    Complete,
    /// Refused after probing, or not storable (the reason is on the video: `mediaError`).
    Rejected,
}

/// Standard base64 (tus metadata values are base64; `btoa` cannot take UTF-8).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Upload-Metadata`: `key base64(value)` pairs, comma-separated.
pub fn metadata(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", base64(v.as_bytes())))
        .collect::<Vec<_>>()
        .join(",")
}

fn header_u64(response: &Response, name: &str) -> Option<f64> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|v| v as f64)
}

/// The server's message in a refusal (`{"error": {"message": ...}}`), else the status.
async fn refusal(response: Response) -> TusError {
    let status = response.status();
    let message = response
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|body| body["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text::http_status(locale(), status));
    TusError::Refused(message)
}

/// One request of the protocol, with the session's token; a `401` refreshes the token and
/// sends the request once more.
async fn send(
    session: Session,
    build: impl Fn() -> RequestBuilder,
    body: Option<&web_sys::Blob>,
) -> Result<Response, TusError> {
    for attempt in 0..2 {
        let token = session.access_token().await?;
        let request = build()
            .header("Tus-Resumable", TUS_VERSION)
            .header("Authorization", &format!("Bearer {token}"));
        let request = match body {
            Some(blob) => request.body(blob.clone()),
            None => request.build(),
        }
        .map_err(|e| TusError::Network(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| TusError::Network(e.to_string()))?;
        if response.status() == 401 && attempt == 0 {
            session.refresh().await?;
            continue;
        }
        return Ok(response);
    }
    Err(TusError::Refused(L::SessionGone.text(locale()).into()))
}

/// Creates an upload for `file` with `pairs` of metadata (besides `filename` and `filetype`);
/// returns its address (`/uploads/<id>`).
pub async fn create(
    session: Session,
    file: &web_sys::File,
    pairs: &[(&str, &str)],
) -> Result<String, TusError> {
    let name = file.name();
    let kind = file.type_();
    let mut all = vec![("filename", name.as_str())];
    if !kind.is_empty() {
        all.push(("filetype", kind.as_str()));
    }
    all.extend_from_slice(pairs);
    let meta = metadata(&all);
    let length = format!("{}", file.size() as u64);
    let response = send(
        session,
        || {
            Request::post("/uploads/")
                .header("Upload-Length", &length)
                .header("Upload-Metadata", &meta)
        },
        None,
    )
    .await?;
    if response.status() != 201 {
        return Err(refusal(response).await);
    }
    response
        .headers()
        .get("location")
        .ok_or_else(|| TusError::Refused(L::NoUploadAddress.text(locale()).into()))
}

/// How many bytes of the upload the server has durably stored.
pub async fn offset(session: Session, location: &str) -> Result<f64, TusError> {
    let response = send(
        session,
        || RequestBuilder::new(location).method(Method::HEAD),
        None,
    )
    .await?;
    if response.status() != 200 {
        return Err(refusal(response).await);
    }
    header_u64(&response, "upload-offset")
        .ok_or_else(|| TusError::Refused(L::NoOffset.text(locale()).into()))
}

/// Sends `file` to the upload at `location`, from the server's offset to the end, reporting
/// `(bytes stored, total)` after each chunk. Stops with [`TusError::Cancelled`] before the next
/// chunk once `stopped` says so.
pub async fn send_file(
    session: Session,
    location: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64, f64),
    stopped: impl Fn() -> bool,
) -> Result<(), TusError> {
    let total = file.size();
    let mut offset = offset(session, location).await?;
    let mut failures = 0;
    on_progress(offset, total);
    while offset < total {
        if stopped() {
            return Err(TusError::Cancelled);
        }
        let end = (offset + CHUNK_BYTES).min(total);
        let chunk = file
            .slice_with_f64_and_f64(offset, end)
            .map_err(|_| TusError::Refused(L::UnreadableFile.text(locale()).into()))?;
        let at = format!("{}", offset as u64);
        let sent = send(
            session,
            || {
                Request::patch(location)
                    .header("Upload-Offset", &at)
                    .header("Content-Type", "application/offset+octet-stream")
            },
            Some(&chunk),
        )
        .await;
        match sent {
            Ok(response) if response.status() == 204 => {
                failures = 0;
                offset = header_u64(&response, "upload-offset").unwrap_or(end);
                on_progress(offset, total);
            }
            // The offsets disagree (an earlier chunk arrived after all), or another request
            // is still writing: ask the server where it stands.
            Ok(response) if matches!(response.status(), 409 | 423) => {
                failures += 1;
                if failures > MAX_RETRIES {
                    return Err(refusal(response).await);
                }
                sleep(500).await;
                offset = self::offset(session, location).await?;
            }
            Ok(response) => return Err(refusal(response).await),
            Err(TusError::Network(reason)) => {
                failures += 1;
                if failures > MAX_RETRIES {
                    return Err(TusError::Network(reason));
                }
                // 1 s, 2 s, 4 s... then resume from what the server kept.
                sleep(1000 << (failures - 1).min(4)).await;
                match self::offset(session, location).await {
                    Ok(o) => offset = o,
                    Err(TusError::Network(_)) => continue,
                    Err(e) => return Err(e),
                }
                on_progress(offset, total);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Cancels the upload at `location` (tus termination): the server drops what it stored.
pub async fn terminate(session: Session, location: &str) -> Result<(), TusError> {
    let response = send(session, || Request::delete(location), None).await?;
    match response.status() {
        204 => Ok(()),
        _ => Err(refusal(response).await),
    }
}

/// Waits until the server has probed the finished upload.
pub async fn settled(session: Session, location: &str) -> Result<Settled, TusError> {
    for _ in 0..SETTLE_POLLS {
        let response = send(
            session,
            || RequestBuilder::new(location).method(Method::HEAD),
            None,
        )
        .await?;
        if response.status() != 200 {
            return Err(refusal(response).await);
        }
        match response.headers().get("x-upload-status").as_deref() {
            Some("complete") => return Ok(Settled::Complete),
            // `failed`: the server could not store it after retries; the reason is on the item
            // too.
            Some("rejected" | "failed") => return Ok(Settled::Rejected),
            _ => sleep(SETTLE_POLL_MS).await,
        }
    }
    Err(TusError::Refused(L::StillChecking.text(locale()).into()))
}

/// Where the addresses of unfinished uploads are kept (`localStorage`), one entry per file.
const RESUME_PREFIX: &str = "projector.upload.";

/// An unfinished upload remembered in the browser, so that a reload, a closed tab or a lost
/// connection goes on from the server's offset instead of starting again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    /// The upload's address (`/uploads/<id>`).
    pub url: String,
    /// The draft video it fills (UUID), for the link to its editor.
    pub video_uuid: Option<String>,
    /// The file's name.
    pub filename: String,
}

/// What tells a file apart without reading it: its name, size and last change.
pub fn file_key(file: &web_sys::File) -> String {
    format!(
        "{RESUME_PREFIX}{}|{}|{}",
        file.name(),
        file.size() as u64,
        file.last_modified() as u64
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Keeps `entry` for `file` until [`forget`].
pub fn remember(file: &web_sys::File, entry: &Remembered) {
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(entry)) {
        let _ = storage.set_item(&file_key(file), &json);
    }
}

/// The unfinished upload of `file`, if one is remembered.
pub fn recall(file: &web_sys::File) -> Option<Remembered> {
    let json = storage()?.get_item(&file_key(file)).ok().flatten()?;
    serde_json::from_str(&json).ok()
}

/// Drops what is remembered for `file` (its bytes are all in, or it is gone).
pub fn forget(file: &web_sys::File) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&file_key(file));
    }
}

/// Every remembered upload, with its storage key.
pub fn remembered() -> Vec<(String, Remembered)> {
    let Some(storage) = storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(RESUME_PREFIX))
        .filter_map(|key| {
            let json = storage.get_item(&key).ok().flatten()?;
            Some((key, serde_json::from_str(&json).ok()?))
        })
        .collect()
}

/// Drops a remembered upload by its storage key.
pub fn forget_key(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// The upload's id, the last part of its address (the server may answer with an absolute
/// `Location` while `myUploads` names a path).
pub fn upload_id(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

/// Bytes per second and seconds left, from `(milliseconds, bytes stored)` samples of this
/// session's sending (oldest first): the rate over the last [`RATE_WINDOW_MS`], so a stall
/// shows at once and a resumed upload does not count the bytes it had before.
pub fn rate(samples: &[(f64, f64)], total: f64) -> Option<(f64, f64)> {
    let &(now, sent) = samples.last()?;
    let &(then, before) = samples
        .iter()
        .find(|(t, _)| now - t <= RATE_WINDOW_MS)
        .filter(|(t, _)| now - t > 0.0)
        .or_else(|| samples.iter().rev().nth(1))?;
    let elapsed = (now - then) / 1000.0;
    if elapsed <= 0.0 {
        return None;
    }
    let speed = (sent - before) / elapsed;
    if speed <= 0.0 {
        return Some((0.0, f64::INFINITY));
    }
    Some((speed, (total - sent).max(0.0) / speed))
}

/// How far back [`rate`] looks.
pub const RATE_WINDOW_MS: f64 = 10_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_values_are_standard_base64() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("clip é.mp4".as_bytes()), "Y2xpcCDDqS5tcDQ=");
        assert_eq!(metadata(&[("a", "b"), ("c", "")]), "a Yg==,c ");
    }

    #[test]
    fn the_rate_counts_only_the_bytes_sent_in_the_last_seconds() {
        // Resumed at 5 MB: 5 MB more in 2 s is 2.5 MB/s, and 2 s left for the last 5 MB.
        let samples = [(0.0, 5e6), (1000.0, 7e6), (2000.0, 10e6)];
        let (speed, left) = rate(&samples, 15e6).unwrap();
        assert_eq!(speed, 2.5e6);
        assert_eq!(left, 2.0);
        // Older samples than the window are left out.
        let samples = [(0.0, 0.0), (20_000.0, 1e6), (25_000.0, 6e6)];
        assert_eq!(rate(&samples, 6e6).unwrap().0, 1e6);
        assert_eq!(rate(&[(0.0, 1.0)], 2.0), None);
        assert_eq!(upload_id("http://h/uploads/abc"), "abc");
        assert_eq!(upload_id("/uploads/abc"), "abc");
    }
}
