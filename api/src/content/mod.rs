//! Rules shared by every catalogue type: titles, slugs, languages and Markdown descriptions;
//! `catalogue.rs` holds what channel items share besides (new text, channel, window, filters);
//! `item.rs` the steps every item's writes share (slug, save, publish, unpublish, delete);
//! `lookup.rs` finds a channel's items as a viewer sees them (by id, by slug, lists);
//! `markdown.rs` renders descriptions to sanitized HTML, once per distinct text.

mod catalogue;
pub mod item;
mod lookup;
mod markdown;

pub(crate) use catalogue::text_columns;
pub use catalogue::{
    CommonChanges, TextColumns, check_window, common_filters, in_channel_slug, like_escape,
    new_text, require_channel, set_text, title_contains,
};
pub(crate) use item::item;
pub use item::{Item, Scheduled, free_slug};
pub use lookup::{InChannel, by_id, by_slug, find, find_by_slug, listed, managed};
pub use markdown::{Renderings, render_markdown};

use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement,
};

use crate::error::{AppError, AppResult};

/// Longest title or name, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest slug, in bytes (slugs are ASCII).
pub const MAX_SLUG_LEN: usize = 100;
/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 64 * 1024;

/// Trims a title and checks it is 1 to 200 characters without control characters.
pub fn title(field: &str, raw: &str) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::validation(format!("{field}: must not be empty")));
    }
    if value.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::validation(format!(
            "{field}: must be at most {MAX_TITLE_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::validation(format!(
            "{field}: must not contain control characters"
        )));
    }
    Ok(value.to_string())
}

/// Checks a description (Markdown, stored as written) is not absurdly large.
pub fn description(raw: Option<String>) -> AppResult<String> {
    let value = raw.unwrap_or_default();
    if value.len() > MAX_DESCRIPTION_BYTES {
        return Err(AppError::validation(format!(
            "description: must be at most {MAX_DESCRIPTION_BYTES} bytes"
        )));
    }
    Ok(value)
}

/// Makes a slug from a title, transliterating non-ASCII letters (`Café Été` → `cafe-ete`).
pub fn slug_from(title: &str) -> String {
    let mut slug = slug::slugify(title);
    if slug.len() > MAX_SLUG_LEN {
        slug.truncate(MAX_SLUG_LEN);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    if slug.is_empty() {
        // A title of emoji or punctuation only still needs an address.
        slug = "untitled".into();
    }
    slug
}

/// Checks an explicit slug: lowercase ASCII letters, digits and single inner hyphens.
pub fn slug(raw: &str) -> AppResult<String> {
    let valid = !raw.is_empty()
        && raw.len() <= MAX_SLUG_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !raw.starts_with('-')
        && !raw.ends_with('-')
        && !raw.contains("--");
    if valid {
        Ok(raw.to_string())
    } else {
        Err(AppError::validation(format!(
            "slug: `{}` is not a valid slug (1 to {MAX_SLUG_LEN} lowercase letters, digits \
             and single hyphens)",
            raw.chars().take(64).collect::<String>()
        )))
    }
}

/// The slug to store for a new item: the explicit one if given (checked; a duplicate is a
/// `CONFLICT`), else one made from the title and made unique within `scope` by a numeric suffix
/// (`intro`, `intro-2`, ...), so two videos called "Intro" need no thought from the editor.
///
/// Call it in the transaction that inserts the item ([`crate::db::begin_write`]): two creators
/// of the same title then take turns, so they cannot both pick the same free slug (SQLite's
/// write lock; on PostgreSQL a transaction-scoped advisory lock on the slug's stem).
pub async fn new_slug<E: EntityTrait>(
    db: &impl ConnectionTrait,
    explicit: Option<&str>,
    title: &str,
    slug_column: E::Column,
    scope: Condition,
) -> AppResult<String> {
    if let Some(s) = explicit {
        return slug(s);
    }
    let base = slug_from(title);
    let stem = suffix_stem(&base);
    if db.get_database_backend() == DbBackend::Postgres {
        let key = lock_key(E::default().table_name(), &stem);
        db.execute(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    // Candidates are `base` and `<stem>-<n>`; `base` starts with `stem`, so one pattern finds
    // every slug a candidate could collide with. (Looking for `<base>-%` missed the suffixed
    // slugs of a title longer than the stem, and the third item with it got a `CONFLICT`.)
    // Slugs hold no `%` or `_`, so the pattern matches literally.
    let taken: Vec<String> = E::find()
        .select_only()
        .column(slug_column)
        .filter(scope)
        .filter(
            Condition::any()
                .add(slug_column.eq(base.clone()))
                .add(slug_column.like(format!("{stem}-%"))),
        )
        .into_tuple::<String>()
        .all(db)
        .await?;
    Ok(first_free(&base, &stem, &taken))
}

/// The part of a generated slug that a numeric suffix follows: short enough that `-<n>` keeps
/// the slug within [`MAX_SLUG_LEN`].
fn suffix_stem(base: &str) -> String {
    let mut stem: String = base.chars().take(MAX_SLUG_LEN - 8).collect();
    while stem.ends_with('-') {
        stem.pop();
    }
    stem
}

/// A PostgreSQL advisory-lock key for allocating slugs from `stem` in `table`.
fn lock_key(table: &str, stem: &str) -> i64 {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("slug\0{table}\0{stem}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

fn first_free(base: &str, stem: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| stem.to_string())
}

/// Checks a BCP 47 language tag loosely (`en`, `pt-BR`, `zh-Hant-TW`).
pub fn language(raw: &str) -> AppResult<String> {
    let valid = !raw.is_empty()
        && raw.len() <= 35
        && raw.split('-').enumerate().all(|(i, part)| {
            let len_ok = if i == 0 {
                (2..=3).contains(&part.len())
            } else {
                (1..=8).contains(&part.len())
            };
            len_ok && part.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if valid {
        Ok(raw.to_string())
    } else {
        Err(AppError::validation(format!(
            "language: `{}` is not a language tag such as `en` or `pt-BR`",
            raw.chars().take(40).collect::<String>()
        )))
    }
}

/// Deletes an item that holds media (a video, an episode, a podcast, a channel), then its
/// stored files and jobs: what it owns is read first, `delete` removes the rows, and the files
/// go only once that succeeded (see [`crate::media::assets::purge`]). Returns `delete`'s ID.
pub async fn delete_with_media(
    app: &crate::state::Ctx,
    owner: crate::media::assets::Owner,
    delete: impl std::future::Future<Output = AppResult<uuid::Uuid>>,
) -> AppResult<uuid::Uuid> {
    let (subjects, assets) = crate::media::assets::owned_by(&app.db, owner).await?;
    let id = delete.await?;
    crate::media::assets::purge(app, &subjects, &assets).await;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn slugs_are_made_from_unicode_titles() {
        assert_eq!(slug_from("Café Été à Paris!"), "cafe-ete-a-paris");
        assert_eq!(slug_from("Привет мир"), "privet-mir");
        assert_eq!(slug_from("!!! ???"), "untitled");
        assert!(slug_from(&"a b ".repeat(100)).len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn only_well_formed_slugs_are_accepted() {
        for good in ["a", "hello-world", "2024-recap"] {
            assert!(slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Hello",
            "a b",
            "-a",
            "a-",
            "a--b",
            "é",
            &"a".repeat(101),
        ] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_slugs_get_the_first_free_suffix() {
        let taken = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(first_free("intro", "intro", &taken(&[])), "intro");
        assert_eq!(
            first_free("intro", "intro", &taken(&["intro", "intro-2"])),
            "intro-3"
        );
        assert_eq!(first_free("intro", "intro", &taken(&["intro-2"])), "intro");
    }

    #[test]
    fn a_long_slug_gets_its_suffix_on_a_shorter_stem() {
        let base = slug_from(&"long title ".repeat(20));
        assert_eq!(base.len(), MAX_SLUG_LEN);
        let stem = suffix_stem(&base);
        assert!(base.starts_with(&stem) && stem.len() <= MAX_SLUG_LEN - 8);
        let second = first_free(&base, &stem, std::slice::from_ref(&base));
        assert_eq!(second, format!("{stem}-2"));
        let third = first_free(&base, &stem, &[base.clone(), second.clone()]);
        assert_eq!(third, format!("{stem}-3"));
        assert!(third.len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn titles_must_be_present_and_short() {
        assert!(title("title", "  ").is_err());
        assert!(title("title", &"x".repeat(201)).is_err());
        assert_eq!(title("title", " ok ").unwrap(), "ok");
    }

    #[test]
    fn markdown_is_rendered_without_scripts() {
        let html = render_markdown("**hi** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>hi</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
