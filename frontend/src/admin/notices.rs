//! What an editor page says about its last change, beside the control that made it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use futures::future::LocalBoxFuture;

use crate::api::ApiError;

/// What the page says about its last change; owned by the page, so it outlives the re-render
/// that follows every change.
#[derive(Clone, Copy)]
pub(super) struct Notices {
    /// The last success, e.g. "Saved."
    pub(super) done: RwSignal<Option<String>>,
    /// The details form's error, shown next to the form.
    pub(super) details: RwSignal<Option<String>>,
    /// The publish and unpublish buttons' error.
    pub(super) publish: RwSignal<Option<String>>,
    /// The poster choice's error.
    pub(super) poster: RwSignal<Option<String>>,
    /// The caption upload's error.
    pub(super) caption: RwSignal<Option<String>>,
    /// The deletion's error.
    pub(super) delete: RwSignal<Option<String>>,
    /// A change is on its way.
    pub(super) busy: RwSignal<bool>,
}

impl Notices {
    /// No notices, nothing under way.
    pub(super) fn new() -> Self {
        Self {
            done: RwSignal::new(None),
            details: RwSignal::new(None),
            publish: RwSignal::new(None),
            poster: RwSignal::new(None),
            caption: RwSignal::new(None),
            delete: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// Forgets every notice.
    pub(super) fn clear(self) {
        for s in [
            self.done,
            self.details,
            self.publish,
            self.poster,
            self.caption,
            self.delete,
        ] {
            s.set(None);
        }
    }

    /// Runs a change: on success says `done` and reads the video again, on failure shows the
    /// API's message in `error`.
    pub(super) fn run(
        self,
        error: RwSignal<Option<String>>,
        done: &'static str,
        reload: impl Fn() + 'static,
        change: impl Future<Output = Result<(), ApiError>> + 'static,
    ) {
        // Boxed: one copy of the task for every button of every page.
        self.run_boxed(error, done, Box::new(reload), Box::pin(change));
    }

    fn run_boxed(
        self,
        error: RwSignal<Option<String>>,
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
                    self.done.try_set(Some(done.into()));
                    reload();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            self.busy.try_set(false);
        });
    }
}

/// An error message in a paragraph with `id`, if there is one.
pub(super) fn error_view(id: &'static str, error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="form-error" id=id role="alert">
                    {message}
                </p>
            }
        })
    }
}
