//! What each panel of the editor says about its last action, beside the controls that did
//! it: a success notice or the API's error in plain words, next to the field it is about.

use crate::i18n::Locale;
use crate::i18n::admin::editor::field_label;
use leptos::prelude::*;
use leptos::task::spawn_local;

use futures::future::LocalBoxFuture;

use crate::api::ApiError;

/// One panel's last outcome.
#[derive(Clone, Copy)]
pub(super) struct Feedback {
    /// The last success, e.g. "Saved."
    pub(super) done: RwSignal<Option<String>>,
    /// The last error, as the API wrote it (`title: must not be empty`).
    pub(super) error: RwSignal<Option<String>>,
}

impl Feedback {
    fn new() -> Self {
        Self {
            done: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    fn clear(self) {
        self.done.set(None);
        self.error.set(None);
    }

    /// The success notice and the error (in plain words) of this panel; `name` makes their
    /// ids (`{name}-notice`, `{name}-error`).
    pub(super) fn view(self, name: &'static str) -> impl IntoView {
        let notice_id = format!("{name}-notice");
        let error_id = format!("{name}-error");
        view! {
            {move || {
                self.done
                    .get()
                    .map(|m| view! { <p class="notice" id=notice_id.clone() role="status">{m}</p> })
            }}
            {move || {
                self.error.get().map(|m| {
                    view! {
                        <p class="form-error" id=error_id.clone() role="alert">
                            {plain_words(&m)}
                        </p>
                    }
                })
            }}
        }
    }

    /// The error beside the control of API field `field` (`title`, `chapters`...), when the
    /// last error is about it.
    pub(super) fn beside(self, field: &'static str) -> impl IntoView {
        move || {
            self.error
                .get()
                .filter(|m| field_of(m) == Some(field))
                .map(|m| view! { <span class="field-error">{plain_words(&m)}</span> })
        }
    }
}

/// Every panel's feedback, owned by the page so that it outlives the re-render that follows
/// each change; and whether a change is on its way (one at a time).
#[derive(Clone, Copy)]
pub(super) struct Feedbacks {
    /// Details, taxonomy, chapters and schedule: the Save button.
    pub(super) details: Feedback,
    /// Tag creation.
    pub(super) tags: Feedback,
    /// Publish now and unpublish.
    pub(super) publish: Feedback,
    /// Poster choice and upload.
    pub(super) poster: Feedback,
    /// Caption upload and deletion.
    pub(super) caption: Feedback,
    /// Deletion.
    pub(super) delete: Feedback,
    /// A change is on its way.
    pub(super) busy: RwSignal<bool>,
}

impl Feedbacks {
    /// Nothing said, nothing under way.
    pub(super) fn new() -> Self {
        Self {
            details: Feedback::new(),
            tags: Feedback::new(),
            publish: Feedback::new(),
            poster: Feedback::new(),
            caption: Feedback::new(),
            delete: Feedback::new(),
            busy: RwSignal::new(false),
        }
    }

    /// Forgets what every panel said.
    pub(super) fn clear(self) {
        for f in [
            self.details,
            self.tags,
            self.publish,
            self.poster,
            self.caption,
            self.delete,
        ] {
            f.clear();
        }
    }

    /// Runs a change: on success `panel` says `done` and `reload` runs; on failure `panel`
    /// shows the error. Nothing starts while another change is on its way.
    pub(super) fn run(
        self,
        panel: Feedback,
        done: &'static str,
        reload: impl Fn() + 'static,
        change: impl Future<Output = Result<(), ApiError>> + 'static,
    ) {
        self.run_boxed(panel, done, Box::new(reload), Box::pin(change));
    }

    fn run_boxed(
        self,
        panel: Feedback,
        done: &'static str,
        reload: Box<dyn Fn()>,
        change: LocalBoxFuture<'static, Result<(), ApiError>>,
    ) {
        if self.busy.get_untracked() {
            return;
        }
        self.clear();
        self.busy.set(true);
        spawn_local(async move {
            match change.await {
                Ok(()) => {
                    panel.done.try_set(Some(done.into()));
                    reload();
                }
                Err(e) => {
                    panel.error.try_set(Some(e.to_string()));
                }
            }
            self.busy.try_set(false);
        });
    }
}

/// The API field an error message is about: `title` for `title: must not be empty`.
fn field_of(message: &str) -> Option<&str> {
    let (field, _) = message.split_once(": ")?;
    let field = field.split('.').next().unwrap_or(field);
    (!field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric())).then_some(field)
}

/// An API message in plain words, in the reader's language (see [`words_in`]).
pub(super) fn plain_words(message: &str) -> String {
    words_in(crate::i18n::locale(), message)
}

/// An API message in plain words: `unpublishAt: must be later than publishAt` reads "The
/// unpublish time must be later than the publish time."; messages without a field prefix
/// are only given a capital and a full stop. In French the field is named in French before
/// the API's words.
fn words_in(locale: Locale, message: &str) -> String {
    let sentence = match message.split_once(": ") {
        Some((field, rest)) if field_label(locale, field).is_some() => {
            let label = field_label(locale, field).unwrap_or_default();
            match locale {
                Locale::En => {
                    let rest = rest
                        .replace("unpublishAt", "the unpublish time")
                        .replace("publishAt", "the publish time");
                    format!("{label} {rest}")
                }
                Locale::Fr => {
                    let rest = rest
                        .replace("unpublishAt", "la date de retrait")
                        .replace("publishAt", "la date de publication");
                    format!("{label} : {rest}")
                }
            }
        }
        _ => {
            let mut chars = message.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    };
    if sentence.ends_with(['.', '!', '?']) {
        sentence
    } else {
        format!("{sentence}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_read_as_sentences_about_their_field() {
        assert_eq!(
            words_in(Locale::En, "title: must not be empty"),
            "The title must not be empty."
        );
        assert_eq!(
            words_in(Locale::En, "unpublishAt: must be later than publishAt"),
            "The unpublish time must be later than the publish time."
        );
        assert_eq!(
            words_in(Locale::En, "chapters.title: must not be empty"),
            "A chapter title must not be empty."
        );
        assert_eq!(words_in(Locale::En, "not found"), "Not found.");
        assert_eq!(field_of("chapters.title: too long"), Some("chapters"));
        assert_eq!(field_of("cannot reach the server: x"), None);
    }
}
