//! The editor's form as data: what the editor changed against the video as loaded, as the
//! fields of an `updateVideo` input. A field nobody touched is not in it, so a Save with no
//! change sends only the ID; a field emptied is sent as `null` (the API's "clear").

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::calls::{ChapterData, EditorVideo, TagRef};
use super::chapters::{ChapterRow, parse_time};
use super::schedule::{from_local_input, to_local_input};
use crate::admin::field;
use crate::admin::playback::RuleForm;

/// The parts of the form that live in signals (the rest is read from the controls).
#[derive(Clone, Copy)]
pub(super) struct Form {
    /// The video's tags as edited.
    pub(super) tags: RwSignal<Vec<TagRef>>,
    /// The chapters as edited.
    pub(super) chapters: RwSignal<Vec<ChapterRow>>,
    /// Where it can play, as edited.
    pub(super) playback: RuleForm,
}

impl Form {
    /// The form of `video` as loaded.
    pub(super) fn of(video: &EditorVideo) -> Self {
        Self {
            tags: RwSignal::new(video.tags.clone()),
            chapters: RwSignal::new(video.chapters.iter().map(ChapterRow::of).collect()),
            playback: RuleForm::of(video.playback.as_ref()),
        }
    }

    /// Whether anything differs from `video` (a form that cannot be read counts as changed).
    pub(super) fn is_changed(self, video: &EditorVideo) -> bool {
        self.changes(video).map(|c| !c.is_empty()).unwrap_or(true)
    }

    /// The `updateVideo` input fields that differ from `video`; an error names what cannot
    /// be sent as it is (`chapters: ...`).
    pub(super) fn changes(self, video: &EditorVideo) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        let state = &video.state;
        let text = |out: &mut Map<String, Value>, key: &str, id: &str, was: &str| {
            let now = field(id);
            if now != was {
                out.insert(key.into(), Value::String(now));
            }
        };
        text(&mut out, "title", "video-title", &state.title);
        text(&mut out, "slug", "video-slug", &video.slug);
        text(
            &mut out,
            "description",
            "video-description",
            &video.description,
        );
        text(
            &mut out,
            "visibility",
            "video-visibility",
            &state.visibility,
        );
        // Optional fields: empty means none, and emptying one clears it.
        let optional = |out: &mut Map<String, Value>, key: &str, now: String, was: Option<&str>| {
            let now = now.trim().to_owned();
            if now != was.unwrap_or_default() {
                let value = if now.is_empty() {
                    Value::Null
                } else {
                    Value::String(now)
                };
                out.insert(key.into(), value);
            }
        };
        optional(
            &mut out,
            "language",
            field("video-language"),
            video.language.as_deref(),
        );
        optional(
            &mut out,
            "license",
            field("video-license"),
            video.license.as_deref(),
        );
        optional(
            &mut out,
            "categoryId",
            field("video-category"),
            video.category_id.as_deref(),
        );
        // Compared as the pickers show them (to the minute), so an untouched window whose
        // start has seconds is not rewritten.
        for (key, id, was) in [
            ("publishAt", "publish-at", &state.publish_at),
            ("unpublishAt", "unpublish-at", &state.unpublish_at),
        ] {
            let now = field(id);
            let before = was.as_deref().map(to_local_input).unwrap_or_default();
            if now != before {
                let value = match from_local_input(&now) {
                    Some(iso) => Value::String(iso),
                    None if now.is_empty() => Value::Null,
                    None => {
                        return Err(crate::i18n::admin::editor::not_a_date(
                            crate::i18n::locale(),
                            key,
                        ));
                    }
                };
                out.insert(key.into(), value);
            }
        }
        if let Some(on) = crate::admin::checked("video-comments-enabled")
            && on != video.comments_enabled
        {
            out.insert("commentsEnabled".into(), Value::Bool(on));
        }
        let tags = self.tags.try_get_untracked().unwrap_or_default();
        let same_tags = {
            let mut a: Vec<&str> = tags.iter().map(|t| t.id.as_str()).collect();
            let mut b: Vec<&str> = video.tags.iter().map(|t| t.id.as_str()).collect();
            a.sort_unstable();
            b.sort_unstable();
            a == b
        };
        if !same_tags {
            let ids = tags.iter().map(|t| Value::String(t.id.clone())).collect();
            out.insert("tagIds".into(), Value::Array(ids));
        }
        let chapters = self.chapter_data()?;
        let same_chapters = chapters.len() == video.chapters.len()
            && chapters
                .iter()
                .zip(&video.chapters)
                .all(|(a, b)| a.title == b.title && (a.start_secs - b.start_secs).abs() < 0.0005);
        if !same_chapters {
            let list = chapters
                .into_iter()
                .map(|c| serde_json::json!({ "title": c.title, "startSecs": c.start_secs }))
                .collect();
            out.insert("chapters".into(), Value::Array(list));
        }
        // Following the channel is null, not absent: absent is "unchanged".
        if let Some(rule) = self.playback.change(video.playback.as_ref()) {
            out.insert("playbackRestriction".into(), rule);
        }
        if let Some(value) =
            super::downloads::change(&field("video-downloads"), video.downloads_enabled)
        {
            out.insert("downloadsEnabled".into(), value);
        }
        Ok(out)
    }

    /// The chapters as typed, or why they cannot be read.
    fn chapter_data(self) -> Result<Vec<ChapterData>, String> {
        let rows = self.chapters.try_get_untracked().unwrap_or_default();
        rows.iter()
            .map(|row| {
                let title = row.title.try_get_untracked().unwrap_or_default();
                let start = row.start.try_get_untracked().unwrap_or_default();
                let start_secs = parse_time(&start).ok_or_else(|| {
                    crate::i18n::admin::editor::not_a_time(crate::i18n::locale(), &start)
                })?;
                Ok(ChapterData {
                    title: title.trim().to_owned(),
                    start_secs,
                })
            })
            .collect()
    }
}
