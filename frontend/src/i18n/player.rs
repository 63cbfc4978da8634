//! The video player: its buttons, menus and keyboard help.

use super::Locale;

crate::messages! {
    /// Keys of the video player.
    Player {
        Region => "Video player", "Lecteur vidéo";
        Unsupported => "Your browser cannot play this video.",
            "Votre navigateur ne peut pas lire cette vidéo.";
        Play => "Play (k)", "Lecture (k)";
        Pause => "Pause (k)", "Pause (k)" (same);
        Mute => "Mute (m)", "Couper le son (m)";
        Unmute => "Unmute (m)", "Rétablir le son (m)";
        Volume => "Volume (up and down arrows)", "Volume (flèches haut et bas)";
        Seek => "Position (left and right arrows)", "Position (flèches gauche et droite)";
        Speed => "Playback speed", "Vitesse de lecture";
        Normal => "Normal", "Normale";
        Captions => "Captions (c)", "Sous-titres (c)";
        CaptionsOff => "Off", "Désactivés";
        Quality => "Quality", "Qualité";
        Auto => "Auto", "Auto" (same);
        Fullscreen => "Full screen (f)", "Plein écran (f)";
        ExitFullscreen => "Exit full screen (f)", "Quitter le plein écran (f)";
        Shortcuts => "Keyboard shortcuts (?)", "Raccourcis clavier (?)";
        ShortcutsTitle => "Keyboard shortcuts", "Raccourcis clavier";
        Close => "Close", "Fermer";
        KeySpace => "Space or k", "Espace ou k";
        KeyPlay => "Play or pause", "Lecture ou pause";
        KeyArrows => "← and →", "← et →";
        KeySeek => "Back or forward 5 seconds", "Reculer ou avancer de 5 secondes";
        KeyUpDown => "↑ and ↓", "↑ et ↓";
        KeyVolume => "Volume up or down", "Monter ou baisser le volume";
        KeyFullscreen => "Full screen", "Plein écran";
        KeyMute => "Mute or unmute", "Couper ou rétablir le son";
        KeyCaptions => "Captions on or off", "Activer ou désactiver les sous-titres";
        KeyHelp => "Show this help", "Afficher cette aide";
    }
}

/// A playback rate as the speed menu shows it, e.g. `1.25×` (`1,25×` in French); `1` is
/// "Normal".
pub fn speed(locale: Locale, rate: f64) -> String {
    use super::Message;
    if (rate - 1.0).abs() < f64::EPSILON {
        return Player::Normal.text(locale).to_owned();
    }
    rate_text(locale, rate)
}

/// A playback rate as the speed button shows it, e.g. `1×`, `1.5×` (`1,5×` in French).
pub fn rate_text(locale: Locale, rate: f64) -> String {
    let text = format!("{rate}×");
    match locale {
        Locale::En => text,
        Locale::Fr => text.replace('.', ","),
    }
}

/// A rendition's name in the quality menu, e.g. `720p`, from its height (or its bitrate when
/// the playlist gives no resolution).
pub fn rendition(locale: Locale, height: u32, bitrate: u32) -> String {
    if height > 0 {
        return format!("{height}p");
    }
    let kbps = bitrate / 1000;
    match locale {
        Locale::En => format!("{kbps} kb/s"),
        Locale::Fr => format!("{kbps} kbit/s"),
    }
}

/// A caption track's name in the captions menu: the language's name in the reader's language
/// (from the browser's `Intl.DisplayNames`), else its tag.
pub fn language_name(locale: Locale, tag: &str) -> String {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let named = (|| {
        let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
        let ctor = Reflect::get(&intl, &JsValue::from_str("DisplayNames"))
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        let options = Object::new();
        Reflect::set(&options, &"type".into(), &"language".into()).ok()?;
        let args = Array::of2(&Array::of1(&locale.tag().into()), &options);
        let names = Reflect::construct(&ctor, &args).ok()?;
        let of = Reflect::get(&names, &JsValue::from_str("of"))
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        of.call1(&names, &JsValue::from_str(tag)).ok()?.as_string()
    })();
    named
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| tag.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_player_text_is_written_in_english_and_french() {
        super::super::check_area(Player::ALL, Player::same_in_both);
    }

    #[test]
    fn speeds_use_the_decimal_mark_of_the_language() {
        assert_eq!(speed(Locale::En, 1.25), "1.25×");
        assert_eq!(speed(Locale::Fr, 0.5), "0,5×");
        assert_eq!(speed(Locale::En, 2.0), "2×");
        assert_eq!(speed(Locale::Fr, 1.0), "Normale");
        assert_eq!(rendition(Locale::En, 720, 0), "720p");
        assert_eq!(rendition(Locale::Fr, 0, 96_000), "96 kbit/s");
    }
}
