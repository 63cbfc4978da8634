//! The one i18n layer of the app: every string a viewer or an editor reads goes through it.
//!
//! Messages are grouped by area, one file each (`site.rs` for the header, footer and shared
//! views; add a file per area and list it below). Each file declares its keys with
//! [`messages!`], which takes every key's English *and* French text: a key missing in either
//! language does not compile, and the tests below fail when a French text is left equal to the
//! English one without being listed as the same in both languages.
//!
//! Texts with values in them (counts, names, dates) are plain functions of a [`Locale`] in the
//! area's file, next to its keys; numbers, dates and durations are formatted per locale by
//! [`crate::format`].
//!
//! The language is the one the reader picked with the footer's switch (kept in
//! `localStorage`), else the first of the browser's preferred languages (`navigator.languages`,
//! which is what it sends as `Accept-Language`) that the app has, else English.

use leptos::prelude::*;

pub mod admin;
pub mod community;
pub mod discovery;
pub mod player;
pub mod settings;
pub mod site;
pub mod watch;

/// A language the app is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// French.
    Fr,
}

/// Where the reader's choice is kept.
const STORAGE_KEY: &str = "projector.locale";

impl Locale {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// The BCP 47 tag, e.g. `fr`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The language's own name for itself, as the switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
        }
    }

    /// The language a tag such as `fr-CA` or `en` names, if the app has it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first of `preferred` (most preferred first) the app has, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(Locale::from_tag)
            .unwrap_or_default()
    }

    /// The reader's language: their saved choice, else the browser's preferences.
    pub fn detect() -> Locale {
        let Some(window) = web_sys::window() else {
            return Locale::default();
        };
        if let Some(saved) = window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|t| Locale::from_tag(&t))
        {
            return saved;
        }
        let languages: Vec<String> = window
            .navigator()
            .languages()
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        Locale::negotiate(languages.iter().map(String::as_str))
    }
}

/// The current language, shared by the whole app through Leptos' context.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// The current language (tracked: a view that reads it follows a switch).
    pub fn locale(self) -> Locale {
        self.0.get()
    }

    /// Switches the language, remembers the choice and marks the document's `lang`.
    pub fn set(self, locale: Locale) {
        self.0.set(locale);
        if let Some(window) = web_sys::window() {
            if let Ok(Some(storage)) = window.local_storage() {
                let _ = storage.set_item(STORAGE_KEY, locale.tag());
            }
            mark_document(locale);
        }
    }
}

fn mark_document(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// Detects the reader's language and provides it to the app. Called once, by the app's root.
pub fn provide_i18n() -> I18n {
    let locale = Locale::detect();
    mark_document(locale);
    let i18n = I18n(RwSignal::new(locale));
    provide_context(i18n);
    i18n
}

/// The app's [`I18n`] (English when called outside the app, e.g. in a test).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Locale::default())))
}

/// The current language, tracked.
pub fn locale() -> Locale {
    use_i18n().locale()
}

/// A key with an English and a French text. Made by [`messages!`].
pub trait Message: Copy + 'static {
    /// The key's text in `locale`.
    fn text(self, locale: Locale) -> &'static str;
}

/// A key's text in the current language, following switches: use it as a view child or an
/// attribute, `{t(Site::Search)}` or `placeholder=t(Site::Search)`.
pub fn t<M: Message + Send + Sync>(
    key: M,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || key.text(i18n.locale())
}

/// Declares an area's keys with their English and French texts:
///
/// ```ignore
/// messages! {
///     /// Header, footer and shared views.
///     Site {
///         Search => "Search", "Rechercher";
///         /// Same word in both languages, said so on purpose.
///         Admin => "Admin", "Admin" (same);
///     }
/// }
/// ```
///
/// Each key must have both texts or it does not compile. `(same)` marks a text that is right
/// in both languages, so the test that catches French left in English lets it be.
#[macro_export]
macro_rules! messages {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$kmeta:meta])* $key:ident => $en:literal, $fr:literal $(($same:ident))? ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$kmeta])* $key, )*
        }

        impl $name {
            /// Every key of the area.
            pub const ALL: &'static [$name] = &[$($name::$key),*];

            /// Whether the key's text is the same in both languages on purpose.
            #[allow(dead_code)]
            pub fn same_in_both(self) -> bool {
                match self {
                    $( $name::$key => $crate::messages!(@same $($same)?), )*
                }
            }
        }

        impl $crate::i18n::Message for $name {
            fn text(self, locale: $crate::i18n::Locale) -> &'static str {
                match (self, locale) {
                    $(
                        ($name::$key, $crate::i18n::Locale::En) => $en,
                        ($name::$key, $crate::i18n::Locale::Fr) => $fr,
                    )*
                }
            }
        }
    };
    (@same same) => { true };
    (@same) => { false };
}

/// The footer's language switch: a `<select>` of every language, each named in itself.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    use site::Site;
    let i18n = use_i18n();
    view! {
        <label class="language-switch">
            <span class="visually-hidden">{t(Site::Language)}</span>
            <select
                id="language-switch"
                on:change=move |ev| {
                    if let Some(l) = Locale::from_tag(&event_target_value(&ev)) {
                        i18n.set(l);
                    }
                }
            >
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.tag() selected=move || i18n.locale() == l lang=l.tag()>
                                {l.name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Checks an area's keys: every French text differs from the English one unless marked
/// `(same)`, and no text is empty. Each area's file calls it from a test.
#[cfg(test)]
pub fn check_area<M: Message + std::fmt::Debug>(all: &[M], same_in_both: impl Fn(M) -> bool) {
    for &key in all {
        let (en, fr) = (key.text(Locale::En), key.text(Locale::Fr));
        assert!(!en.trim().is_empty(), "{key:?} has no English text");
        assert!(!fr.trim().is_empty(), "{key:?} has no French text");
        if !same_in_both(key) {
            assert_ne!(en, fr, "{key:?} is not translated to French");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_the_first_preferred_one_the_app_has() {
        assert_eq!(Locale::negotiate(["de-DE", "fr-CA", "en"]), Locale::Fr);
        assert_eq!(Locale::negotiate(["en-GB", "fr"]), Locale::En);
        assert_eq!(Locale::negotiate(["FR"]), Locale::Fr);
        assert_eq!(Locale::negotiate(["de", "es"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }
}
