//! "Where it can play": a channel's or a video's playback restriction, by referrer.

use crate::i18n::Locale;

crate::messages! {
    /// Keys of the playback restriction editors.
    Playback {
        Heading => "Where it can play", "Où la lecture est permise";
        Hint => "Sites allowed to show the player and the media, by the address of the page that asks (its referrer). One domain per line: example.com allows that site only; *.example.com allows every site under it (www.example.com, blog.example.com), not example.com itself. No domains: any site.",
            "Sites autorisés à afficher le lecteur et les médias, d’après l’adresse de la page qui les demande (le référent). Un domaine par ligne : example.com n’autorise que ce site ; *.example.com autorise tous les sites en dessous (www.example.com, blog.example.com), pas example.com lui-même. Aucun domaine : tout site.";
        Domains => "Allowed domains (one per line)", "Domaines autorisés (un par ligne)";
        AllowNoReferrer => "Also play when the request names no page (apps, direct links, browsers that hide the referrer)",
            "Lire aussi quand la demande ne nomme aucune page (applications, liens directs, navigateurs qui masquent le référent)";
        InheritChannel => "As its channel says", "Comme le dit sa chaîne";
        OwnSetting => "Its own list", "Sa propre liste";
        AnySite => "any site", "tout site";
        SaveChannel => "Save where it can play", "Enregistrer où la lecture est permise";
        NothingChanged => "Nothing to save: nothing was changed.", "Rien à enregistrer : rien n’a été modifié.";
        Saved => "Saved.", "Enregistré.";
        NoReferrerToo => "also without a referrer", "aussi sans référent";
        NoReferrerRefused => "not without a referrer", "pas sans référent";
    }
}

/// "The channel's setting: example.com, *.example.org (also without a referrer)", in `locale`.
pub fn channel_setting(locale: Locale, rule: &str) -> String {
    match locale {
        Locale::En => format!("The channel's setting: {rule}."),
        Locale::Fr => format!("Le réglage de la chaîne : {rule}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_playback_text_is_written_in_english_and_french() {
        crate::i18n::check_area(Playback::ALL, Playback::same_in_both);
    }
}
