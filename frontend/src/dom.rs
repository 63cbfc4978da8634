//! Reading the page's form controls by id, for forms whose values are read once, on submit.

use wasm_bindgen::JsCast;

fn input(id: &str) -> Option<web_sys::HtmlInputElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
}

/// The value of the `<input>` with this id (empty when there is none).
pub fn input_value(id: &str) -> String {
    input(id).map(|i| i.value()).unwrap_or_default()
}

/// Empties the `<input>` with this id.
pub fn clear_input(id: &str) {
    if let Some(i) = input(id) {
        i.set_value("");
    }
}

/// The first file chosen in the file input with this id.
pub fn chosen_file(id: &str) -> Option<web_sys::File> {
    input(id)
        .and_then(|i| i.files())
        .and_then(|files| files.get(0))
}

/// Whether the checkbox with this id is checked; `None` when there is none.
pub fn checked(id: &str) -> Option<bool> {
    input(id).map(|i| i.checked())
}
