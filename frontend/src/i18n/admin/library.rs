//! The library (filters, table, bulk actions), the new video form and the media upload panel.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the library, the new video form and the upload panel.
    Library {
        Draft => "Draft", "Brouillon";
        Processing => "Processing", "En traitement";
        Ready => "Ready", "Prête";
        Failed => "Failed", "En échec";
        Public => "Public", "Publique";
        Unlisted => "Unlisted", "Non répertoriée";
        Private => "Private", "Privée";
        NewestFirst => "Newest first", "Les plus récentes d’abord";
        OldestFirst => "Oldest first", "Les plus anciennes d’abord";
        MostViewed => "Most viewed", "Les plus vues";
        Title => "Title", "Titre";
        TitleContains => "Title contains", "Le titre contient";
        Channel => "Channel", "Chaîne";
        AllMyChannels => "All my channels", "Toutes mes chaînes";
        State => "State", "État";
        AnyState => "Any state", "Tous les états";
        Visibility => "Visibility", "Visibilité";
        AnyVisibility => "Any visibility", "Toutes les visibilités";
        Tag => "Tag", "Mot-clé";
        AnyTag => "Any tag", "Tous les mots-clés";
        Category => "Category", "Catégorie";
        AnyCategory => "Any category", "Toutes les catégories";
        Sort => "Sort", "Tri";
        NoMatch => "No videos match.", "Aucune vidéo ne correspond.";
        SelectAll => "Select every video shown", "Sélectionner toutes les vidéos affichées";
        Video => "Video", "Vidéo";
        Show => "Show", "Afficher";
        Videos => "Videos", "Vidéos";
        Episodes => "Episodes", "Épisodes";
        Episode => "Episode", "Épisode";
        NoEpisodesMatch => "No episodes match.", "Aucun épisode ne correspond.";
        SelectAllEpisodes => "Select every episode shown", "Sélectionner tous les épisodes affichés";
        VideosOnly => "Playlists and channel moves are for videos only.",
            "Les listes de lecture et les changements de chaîne ne concernent que les vidéos.";
        Publication => "Publication", "Publication" (same);
        Length => "Length", "Durée";
        Views => "Views", "Vues";
        Likes => "Likes", "J’aime";
        Comments => "Comments", "Commentaires";
        LoadMore => "Load more", "Afficher plus";
        BulkActions => "Bulk actions", "Actions groupées";
        Publish => "Publish", "Publier";
        Unpublish => "Unpublish", "Dépublier";
        NewVisibility => "New visibility", "Nouvelle visibilité";
        SetVisibility => "Set visibility", "Changer la visibilité";
        Playlist => "Playlist", "Liste de lecture";
        AddToPlaylist => "Add to playlist", "Ajouter à la liste de lecture";
        MoveTo => "Channel to move to", "Chaîne de destination";
        MoveToChannel => "Move to channel", "Déplacer vers la chaîne";
        DeleteMenu => "Delete…", "Supprimer…";
        DeleteForGood => "Delete for good", "Supprimer définitivement";
        Cancel => "Cancel", "Annuler";
        NoChannelsForVideos => "You manage no channels, so you cannot add videos yet.",
            "Vous ne gérez aucune chaîne : vous ne pouvez pas encore ajouter de vidéos.";
        DescriptionMarkdown => "Description (Markdown)", "Description (Markdown)" (same);
        UnlistedLong => "Unlisted (anyone with the link)", "Non répertoriée (toute personne ayant le lien)";
        PrivateLong => "Private (channel members only)", "Privée (membres de la chaîne seulement)";
        StaysUnpublished => "The video stays unpublished until you publish it from its page.",
            "La vidéo reste non publiée jusqu’à ce que vous la publiiez depuis sa page.";
        CreateDraft => "Create draft", "Créer le brouillon";
        VideoFile => "Video file", "Fichier vidéo";
        AudioFile => "Audio file", "Fichier audio";
        ChooseFileFirst => "choose a file first", "choisissez d’abord un fichier";
        Cancelling => "cancelling the upload…", "annulation de l’envoi…";
        Cancelled => "upload cancelled", "envoi annulé";
        CheckingFile => "checking the file…", "vérification du fichier…";
        UploadFailed => "upload failed", "échec de l’envoi";
        Media => "Media", "Média";
        Upload => "Upload", "Envoyer";
        CancelUpload => "Cancel upload", "Annuler l’envoi";
        SessionGone => "the server no longer takes this session: sign in again",
            "le serveur n’accepte plus cette session : reconnectez-vous";
        NoUploadAddress => "the server named no upload address", "le serveur n’a indiqué aucune adresse d’envoi";
        NoOffset => "the server named no offset", "le serveur n’a indiqué aucune position";
        UnreadableFile => "the browser cannot read the file", "le navigateur ne peut pas lire le fichier";
        StillChecking => "the server is still checking the file: look again later",
            "le serveur vérifie encore le fichier : revenez plus tard";
    }
}

/// "3 selected", in `locale`.
pub fn selected(locale: Locale, n: usize) -> String {
    match locale {
        Locale::En => format!("{n} selected"),
        Locale::Fr => format::counted(locale, n as i64, "sélectionnée", "sélectionnées"),
    }
}

/// "Select “title”", a row's checkbox label, in `locale`.
pub fn select_one(locale: Locale, title: &str) -> String {
    match locale {
        Locale::En => format!("Select “{title}”"),
        Locale::Fr => format!("Sélectionner « {title} »"),
    }
}

/// The question before deleting several videos, in `locale`.
pub fn delete_videos_question(locale: Locale, n: usize) -> String {
    match locale {
        Locale::En => {
            format!("Delete these {n} videos for good, with their media? This cannot be undone.")
        }
        Locale::Fr => format!(
            "Supprimer définitivement ces {} avec leurs médias ? C’est irréversible.",
            format::counted(locale, n as i64, "vidéo", "vidéos")
        ),
    }
}

/// The question before deleting `n` episodes, in `locale`.
pub fn delete_episodes_question(locale: Locale, n: usize) -> String {
    match locale {
        Locale::En => format!(
            "Delete {} for good, with their media? They leave the feed. This cannot be undone.",
            format::counted(locale, n as i64, "episode", "episodes")
        ),
        Locale::Fr => format!(
            "Supprimer définitivement ces {} avec leurs médias ? Ils quittent le flux. C’est \
             irréversible.",
            format::counted(locale, n as i64, "épisode", "épisodes")
        ),
    }
}

/// "Done: 3." or "Done: 3. Refused: 1.", in `locale`.
pub fn bulk_summary(locale: Locale, done: i64, refused: usize) -> String {
    match (locale, refused) {
        (Locale::En, 0) => format!("Done: {done}."),
        (Locale::En, _) => format!("Done: {done}. Refused: {refused}."),
        (Locale::Fr, 0) => format!("Fait : {done}."),
        (Locale::Fr, _) => format!("Fait : {done}. Refusé : {refused}."),
    }
}

/// "the server answered HTTP 500", in `locale`.
pub fn http_status(locale: Locale, status: u16) -> String {
    match locale {
        Locale::En => format!("the server answered HTTP {status}"),
        Locale::Fr => format!("le serveur a répondu HTTP {status}"),
    }
}

/// "Uploading: 42% (5.2 MB of 12.4 MB)", in `locale`.
pub fn uploading(locale: Locale, percent: f64, sent: f64, total: f64) -> String {
    let (sent, total) = (
        format::megabytes(locale, sent),
        format::megabytes(locale, total),
    );
    match locale {
        Locale::En => format!("Uploading: {percent:.0}% ({sent} of {total})"),
        Locale::Fr => format!("Envoi : {percent:.0} % ({sent} sur {total})"),
    }
}

/// ": " between a name and what is said of it, as `locale` writes it.
pub fn colon(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ": ",
        Locale::Fr => " : ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Library::ALL, Library::same_in_both);
    }

    #[test]
    fn bulk_texts_read_in_each_language() {
        assert_eq!(bulk_summary(Locale::En, 3, 1), "Done: 3. Refused: 1.");
        assert_eq!(bulk_summary(Locale::Fr, 3, 0), "Fait : 3.");
        assert_eq!(selected(Locale::Fr, 1), "1\u{a0}sélectionnée");
    }
}
