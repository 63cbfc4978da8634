use leptos::prelude::*;

mod queues;

use self::queues::{Finished, Workspace};
use crate::admin::StateBadge;
use crate::admin::api::{self, ManagedChannel, VideoState};
use crate::admin::podcast_api;
use crate::admin::session::use_session;
use crate::components::{ErrorNotice, Loading};
use crate::i18n::admin::shell::{self, Shell};
use crate::i18n::{Message, locale, t};

/// `/admin`: the channels the user may manage, each with its videos, drafts included, and
/// where each video is (draft, processing, ready, or failed and why).
#[component]
pub fn DashboardPage() -> impl IntoView {
    crate::pages::set_title(Shell::Dashboard.text(locale()));
    let session = use_session();
    let channels = LocalResource::new(move || api::managed_channels(session));
    provide_context(Finished(RwSignal::new(0)));
    view! {
        <section class="dashboard">
            <h2>{t(Shell::Dashboard)}</h2>
            <Workspace />
            <h2>{t(Shell::YourChannels)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        channels.await.map(|channels| {
                            if channels.is_empty() {
                                view! {
                                    <p class="empty" id="no-channels">
                                        {t(Shell::NoChannels)}
                                    </p>
                                }
                                .into_any()
                            } else {
                                channels
                                    .into_iter()
                                    .map(|channel| view! { <ChannelVideos channel /> })
                                    .collect::<Vec<_>>()
                                    .into_any()
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// One channel's section of the dashboard: its videos, newest first.
#[component]
fn ChannelVideos(
    /// The channel.
    channel: ManagedChannel,
) -> impl IntoView {
    let session = use_session();
    let id = channel.id.clone();
    let videos = LocalResource::new(move || api::channel_videos(session, id.clone()));
    // Read again when a processing job ends (the workspace hears it live): no polling.
    if let Some(Finished(finished)) = use_context::<Finished>() {
        Effect::new(move |before: Option<u32>| {
            let now = finished.get();
            if before.is_some_and(|b| b != now) {
                videos.refetch();
            }
            now
        });
    }
    let channel_param = js_sys::encode_uri_component(&channel.id);
    let new_video = format!("/admin/videos/new?channel={channel_param}");
    let new_podcast = format!("/admin/podcasts/new?channel={channel_param}");
    let podcasts = {
        let id = channel.id.clone();
        LocalResource::new(move || podcast_api::channel_podcasts(session, id.clone()))
    };
    view! {
        <section class="admin-channel" data-channel=channel.slug.clone()>
            <header class="admin-channel-header">
                <h3>{channel.name}</h3>
                <a href=crate::api::channel_path(&channel.slug) class="public-link">
                    {t(Shell::PublicPage)}
                </a>
                <a href=new_video class="button new-video">
                    {t(Shell::NewVideo)}
                </a>
                <a href=new_podcast class="button new-podcast">
                    {t(Shell::NewPodcast)}
                </a>
            </header>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        videos.await.map(|videos| {
                            if videos.is_empty() {
                                view! { <p class="empty">{t(Shell::NoVideosYet)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-scroll">
                                    <table class="admin-videos">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t(Shell::Video)}</th>
                                                <th scope="col">{t(Shell::State)}</th>
                                                <th scope="col">{t(Shell::Visibility)}</th>
                                                <th scope="col">{t(Shell::Publication)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {videos.into_iter().map(row).collect::<Vec<_>>()}
                                        </tbody>
                                    </table>
                                    </div>
                                }
                                .into_any()
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <Transition fallback=|| ()>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        podcasts.await.map(|podcasts| {
                            (!podcasts.is_empty()).then(|| view! {
                                <h4 class="admin-podcasts-heading">{t(Shell::Podcasts)}</h4>
                                <ul class="admin-podcasts">
                                    {podcasts
                                        .into_iter()
                                        .map(|p| view! {
                                            <li>
                                                <a href=crate::admin::podcast_path(&p.id)>{p.title}</a>
                                                " "
                                                <span class="visibility">{crate::i18n::admin::podcasts::visibility(locale(), &p.visibility)}</span>
                                            </li>
                                        })
                                        .collect::<Vec<_>>()}
                                </ul>
                            })
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn row(video: VideoState) -> impl IntoView {
    let publication = video.publication();
    view! {
        <tr class="admin-video" data-uuid=video.uuid.clone()>
            <td class="admin-video-title">
                <a href=crate::admin::edit_path(&video.uuid)>{video.title}</a>
            </td>
            <td>
                <StateBadge phase=video.phase />
            </td>
            <td class="visibility">{shell::visibility(locale(), &video.visibility)}</td>
            <td class="publication">{shell::publication(locale(), publication)}</td>
        </tr>
    }
}
