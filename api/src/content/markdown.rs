//! Markdown descriptions rendered to sanitized HTML, once per distinct text.
//!
//! Rendering (pulldown-cmark, then ammonia's sanitizer) costs far more than reading the row, and
//! every read of a description (`descriptionHtml`, feeds) used to pay it again. The rendered
//! HTML is kept by the Markdown text itself in a process-wide cache bounded in bytes: a changed
//! description is a different key, so nothing needs invalidating, and the HTML served is always
//! that of the text as stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// Longest Markdown text whose rendering is kept (longer ones are rendered on every read).
const MAX_CACHED_TEXT: usize = 64 * 1024;
/// Most bytes of Markdown plus HTML kept; when full, the cache starts over.
const BUDGET: usize = 16 * 1024 * 1024;

/// HTML by Markdown text, and the bytes of both.
type Entries = (HashMap<Arc<str>, Arc<str>>, usize);

/// Renderings by Markdown text, bounded in bytes, counting the renders it had to do.
#[derive(Debug)]
pub struct Renderings {
    entries: Mutex<Entries>,
    renders: AtomicU64,
    budget: usize,
}

impl Default for Renderings {
    fn default() -> Self {
        Self::with_budget(BUDGET)
    }
}

impl Renderings {
    /// An empty cache keeping at most `budget` bytes of Markdown plus HTML.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            entries: Mutex::default(),
            renders: AtomicU64::new(0),
            budget,
        }
    }

    /// The sanitized HTML of `markdown`, rendered only if this cache has not seen the text.
    pub fn html(&self, markdown: &str) -> String {
        if let Some(hit) = self.lock().0.get(markdown) {
            return hit.to_string();
        }
        self.renders.fetch_add(1, Ordering::Relaxed);
        let html = render(markdown);
        if markdown.len() <= MAX_CACHED_TEXT {
            let mut entries = self.lock();
            let weight = markdown.len() + html.len();
            if entries.1 + weight > self.budget {
                entries.0.clear();
                entries.1 = 0;
            }
            if entries
                .0
                .insert(markdown.into(), html.as_str().into())
                .is_none()
            {
                entries.1 += weight;
            }
        }
        html
    }

    /// How many texts this cache has rendered (not served from memory).
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

static RENDERINGS: LazyLock<Renderings> = LazyLock::new(Renderings::default);

/// Renders Markdown to HTML that is safe to insert into a page: raw HTML and scripts are
/// removed, links get `rel="noopener noreferrer nofollow"`. Served from memory when the same
/// text was rendered before ([`Renderings`]).
pub fn render_markdown(markdown: &str) -> String {
    RENDERINGS.html(markdown)
}

fn render(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_is_rendered_once_and_a_changed_one_is_rendered_anew() {
        let cache = Renderings::default();
        let first = cache.html("A *test* with <script>alert(1)</script> [a link](https://e.com)");
        assert!(first.contains("<em>test</em>"), "{first}");
        assert!(!first.contains("<script"), "{first}");
        assert!(first.contains("noopener"), "{first}");
        assert_eq!(cache.renders(), 1);
        let again = cache.html("A *test* with <script>alert(1)</script> [a link](https://e.com)");
        assert_eq!(again, first);
        assert_eq!(cache.renders(), 1, "the same text was rendered twice");
        let changed = cache.html("A **changed** text");
        assert!(changed.contains("<strong>changed</strong>"), "{changed}");
        assert_eq!(cache.renders(), 2);
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let cache = Renderings::with_budget(4096);
        let text = "x".repeat(500);
        for n in 0..40 {
            cache.html(&format!("{n} {text}"));
            assert!(cache.lock().1 <= 4096);
            assert!(!cache.lock().0.is_empty());
        }
        let huge = "y".repeat(MAX_CACHED_TEXT + 1);
        cache.html(&huge);
        cache.html(&huge);
        assert!(!cache.lock().0.contains_key(huge.as_str()));
    }
}
