//! The unsaved-changes warning: the browser's own question when the tab is closed or
//! reloaded (`beforeunload`), and a confirmation before an in-app link leaves the editor.

use crate::i18n::Message;
use crate::i18n::admin::editor::Editor as E;
use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Says whether the open editor holds changes nobody saved.
type Check = Box<dyn Fn() -> bool>;

thread_local! {
    /// The open editor's check, with the number [`guard`] gave it.
    static CHECK: RefCell<Option<(u64, Check)>> = const { RefCell::new(None) };
    /// The last number handed out.
    static LAST: Cell<u64> = const { Cell::new(0) };
    /// Whether the window's listeners are in place (once per page load).
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// The question asked before a link leaves unsaved changes behind.
/// (in the reader's language).
fn question() -> &'static str {
    E::Unsaved.text(crate::i18n::locale())
}

/// Warns before leaving while `check` says there are unsaved changes; returns the number to
/// hand to [`unguard`]. A newer editor's guard replaces an older one's.
pub(super) fn guard(check: impl Fn() -> bool + 'static) -> u64 {
    install();
    let id = LAST.with(|l| {
        l.set(l.get() + 1);
        l.get()
    });
    CHECK.with_borrow_mut(|c| *c = Some((id, Box::new(check))));
    id
}

/// Ends guard `id` (an editor going away); a newer guard stays.
pub(super) fn unguard(id: u64) {
    CHECK.with_borrow_mut(|c| {
        if c.as_ref().is_some_and(|(current, _)| *current == id) {
            *c = None;
        }
    });
}

fn unsaved() -> bool {
    CHECK.with_borrow(|c| c.as_ref().is_some_and(|(_, check)| check()))
}

fn install() {
    if INSTALLED.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let before_unload =
        Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(|event: web_sys::BeforeUnloadEvent| {
            if unsaved() {
                event.prevent_default();
                event.set_return_value(question());
            }
        });
    // Capture phase: this runs before the router's own click handler turns the click into
    // an in-app navigation.
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|event: web_sys::MouseEvent| {
        let Some(link) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if link.get_attribute("target").is_some() || !unsaved() {
            return;
        }
        let leave = web_sys::window()
            .and_then(|w| w.confirm_with_message(question()).ok())
            .unwrap_or(true);
        if leave {
            CHECK.with_borrow_mut(|c| *c = None);
        } else {
            event.prevent_default();
            event.stop_immediate_propagation();
        }
    });
    let _ = window
        .add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        click.as_ref().unchecked_ref(),
        true,
    );
    // They live as long as the page.
    before_unload.forget();
    click.forget();
}
