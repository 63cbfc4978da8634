use leptos::prelude::*;

/// The "not found" view: for unknown addresses and for items that do not exist or are not
/// public.
#[component]
pub fn NotFound(
    /// What was not found, e.g. `video`, `channel`, `page`.
    what: &'static str,
) -> impl IntoView {
    view! {
        <section class="not-found" id="not-found">
            <h2>{format!("This {what} was not found")}</h2>
            <p>"It may have been removed, made private, or the address may be mistyped."</p>
            <p>
                <a href="/">"Back to the home page"</a>
            </p>
        </section>
    }
}
