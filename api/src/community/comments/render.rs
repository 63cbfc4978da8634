//! Comment bodies: the rules a body must follow, and Markdown-lite rendered to sanitised HTML
//! once, when the comment is written.
//!
//! Markdown-lite is CommonMark with strikethrough and without tables, images or raw HTML:
//! a body with HTML in it (a tag, a script, a comment) is refused (`VALIDATION`) rather than
//! shown as something else than what was written; `<` in text and HTML inside code spans are
//! fine. The HTML kept is paragraphs, emphasis, code, quotes, lists and links; links get
//! `rel="nofollow ugc noopener"`, only absolute http(s) and mailto URLs stay.

use pulldown_cmark::{Event, Options, Parser, html};

use crate::error::{AppError, AppResult};

/// The HTML a rendered comment may contain.
const TAGS: [&str; 13] = [
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
];

/// The body as stored (trimmed) and its HTML, or why it is refused: empty or only
/// whitespace, longer than `max_chars` characters, or with HTML in it.
pub fn prepare(body: &str, max_chars: u32) -> AppResult<(String, String)> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::validation("body: must not be empty"));
    }
    let chars = body.chars().count();
    if chars > max_chars as usize {
        return Err(AppError::validation(format!(
            "body: at most {max_chars} characters, {chars} given"
        )));
    }
    let events: Vec<Event<'_>> = Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).collect();
    if events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
    {
        return Err(AppError::validation(
            "body: HTML is not allowed; write Markdown (`*emphasis*`, `[link](https://…)`)",
        ));
    }
    let mut unsafe_html = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    let clean = ammonia::Builder::empty()
        .add_tags(TAGS)
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow ugc noopener"))
        .clean(&unsafe_html)
        .to_string();
    Ok((body.to_string(), clean))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn markdown_lite_keeps_emphasis_and_links_and_drops_images() {
        let (body, html) = prepare(
            "  Hello *world* [site](https://e.com) ![x](https://e.com/x.png) a < b `<b>`  ",
            5000,
        )
        .unwrap();
        assert_eq!(
            body,
            "Hello *world* [site](https://e.com) ![x](https://e.com/x.png) a < b `<b>`"
        );
        assert!(html.contains("<em>world</em>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://e.com" rel="nofollow ugc noopener">site</a>"#),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("a &lt; b"), "{html}");
        assert!(html.contains("<code>&lt;b&gt;</code>"), "{html}");
    }

    #[test]
    fn html_scripts_blank_and_long_bodies_are_refused() {
        for bad in [
            "<b>bold</b>",
            "hi <script>alert(1)</script>",
            "<!-- c -->",
            "   \n\t ",
        ] {
            assert!(prepare(bad, 5000).is_err(), "{bad:?}");
        }
        assert!(prepare(&"é".repeat(10), 10).is_ok());
        assert!(prepare(&"é".repeat(11), 10).is_err());
    }

    #[test]
    fn javascript_links_lose_their_target() {
        let (_, html) = prepare("[x](javascript:alert(1))", 5000).unwrap();
        assert!(!html.contains("javascript"), "{html}");
    }
}
