use leptos::prelude::*;

use super::{ServerVersion, SiteHeader};

/// The whole page: header, content and a footer naming the server's version.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <SiteHeader />
        <main class="content">
            <p>"A headless video and podcast CMS."</p>
        </main>
        <footer class="site-footer">
            <ServerVersion />
        </footer>
    }
}
