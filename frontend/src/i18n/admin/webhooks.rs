//! The webhooks page: endpoints, their secrets and their delivery logs.

use crate::i18n::Locale;

crate::messages! {
    /// Keys of the webhooks page.
    Hooks {
        Intro => "Projector POSTs signed events (Standard Webhooks) to these URLs when content changes. Failed deliveries are retried for about a day; an endpoint that keeps failing for days is disabled.",
            "Projector envoie par POST des événements signés (Standard Webhooks) à ces adresses quand le contenu change. Les envois en échec sont retentés pendant environ un jour ; un point d’accès qui échoue pendant plusieurs jours est désactivé.";
        AdminsOnly => "Only admins manage webhooks.", "Seuls les administrateurs gèrent les webhooks.";
        NewEndpoint => "New endpoint", "Nouveau point d’accès";
        Url => "URL (http or https, on a public address)", "URL (http ou https, sur une adresse publique)";
        Description => "Description (optional)", "Description (facultative)";
        EventTypes => "Events to send", "Événements à envoyer";
        SendEvents => "Send events to it", "Lui envoyer les événements";
        Create => "Create endpoint", "Créer le point d’accès";
        Created => "Endpoint created.", "Point d’accès créé.";
        CopyNow => "Copy this signing secret now: ", "Copiez ce secret de signature maintenant : ";
        ShownOnce => "it is shown only this once.", "il n’est affiché qu’une seule fois.";
        Copy => "Copy", "Copier";
        Copied => "Copied.", "Copié.";
        CopyRefused => "The browser refused: select the secret and copy it.",
            "Le navigateur a refusé : sélectionnez le secret et copiez-le.";
        Endpoints => "Endpoints", "Points d’accès";
        NoEndpoints => "No endpoints yet.", "Aucun point d’accès pour l’instant.";
        Refresh => "Refresh", "Actualiser";
        EnabledState => "enabled", "actif";
        DisabledState => "disabled", "désactivé";
        NoDescription => "(no description)", "(sans description)";
        Edit => "Edit", "Modifier";
        Cancel => "Cancel", "Annuler";
        Save => "Save", "Enregistrer";
        Saved => "Saved.", "Enregistré.";
        NothingChanged => "Nothing to save: no field was changed.",
            "Rien à enregistrer : aucun champ n’a été modifié.";
        Enable => "Enable", "Réactiver";
        Disable => "Disable", "Désactiver";
        EnabledDone => "Enabled: events are sent to it again.",
            "Réactivé : les événements lui sont de nouveau envoyés.";
        DisabledDone => "Disabled: no events are sent to it.",
            "Désactivé : aucun événement ne lui est envoyé.";
        ByAdmin => "Disabled by an admin.", "Désactivé par un administrateur.";
        Rotate => "Rotate secret", "Changer de secret";
        NewSecret => "New secret made.", "Nouveau secret créé.";
        Delete => "Delete…", "Supprimer…";
        DeleteWarning => "Deleting it stops its events and removes its delivery log.",
            "Le supprimer arrête ses événements et efface son journal des envois.";
        ConfirmDelete => "Delete the endpoint and its log", "Supprimer le point d’accès et son journal";
        KeepIt => "Keep it", "Le garder";
        Deleted => "Endpoint deleted.", "Point d’accès supprimé.";
        Log => "Delivery log", "Journal des envois";
        NoDeliveries => "Nothing sent yet.", "Rien d’envoyé pour l’instant.";
        Event => "Event", "Événement";
        Status => "Status", "État";
        Time => "Time", "Heure";
        Code => "Response", "Réponse";
        Attempts => "Attempts", "Tentatives";
        Redeliver => "Redeliver", "Renvoyer";
        Redelivered => "Sent again: the new delivery is at the top of the log.",
            "Renvoyé : le nouvel envoi est en haut du journal.";
        Pending => "pending", "en attente";
        Succeeded => "succeeded", "réussi";
        Failed => "failed", "échoué";
        NoAnswer => "no answer", "pas de réponse";
    }
}

/// A span of seconds in the largest whole unit (`6 days`, `3 hours`, `40 seconds`), in `locale`.
pub fn span(locale: Locale, secs: i64) -> String {
    let secs = secs.max(0);
    let (n, unit) = if secs >= 86_400 {
        (secs / 86_400, 0)
    } else if secs >= 3600 {
        (secs / 3600, 1)
    } else if secs >= 60 {
        (secs / 60, 2)
    } else {
        (secs, 3)
    };
    let words = match locale {
        Locale::En => ["day", "hour", "minute", "second"],
        Locale::Fr => ["jour", "heure", "minute", "seconde"],
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {}{plural}", words[unit])
}

/// What an endpoint's row says of its health, in `locale`.
pub fn health(locale: Locale, said: Health<'_>) -> String {
    match (locale, said) {
        (Locale::En, Health::DisabledAfter { span, since, at }) => format!(
            "Disabled automatically on {at} after failing for {span}: every delivery failed since {since}. Enable it once the receiver works again."
        ),
        (Locale::Fr, Health::DisabledAfter { span, since, at }) => format!(
            "Désactivé automatiquement le {at} après {span} d’échecs : tous les envois ont échoué depuis le {since}. Réactivez-le quand le destinataire fonctionne de nouveau."
        ),
        (Locale::En, Health::FailingSince(since)) => {
            format!("Failing: every delivery has failed since {since}.")
        }
        (Locale::Fr, Health::FailingSince(since)) => {
            format!("En échec : tous les envois échouent depuis le {since}.")
        }
        (Locale::En, Health::OldSecretUntil(until)) => format!(
            "The old secret keeps signing until {until}: meanwhile each delivery carries both signatures."
        ),
        (Locale::Fr, Health::OldSecretUntil(until)) => format!(
            "L’ancien secret signe encore jusqu’au {until} : d’ici là, chaque envoi porte les deux signatures."
        ),
    }
}

/// What a row says of its endpoint's health.
#[derive(Clone, Copy)]
pub enum Health<'a> {
    /// The sender disabled it: how long it had failed, since when, and when it was disabled.
    DisabledAfter {
        /// How long it failed ([`span`]).
        span: &'a str,
        /// Since when.
        since: &'a str,
        /// When it was disabled.
        at: &'a str,
    },
    /// It is failing, since then.
    FailingSince(&'a str),
    /// The secret was rotated; the old one signs until then.
    OldSecretUntil(&'a str),
}

/// A row's labels for screen readers and the log's heading, in `locale`.
pub fn label(locale: Locale, which: Label, value: &str) -> String {
    match (locale, which) {
        (Locale::En, Label::Edit) => format!("Edit {value}"),
        (Locale::Fr, Label::Edit) => format!("Modifier {value}"),
        (Locale::En, Label::Delete) => format!("Delete {value}"),
        (Locale::Fr, Label::Delete) => format!("Supprimer {value}"),
        (Locale::En, Label::Count) => format!("Delivery log ({value})"),
        (Locale::Fr, Label::Count) => format!("Journal des envois ({value})"),
        (Locale::En, Label::AttemptCount) => format!("Attempts: {value}"),
        (Locale::Fr, Label::AttemptCount) => format!("Tentatives : {value}"),
        (Locale::En, Label::Attempt) => format!("attempt {value}"),
        (Locale::Fr, Label::Attempt) => format!("tentative {value}"),
    }
}

/// Which label.
#[derive(Clone, Copy)]
pub enum Label {
    /// The edit button's (value: the URL).
    Edit,
    /// The delete button's (value: the URL).
    Delete,
    /// The log's heading (value: how many deliveries).
    Count,
    /// How many attempts a delivery took (value: the count).
    AttemptCount,
    /// An attempt's (value: its number).
    Attempt,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_webhooks_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Hooks::ALL, Hooks::same_in_both);
    }

    #[test]
    fn spans_are_said_in_their_largest_whole_unit() {
        assert_eq!(span(Locale::En, 6 * 86_400 + 5), "6 days");
        assert_eq!(span(Locale::En, 3600), "1 hour");
        assert_eq!(span(Locale::Fr, 59), "59 secondes");
    }
}
