//! The publish window: date-time pickers in the editor's time zone (saved with the form), and
//! {t(E::PublishNow)} / "Unpublish" buttons that act at once.

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::admin::shell;
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::feedback::{Feedback, Feedbacks};
use crate::admin::api::{self, VideoState};
use crate::admin::session::Session;

/// An RFC 3339 time as a `datetime-local` value in the browser's time zone (to the minute).
pub(super) fn to_local_input(iso: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// A `datetime-local` value (the browser's time zone) as RFC 3339 UTC; `None` when empty or
/// unreadable.
pub(super) fn from_local_input(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    // A date-time without an offset is read as local time.
    let date = js_sys::Date::new(&JsValue::from_str(value));
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// The browser's time zone, e.g. `Europe/Paris (UTC+01:00)`.
pub(super) fn time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let name = js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| E::LocalTime.text(locale()).into());
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let sign = if offset < 0.0 { '-' } else { '+' };
    let minutes = offset.abs() as i64;
    format!("{name} (UTC{sign}{:02}:{:02})", minutes / 60, minutes % 60)
}

/// The schedule fields of the form (saved by its Save button).
#[component]
pub(super) fn ScheduleFields(
    /// The video as loaded.
    state: VideoState,
    /// The Save button's feedback.
    feedback: Feedback,
) -> impl IntoView {
    let zone = time_zone();
    let start = state.publish_at.as_deref().map(to_local_input);
    let end = state.unpublish_at.as_deref().map(to_local_input);
    view! {
        <fieldset class="schedule" id="schedule">
            <legend>{t(E::PublishWindow)}</legend>
            <p class="hint" id="time-zone">{text::times_in(locale(), &zone)}</p>
            <label for="publish-at">{t(E::GoesOut)}</label>
            <input id="publish-at" type="datetime-local" value=start />
            {feedback.beside("publishAt")}
            <label for="unpublish-at">{t(E::ComesDown)}</label>
            <input id="unpublish-at" type="datetime-local" value=end />
            {feedback.beside("unpublishAt")}
        </fieldset>
    }
}

/// The publishing panel: where the video is, and buttons that publish or unpublish it now.
#[component]
pub(super) fn PublishPanel(
    session: Session,
    /// The video as loaded.
    state: VideoState,
    /// Every panel's feedback.
    feedbacks: Feedbacks,
    /// Reads the video again.
    reload: Callback<()>,
) -> impl IntoView {
    let video_id = state.id.clone();
    let act = move |publish: bool| {
        let id = video_id.clone();
        move |_| {
            let id = id.clone();
            let reload = move || reload.run(());
            if publish {
                let change = api::publish_video(session, id);
                feedbacks.run(
                    feedbacks.publish,
                    E::PublishedDone.text(locale()),
                    reload,
                    change,
                );
            } else {
                let change = api::unpublish_video(session, id);
                feedbacks.run(
                    feedbacks.publish,
                    E::UnpublishedDone.text(locale()),
                    reload,
                    change,
                );
            }
        }
    };
    let busy = move || feedbacks.busy.get();
    view! {
        <section aria-labelledby="publish-heading">
            <h3 id="publish-heading">{t(E::Publishing)}</h3>
            <p>
                {t(E::ThisVideoIs)} <strong>{shell::publication(locale(), state.publication())}</strong>
                {text::and_visibility(locale(), &state.visibility)}
                {t(E::SetWindow)}
            </p>
            <button type="button" id="publish-video" on:click=act(true) disabled=busy>
                {t(E::PublishNow)}
            </button>
            " "
            <button type="button" id="unpublish-video" on:click=act(false) disabled=busy>
                {t(E::Unpublish)}
            </button>
            {feedbacks.publish.view("publish")}
        </section>
    }
}
