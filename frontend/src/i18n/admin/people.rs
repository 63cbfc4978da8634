//! Users and API tokens, and the shared parts of the site pages (the delete section).

use crate::i18n::Locale;

crate::messages! {
    /// Keys of the users and API tokens pages.
    People {
        Viewer => "Viewer", "Spectateur";
        Editor => "Editor", "Éditeur";
        Admin => "Admin", "Administrateur";
        NewUser => "New user", "Nouvel utilisateur";
        Email => "Email", "Adresse e-mail";
        DisplayName => "Display name (optional)", "Nom affiché (facultatif)";
        PasswordRule => "Password (at least 8 characters)", "Mot de passe (au moins 8 caractères)";
        Role => "Role", "Rôle";
        CreateUser => "Create user", "Créer l’utilisateur";
        Accounts => "Accounts", "Comptes";
        SearchUsers => "Search by email or name", "Rechercher par adresse e-mail ou par nom";
        Search => "Search", "Rechercher";
        Disabled => "disabled", "désactivé";
        Active => "active", "actif";
        ChangeRole => "Change role", "Changer le rôle";
        Enable => "Enable", "Réactiver";
        Disable => "Disable", "Désactiver";
        NewPassword => "New password", "Nouveau mot de passe";
        SetPassword => "Set password", "Définir le mot de passe";
        Copied => "Copied.", "Copié.";
        CopyRefused => "The browser refused: select the secret and copy it.",
            "Le navigateur a refusé : sélectionnez le secret et copiez-le.";
        TokensHintRead => "A token with only Read sees what anonymous visitors see (for sites that show your videos); ",
            "Un jeton qui ne fait que lire voit ce que voient les visiteurs anonymes (pour les sites qui montrent vos vidéos) ; ";
        TokensHintWrite => "with more, it acts as you, never beyond your rights, and only in the channels you tick.",
            "avec davantage, il agit en votre nom, jamais au-delà de vos droits, et seulement dans les chaînes cochées.";
        NewToken => "New token", "Nouveau jeton";
        Name => "Name", "Nom";
        Capabilities => "What it may do", "Ce qu’il peut faire";
        CapRead => "Read (queries)", "Lire (requêtes)";
        CapWrite => "Write (changes, as you)", "Écrire (modifications, en votre nom)";
        CapUpload => "Upload files", "Téléverser des fichiers";
        CapWebhooks => "Manage webhooks", "Gérer les webhooks";
        Channels => "Only in these channels (none ticked: every channel you can edit)",
            "Seulement dans ces chaînes (aucune cochée : toutes celles que vous pouvez modifier)";
        AllChannels => "every channel", "toutes les chaînes";
        Expiry => "Expires on (empty: never)", "Expire le (vide : jamais)";
        NeverExpires => "never expires", "n’expire jamais";
        Expired => "expired", "expiré";
        CreateToken => "Create token", "Créer le jeton";
        CopyNow => "Copy this secret now: ", "Copiez ce secret maintenant : ";
        ShownOnce => "it is shown only this once.", "il n’est affiché qu’une seule fois.";
        Copy => "Copy", "Copier";
        Tokens => "Tokens", "Jetons";
        EveryonesTokens => "Every user's tokens", "Les jetons de tous les utilisateurs";
        NoTokens => "No tokens yet.", "Aucun jeton pour l’instant.";
        NeverUsed => "never used", "jamais utilisé";
        Revoke => "Revoke", "Révoquer";
        Delete => "Delete", "Supprimer";
        KeepIt => "Keep it", "Le garder";
    }
}

/// A role's name (`VIEWER`, `EDITOR`, `ADMIN`) in `locale`.
pub fn role(locale: Locale, value: &str) -> &'static str {
    use crate::i18n::Message;
    match value {
        "VIEWER" => People::Viewer.text(locale),
        "EDITOR" => People::Editor.text(locale),
        _ => People::Admin.text(locale),
    }
}

/// What a user-page action says once done, in `locale`.
pub fn user_done(locale: Locale, done: UserDone<'_>, email: &str) -> String {
    match (locale, done) {
        (Locale::En, UserDone::Created) => format!("Created {email}."),
        (Locale::Fr, UserDone::Created) => format!("{email} a été créé."),
        (Locale::En, UserDone::Role(r)) => format!("{email} is now {}.", r.to_lowercase()),
        (Locale::Fr, UserDone::Role(r)) => {
            format!("{email} est maintenant {}.", role(locale, r).to_lowercase())
        }
        (Locale::En, UserDone::Enabled) => format!("{email} is enabled again."),
        (Locale::Fr, UserDone::Enabled) => format!("{email} est de nouveau actif."),
        (Locale::En, UserDone::Disabled) => {
            format!("{email} is disabled: their sessions and tokens stopped working.")
        }
        (Locale::Fr, UserDone::Disabled) => {
            format!("{email} est désactivé : ses sessions et ses jetons ne fonctionnent plus.")
        }
        (Locale::En, UserDone::Password) => {
            format!("New password set for {email}; their sessions ended.")
        }
        (Locale::Fr, UserDone::Password) => {
            format!("Nouveau mot de passe défini pour {email} ; ses sessions ont pris fin.")
        }
    }
}

/// What was done to a user.
#[derive(Clone, Copy)]
pub enum UserDone<'a> {
    /// Created.
    Created,
    /// Given this role (`VIEWER`, `EDITOR`, `ADMIN`).
    Role(&'a str),
    /// Enabled again.
    Enabled,
    /// Disabled.
    Disabled,
    /// Given a new password.
    Password,
}

/// "2 of 5 accounts", in `locale`.
pub fn accounts_shown(locale: Locale, shown: usize, total: i64) -> String {
    match locale {
        Locale::En => format!("{shown} of {total} accounts"),
        Locale::Fr => format!("{shown} comptes sur {total}"),
    }
}

/// A user's row labels, in `locale`.
pub fn user_label(locale: Locale, password: bool, email: &str) -> String {
    match (locale, password) {
        (Locale::En, false) => format!("Role of {email}"),
        (Locale::En, true) => format!("New password for {email}"),
        (Locale::Fr, false) => format!("Rôle de {email}"),
        (Locale::Fr, true) => format!("Nouveau mot de passe de {email}"),
    }
}

/// "since 2026-03-01", in `locale`.
pub fn since(locale: Locale, day: &str) -> String {
    match locale {
        Locale::En => format!("since {day}"),
        Locale::Fr => format!("depuis le {day}"),
    }
}

/// A token's dates and labels, in `locale`.
pub fn token_words(locale: Locale, word: TokenWord, value: &str) -> String {
    match (locale, word) {
        (Locale::En, TokenWord::Created) => format!("Created the token “{value}”."),
        (Locale::Fr, TokenWord::Created) => format!("Le jeton « {value} » a été créé."),
        (Locale::En, TokenWord::Revoked) => format!("Revoked “{value}”: it no longer works."),
        (Locale::Fr, TokenWord::Revoked) => {
            format!("« {value} » est révoqué : il ne fonctionne plus.")
        }
        (Locale::En, TokenWord::LastUsed) => format!("last used {value}"),
        (Locale::Fr, TokenWord::LastUsed) => format!("dernière utilisation {value}"),
        (Locale::En, TokenWord::CreatedAt) => format!("created {value}"),
        (Locale::Fr, TokenWord::CreatedAt) => format!("créé le {value}"),
        (Locale::En, TokenWord::RevokedAt) => format!("revoked {value}"),
        (Locale::Fr, TokenWord::RevokedAt) => format!("révoqué le {value}"),
        (Locale::En, TokenWord::ExpiresAt) => format!("expires {value}"),
        (Locale::Fr, TokenWord::ExpiresAt) => format!("expire le {value}"),
        (Locale::En, TokenWord::RevokeLabel) => format!("Revoke {value}"),
        (Locale::Fr, TokenWord::RevokeLabel) => format!("Révoquer {value}"),
    }
}

/// Which of a token's texts.
#[derive(Clone, Copy)]
pub enum TokenWord {
    /// The notice once created (value: its name).
    Created,
    /// The notice once revoked (value: its name).
    Revoked,
    /// When it was last used.
    LastUsed,
    /// When it was created.
    CreatedAt,
    /// When it was revoked.
    RevokedAt,
    /// When it expires.
    ExpiresAt,
    /// The revoke button's label (value: its name).
    RevokeLabel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_people_text_is_written_in_english_and_french() {
        crate::i18n::check_area(People::ALL, People::same_in_both);
    }

    #[test]
    fn user_notices_read_in_each_language() {
        assert_eq!(
            user_done(Locale::En, UserDone::Role("EDITOR"), "a@b.c"),
            "a@b.c is now editor."
        );
        assert_eq!(
            user_done(Locale::Fr, UserDone::Role("EDITOR"), "a@b.c"),
            "a@b.c est maintenant éditeur."
        );
        assert_eq!(accounts_shown(Locale::Fr, 2, 5), "2 comptes sur 5");
    }
}
