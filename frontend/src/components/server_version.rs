use leptos::prelude::*;

use crate::api;
use crate::i18n::site::Site;
use crate::i18n::t;

/// "Server version 0.1.0", fetched from the API once when shown.
///
/// The version itself sits alone in `#server-version` so tests and scripts can read it.
#[component]
pub fn ServerVersion() -> impl IntoView {
    let version = LocalResource::new(api::server_version);

    view! {
        <p class="server-version">
            {t(Site::ServerVersion)}
            " "
            <Transition fallback=|| view! { <span class="loading">"…"</span> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <span class="error">
                            {move || {
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|(_, error)| error.to_string())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            }}
                        </span>
                    }
                }>
                    {move || Suspend::new(async move {
                        version.await.map(|v| view! { <span id="server-version">{v}</span> })
                    })}
                </ErrorBoundary>
            </Transition>
        </p>
    }
}
