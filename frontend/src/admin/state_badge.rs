use leptos::prelude::*;

use super::api::Phase;
use crate::i18n::admin::shell;
use crate::i18n::locale;

/// A video's state in a word (`draft`, `processing 40%`, `ready`, `failed`), and for a failure
/// (or a refused replacement of media that stays ready) the API's reason beside it.
#[component]
pub fn StateBadge(
    /// The state to show.
    phase: Phase,
) -> impl IntoView {
    let label = match &phase {
        Phase::Processing(Some(p)) => shell::processing_percent(locale(), *p),
        other => shell::state_word(locale(), other.word()).to_owned(),
    };
    let reason = match phase.clone() {
        Phase::Failed(reason) => Some(view! { <span class="state-reason">{reason}</span> }),
        // The earlier media still plays; say why the newer file did not replace it.
        Phase::Ready(Some(reason)) => Some(
            view! { <span class="state-reason">{shell::new_file_not_used(locale(), &reason)}</span> },
        ),
        _ => None,
    };
    view! {
        <span class="video-state">
            <span class=format!("state state-{}", phase.word())>{label}</span>
            {reason}
        </span>
    }
}
