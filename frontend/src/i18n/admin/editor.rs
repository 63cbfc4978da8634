//! The video editor: details, publishing, chapters, tags, poster, captions and deletion.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the video editor.
    Editor {
        ViewOnSite => "View on the site", "Voir sur le site";
        Details => "Details", "Détails";
        Title => "Title", "Titre";
        Slug => "Address (slug, unique in the channel)", "Adresse (slug, unique dans la chaîne)";
        Description => "Description (Markdown)", "Description (Markdown)" (same);
        Visibility => "Visibility", "Visibilité";
        Public => "Public", "Publique";
        UnlistedLong => "Unlisted (anyone with the link)", "Non répertoriée (toute personne ayant le lien)";
        PrivateLong => "Private (channel members only)", "Privée (membres de la chaîne seulement)";
        Language => "Language (e.g. en, pt-BR)", "Langue (par ex. fr, pt-BR)";
        License => "License (name or URL)", "Licence (nom ou URL)";
        Save => "Save", "Enregistrer";
        Saved => "Saved.", "Enregistré.";
        NothingToSave => "Nothing to save: no field changed.", "Rien à enregistrer : aucun champ n’a changé.";
        Publishing => "Publishing", "Publication";
        ThisVideoIs => "This video is ", "Cette vidéo est ";
        SetWindow => " Set a window in the form above to schedule it.",
            " Définissez une période dans le formulaire ci-dessus pour la programmer.";
        PublishNow => "Publish now", "Publier maintenant";
        Unpublish => "Unpublish", "Dépublier";
        PublishedDone => "Published.", "Publiée.";
        UnpublishedDone => "Unpublished.", "Dépubliée.";
        PublishWindow => "Publish window", "Période de publication";
        GoesOut => "Goes out at (empty: not published)", "Mise en ligne le (vide : non publiée)";
        ComesDown => "Comes down at (empty: stays out)", "Retirée le (vide : reste en ligne)";
        LocalTime => "local time", "heure locale";
        Chapters => "Chapters", "Chapitres";
        ChaptersHint => "Each chapter starts at a time (1:05 or seconds), in order, inside the video. ",
            "Chaque chapitre commence à un moment (1:05 ou en secondes), dans l’ordre, à l’intérieur de la vidéo. ";
        AddChapter => "Add a chapter", "Ajouter un chapitre";
        ChapterTitle => "Title", "Titre";
        FromPlayerHint => "Start at the player's current time", "Commencer au moment actuel du lecteur";
        SetFromPlayer => "Set from player", "Prendre le moment du lecteur";
        Remove => "Remove", "Retirer";
        GiveTitle => "Give the chapter a title.", "Donnez un titre au chapitre.";
        WriteStart => "Write the start like 1:05 (minutes:seconds) or in seconds.",
            "Écrivez le début comme 1:05 (minutes:secondes) ou en secondes.";
        AfterAbove => "Must start after the chapter above.", "Doit commencer après le chapitre au-dessus.";
        Tags => "Tags", "Mots-clés";
        AddTagLabel => "Add a tag (pick one or type a new name)", "Ajouter un mot-clé (choisissez-en un ou tapez un nouveau nom)";
        AddTag => "Add tag", "Ajouter le mot-clé";
        Category => "Category", "Catégorie";
        NoCategory => "No category", "Aucune catégorie";
        Poster => "Poster", "Affiche";
        PosterHint => "Choose one of the generated thumbnails, or upload your own picture.",
            "Choisissez l’une des miniatures générées, ou envoyez votre propre image.";
        OwnPoster => "Your own poster (JPEG, PNG or WebP)", "Votre propre affiche (JPEG, PNG ou WebP)";
        UploadPoster => "Upload poster", "Envoyer l’affiche";
        CurrentPoster => "Current poster", "Affiche actuelle";
        CurrentPosterAlt => "The current poster", "L’affiche actuelle";
        ThumbnailsLater => "Thumbnails appear once the video is processed.",
            "Les miniatures apparaissent une fois la vidéo traitée.";
        PosterChosen => "Poster chosen.", "Affiche choisie.";
        PosterUploaded => "Poster uploaded.", "Affiche envoyée.";
        ChoosePicture => "file: choose a JPEG, PNG or WebP picture first",
            "file: choisissez d’abord une image JPEG, PNG ou WebP";
        Captions => "Captions", "Sous-titres";
        NoCaptions => "No captions yet.", "Aucun sous-titre pour l’instant.";
        CaptionLanguage => "Language (e.g. en)", "Langue (par ex. fr)";
        CaptionFile => "WebVTT or SRT file", "Fichier WebVTT ou SRT";
        AddCaptions => "Add captions", "Ajouter les sous-titres";
        CaptionsAdded => "Captions added.", "Sous-titres ajoutés.";
        CaptionsDeleted => "Captions deleted.", "Sous-titres supprimés.";
        ChooseCaptions => "file: choose a WebVTT or SRT file first",
            "file: choisissez d’abord un fichier WebVTT ou SRT";
        Delete => "Delete", "Supprimer";
        DeleteVideo => "Delete video…", "Supprimer la vidéo…";
        DeleteForGood => "Delete for good", "Supprimer définitivement";
        Cancel => "Cancel", "Annuler";
        PreviewLater => "The preview plays once the media is processed.",
            "L’aperçu est lisible une fois le média traité.";
        Unsaved => "This video has unsaved changes. Leave without saving them?",
            "Cette vidéo a des modifications non enregistrées. Partir sans les enregistrer ?";
    }
}

/// "Edit “title”", the editor's page title, in `locale`.
pub fn edit_title(locale: Locale, title: &str) -> String {
    match locale {
        Locale::En => format!("Edit “{title}”"),
        Locale::Fr => format!("Modifier « {title} »"),
    }
}

/// " and public.", after the publication word, in `locale`.
pub fn and_visibility(locale: Locale, visibility: &str) -> String {
    match locale {
        Locale::En => format!(" and {}.", super::shell::visibility(locale, visibility)),
        Locale::Fr => format!(" et {}.", super::shell::visibility(locale, visibility)),
    }
}

/// "The video is 1:05 long.", in `locale`.
pub fn video_length(locale: Locale, secs: f64) -> String {
    let d = format::duration(secs);
    match locale {
        Locale::En => format!("The video is {d} long."),
        Locale::Fr => format!("La vidéo dure {d}."),
    }
}

/// "Starts after the video ends (1:05).", in `locale`.
pub fn after_end(locale: Locale, secs: f64) -> String {
    let d = format::duration(secs);
    match locale {
        Locale::En => format!("Starts after the video ends ({d})."),
        Locale::Fr => format!("Commence après la fin de la vidéo ({d})."),
    }
}

/// A chapter row's labels (`Title of chapter 2`...), in `locale`.
pub fn chapter_label(locale: Locale, what: ChapterLabel, n: usize) -> String {
    match (locale, what) {
        (Locale::En, ChapterLabel::Title) => format!("Title of chapter {n}"),
        (Locale::En, ChapterLabel::Start) => format!("Start of chapter {n}"),
        (Locale::En, ChapterLabel::Up) => format!("Move chapter {n} up"),
        (Locale::En, ChapterLabel::Down) => format!("Move chapter {n} down"),
        (Locale::En, ChapterLabel::Remove) => format!("Remove chapter {n}"),
        (Locale::Fr, ChapterLabel::Title) => format!("Titre du chapitre {n}"),
        (Locale::Fr, ChapterLabel::Start) => format!("Début du chapitre {n}"),
        (Locale::Fr, ChapterLabel::Up) => format!("Monter le chapitre {n}"),
        (Locale::Fr, ChapterLabel::Down) => format!("Descendre le chapitre {n}"),
        (Locale::Fr, ChapterLabel::Remove) => format!("Retirer le chapitre {n}"),
    }
}

/// Which label of a chapter row.
#[derive(Clone, Copy)]
pub enum ChapterLabel {
    /// The title field.
    Title,
    /// The start field.
    Start,
    /// The move-up button.
    Up,
    /// The move-down button.
    Down,
    /// The remove button.
    Remove,
}

/// "Delete the en captions", in `locale`.
pub fn delete_captions(locale: Locale, language: &str) -> String {
    match locale {
        Locale::En => format!("Delete the {language} captions"),
        Locale::Fr => format!("Supprimer les sous-titres {language}"),
    }
}

/// "Times are in Europe/Paris (UTC+01:00).", in `locale`.
pub fn times_in(locale: Locale, zone: &str) -> String {
    match locale {
        Locale::En => format!("Times are in {zone}."),
        Locale::Fr => format!("Les heures sont en {zone}."),
    }
}

/// "Remove tag x", in `locale`.
pub fn remove_tag(locale: Locale, name: &str) -> String {
    match locale {
        Locale::En => format!("Remove tag {name}"),
        Locale::Fr => format!("Retirer le mot-clé {name}"),
    }
}

/// "publishAt: is not a date and time", an error beside its field, in `locale`.
pub fn not_a_date(locale: Locale, key: &str) -> String {
    match locale {
        Locale::En => format!("{key}: is not a date and time"),
        Locale::Fr => format!("{key}: n’est pas une date et une heure"),
    }
}

/// "chapters: “x” is not a time like 1:05", in `locale`.
pub fn not_a_time(locale: Locale, start: &str) -> String {
    match locale {
        Locale::En => format!("chapters: “{start}” is not a time like 1:05"),
        Locale::Fr => format!("chapters: « {start} » n’est pas un moment comme 1:05"),
    }
}

/// "Thumbnail 2", in `locale`.
pub fn thumbnail(locale: Locale, number: i64) -> String {
    match locale {
        Locale::En => format!("Thumbnail {number}"),
        Locale::Fr => format!("Miniature {number}"),
    }
}

/// The question before deleting a video, in `locale`.
pub fn delete_video_question(locale: Locale, title: &str) -> String {
    match locale {
        Locale::En => {
            format!("Delete “{title}” for good? Its media goes too; this cannot be undone.")
        }
        Locale::Fr => format!(
            "Supprimer définitivement « {title} » ? Son média part aussi ; c’est irréversible."
        ),
    }
}

/// "Tag “x” created.", in `locale`.
pub fn tag_created(locale: Locale, name: &str) -> String {
    match locale {
        Locale::En => format!("Tag “{name}” created."),
        Locale::Fr => format!("Mot-clé « {name} » créé."),
    }
}

/// How the editor names an API field at the start of a sentence, in `locale`.
pub fn field_label(locale: Locale, field: &str) -> Option<&'static str> {
    let (en, fr) = match field {
        "title" => ("The title", "Le titre"),
        "slug" => ("The address (slug)", "L’adresse (slug)"),
        "description" => ("The description", "La description"),
        "visibility" => ("The visibility", "La visibilité"),
        "publishAt" => ("The publish time", "La date de publication"),
        "unpublishAt" => ("The unpublish time", "La date de retrait"),
        "language" => ("The language", "La langue"),
        "license" => ("The license", "La licence"),
        "categoryId" | "category" => ("The category", "La catégorie"),
        "tags" | "tagIds" => ("Tags", "Les mots-clés"),
        "chapters" => ("Chapters", "Les chapitres"),
        "chapters.title" => ("A chapter title", "Un titre de chapitre"),
        "language tag" => ("The language tag", "L’étiquette de langue"),
        "name" => ("The name", "Le nom"),
        "file" => ("The file", "Le fichier"),
        "videoId" | "id" => ("The video", "La vidéo"),
        _ => return None,
    };
    Some(match locale {
        Locale::En => en,
        Locale::Fr => fr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_editor_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Editor::ALL, Editor::same_in_both);
    }

    #[test]
    fn editor_texts_with_values_read_in_each_language() {
        assert_eq!(edit_title(Locale::Fr, "Port"), "Modifier « Port »");
        assert_eq!(and_visibility(Locale::Fr, "PRIVATE"), " et privée.");
        assert_eq!(field_label(Locale::Fr, "title"), Some("Le titre"));
        assert_eq!(field_label(Locale::En, "slug"), Some("The address (slug)"));
    }
}
