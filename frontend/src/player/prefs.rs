//! The viewer's volume and mute, remembered in `localStorage` from one video to the next.

/// Where the volume (0 to 1) is kept.
const VOLUME_KEY: &str = "projector.player.volume";
/// Where the mute is kept (`1` muted, `0` not).
const MUTED_KEY: &str = "projector.player.muted";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered volume and mute, if any.
pub fn load() -> (Option<f64>, Option<bool>) {
    let Some(storage) = storage() else {
        return (None, None);
    };
    let read = |key: &str| storage.get_item(key).ok().flatten();
    let volume = read(VOLUME_KEY)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| (0.0..=1.0).contains(v));
    let muted = read(MUTED_KEY).map(|m| m == "1");
    (volume, muted)
}

/// Remembers the volume and mute.
pub fn save(volume: f64, muted: bool) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(VOLUME_KEY, &format!("{:.2}", volume.clamp(0.0, 1.0)));
        let _ = storage.set_item(MUTED_KEY, if muted { "1" } else { "0" });
    }
}
