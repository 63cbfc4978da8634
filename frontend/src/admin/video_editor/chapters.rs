//! The chapters editor: add, remove, reorder, times checked against the video's length as
//! they are typed, and "set from the player" to take the preview's current time.

use crate::i18n::admin::editor::{self as text, ChapterLabel, Editor as E};
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::calls::ChapterData;
use super::feedback::Feedback;
use super::preview::PREVIEW_ID;
use crate::format;

/// One chapter row as typed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ChapterRow {
    /// Stable key for the list.
    key: u64,
    /// Title as typed.
    pub(super) title: RwSignal<String>,
    /// Start as typed (`1:05`, `65`, `1:02:03.5`).
    pub(super) start: RwSignal<String>,
}

impl ChapterRow {
    /// A row holding a stored chapter.
    pub(super) fn of(chapter: &ChapterData) -> Self {
        Self::new(chapter.title.clone(), format_time(chapter.start_secs))
    }

    fn new(title: String, start: String) -> Self {
        thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
        Self {
            key: NEXT.with(|n| n.replace(n.get() + 1)),
            title: RwSignal::new(title),
            start: RwSignal::new(start),
        }
    }
}

/// Seconds as the editor writes them: `m:ss` or `h:mm:ss`, with a fraction when there is one.
pub(super) fn format_time(secs: f64) -> String {
    let whole = secs.floor();
    let fraction = secs - whole;
    let clock = format::duration(whole);
    if fraction >= 0.0005 {
        let digits = format!("{fraction:.3}");
        format!(
            "{clock}{}",
            digits.trim_start_matches('0').trim_end_matches('0')
        )
    } else {
        clock
    }
}

/// A time typed as seconds (`65`, `65.5`) or a clock (`1:05`, `1:02:03.5`).
pub(super) fn parse_time(text: &str) -> Option<f64> {
    let mut total = 0.0;
    for part in text.trim().split(':') {
        let value: f64 = part.trim().parse().ok()?;
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        total = total * 60.0 + value;
    }
    Some(total)
}

/// What is wrong with row `index` of `rows`, checked as it is typed.
fn problem(rows: &[ChapterRow], index: usize, duration: Option<f64>) -> Option<String> {
    let row = rows.get(index)?;
    if row.title.with(|t| t.trim().is_empty()) {
        return Some(E::GiveTitle.text(locale()).into());
    }
    let start = row.start.with(|s| parse_time(s));
    let Some(start) = start else {
        return Some(E::WriteStart.text(locale()).into());
    };
    if let Some(d) = duration.filter(|d| start >= *d) {
        return Some(text::after_end(locale(), d));
    }
    let previous = index
        .checked_sub(1)
        .and_then(|i| rows.get(i))
        .and_then(|p| p.start.with(|s| parse_time(s)));
    match previous {
        Some(p) if start <= p => Some(E::AfterAbove.text(locale()).into()),
        _ => None,
    }
}

/// The preview player's current time, if it is there.
fn player_time() -> Option<f64> {
    web_sys::window()?
        .document()?
        .get_element_by_id(PREVIEW_ID)?
        .dyn_into::<web_sys::HtmlMediaElement>()
        .ok()
        .map(|v| v.current_time())
}

/// The chapters panel.
#[component]
pub(super) fn ChaptersPanel(
    /// The rows being edited.
    chapters: RwSignal<Vec<ChapterRow>>,
    /// The video's length, when known (times must be inside it).
    duration: Option<f64>,
    /// The Save button's feedback (API errors about chapters show here).
    feedback: Feedback,
) -> impl IntoView {
    let add = move |_| {
        let last = chapters.with(|rows| {
            rows.last()
                .and_then(|r| r.start.with(|s| parse_time(s)))
                .map(|s| format_time(s.floor() + 1.0))
        });
        let start = last.unwrap_or_else(|| "0:00".into());
        chapters.update(|rows| rows.push(ChapterRow::new(String::new(), start)));
    };
    let length = duration.map(|d| text::video_length(locale(), d));
    view! {
        <fieldset class="chapters" id="chapters-editor">
            <legend>{t(E::Chapters)}</legend>
            <p class="hint">
                {t(E::ChaptersHint)}
                {length}
            </p>
            <ol class="chapter-list" id="chapter-list">
                <For
                    each=move || chapters.get().into_iter().enumerate()
                    key=|(i, row)| (*i, row.key)
                    children=move |(index, row)| chapter_row(chapters, index, row, duration)
                />
            </ol>
            <button type="button" id="chapter-add" on:click=add>
                {t(E::AddChapter)}
            </button>
            {feedback.beside("chapters")}
        </fieldset>
    }
}

fn chapter_row(
    chapters: RwSignal<Vec<ChapterRow>>,
    index: usize,
    row: ChapterRow,
    duration: Option<f64>,
) -> impl IntoView {
    let count = move || chapters.with(Vec::len);
    let swap = move |a: usize, b: usize| chapters.update(|rows| rows.swap(a, b));
    let remove = move |_| {
        chapters.update(|rows| {
            rows.remove(index);
        })
    };
    let from_player = move |_| {
        if let Some(t) = player_time() {
            row.start.set(format_time((t * 10.0).round() / 10.0));
        }
    };
    let problem = move || chapters.with(|rows| problem(rows, index, duration));
    let n = index + 1;
    view! {
        <li class="chapter-row" data-index=index>
            <label class="visually-hidden" for=format!("chapter-title-{index}")>
                {text::chapter_label(locale(), ChapterLabel::Title, n)}
            </label>
            <input
                id=format!("chapter-title-{index}")
                class="chapter-title"
                type="text"
                placeholder=t(E::ChapterTitle)
                prop:value=move || row.title.get()
                on:input=move |ev| row.title.set(event_target_value(&ev))
            />
            <label class="visually-hidden" for=format!("chapter-start-{index}")>
                {text::chapter_label(locale(), ChapterLabel::Start, n)}
            </label>
            <input
                id=format!("chapter-start-{index}")
                class="chapter-start"
                type="text"
                inputmode="decimal"
                size="8"
                prop:value=move || row.start.get()
                on:input=move |ev| row.start.set(event_target_value(&ev))
            />
            <button type="button" class="chapter-now" title=t(E::FromPlayerHint) on:click=from_player>
                {t(E::SetFromPlayer)}
            </button>
            <button type="button" class="chapter-up" aria-label=text::chapter_label(locale(), ChapterLabel::Up, n)
                disabled=move || index == 0 on:click=move |_| swap(index - 1, index)>
                "↑"
            </button>
            <button type="button" class="chapter-down" aria-label=text::chapter_label(locale(), ChapterLabel::Down, n)
                disabled={move || index + 1 >= count()} on:click=move |_| swap(index, index + 1)>
                "↓"
            </button>
            <button type="button" class="chapter-remove" aria-label=text::chapter_label(locale(), ChapterLabel::Remove, n) on:click=remove>
                {t(E::Remove)}
            </button>
            {move || problem().map(|p| view! { <span class="field-error chapter-problem">{p}</span> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_times_read_back_as_they_were_written() {
        assert_eq!(parse_time("1:05"), Some(65.0));
        assert_eq!(parse_time("65.5"), Some(65.5));
        assert_eq!(parse_time("1:02:03"), Some(3723.0));
        assert_eq!(parse_time("a:05"), None);
        assert_eq!(parse_time("-3"), None);
        for secs in [0.0, 65.0, 62.5, 3723.25, 10.125] {
            assert_eq!(parse_time(&format_time(secs)), Some(secs), "{secs}");
        }
    }
}
