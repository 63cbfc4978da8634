//! The admin app's texts. This file has the uploads of several files, live processing on the
//! dashboard, podcasts' artwork and feed and statistics; the other pages have one file each
//! below (`shell.rs` for the admin bar, sign-in and dashboard, `editor.rs` for the video
//! editor, `downloads.rs` for the downloads controls of the video editor and the channel page,
//! `library.rs`, `people.rs` for users and API tokens, `keys.rs` for playback keys, `site.rs`
//! for channels, playlists, categories and tags, `podcasts.rs`).

use super::Locale;
use crate::format;

pub mod downloads;
pub mod editor;
pub mod keys;
pub mod library;
pub mod moderation;
pub mod people;
pub mod playback;
pub mod podcasts;
pub mod shell;
pub mod site;
pub mod webhooks;

crate::messages! {
    /// Keys of the admin app.
    Admin {
        UploadsHeading => "Upload several videos", "Envoyer plusieurs vidéos";
        UploadsHint => "Each file becomes a draft video in the channel chosen above, titled after the file, with the visibility chosen above.",
            "Chaque fichier devient une vidéo en brouillon dans la chaîne choisie ci-dessus, avec le nom du fichier pour titre et la visibilité choisie ci-dessus.";
        DropFiles => "Drop video files here, or", "Déposez des fichiers vidéo ici, ou";
        ChooseFiles => "choose files", "choisissez des fichiers";
        UploadsList => "Uploads", "Envois";
        CreatingDraft => "creating the draft…", "création du brouillon…";
        CheckingFile => "checking the file…", "vérification du fichier…";
        Uploaded => "uploaded", "envoyé";
        Stalled => "waiting for the network…", "en attente du réseau…";
        EditVideo => "Edit", "Modifier";
        Unfinished => "Unfinished uploads", "Envois inachevés";
        UnfinishedHint => "These uploads stopped before their end (page reloaded, tab closed, connection lost). Choose the same file again to send the rest: what the server already has is not sent twice.",
            "Ces envois se sont arrêtés avant la fin (page rechargée, onglet fermé, connexion perdue). Choisissez à nouveau le même fichier pour envoyer la suite : ce que le serveur a déjà reçu n’est pas renvoyé.";
        Resume => "Resume: choose the file", "Reprendre : choisir le fichier";
        UploadFailed => "upload failed", "échec de l’envoi";
        ViewsHeading => "Views per day, last 30 days", "Vues par jour, 30 derniers jours";
        NoViews => "No views to show.", "Aucune vue à afficher.";
        ChooseFileFirst => "Choose a file first.", "Choisissez d’abord un fichier.";
        Saved => "Saved.", "Enregistré.";
        ArtworkHeading => "Artwork", "Illustration";
        ArtworkRule => "Podcast apps ask for a square JPEG or PNG picture of 1400×1400 to 3000×3000 pixels.",
            "Les applications de podcast demandent une image JPEG ou PNG carrée de 1400×1400 à 3000×3000 pixels.";
        ArtworkFile => "Artwork file", "Fichier de l’illustration";
        UploadArtwork => "Upload artwork", "Envoyer l’illustration";
        AppleHeading => "Apple Podcasts", "Apple Podcasts" (same);
        ItunesCategory => "Category", "Catégorie";
        NoCategory => "No category", "Aucune catégorie";
        Explicit => "Explicit content", "Contenu explicite";
        PodcastType => "Type", "Type" (same);
        Episodic => "Episodic: newest first, any episode stands alone",
            "Épisodique : le plus récent d’abord, chaque épisode se suffit à lui-même";
        Serial => "Serial: oldest first, episodes build on each other",
            "Feuilleton : le plus ancien d’abord, les épisodes se suivent";
        SaveApple => "Save Apple Podcasts settings", "Enregistrer les réglages Apple Podcasts";
        FeedHeading => "RSS feed", "Flux RSS";
        NoFeed => "The podcast has no public feed while it is private.",
            "Le podcast n’a pas de flux public tant qu’il est privé.";
        FeedHint => "Below, the feed as podcast apps read it.",
            "Ci-dessous, le flux tel que les applications de podcast le lisent.";
        RefreshPreview => "Read it again", "Relire le flux";
        DeletePodcast => "Delete this podcast", "Supprimer ce podcast";
        DeleteForGood => "Delete for good", "Supprimer définitivement";
        Keep => "Keep it", "Le garder";
        EpisodeType => "Episode type", "Type d’épisode";
        SaveType => "Save the type", "Enregistrer le type";
        EpisodeFull => "Full episode", "Épisode complet";
        EpisodeTrailer => "Trailer", "Bande-annonce";
        EpisodeBonus => "Bonus", "Bonus" (same);
        Retry => "Retry", "Réessayer";
        Retrying => "Retrying…", "Nouvel essai…";
        UploadAgain => "or upload the file again", "ou envoyer le fichier à nouveau";
    }
}

/// "42% · 5.2 MB of 12.4 MB", in `locale`.
pub fn sent_of(locale: Locale, sent: f64, total: f64) -> String {
    let percent = if total > 0.0 {
        sent * 100.0 / total
    } else {
        100.0
    };
    let (sent, total) = (
        format::megabytes(locale, sent),
        format::megabytes(locale, total),
    );
    match locale {
        Locale::En => format!("{percent:.0}% · {sent} of {total}"),
        Locale::Fr => format!("{percent:.0} % · {sent} sur {total}"),
    }
}

/// "1.3 MB/s · 0:08 left", in `locale`.
pub fn speed_and_time_left(locale: Locale, bytes_per_sec: f64, secs_left: f64) -> String {
    let speed = format!("{}/s", format::megabytes(locale, bytes_per_sec));
    if !secs_left.is_finite() {
        return speed;
    }
    let left = format::duration(secs_left);
    match locale {
        Locale::En => format!("{speed} · {left} left"),
        Locale::Fr => format!("{speed} · {left} restantes"),
    }
}

/// "3.1 MB of 7.0 MB already on the server", in `locale`.
pub fn already_sent(locale: Locale, offset: f64, length: f64) -> String {
    let (offset, length) = (
        format::megabytes(locale, offset),
        format::megabytes(locale, length),
    );
    match locale {
        Locale::En => format!("{offset} of {length} already on the server"),
        Locale::Fr => format!("{offset} sur {length} déjà sur le serveur"),
    }
}

/// Why a file chosen to resume an upload is refused, in `locale`.
pub fn not_the_same_file(locale: Locale, filename: &str, length: f64) -> String {
    let size = format!("{}", length as u64);
    match locale {
        Locale::En => {
            format!("This is not the file that was being sent: choose “{filename}” ({size} bytes).")
        }
        Locale::Fr => format!(
            "Ce n’est pas le fichier qui était en cours d’envoi : choisissez « {filename} » ({size} octets)."
        ),
    }
}

/// "2026-12-01: 3 views", a bar's label, in `locale`.
pub fn day_views(locale: Locale, day: &str, views: i64) -> String {
    match locale {
        Locale::En => format!("{day}: {}", format::views(locale, views)),
        Locale::Fr => format!("{day} : {}", format::views(locale, views)),
    }
}

/// "12 views in 30 days", in `locale`.
pub fn views_total(locale: Locale, total: i64, days: usize) -> String {
    match locale {
        Locale::En => format!("{} in {days} days", format::views(locale, total)),
        Locale::Fr => format!("{} en {days} jours", format::views(locale, total)),
    }
}

/// Why the feed preview could not be shown, in `locale`.
pub fn feed_unreadable(locale: Locale, why: &str) -> String {
    match locale {
        Locale::En => format!("The feed could not be read: {why}"),
        Locale::Fr => format!("Le flux n’a pas pu être lu : {why}"),
    }
}

/// An enclosure's length in bytes (as the feed gives it) in megabytes, in `locale`.
pub fn bytes_long(locale: Locale, length: &str) -> String {
    match length.trim().parse::<f64>() {
        Ok(bytes) => format::megabytes(locale, bytes),
        Err(_) => length.to_owned(),
    }
}

/// The question before deleting a podcast, naming what goes, in `locale`.
pub fn delete_podcast_question(locale: Locale, title: &str, episodes: i64) -> String {
    match locale {
        Locale::En => format!(
            "Delete “{title}” and its {}? Its feed stops and this cannot be undone.",
            format::count(episodes, "episode", "episodes")
        ),
        Locale::Fr => format!(
            "Supprimer « {title} » et ses {} ? Son flux s’arrête et c’est définitif.",
            format::counted(locale, episodes, "épisode", "épisodes")
        ),
    }
}

/// "42% · video · 0:08 left": a processing row's progress, in `locale`.
pub fn progress_words(
    locale: Locale,
    percent: f64,
    stage: Option<&str>,
    eta: Option<f64>,
) -> String {
    let mut words = match locale {
        Locale::En => format!("{percent:.0}%"),
        Locale::Fr => format!("{percent:.0} %"),
    };
    if let Some(stage) = stage {
        words.push_str(" · ");
        words.push_str(stage_name(locale, stage));
    }
    if let Some(eta) = eta {
        let left = format::duration(eta);
        words.push_str(&match locale {
            Locale::En => format!(" · {left} left"),
            Locale::Fr => format!(" · {left} restantes"),
        });
    }
    words
}

/// A pipeline stage (`video`, `pictures`, `audio`) in `locale`.
fn stage_name(locale: Locale, stage: &str) -> &str {
    match (locale, stage) {
        (Locale::Fr, "video") => "vidéo",
        (Locale::Fr, "pictures") => "images",
        (Locale::Fr, "audio") => "audio",
        _ => stage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_admin_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Admin::ALL, Admin::same_in_both);
    }

    #[test]
    fn upload_progress_reads_in_each_language() {
        assert_eq!(sent_of(Locale::En, 5e6, 10e6), "50% · 5.0 MB of 10.0 MB");
        assert_eq!(sent_of(Locale::Fr, 5e6, 10e6), "50 % · 5,0 Mo sur 10,0 Mo");
        assert_eq!(
            speed_and_time_left(Locale::En, 1.3e6, 8.0),
            "1.3 MB/s · 0:08 left"
        );
        assert_eq!(
            speed_and_time_left(Locale::Fr, 0.0, f64::INFINITY),
            "0,0 Mo/s"
        );
    }
}
