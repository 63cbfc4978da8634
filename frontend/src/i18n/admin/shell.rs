//! The admin bar, the sign-in form, the dashboard and the words for a video's state,
//! visibility and publication that every admin page shares.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the admin bar, sign-in and dashboard.
    Shell {
        AdminNav => "Admin", "Administration";
        Dashboard => "Dashboard", "Tableau de bord";
        Library => "Library", "Bibliothèque";
        NewVideo => "New video", "Nouvelle vidéo";
        NewPodcast => "New podcast", "Nouveau podcast";
        Channels => "Channels", "Chaînes";
        Playlists => "Playlists", "Listes de lecture";
        ApiTokens => "API tokens", "Jetons d’API";
        Users => "Users", "Utilisateurs";
        Taxonomy => "Categories and tags", "Catégories et mots-clés";
        Webhooks => "Webhooks", "Webhooks" (same);
        PlaybackKeys => "Playback keys", "Clés de lecture";
        SignOut => "Sign out", "Se déconnecter";
        SignIn => "Sign in", "Se connecter";
        SigningIn => "Signing in…", "Connexion…";
        SignInHint => "Sign in to manage your channels and videos.",
            "Connectez-vous pour gérer vos chaînes et vos vidéos.";
        Email => "Email", "Adresse e-mail";
        Password => "Password", "Mot de passe";
        YourChannels => "Your channels", "Vos chaînes";
        NoChannels => "You manage no channels yet. An admin can add you to one.",
            "Vous ne gérez encore aucune chaîne. Un administrateur peut vous ajouter à l’une d’elles.";
        PublicPage => "Public page", "Page publique";
        NoVideosYet => "No videos yet.", "Aucune vidéo pour l’instant.";
        Video => "Video", "Vidéo";
        State => "State", "État";
        Visibility => "Visibility", "Visibilité";
        Publication => "Publication", "Publication" (same);
        Podcasts => "Podcasts", "Podcasts" (same);
        NeedsAttention => "What needs attention", "Ce qui demande votre attention";
        Processing => "Processing", "En traitement";
        Failed => "Failed", "En échec";
        Drafts => "Drafts", "Brouillons";
        Scheduled => "Scheduled", "Programmées";
        Published => "Published", "Publiées";
        RecentlyPublished => "Recently published", "Publiées récemment";
        NothingHere => "Nothing here.", "Rien ici.";
        ProcessingFailed => "processing failed", "le traitement a échoué";
    }
}

/// A video's state word (`draft`, `processing`, `ready`, `failed`) in `locale`.
pub fn state_word(locale: Locale, word: &str) -> &str {
    match (locale, word) {
        (Locale::Fr, "draft") => "brouillon",
        (Locale::Fr, "processing") => "en traitement",
        (Locale::Fr, "ready") => "prête",
        (Locale::Fr, "failed") => "en échec",
        _ => word,
    }
}

/// "processing 40%", in `locale`.
pub fn processing_percent(locale: Locale, percent: f64) -> String {
    match locale {
        Locale::En => format!("processing {percent:.0}%"),
        Locale::Fr => format!("en traitement {percent:.0} %"),
    }
}

/// Why a newer file did not replace the playable media, in `locale`.
pub fn new_file_not_used(locale: Locale, reason: &str) -> String {
    match locale {
        Locale::En => format!("the new file was not used: {reason}"),
        Locale::Fr => format!("le nouveau fichier n’a pas été utilisé : {reason}"),
    }
}

/// A visibility (`PUBLIC`, `UNLISTED`, `PRIVATE`, any case) in lower-case words of `locale`.
pub fn visibility(locale: Locale, value: &str) -> String {
    let lower = value.to_lowercase();
    match (locale, lower.as_str()) {
        (Locale::Fr, "public") => "publique".into(),
        (Locale::Fr, "unlisted") => "non répertoriée".into(),
        (Locale::Fr, "private") => "privée".into(),
        _ => lower,
    }
}

/// A publication word (`not published`, `scheduled`, `published once ready`, `published`) in
/// `locale`.
pub fn publication(locale: Locale, word: &str) -> &str {
    match (locale, word) {
        (Locale::Fr, "not published") => "non publiée",
        (Locale::Fr, "scheduled") => "programmée",
        (Locale::Fr, "published once ready") => "publiée dès qu’elle sera prête",
        (Locale::Fr, "published") => "publiée",
        _ => word,
    }
}

/// "Channel · 1:02 · 3 views": a dashboard row's facts, in `locale`.
pub fn row_facts(locale: Locale, channel: &str, duration: Option<f64>, views: i64) -> String {
    let duration = duration
        .map(|d| format!(" · {}", format::duration(d)))
        .unwrap_or_default();
    format!("{channel}{duration} · {}", format::views(locale, views))
}

/// "scheduled: <time>", in `locale`.
pub fn publication_at(locale: Locale, word: &str, when: &str) -> String {
    match locale {
        Locale::En => format!("{word}: {when}"),
        Locale::Fr => format!("{} : {when}", publication(locale, word)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Shell::ALL, Shell::same_in_both);
    }

    #[test]
    fn states_and_visibilities_read_in_each_language() {
        assert_eq!(state_word(Locale::Fr, "ready"), "prête");
        assert_eq!(state_word(Locale::En, "ready"), "ready");
        assert_eq!(visibility(Locale::Fr, "UNLISTED"), "non répertoriée");
        assert_eq!(visibility(Locale::En, "UNLISTED"), "unlisted");
        assert_eq!(processing_percent(Locale::Fr, 40.0), "en traitement 40 %");
    }
}
