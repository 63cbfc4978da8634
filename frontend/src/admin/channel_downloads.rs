//! The channel page's "Downloads" section: whether the channel's videos (those without a
//! setting of their own) get MP4 and M4A downloads, saved by its own button, which sends the
//! setting only when it changed.

use crate::i18n::admin::downloads::Downloads as D;
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::channel_playback::{SaveChannelDownloads, save_channel_downloads};
use super::session::Session;
use super::site_kit::Status;

/// The section of the channel `id`, whose default was `was` when loaded.
pub(super) fn section(
    session: Session,
    status: Status,
    id: String,
    was: bool,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(now) = crate::admin::checked("channel-downloads").filter(|now| *now != was) else {
            status.say("downloads", D::NothingChanged.text(locale()));
            return;
        };
        let input = save_channel_downloads::UpdateChannelInput {
            id: id.clone(),
            name: None,
            slug: None,
            description: None,
            comment_moderation: None,
            playback_restriction: None,
            downloads_enabled: Some(now),
        };
        status.run(
            "downloads",
            session.call::<SaveChannelDownloads>(save_channel_downloads::Variables { input }),
            |_| D::Saved.text(locale()).into(),
            move |_| reload(),
        );
    };
    view! {
        <section aria-labelledby="downloads-heading">
            <h3 id="downloads-heading">{t(D::Heading)}</h3>
            <form id="channel-downloads-form" class="admin-form" on:submit=on_save>
                <p class="site-muted">{t(D::Hint)}</p>
                <p class="site-muted">{t(D::ChannelHint)}</p>
                <label class="checkbox" for="channel-downloads">
                    <input id="channel-downloads" type="checkbox" checked=was />
                    {t(D::ChannelOffer)}
                </label>
                {status.other_error("downloads", &[], "channel-downloads-error".into())}
                <button type="submit" id="save-channel-downloads" disabled=move || status.busy.get()>
                    {t(D::SaveChannel)}
                </button>
                {status.done_view("downloads", "channel-downloads-notice".into())}
            </form>
        </section>
    }
}
