//! Entry point of the single-page app: it only mounts [`App`] on the page.

use projector_frontend::components::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
