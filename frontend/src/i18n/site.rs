//! The header, the footer and the views every page shares (loading, errors, not found).

use super::Locale;

crate::messages! {
    /// Keys of the header, footer and shared views.
    Site {
        SkipToContent => "Skip to content", "Aller au contenu";
        SearchLabel => "Search videos and podcasts", "Rechercher des vidéos et des podcasts";
        Search => "Search", "Rechercher";
        Admin => "Admin", "Administration";
        Language => "Language", "Langue";
        ServerVersion => "Server version", "Version du serveur";
        Loading => "Loading…", "Chargement…";
        NotFoundHelp => "It may have been removed, made private, or the address may be mistyped.",
            "Il a peut-être été supprimé ou rendu privé, ou l’adresse est mal saisie.";
        BackHome => "Back to the home page", "Retour à l’accueil";
    }
}

/// What a "not found" view names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Any address the app does not know.
    Page,
    /// A video.
    Video,
    /// A channel.
    Channel,
    /// A podcast.
    Podcast,
    /// A podcast episode.
    Episode,
    /// A playlist.
    Playlist,
    /// A tag.
    Tag,
    /// A category.
    Category,
}

/// "This video was not found", in `locale`.
pub fn not_found(locale: Locale, what: Missing) -> &'static str {
    use Missing::*;
    match locale {
        Locale::En => match what {
            Page => "This page was not found",
            Video => "This video was not found",
            Channel => "This channel was not found",
            Podcast => "This podcast was not found",
            Episode => "This episode was not found",
            Playlist => "This playlist was not found",
            Tag => "This tag was not found",
            Category => "This category was not found",
        },
        Locale::Fr => match what {
            Page => "Cette page est introuvable",
            Video => "Cette vidéo est introuvable",
            Channel => "Cette chaîne est introuvable",
            Podcast => "Ce podcast est introuvable",
            Episode => "Cet épisode est introuvable",
            Playlist => "Cette playlist est introuvable",
            Tag => "Ce mot-clé est introuvable",
            Category => "Cette catégorie est introuvable",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_text_is_written_in_english_and_french() {
        super::super::check_area(Site::ALL, Site::same_in_both);
    }
}
