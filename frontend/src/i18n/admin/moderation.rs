//! The moderation queue, the channel's comment moderation and the editors' "comments
//! enabled" switch.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the moderation page and of the comment settings.
    Moderation {
        Title => "Moderation", "Modération";
        Hint => "Held comments, and published comments that viewers reported, on the channels you edit. Approving publishes a comment and clears its reports; rejecting hides it from everyone.",
            "Les commentaires retenus, et les commentaires publiés que des spectateurs ont signalés, sur les chaînes que vous modifiez. Approuver publie un commentaire et efface ses signalements ; refuser le cache à tous.";
        ChannelFilter => "Show the comments of", "Afficher les commentaires de";
        EveryChannel => "Every channel", "Toutes mes chaînes";
        QueueEmpty => "No comments are waiting.", "Aucun commentaire en attente.";
        SelectAll => "Select every comment shown", "Sélectionner tous les commentaires affichés";
        SelectThis => "Select this comment", "Sélectionner ce commentaire";
        ApproveSelected => "Approve selected", "Approuver la sélection";
        RejectSelected => "Reject selected", "Refuser la sélection";
        SelectFirst => "Select comments first.", "Sélectionnez d’abord des commentaires.";
        HeldBadge => "Held for review", "Retenu pour validation";
        InReply => "In reply to a comment", "En réponse à un commentaire";
        ItemGone => "An item you can no longer see", "Un contenu que vous ne voyez plus";
        AccountGone => "Deleted account", "Compte supprimé";
        BanAuthor => "Ban from channel", "Bannir de la chaîne";
        YesBan => "Yes, ban", "Oui, bannir";
        KeepAuthor => "Cancel", "Annuler";
        NextPage => "Show more", "Afficher la suite";
        ErrForbidden => "You may not moderate this comment.",
            "Vous ne pouvez pas modérer ce commentaire.";
        ErrGone => "This comment no longer exists.", "Ce commentaire n’existe plus.";
        CommentModeration => "Comment moderation", "Modération des commentaires";
        ModPublish => "Publish every comment at once", "Publier chaque commentaire tout de suite";
        ModHoldNew => "Hold comments from first-time commenters",
            "Retenir les commentaires des nouveaux commentateurs";
        ModHoldAll => "Hold every comment for review", "Retenir chaque commentaire pour validation";
        CommentsEnabled => "Comments enabled", "Commentaires activés";
        ReportReasons => "Why viewers reported it", "Pourquoi des spectateurs l’ont signalé";
        Undo => "Undo", "Annuler";
        BannedTitle => "Banned from this channel’s comments", "Bannis des commentaires de cette chaîne";
        NobodyBanned => "Nobody is banned from this channel’s comments.",
            "Personne n’est banni des commentaires de cette chaîne.";
        LetBackIn => "Let back in", "Réautoriser";
    }
}

/// "Moderation (3)", the admin bar's link with the waiting count, in `locale`.
pub fn nav(locale: Locale, waiting: Option<i64>) -> String {
    let title = crate::i18n::Message::text(Moderation::Title, locale);
    match waiting {
        Some(n) if n > 0 => format!("{title} ({})", format::number(locale, n)),
        _ => title.to_owned(),
    }
}

/// "3 reports", in `locale`.
pub fn reports(locale: Locale, n: i64) -> String {
    match locale {
        Locale::En => format::count(n, "report", "reports"),
        Locale::Fr => format::counted(locale, n, "signalement", "signalements"),
    }
}

/// "2 of 3 approved.", after a bulk action, in `locale`.
pub fn bulk_done(locale: Locale, approved: bool, ok: i64, of: usize) -> String {
    match (locale, approved) {
        (Locale::En, true) => format!("{ok} of {of} approved."),
        (Locale::En, false) => format!("{ok} of {of} rejected."),
        (Locale::Fr, true) => format!("{ok} sur {of} approuvé(s)."),
        (Locale::Fr, false) => format!("{ok} sur {of} refusé(s)."),
    }
}

/// The question before banning `who` from a channel's comments, in `locale`.
pub fn ban_question(locale: Locale, who: &str, channel: &str) -> String {
    match locale {
        Locale::En => format!(
            "Ban {who} from commenting on {channel}? Their comments there are hidden from others."
        ),
        Locale::Fr => format!(
            "Empêcher {who} de commenter sur {channel} ? Ses commentaires y seront cachés aux autres."
        ),
    }
}

/// "Ada can no longer comment on Harbour.", in `locale`.
pub fn banned(locale: Locale, who: &str, channel: &str) -> String {
    match locale {
        Locale::En => format!("{who} can no longer comment on {channel}."),
        Locale::Fr => format!("{who} ne peut plus commenter sur {channel}."),
    }
}

/// "Ada can comment on this channel again.", in `locale`.
pub fn unbanned(locale: Locale, who: &str) -> String {
    match locale {
        Locale::En => format!("{who} can comment on this channel again."),
        Locale::Fr => format!("{who} peut de nouveau commenter sur cette chaîne."),
    }
}

/// "banned 3 days ago", in `locale`, from the relative time.
pub fn banned_since(locale: Locale, ago: String) -> String {
    match locale {
        Locale::En => format!("banned {ago}"),
        Locale::Fr => format!("banni {ago}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_moderation_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Moderation::ALL, Moderation::same_in_both);
        assert_eq!(nav(Locale::Fr, Some(3)), "Modération (3)");
        assert_eq!(nav(Locale::En, Some(0)), "Moderation");
        assert_eq!(reports(Locale::En, 1), "1 report");
        assert_eq!(
            unbanned(Locale::Fr, "Ada"),
            "Ada peut de nouveau commenter sur cette chaîne."
        );
        assert_eq!(
            banned_since(Locale::En, "3 days ago".into()),
            "banned 3 days ago"
        );
    }
}
