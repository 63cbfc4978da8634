//! The language of the app's HTML as the server sends it: the first language of the browser's
//! `Accept-Language` that the app is written in (English or French), else English, the choice
//! the app itself makes on a first visit (from `navigator.languages`, which the browser sends
//! as that header). The server marks `<html lang>` with it, so the page's language is right
//! before any script runs (screen readers, translation prompts, crawlers).

/// The languages of the app, the default first.
const LANGUAGES: [&str; 2] = ["en", "fr"];

/// The app's language for an `Accept-Language` value: the one of highest quality (the first
/// among equals) whose primary tag the app has; `en` when none.
pub fn negotiate(accept_language: Option<&str>) -> &'static str {
    let mut best: Option<(f32, &'static str)> = None;
    for part in accept_language.unwrap_or_default().split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .unwrap_or(0.0);
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let Some(lang) = LANGUAGES
            .into_iter()
            .find(|l| l.eq_ignore_ascii_case(primary))
        else {
            continue;
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map_or(LANGUAGES[0], |(_, lang)| lang)
}

/// `html` with the `lang` attribute of its `<html>` element set to `lang` (added when missing).
pub fn mark(html: &str, lang: &str) -> String {
    let Some(start) = html.find("<html") else {
        return html.to_owned();
    };
    let Some(len) = html[start..].find('>') else {
        return html.to_owned();
    };
    let tag = &html[start..start + len];
    let marked = match tag.find(" lang=\"") {
        Some(at) => {
            let value = at + " lang=\"".len();
            let end = tag[value..].find('"').map_or(tag.len(), |e| value + e);
            format!("{}{lang}{}", &tag[..value], &tag[end..])
        }
        None => format!("<html lang=\"{lang}\"{}", &tag["<html".len()..]),
    };
    format!("{}{marked}{}", &html[..start], &html[start + len..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_preferred_language_the_app_has_wins() {
        assert_eq!(negotiate(None), "en");
        assert_eq!(negotiate(Some("")), "en");
        assert_eq!(negotiate(Some("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7")), "fr");
        assert_eq!(negotiate(Some("en-GB,fr;q=0.5")), "en");
        assert_eq!(negotiate(Some("de-DE,de;q=0.9,fr;q=0.8,en;q=0.7")), "fr");
        assert_eq!(negotiate(Some("en;q=0.4, FR_ca;q=0.6")), "fr");
        assert_eq!(negotiate(Some("fr;q=0, en")), "en");
        assert_eq!(negotiate(Some("de, ja")), "en");
        assert_eq!(negotiate(Some("fr;q=garbage, en;q=0.1")), "en");
    }

    #[test]
    fn the_html_element_gets_the_language_and_nothing_else_changes() {
        assert_eq!(
            mark("<!doctype html>\n<html lang=\"en\">\n<head></head>", "fr"),
            "<!doctype html>\n<html lang=\"fr\">\n<head></head>"
        );
        assert_eq!(
            mark("<!DOCTYPE html><html><head>", "fr"),
            "<!DOCTYPE html><html lang=\"fr\"><head>"
        );
        assert_eq!(
            mark("<html class=\"x\" lang=\"en\">", "fr"),
            "<html class=\"x\" lang=\"fr\">"
        );
        assert_eq!(mark("no element", "fr"), "no element");
    }
}
