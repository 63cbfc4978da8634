//! The video's downloads: whether it offers them (its channel's default, said, or its own on or
//! off), part of the details form, and the files once made, each with its kind, size and link.

use crate::i18n::admin::downloads::{self as text, Downloads as D};
use crate::i18n::{locale, t};
use leptos::prelude::*;
use serde_json::Value;

use super::calls::DownloadFile;

/// The `downloadsEnabled` to send when the control says `chosen` (`channel`, `on`, `off`) and
/// the video had `was`: `None` when that is no change (or the control cannot be read), `null`
/// to follow the channel again.
pub(super) fn change(chosen: &str, was: Option<bool>) -> Option<Value> {
    let now = match chosen {
        "channel" => None,
        "on" => Some(true),
        "off" => Some(false),
        _ => return None,
    };
    (now != was).then(|| now.map_or(Value::Null, Value::Bool))
}

/// The control and the files.
#[component]
pub(super) fn DownloadsFields(
    /// The video's own setting as loaded (`None`: its channel's).
    own: Option<bool>,
    /// Its channel's setting.
    channel: bool,
    /// The files made.
    files: Vec<DownloadFile>,
) -> impl IntoView {
    let option = move |value: &'static str, label: D, selected: bool| {
        view! { <option value=value selected=selected>{t(label)}</option> }
    };
    let follow = if channel { D::FollowOn } else { D::FollowOff };
    let listed = if files.is_empty() {
        let why = if own.unwrap_or(channel) {
            D::NotMadeYet
        } else {
            D::AreOff
        };
        view! { <p class="site-muted" id="video-downloads-none">{t(why)}</p> }.into_any()
    } else {
        view! {
            <ul class="site-rows" id="video-download-list">
                {files.into_iter().map(file_row).collect::<Vec<_>>()}
            </ul>
        }
        .into_any()
    };
    view! {
        <fieldset class="downloads-fields" id="video-downloads-fields">
            <legend>{t(D::Heading)}</legend>
            <p class="site-muted">{t(D::Hint)}</p>
            <label for="video-downloads">{t(D::Offer)}</label>
            <select id="video-downloads" name="downloads">
                {option("channel", follow, own.is_none())}
                {option("on", D::On, own == Some(true))}
                {option("off", D::Off, own == Some(false))}
            </select>
            <h4>{t(D::Files)}</h4>
            {listed}
        </fieldset>
    }
}

/// A file's row: its kind, its size (and frame size), and its link.
fn file_row(file: DownloadFile) -> impl IntoView {
    let kind = if file.format == "MP4" { D::Mp4 } else { D::M4a };
    let frame = file
        .width
        .zip(file.height)
        .map(|(w, h)| format!(" · {w}×{h}"))
        .unwrap_or_default();
    view! {
        <li class="site-row download-row" data-format=file.format.clone()>
            <div class="site-row-head">
                <strong class="download-kind">{t(kind)}</strong>
                <span class="download-size">{text::size(locale(), file.bytes)}</span>
                <span class="site-muted">{frame}</span>
                <a class="download-link" href=file.url download="">{t(D::Download)}</a>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_changed_downloads_choice_is_sent_and_following_the_channel_is_null() {
        assert_eq!(change("channel", None), None);
        assert_eq!(change("on", Some(true)), None);
        assert_eq!(change("off", Some(false)), None);
        assert_eq!(change("on", None), Some(Value::Bool(true)));
        assert_eq!(change("off", Some(true)), Some(Value::Bool(false)));
        assert_eq!(change("channel", Some(false)), Some(Value::Null));
        // No control on the page: nothing is sent.
        assert_eq!(change("", Some(true)), None);
    }
}
