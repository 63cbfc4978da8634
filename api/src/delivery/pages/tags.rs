//! An item page's head written as HTML: meta and link tags (OpenGraph, Twitter player card,
//! oEmbed discovery) and JSON-LD, every value escaped, inserted into the app's `index.html`.

use serde_json::Value;

use super::Head;
use crate::delivery::embed::html_escape;

/// Site name in titles and `og:site_name`.
const SITE: &str = "Projector";

/// JSON safe inside a `<script>` element: `<`, `>` and `&` become `\u003c` etc. (still JSON).
pub fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The tags for `head`, every value HTML-escaped.
pub fn head_tags(head: &Head) -> String {
    let e = html_escape;
    let mut t = String::new();
    let meta_p = |t: &mut String, property: &str, content: &str| {
        t.push_str(&format!(
            "<meta property=\"{property}\" content=\"{}\">\n",
            e(content)
        ));
    };
    let meta_n = |t: &mut String, name: &str, content: &str| {
        t.push_str(&format!(
            "<meta name=\"{name}\" content=\"{}\">\n",
            e(content)
        ));
    };
    if !head.description.is_empty() {
        meta_n(&mut t, "description", &head.description);
    }
    if head.noindex {
        meta_n(&mut t, "robots", "noindex");
    }
    t.push_str(&format!(
        "<link rel=\"canonical\" href=\"{}\">\n",
        e(&head.canonical)
    ));
    meta_p(&mut t, "og:site_name", SITE);
    meta_p(&mut t, "og:type", head.og_type);
    meta_p(&mut t, "og:title", &head.title);
    meta_p(&mut t, "og:url", &head.canonical);
    if !head.description.is_empty() {
        meta_p(&mut t, "og:description", &head.description);
    }
    if let Some(i) = &head.image {
        meta_p(&mut t, "og:image", i);
    }
    if let Some((player, w, h)) = &head.player {
        meta_p(&mut t, "og:video", player);
        if player.starts_with("https:") {
            meta_p(&mut t, "og:video:secure_url", player);
        }
        meta_p(&mut t, "og:video:type", "text/html");
        meta_p(&mut t, "og:video:width", &w.to_string());
        meta_p(&mut t, "og:video:height", &h.to_string());
        meta_n(&mut t, "twitter:card", "player");
        meta_n(&mut t, "twitter:player", player);
        meta_n(&mut t, "twitter:player:width", &w.to_string());
        meta_n(&mut t, "twitter:player:height", &h.to_string());
    } else {
        meta_n(
            &mut t,
            "twitter:card",
            if head.image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
        );
    }
    meta_n(&mut t, "twitter:title", &head.title);
    if !head.description.is_empty() {
        meta_n(&mut t, "twitter:description", &head.description);
    }
    if let Some(i) = &head.image {
        meta_n(&mut t, "twitter:image", i);
    }
    if let Some(o) = &head.oembed {
        t.push_str(&format!(
            "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}\" title=\"{}\">\n",
            e(o),
            e(&head.title)
        ));
    }
    if let Some(ld) = &head.json_ld {
        // Data, not a script: the CSP's script hashes do not apply to it.
        t.push_str(&format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            script_json(ld)
        ));
    }
    t
}

/// `index` with its `<title>` replaced and `head`'s tags inserted before `</head>`.
pub fn inject(index: &str, head: &Head) -> String {
    let title = format!("<title>{} · {SITE}</title>", html_escape(&head.title));
    let mut out = String::with_capacity(index.len() + 4096);
    // The app's own <title> element is replaced in place (the app may still set it later).
    let rest = match (index.find("<title>"), index.find("</title>")) {
        (Some(a), Some(b)) if a < b => {
            out.push_str(&index[..a]);
            out.push_str(&title);
            &index[b + "</title>".len()..]
        }
        _ => {
            out.push_str(&title);
            index
        }
    };
    let tags = head_tags(head);
    match rest.find("</head>") {
        Some(i) => {
            out.push_str(&rest[..i]);
            out.push_str(&tags);
            out.push_str(&rest[i..]);
        }
        None => {
            out.push_str(&tags);
            out.push_str(rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn user_text_cannot_close_the_title_or_the_json_ld() {
        let head = Head {
            title: "</title><script>alert(1)</script>".into(),
            description: "a \"quoted\" <b>".into(),
            canonical: "https://x/watch/1".into(),
            og_type: "video.other",
            json_ld: Some(json!({ "name": "</script><script>alert(2)</script>" })),
            ..Head::default()
        };
        let out = inject(
            "<html><head><title>Projector</title></head><body></body></html>",
            &head,
        );
        assert!(!out.contains("<script>alert"), "{out}");
        assert!(out.contains("&lt;/title&gt;&lt;script&gt;"));
        assert_eq!(out.matches("</title>").count(), 1);
        assert_eq!(out.matches("</script>").count(), 1);
    }
}
