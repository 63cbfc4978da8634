//! The watching pages: watch, playlist, episode and podcast pages.

use super::Locale;
use crate::format;

crate::messages! {
    /// Keys of the watch, playlist, episode and podcast pages.
    Watch {
        StillPreparing => "This video is still being prepared. Try again in a moment.",
            "Cette vidéo est encore en préparation. Réessayez dans un instant.";
        Chapters => "Chapters", "Chapitres";
        Tags => "Tags", "Mots-clés";
        Category => "Category", "Catégorie";
        Share => "Share", "Partager";
        ShareLink => "Link", "Lien";
        StartAt => "Start at", "Commencer à";
        Embed => "Embed", "Intégrer";
        EmbedSize => "Player size", "Taille du lecteur";
        Copy => "Copy", "Copier";
        Copied => "Copied", "Copié";
        Related => "Related videos", "Vidéos similaires";
        NoRelated => "No related videos yet.", "Pas encore de vidéos similaires.";
        UpNext => "Up next", "À suivre";
        Autoplay => "Autoplay", "Lecture automatique";
        PlayAll => "Play all", "Tout lire";
        Playlist => "Playlist", "Liste de lecture";
        EmptyPlaylist => "This playlist has no videos yet.",
            "Cette liste de lecture ne contient pas encore de vidéos.";
        Episodes => "Episodes", "Épisodes";
        NoEpisodes => "No episodes yet.", "Pas encore d’épisodes.";
        AudioPreparing => "The audio is being prepared.", "L’audio est en cours de préparation.";
        CannotPlayAudio => "Your browser cannot play this episode.",
            "Votre navigateur ne peut pas lire cet épisode.";
        Subscribe => "Subscribe (RSS feed)", "S’abonner (flux RSS)";
        Explicit => "Explicit", "Contenu explicite";
        By => "By", "Par";
        Podcast => "Podcast", "Podcast" (same);
        Length => "Length", "Durée";
    }
}

/// `1,234 views` / `1 234 vues`.
pub fn views(locale: Locale, n: i64) -> String {
    let number = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{number} view"),
        Locale::En => format!("{number} views"),
        // French counts 0 and 1 in the singular.
        Locale::Fr if (0..=1).contains(&n) => format!("{number} vue"),
        Locale::Fr => format!("{number} vues"),
    }
}

/// `3 videos` / `3 vidéos`.
pub fn videos(locale: Locale, n: usize) -> String {
    let number = format::number(locale, i64::try_from(n).unwrap_or(i64::MAX));
    match locale {
        Locale::En if n == 1 => format!("{number} video"),
        Locale::En => format!("{number} videos"),
        Locale::Fr if n <= 1 => format!("{number} vidéo"),
        Locale::Fr => format!("{number} vidéos"),
    }
}

/// Where a video is in a playlist: `2 of 5` / `2 sur 5`.
pub fn position(locale: Locale, at: usize, of: usize) -> String {
    match locale {
        Locale::En => format!("{at} of {of}"),
        Locale::Fr => format!("{at} sur {of}"),
    }
}

/// The alternative text of a podcast's cover art.
pub fn cover_of(locale: Locale, title: &str) -> String {
    match locale {
        Locale::En => format!("Cover art of {title}"),
        Locale::Fr => format!("Couverture de {title}"),
    }
}

/// An episode's season and number: `S1 E2` / `S1 É2`, `E2` / `É2`.
pub fn numbering(locale: Locale, season: Option<i64>, number: Option<i64>) -> Option<String> {
    let e = match locale {
        Locale::En => "E",
        Locale::Fr => "É",
    };
    match (season, number) {
        (Some(s), Some(n)) => Some(format!("S{s} {e}{n}")),
        (None, Some(n)) => Some(format!("{e}{n}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_watching_text_is_written_in_english_and_french() {
        super::super::check_area(Watch::ALL, Watch::same_in_both);
    }

    #[test]
    fn counts_agree_with_their_number_in_both_languages() {
        assert_eq!(views(Locale::En, 1), "1 view");
        assert_eq!(views(Locale::En, 1234), "1,234 views");
        assert_eq!(views(Locale::Fr, 0), "0 vue");
        assert_eq!(views(Locale::Fr, 1234), "1\u{202f}234 vues");
        assert_eq!(videos(Locale::Fr, 2), "2 vidéos");
        assert_eq!(position(Locale::Fr, 2, 5), "2 sur 5");
        assert_eq!(
            numbering(Locale::Fr, Some(1), Some(2)).as_deref(),
            Some("S1 É2")
        );
    }
}
