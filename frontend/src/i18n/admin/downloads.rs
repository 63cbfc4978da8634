//! Downloads: a video's setting and files in the video editor, and a channel's default on its
//! page.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the downloads controls.
    Downloads {
        Heading => "Downloads", "Téléchargements";
        Hint => "Files viewers can download, made after the video's renditions: the highest quality as MP4 (picture and sound) and the sound alone as M4A.",
            "Des fichiers que les spectateurs peuvent télécharger, faits après les rendus de la vidéo : la meilleure qualité en MP4 (image et son) et le son seul en M4A.";
        Offer => "Offer downloads", "Proposer le téléchargement";
        FollowOn => "As its channel says (on)", "Comme le dit sa chaîne (activé)";
        FollowOff => "As its channel says (off)", "Comme le dit sa chaîne (désactivé)";
        On => "On: offer downloads", "Activé : proposer le téléchargement";
        Off => "Off: no downloads", "Désactivé : aucun téléchargement";
        Files => "Files", "Fichiers";
        NotMadeYet => "None yet: the files are made once the video's renditions are ready (after a save, read the page again).",
            "Aucun pour l’instant : les fichiers sont faits une fois les rendus de la vidéo prêts (après un enregistrement, rechargez la page).";
        AreOff => "Downloads are off for this video.", "Le téléchargement est désactivé pour cette vidéo.";
        Mp4 => "MP4 video", "Vidéo MP4";
        M4a => "M4A sound", "Son M4A";
        Download => "Download", "Télécharger";
        ChannelHint => "Videos of the channel without a setting of their own follow this one. Turning it on makes the files of its ready videos; turning it off hides them at once.",
            "Les vidéos de la chaîne sans réglage propre suivent celui-ci. L’activer fait les fichiers de ses vidéos prêtes ; le désactiver les cache aussitôt.";
        ChannelOffer => "Offer downloads of the channel's videos", "Proposer le téléchargement des vidéos de la chaîne";
        SaveChannel => "Save the downloads setting", "Enregistrer le réglage du téléchargement";
        NothingChanged => "Nothing to save: nothing was changed.", "Rien à enregistrer : rien n’a été modifié.";
        Saved => "Saved.", "Enregistré.";
    }
}

/// A file's size for people: `840 KB`, `12.4 MB`, `1.2 GB` (`840 Ko`, `12,4 Mo`, `1,2 Go`).
pub fn size(locale: Locale, bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    let (value, en, fr, places) = if bytes >= 1e9 {
        (bytes / 1e9, "GB", "Go", 1)
    } else if bytes >= 1e6 {
        (bytes / 1e6, "MB", "Mo", 1)
    } else {
        (bytes / 1e3, "KB", "Ko", 0)
    };
    let unit = match locale {
        Locale::En => en,
        Locale::Fr => fr,
    };
    format!("{} {unit}", format::decimal(locale, value, places))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_downloads_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Downloads::ALL, Downloads::same_in_both);
    }

    #[test]
    fn sizes_read_in_the_largest_fitting_unit() {
        assert_eq!(size(Locale::En, 839_600), "840 KB");
        assert_eq!(size(Locale::En, 12_449_000), "12.4 MB");
        assert_eq!(size(Locale::Fr, 12_449_000), "12,4 Mo");
        assert_eq!(size(Locale::Fr, 1_234_000_000), "1,2 Go");
        assert_eq!(size(Locale::En, 0), "0 KB");
    }
}
