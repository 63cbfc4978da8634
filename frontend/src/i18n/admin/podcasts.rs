//! The new podcast form, the podcast page and the episode editor (the artwork, Apple Podcasts
//! and feed parts are in `mod.rs`).

use crate::i18n::Locale;

crate::messages! {
    /// Keys of the podcast pages.
    Podcasts {
        NoChannels => "You manage no channels, so you cannot add podcasts yet.",
            "Vous ne gérez aucune chaîne : vous ne pouvez pas encore ajouter de podcasts.";
        Channel => "Channel", "Chaîne";
        Title => "Title", "Titre";
        Description => "Description (Markdown)", "Description (Markdown)" (same);
        Author => "Author", "Auteur";
        OwnerName => "Owner's name (for the feed)", "Nom du propriétaire (pour le flux)";
        OwnerEmail => "Owner's email (for the feed)", "Adresse e-mail du propriétaire (pour le flux)";
        Language => "Language (e.g. en)", "Langue (par ex. fr)";
        Visibility => "Visibility", "Visibilité";
        Public => "Public", "Public" (same);
        UnlistedLong => "Unlisted (anyone with the link)", "Non répertorié (toute personne ayant le lien)";
        PrivateLong => "Private (channel members only)", "Privé (membres de la chaîne seulement)";
        CreatePodcast => "Create podcast", "Créer le podcast";
        Saved => "Saved.", "Enregistré.";
        NoEpisodes => "No episodes yet.", "Aucun épisode pour l’instant.";
        Episode => "Episode", "Épisode";
        State => "State", "État";
        Publication => "Publication", "Publication" (same);
        ViewOnSite => "View on the site", "Voir sur le site";
        Episodes => "Episodes", "Épisodes";
        NewEpisode => "New episode", "Nouvel épisode";
        CreateDraft => "Create draft", "Créer le brouillon";
        Details => "Details", "Détails";
        Locked => "Locked: other hosts may not import this podcast's feed (podcast:locked)",
            "Verrouillé : les autres hébergeurs ne peuvent pas importer le flux de ce podcast (podcast:locked)";
        Save => "Save", "Enregistrer";
        Season => "Season", "Saison";
        EpisodeNumber => "Episode number", "Numéro de l’épisode";
        Publishing => "Publishing", "Publication";
        ThisEpisodeIs => "This episode is ", "Cet épisode est ";
        PublishNow => "Publish now", "Publier maintenant";
        Unpublish => "Unpublish", "Dépublier";
        PublishedDone => "Published.", "Publié.";
        UnpublishedDone => "Unpublished.", "Dépublié.";
        Delete => "Delete", "Supprimer";
        DeleteForGood => "Delete for good", "Supprimer définitivement";
        Cancel => "Cancel", "Annuler";
        DeleteEpisode => "Delete episode…", "Supprimer l’épisode…";
    }
}

/// The question before deleting an episode, in `locale`.
pub fn delete_episode_question(locale: Locale, title: &str) -> String {
    match locale {
        Locale::En => format!("Delete “{title}” for good? This cannot be undone."),
        Locale::Fr => format!("Supprimer définitivement « {title} » ? C’est irréversible."),
    }
}

/// An episode's publication word (masculine in French), in `locale`.
pub fn publication(locale: Locale, word: &str) -> &str {
    match (locale, word) {
        (Locale::Fr, "not published") => "non publié",
        (Locale::Fr, "scheduled") => "programmé",
        (Locale::Fr, "published once ready") => "publié dès qu’il sera prêt",
        (Locale::Fr, "published") => "publié",
        _ => word,
    }
}

/// A podcast's visibility in lower-case words (masculine in French), in `locale`.
pub fn visibility(locale: Locale, value: &str) -> String {
    let lower = value.to_lowercase();
    match (locale, lower.as_str()) {
        (Locale::Fr, "public") => "public".into(),
        (Locale::Fr, "unlisted") => "non répertorié".into(),
        (Locale::Fr, "private") => "privé".into(),
        _ => lower,
    }
}

/// "`x` is not a whole number", in `locale`.
pub fn not_a_whole_number(locale: Locale, raw: &str) -> String {
    match locale {
        Locale::En => format!("`{raw}` is not a whole number"),
        Locale::Fr => format!("« {raw} » n’est pas un nombre entier"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_podcast_page_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Podcasts::ALL, Podcasts::same_in_both);
    }

    #[test]
    fn episode_words_read_in_each_language() {
        assert_eq!(publication(Locale::Fr, "scheduled"), "programmé");
        assert_eq!(publication(Locale::En, "scheduled"), "scheduled");
    }
}
