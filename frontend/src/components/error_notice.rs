use leptos::prelude::*;

use crate::i18n::discovery::Discovery;
use crate::i18n::t;

/// What a page shows when its data could not be fetched: the errors, in words.
#[component]
pub fn ErrorNotice(
    /// The errors an `<ErrorBoundary>` caught.
    errors: ArcRwSignal<Errors>,
) -> impl IntoView {
    view! {
        <div class="error" role="alert">
            <p>{t(Discovery::SomethingWentWrong)}</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect::<Vec<_>>()
                }}
            </ul>
        </div>
    }
}
