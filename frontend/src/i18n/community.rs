//! Viewer accounts and the community: sign-up, sign-in, the account menu, likes,
//! subscriptions and the watch history.

use super::Locale;
use crate::format;

crate::messages! {
    /// Keys of the account pages, the account menu, likes, subscriptions and history.
    Community {
        SignIn => "Sign in", "Se connecter";
        SigningIn => "Signing in…", "Connexion…";
        SignInHint => "Sign in to like videos, follow channels and continue watching.",
            "Connectez-vous pour aimer des vidéos, suivre des chaînes et reprendre vos lectures.";
        NoAccount => "No account yet?", "Pas encore de compte ?";
        HaveAccount => "Already have an account?", "Vous avez déjà un compte ?";
        SignUp => "Create an account", "Créer un compte";
        SigningUp => "Creating your account…", "Création du compte…";
        Email => "Email", "E-mail";
        Password => "Password", "Mot de passe";
        PasswordHint => "At least 8 characters, not a common password.",
            "Au moins 8 caractères, pas un mot de passe courant.";
        DisplayName => "Display name", "Nom affiché";
        Invited => "You were invited: this link creates your account.",
            "Vous avez été invité : ce lien crée votre compte.";
        Account => "Account", "Compte";
        SignOut => "Sign out", "Se déconnecter";
        SignOutEverywhere => "Sign out everywhere", "Se déconnecter partout";
        Subscriptions => "Subscriptions", "Abonnements";
        History => "History", "Historique";
        Like => "Like", "J’aime";
        Subscribe => "Subscribe", "S’abonner";
        Subscribed => "Subscribed", "Abonné";
        NoSubscriptions => "Nothing new from the channels you follow. Subscribe to channels to see their newest videos and episodes here.",
            "Rien de neuf sur les chaînes que vous suivez. Abonnez-vous à des chaînes pour voir ici leurs dernières vidéos et leurs derniers épisodes.";
        NoHistory => "Your history is empty.", "Votre historique est vide.";
        ClearHistory => "Clear history", "Effacer l’historique";
        Unavailable => "No longer available", "Plus disponible";
        Episode => "Episode", "Épisode";
        MustSignIn => "Sign in to see this page.", "Connectez-vous pour voir cette page.";
        ErrClosed => "Registration is closed on this site.",
            "Les inscriptions sont fermées sur ce site.";
        ErrCommonPassword => "This password is too common. Choose another one.",
            "Ce mot de passe est trop courant. Choisissez-en un autre.";
        ErrShortPassword => "The password must be at least 8 characters long.",
            "Le mot de passe doit contenir au moins 8 caractères.";
        ErrEmailPassword => "The password must not be your email address.",
            "Le mot de passe ne doit pas être votre adresse e-mail.";
        ErrEmail => "This email address is not valid.", "Cette adresse e-mail n’est pas valide.";
        ErrName => "Enter a display name of at most 100 characters.",
            "Saisissez un nom affiché de 100 caractères au plus.";
        ErrInvitation => "This invitation is invalid, used or expired.",
            "Cette invitation est invalide, déjà utilisée ou expirée.";
        ErrInvitationNeeded => "Registration is by invitation only.",
            "Les inscriptions se font uniquement sur invitation.";
        ErrRateLimited => "Too many attempts. Try again in a few minutes.",
            "Trop de tentatives. Réessayez dans quelques minutes.";
        ErrSignIn => "Wrong email or password.", "E-mail ou mot de passe incorrect.";
        ErrOther => "Something went wrong. Try again.", "Un problème est survenu. Réessayez.";
        ShowMore => "Show more", "Afficher plus";
    }
}

crate::messages! {
    /// Keys of the comments section of the watch page and the episode page.
    Comments {
        Heading => "Comments", "Commentaires";
        Newest => "Newest", "Plus récents";
        Top => "Top", "Populaires";
        OrderLabel => "Sort comments", "Trier les commentaires";
        Off => "Comments are turned off.", "Les commentaires sont désactivés.";
        NoneYet => "No comments yet.", "Aucun commentaire pour l’instant.";
        SignInToComment => "Sign in to comment", "Connectez-vous pour commenter";
        AddComment => "Add a comment", "Ajouter un commentaire";
        Post => "Comment", "Commenter";
        Posting => "Sending…", "Envoi…";
        Reply => "Reply", "Répondre";
        YourReply => "Your reply", "Votre réponse";
        Edit => "Edit", "Modifier";
        Save => "Save", "Enregistrer";
        Cancel => "Cancel", "Annuler";
        Delete => "Delete", "Supprimer";
        ConfirmDelete => "Delete this comment and its replies?",
            "Supprimer ce commentaire et ses réponses ?";
        YesDelete => "Yes, delete", "Oui, supprimer";
        Report => "Report", "Signaler";
        ReportReason => "Reason (optional)", "Motif (facultatif)";
        SendReport => "Send the report", "Envoyer le signalement";
        Reported => "Reported. Thank you.", "Signalé. Merci.";
        AwaitingReview => "Awaiting review", "En attente de validation";
        HeldNotice => "Your comment will show to others once a moderator approves it.",
            "Votre commentaire sera visible par les autres une fois approuvé par un modérateur.";
        Edited => "edited", "modifié";
        Deleted => "Deleted account", "Compte supprimé";
        LoadMore => "Load more comments", "Charger plus de commentaires";
        MoreReplies => "More replies", "Plus de réponses";
        ErrEmpty => "Write something first.", "Écrivez d’abord quelque chose.";
        ErrTooLong => "This comment is too long.", "Ce commentaire est trop long.";
        ErrHtml => "HTML is not allowed: write plain text or Markdown.",
            "Le HTML n’est pas autorisé : écrivez du texte ou du Markdown.";
        ErrBanned => "You can no longer comment on this channel.",
            "Vous ne pouvez plus commenter sur cette chaîne.";
        ErrTooSoon => "You are commenting too often, or your account is too new. Try again in a few minutes.",
            "Vous commentez trop souvent, ou votre compte est trop récent. Réessayez dans quelques minutes.";
        ErrOff => "Comments are turned off for this item.",
            "Les commentaires sont désactivés pour ce contenu.";
        ErrGone => "This comment no longer exists.", "Ce commentaire n’existe plus.";
        ErrReason => "The reason is too long (500 characters at most).",
            "Le motif est trop long (500 caractères au plus).";
    }
}

/// `3 comments` / `3 commentaires`.
pub fn comments(locale: Locale, n: i64) -> String {
    let number = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{number} comment"),
        Locale::En => format!("{number} comments"),
        Locale::Fr if (0..=1).contains(&n) => format!("{number} commentaire"),
        Locale::Fr => format!("{number} commentaires"),
    }
}

/// The sentence for an error of a comment's change, from its code and message; `None` for an
/// error with nothing better to say than the server's own words.
pub fn comment_error(code: Option<&str>, message: &str) -> Option<Comments> {
    use Comments::*;
    Some(match code? {
        "FORBIDDEN" => ErrBanned,
        "RATE_LIMITED" => ErrTooSoon,
        "CONFLICT" => ErrOff,
        "NOT_FOUND" => ErrGone,
        "VALIDATION" if message.starts_with("reason") => ErrReason,
        "VALIDATION" if message.starts_with("body: must not be empty") => ErrEmpty,
        "VALIDATION" if message.starts_with("body: at most") => ErrTooLong,
        "VALIDATION" if message.starts_with("body: HTML") => ErrHtml,
        _ => return None,
    })
}

/// `12 likes` / `12 j’aime`.
pub fn likes(locale: Locale, n: i64) -> String {
    let number = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{number} like"),
        Locale::En => format!("{number} likes"),
        Locale::Fr => format!("{number} j’aime"),
    }
}

/// `3 subscribers` / `3 abonnés`.
pub fn subscribers(locale: Locale, n: i64) -> String {
    let number = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{number} subscriber"),
        Locale::En => format!("{number} subscribers"),
        Locale::Fr if (0..=1).contains(&n) => format!("{number} abonné"),
        Locale::Fr => format!("{number} abonnés"),
    }
}

/// Where the viewer stopped: `Stopped at 1:23` / `Arrêté à 1:23`.
pub fn stopped_at(locale: Locale, secs: f64) -> String {
    match locale {
        Locale::En => format!("Stopped at {}", format::duration(secs)),
        Locale::Fr => format!("Arrêté à {}", format::duration(secs)),
    }
}

/// The sentence for an error of `signUp` or `login`, from its code and message.
pub fn error_text(code: Option<&str>, message: &str) -> Community {
    use Community::*;
    match code {
        Some("FORBIDDEN") => ErrClosed,
        Some("RATE_LIMITED") => ErrRateLimited,
        Some("UNAUTHENTICATED") => ErrSignIn,
        Some("VALIDATION") => {
            let field = message.split(':').next().unwrap_or_default();
            match field {
                "email" => ErrEmail,
                "displayName" => ErrName,
                "invitation" if message.contains("required") => ErrInvitationNeeded,
                "invitation" => ErrInvitation,
                "password" if message.contains("common") => ErrCommonPassword,
                "password" if message.contains("email") => ErrEmailPassword,
                "password" => ErrShortPassword,
                _ => ErrOther,
            }
        }
        _ => ErrOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_community_text_is_written_in_english_and_french() {
        super::super::check_area(Community::ALL, Community::same_in_both);
        super::super::check_area(Comments::ALL, Comments::same_in_both);
    }

    #[test]
    fn comment_errors_read_as_sentences() {
        let v = Some("VALIDATION");
        assert_eq!(
            comment_error(v, "body: must not be empty"),
            Some(Comments::ErrEmpty)
        );
        assert_eq!(
            comment_error(v, "body: at most 5000 characters, 5001 given"),
            Some(Comments::ErrTooLong)
        );
        assert_eq!(
            comment_error(Some("FORBIDDEN"), "forbidden"),
            Some(Comments::ErrBanned)
        );
        assert_eq!(comment_error(None, "cannot reach the server"), None);
        assert_eq!(
            comment_error(v, "the request is too complex: at most 5000"),
            None
        );
        assert_eq!(comments(Locale::En, 1), "1 comment");
        assert_eq!(comments(Locale::Fr, 3), "3 commentaires");
    }

    #[test]
    fn sign_up_errors_read_as_sentences() {
        let v = Some("VALIDATION");
        assert_eq!(
            error_text(Some("FORBIDDEN"), "forbidden"),
            Community::ErrClosed
        );
        assert_eq!(
            error_text(v, "password: this password is too common; choose another"),
            Community::ErrCommonPassword
        );
        assert_eq!(
            error_text(v, "password: must be at least 8 characters"),
            Community::ErrShortPassword
        );
        assert_eq!(
            error_text(v, "email: not a valid email address"),
            Community::ErrEmail
        );
        assert_eq!(likes(Locale::En, 1), "1 like");
        assert_eq!(subscribers(Locale::Fr, 2), "2 abonnés");
    }
}
