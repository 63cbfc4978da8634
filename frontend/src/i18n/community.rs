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
    }
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
