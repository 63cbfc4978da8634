//! `/admin/videos/{uuid}`: the video editor, one panel per file. The page loads the video and
//! the taxonomy, and owns what outlives a re-read: each panel's feedback and the upload's
//! progress. The form sends only what the editor changed ([`form`]), and warns before
//! unsaved changes are left behind ([`guard`]).

mod calls;
mod captions;
mod chapters;
mod danger;
mod details;
mod downloads;
mod feedback;
mod form;
mod guard;
mod pictures;
mod preview;
mod schedule;
mod taxonomy;

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::admin::shell;
use crate::i18n::{locale, t};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use self::calls::{CategoryOption, EditorVideo, TagRef};
use self::captions::CaptionsPanel;
use self::danger::DeletePanel;
use self::details::DetailsForm;
use self::feedback::Feedbacks;
use self::form::Form;
use self::pictures::PosterPanel;
use self::preview::Preview;
use self::schedule::PublishPanel;
use super::StateBadge;
use super::session::{Session, use_session};
use super::upload_panel::{MediaTarget, UploadPanel, UploadProgress};
use crate::admin::views_chart::{ViewsChart, ViewsOf};
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::site::Missing;

/// `/admin/videos/{uuid}`: a video's editor. "Not found" for a video the user may not manage.
#[component]
pub fn EditVideoPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let video = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        calls::editor_video(session, id)
    });
    let taxonomy = LocalResource::new(move || calls::taxonomy(session));
    let progress = RwSignal::new(UploadProgress::Idle);
    let feedbacks = Feedbacks::new();
    // The upload settled: read the video again (thumbnails, captions, state).
    Effect::new(move |_| {
        if matches!(progress.get(), UploadProgress::Done(_)) {
            video.refetch();
        }
    });
    let reload = Callback::new(move |()| video.refetch());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let found = video.await?;
                    let (tags, categories) = taxonomy.await?;
                    Ok::<_, crate::api::ApiError>(match found {
                        Some(v) => view! {
                            <Editor session video=v tags categories progress feedbacks reload />
                        }
                        .into_any(),
                        None => view! { <NotFound what=Missing::Video /> }.into_any(),
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The editor of one loaded video: every panel.
#[component]
fn Editor(
    session: Session,
    /// The video as loaded.
    video: EditorVideo,
    /// Every tag there is.
    tags: Vec<TagRef>,
    /// The category tree.
    categories: Vec<CategoryOption>,
    /// The upload's progress (owned by the page).
    progress: RwSignal<UploadProgress>,
    /// Every panel's feedback (owned by the page).
    feedbacks: Feedbacks,
    /// Reads the video again.
    reload: Callback<()>,
) -> impl IntoView {
    crate::pages::set_title(&text::edit_title(locale(), &video.state.title));
    let form = Form::of(&video);
    let known_tags = RwSignal::new(tags);
    let guard_id = {
        let video = video.clone();
        guard::guard(move || form.is_changed(&video))
    };
    on_cleanup(move || guard::unguard(guard_id));
    let on_deleted = Callback::new(move |()| guard::unguard(guard_id));
    let state = video.state.clone();
    view! {
        <article class="video-editor">
            <header class="editor-header">
                <h2 id="edit-title">{state.title.clone()}</h2>
                <p class="video-meta">
                    {video.channel_name.clone()}
                    " · "
                    <StateBadge phase=state.phase.clone() />
                    " · "
                    <span id="publication">{shell::publication(locale(), state.publication())}</span>
                    " · "
                    <a href=crate::api::watch_path(&state.uuid) id="watch-link">
                        {t(E::ViewOnSite)}
                    </a>
                </p>
            </header>
            <div class="editor-media">
                <Preview src=video.hls_url.clone() poster=state.poster_url.clone() />
                <UploadPanel target=MediaTarget::Video(state.id.clone()) phase=state.phase.clone() progress />
            </div>
            <ViewsChart of=ViewsOf::Video(state.id.clone()) />
            <DetailsForm session video=video.clone() form known_tags categories feedbacks reload />
            <PublishPanel session state=state.clone() feedbacks reload />
            <PosterPanel session video=video.clone() feedbacks reload />
            <CaptionsPanel session id=state.id.clone() captions=video.captions.clone() feedbacks reload />
            <DeletePanel session id=state.id.clone() title=state.title.clone() feedbacks on_deleted />
        </article>
    }
}
