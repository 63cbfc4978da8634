//! The playback keys page: the keys that sign playback tokens.

use crate::i18n::Locale;

crate::messages! {
    /// Keys of the playback keys page.
    Keys {
        Intro => "A site that plays private videos in its own player or the embed signs short-lived playback tokens (JWTs) with one of these keys and adds them to the media's address (?token=…). Projector keeps only the public half of each key.",
            "Un site qui lit des vidéos privées dans son propre lecteur ou dans le lecteur intégré signe des jetons de lecture de courte durée (des JWT) avec l’une de ces clés et les ajoute à l’adresse des médias (?token=…). Projector ne garde que la moitié publique de chaque clé.";
        AdminsOnly => "Only admins manage playback keys.", "Seuls les administrateurs gèrent les clés de lecture.";
        NewKey => "New key", "Nouvelle clé";
        Name => "Name (what it is for)", "Nom (à quoi elle sert)";
        Algorithm => "Algorithm", "Algorithme";
        EdDsa => "EdDSA (Ed25519): small keys, fast to check", "EdDSA (Ed25519) : petites clés, rapides à vérifier";
        Rs256 => "RS256 (RSA 2048), for tools without Ed25519", "RS256 (RSA 2048), pour les outils sans Ed25519";
        Create => "Create key", "Créer la clé";
        Created => "Key created.", "Clé créée.";
        CopyNow => "Copy this private key now: ", "Copiez cette clé privée maintenant : ";
        NotKept => "it is shown only this once, and Projector does not keep it.",
            "elle n’est affichée qu’une seule fois, et Projector ne la garde pas.";
        Copy => "Copy", "Copier";
        Copied => "Copied.", "Copié.";
        CopyRefused => "The browser refused: select the key and copy it.",
            "Le navigateur a refusé : sélectionnez la clé et copiez-la.";
        HowToSign => "Sign each token with it, as a JWT like this one:", "Signez chaque jeton avec elle, en JWT comme celui-ci :";
        Claims => "kid: this key's ID. sub: the video's ID (or its UUID). aud: what the token opens, v (playback), t (thumbnails) or s (storyboard), one or a list. exp: when it stops working (seconds since 1970), at most 7 days ahead.",
            "kid : l’identifiant de cette clé. sub : l’identifiant de la vidéo (ou son UUID). aud : ce que le jeton ouvre, v (lecture), t (vignettes) ou s (planche d’aperçus), un seul ou une liste. exp : quand il cesse de fonctionner (en secondes depuis 1970), au plus 7 jours plus tard.";
        Keys => "Keys", "Clés";
        NoKeys => "No keys yet.", "Aucune clé pour l’instant.";
        KeyId => "ID (kid)", "Identifiant (kid)";
        Delete => "Delete…", "Supprimer…";
        DeleteWarning => "Players using tokens signed with it stop working at once.",
            "Les lecteurs qui utilisent des jetons signés avec elle cessent de fonctionner aussitôt.";
        ConfirmDelete => "Delete the key", "Supprimer la clé";
        KeepIt => "Keep it", "La garder";
        Deleted => "Key deleted.", "Clé supprimée.";
    }
}

/// "Created 2026-12-07 18:00 UTC", in `locale`.
pub fn created(locale: Locale, when: &str) -> String {
    match locale {
        Locale::En => format!("Created {when}"),
        Locale::Fr => format!("Créée le {when}"),
    }
}

/// "Delete the key “Site A”…", the delete button's label, in `locale`.
pub fn delete_label(locale: Locale, name: &str) -> String {
    match locale {
        Locale::En => format!("Delete the key “{name}”…"),
        Locale::Fr => format!("Supprimer la clé « {name} »…"),
    }
}

/// What the example token's `sub` says: the video's ID, in `locale`.
pub fn video_id_placeholder(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "VIDEO_ID",
        Locale::Fr => "ID_DE_LA_VIDEO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_playback_keys_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Keys::ALL, Keys::same_in_both);
    }
}
