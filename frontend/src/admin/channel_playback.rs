//! The channel page's "Where it can play" section: which sites may play the channel's videos
//! (those without a rule of their own), saved by its own button, which sends the rule only
//! when it changed. It loads the channel's downloads default too, for the section after it
//! ([`super::channel_downloads`]).

use crate::i18n::admin::playback::Playback as P;
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::playback::{PlaybackFields, Rule, RuleForm};
use super::session::Session;
use super::site_kit::Status;
use crate::components::{ErrorNotice, Loading};

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_playback.graphql",
            response_derives = "Debug, Clone",
            // Absent, not null: the API reads null as "clear", so what was not changed is not sent.
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(ChannelPlayback, SaveChannelPlayback, SaveChannelDownloads);

/// The channel's rule and its downloads default, as loaded.
async fn load(session: Session, id: String) -> Result<Option<(Rule, bool)>, crate::api::ApiError> {
    let data = session
        .call::<ChannelPlayback>(channel_playback::Variables { id })
        .await?;
    Ok(data.channel.map(|c| {
        let rule = Rule {
            domains: c.playback_restriction.allowed_domains,
            allow_no_referrer: c.playback_restriction.allow_no_referrer,
        };
        (rule, c.downloads_enabled)
    }))
}

/// The sections of the channel `id`: where it can play, then its downloads.
pub(super) fn section(session: Session, status: Status, id: String) -> impl IntoView {
    let loaded = LocalResource::new({
        let id = id.clone();
        move || load(session, id.clone())
    });
    let reload = move || loaded.refetch();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || {
                    let id = id.clone();
                    Suspend::new(async move {
                        loaded.await.map(|found| {
                            found.map(|(rule, downloads)| view! {
                                <section aria-labelledby="playback-heading">
                                    <h3 id="playback-heading">{t(P::Heading)}</h3>
                                    {form(session, status, id.clone(), rule, reload)}
                                </section>
                                {super::channel_downloads::section(session, status, id, downloads, reload)}
                            })
                        })
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

fn form(
    session: Session,
    status: Status,
    id: String,
    was: Rule,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let controls = RuleForm::of(Some(&was));
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(now) = controls
            .rule()
            .filter(|_| controls.change(Some(&was)).is_some())
        else {
            status.say("playback", P::NothingChanged.text(locale()));
            return;
        };
        let input = save_channel_playback::UpdateChannelInput {
            id: id.clone(),
            name: None,
            slug: None,
            description: None,
            comment_moderation: None,
            playback_restriction: Some(save_channel_playback::PlaybackRestrictionInput {
                allowed_domains: now.domains,
                allow_no_referrer: Some(now.allow_no_referrer),
            }),
            downloads_enabled: None,
        };
        status.run(
            "playback",
            session.call::<SaveChannelPlayback>(save_channel_playback::Variables { input }),
            |_| P::Saved.text(locale()).into(),
            move |_| reload(),
        );
    };
    view! {
        <form id="channel-playback-form" class="admin-form" on:submit=on_save>
            <PlaybackFields form=controls prefix="channel" />
            {status.other_error("playback", &[], "channel-playback-error".into())}
            <button type="submit" id="save-channel-playback" disabled=move || status.busy.get()>
                {t(P::SaveChannel)}
            </button>
            {status.done_view("playback", "channel-playback-notice".into())}
        </form>
    }
}
