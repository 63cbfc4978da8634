//! `/admin/channels`: the channels the user manages and a new one; `/admin/channels/{id}`: a
//! channel's name, slug and description, its avatar and banner, its members and their roles,
//! where its videos can play ([`super::channel_playback`]), and its deletion (after a
//! confirmation that says what goes with it).

use crate::i18n::admin::shell::Shell;
use crate::i18n::admin::site::{self as text, Say, SitePages as S};
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::session::{Session, use_session};
use super::site_kit::{Status, changed, clear_fields, enum_value, non_blank};
use super::{chosen_file, field};
use crate::api::ApiError;
use crate::components::{ErrorNotice, Loading, NotFound};
use crate::i18n::site::Missing;

/// `Upload`: null in the variables; the file travels as a part of a multipart request.
type Upload = ();

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_site_channels.graphql",
            response_derives = "Debug, Clone",
            // Absent, not null: the API reads null as "clear", so what was not changed is not sent.
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SiteChannels,
    SiteChannel,
    SiteCreateChannel,
    SiteUpdateChannel,
    SiteDeleteChannel,
    SiteAddChannelMember,
    SiteRemoveChannelMember,
    SiteUploadImage
);

/// The admin path of a channel's page.
pub fn channel_admin_path(id: &str) -> String {
    format!("/admin/channels/{id}")
}

/// `/admin/channels`: the channels the user manages, and a form for a new one.
#[component]
pub fn ManageChannelsPage() -> impl IntoView {
    crate::pages::set_title(Shell::Channels.text(locale()));
    let session = use_session();
    let list = LocalResource::new(move || session.call::<SiteChannels>(site_channels::Variables));
    let status = Status::new();
    let busy = move || status.busy.get();
    let navigate = use_navigate();
    let query = use_query_map();
    let deleted = move || {
        query.read().get("deleted").map(|name| {
            view! { <p class="notice" id="deleted-notice" role="status">{text::say(locale(), Say::DeletedNamed(&name))}</p> }
        })
    };
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_channel::CreateChannelInput {
            name: field("new-channel-name"),
            slug: non_blank(field("new-channel-slug")),
            description: non_blank(field("new-channel-description")),
        };
        let navigate = navigate.clone();
        status.run(
            "create",
            session.call::<SiteCreateChannel>(site_create_channel::Variables { input }),
            |_| S::ChannelCreated.text(locale()).into(),
            move |data| {
                clear_fields(&[
                    "new-channel-name",
                    "new-channel-slug",
                    "new-channel-description",
                ]);
                navigate(
                    &format!(
                        "{}?created=1",
                        channel_admin_path(&data.create_channel.channel.id)
                    ),
                    NavigateOptions::default(),
                );
            },
        );
    };
    view! {
        <article class="site-page channels-page">
            <h2 id="page-title">{t(Shell::Channels)}</h2>
            {deleted}
            <section aria-labelledby="channels-heading">
                <h3 id="channels-heading">{t(S::ChannelsYouManage)}</h3>
                <Transition fallback=|| view! { <Loading /> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                        {move || Suspend::new(async move {
                            list.await
                                .map(|data| {
                                    let channels = data.channels.nodes;
                                    if channels.is_empty() {
                                        return view! {
                                            <p class="empty" id="no-channels">{t(S::NoChannels)}</p>
                                        }
                                            .into_any();
                                    }
                                    view! {
                                        <ul class="site-rows" id="channel-list">
                                            {channels
                                                .into_iter()
                                                .map(|c| {
                                                    view! {
                                                        <li class="site-row channel-row" data-slug=c.slug.clone()>
                                                            <div class="site-row-head">
                                                                {c.avatar_url.map(|src| view! { <img class="avatar-preview" src=src alt="" width="40" height="40" /> })}
                                                                <a class="channel-name" href=channel_admin_path(&c.id)>{c.name}</a>
                                                                <span class="site-muted">{format!("/channels/{}", c.slug)}</span>
                                                            </div>
                                                        </li>
                                                    }
                                                })
                                                .collect::<Vec<_>>()}
                                        </ul>
                                    }
                                        .into_any()
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
            <section aria-labelledby="new-channel-heading" class="site-card">
                <h3 id="new-channel-heading">{t(S::NewChannel)}</h3>
                <form id="new-channel-form" class="admin-form" on:submit=on_create>
                    <label for="new-channel-name">{t(S::Name)}</label>
                    <input id="new-channel-name" type="text" autocomplete="off" />
                    {status.field_error("create", "name", "new-channel-name-error".into())}
                    <label for="new-channel-slug">{t(S::SlugOptional)}</label>
                    <input id="new-channel-slug" type="text" autocomplete="off" />
                    {status.field_error("create", "slug", "new-channel-slug-error".into())}
                    <label for="new-channel-description">{t(S::DescriptionOptional)}</label>
                    <textarea id="new-channel-description" rows="3"></textarea>
                    {status.other_error("create", &["name", "slug"], "new-channel-error".into())}
                    <button type="submit" id="new-channel-submit" disabled=busy>
                        {t(S::CreateChannel)}
                    </button>
                </form>
            </section>
        </article>
    }
}

/// `/admin/channels/{id}`: one channel, for those who manage it.
#[component]
pub fn ManageChannelPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let channel = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move {
            match session
                .call::<SiteChannel>(site_channel::Variables { id })
                .await
            {
                Ok(data) => Ok(data.channel.filter(|c| c.viewer_can_manage)),
                Err(e) if matches!(e.code(), Some("NOT_FOUND" | "VALIDATION")) => Ok(None),
                Err(e) => Err::<_, ApiError>(e),
            }
        }
    });
    let status = Status::new();
    if use_query_map().read_untracked().get("created").is_some() {
        status.say("details", S::ChannelCreated.text(locale()));
    }
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    channel
                        .await
                        .map(|found| match found {
                            Some(c) => editor(session, status, c, move || channel.refetch()).into_any(),
                            None => view! { <NotFound what=Missing::Channel /> }.into_any(),
                        })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn editor(
    session: Session,
    status: Status,
    channel: site_channel::SiteChannelChannel,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    crate::pages::set_title(&text::say(locale(), Say::ChannelTitle(&channel.name)));
    view! {
        <article class="site-page channel-editor">
            <header class="editor-header">
                <h2 id="edit-title">{channel.name.clone()}</h2>
                <p class="video-meta">
                    <a href=crate::api::channel_path(&channel.slug)>{t(S::ViewOnSite)}</a>
                    " · "
                    <a href="/admin/channels">{t(S::AllChannels)}</a>
                </p>
            </header>

            {details_section(session, status, &channel, reload)}
            {pictures_section(session, status, &channel, reload)}
            {members_section(session, status, &channel, reload)}
            {super::channel_playback::section(session, status, channel.id.clone())}
            {delete_channel_section(session, status, &channel)}
        </article>
    }
}

/// The details form: name, slug, description and comment moderation; Save sends what changed.
fn details_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    channel: &site_channel::SiteChannelChannel,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let on_save = {
        let (id, name, slug, description) = (
            channel.id.clone(),
            channel.name.clone(),
            channel.slug.clone(),
            channel.description.clone(),
        );
        let moderation = format!("{:?}", channel.comment_moderation);
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let input = site_update_channel::UpdateChannelInput {
                id: id.clone(),
                name: changed(&name, field("channel-name")),
                slug: changed(&slug, field("channel-slug")),
                description: changed(&description, field("channel-description")),
                comment_moderation: (field("channel-moderation") != moderation)
                    .then(|| enum_value(&field("channel-moderation")))
                    .flatten(),
                playback_restriction: None,
                downloads_enabled: None,
            };
            if input.name.is_none()
                && input.slug.is_none()
                && input.description.is_none()
                && input.comment_moderation.is_none()
            {
                status.say("details", S::NothingChanged.text(locale()));
                return;
            }
            status.run(
                "details",
                session.call::<SiteUpdateChannel>(site_update_channel::Variables { input }),
                |_| S::Saved.text(locale()).into(),
                move |_| reload(),
            );
        }
    };
    view! {
        <section aria-labelledby="details-heading">
            <h3 id="details-heading">{t(S::Details)}</h3>
            <form id="channel-details-form" class="admin-form" on:submit=on_save>
                <label for="channel-name">{t(S::Name)}</label>
                <input id="channel-name" type="text" value=channel.name.clone() />
                {status.field_error("details", "name", "channel-name-error".into())}
                <label for="channel-slug">{t(S::ChannelSlug)}</label>
                <input id="channel-slug" type="text" value=channel.slug.clone() />
                {status.field_error("details", "slug", "channel-slug-error".into())}
                <label for="channel-description">{t(S::Description)}</label>
                <textarea id="channel-description" rows="4">{channel.description.clone()}</textarea>
                {moderation_select(&channel.comment_moderation)}
                {status.other_error("details", &["name", "slug"], "channel-details-error".into())}
                <button type="submit" id="save-channel" disabled=busy>{t(S::Save)}</button>
                {status.done_view("details", "channel-details-notice".into())}
            </form>
        </section>
    }
}

/// The pictures: the avatar's and the banner's upload forms, each with its preview.
fn pictures_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    channel: &site_channel::SiteChannelChannel,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let upload = {
        let id = channel.id.clone();
        move |which: &'static str| {
            let scope = which;
            let Some(file) = chosen_file(&format!("{which}-file")) else {
                status.fail(scope, None, S::ChoosePicture.text(locale()));
                return;
            };
            let target = if which == "avatar" {
                site_upload_image::ImageTarget::CHANNEL_AVATAR
            } else {
                site_upload_image::ImageTarget::CHANNEL_BANNER
            };
            let variables = site_upload_image::Variables {
                input: site_upload_image::UploadImageInput {
                    target,
                    id: id.clone(),
                },
                file: (),
            };
            status.run(
                scope,
                async move {
                    session
                        .call_with_file::<SiteUploadImage>(variables, "file", &file)
                        .await
                },
                move |data| {
                    let d = &data.upload_image;
                    let which = if which == "avatar" {
                        S::Avatar
                    } else {
                        S::Banner
                    };
                    text::say(
                        locale(),
                        Say::Uploaded(which.text(locale()), d.width, d.height),
                    )
                },
                move |_| reload(),
            );
        }
    };
    let upload_avatar = {
        let upload = upload.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            upload("avatar")
        }
    };
    let upload_banner = move |ev: SubmitEvent| {
        ev.prevent_default();
        upload("banner")
    };
    view! {
        <section aria-labelledby="pictures-heading">
            <h3 id="pictures-heading">{t(S::Pictures)}</h3>
            <form id="avatar-form" class="admin-form" on:submit=upload_avatar>
                <label for="avatar-file">{t(S::AvatarLabel)}</label>
                {channel.avatar_url.clone().map(|src| view! { <img id="avatar-preview" class="avatar-preview" src=src alt=t(S::AvatarAlt) /> })}
                <input id="avatar-file" type="file" accept="image/jpeg,image/png,image/webp" />
                {status.other_error("avatar", &[], "avatar-error".into())}
                <button type="submit" id="upload-avatar" disabled=busy>{t(S::UploadAvatar)}</button>
                {status.done_view("avatar", "avatar-notice".into())}
            </form>
            <form id="banner-form" class="admin-form" on:submit=upload_banner>
                <label for="banner-file">{t(S::BannerLabel)}</label>
                {channel.banner_url.clone().map(|src| view! { <img id="banner-preview" class="banner-preview" src=src alt=t(S::BannerAlt) /> })}
                <input id="banner-file" type="file" accept="image/jpeg,image/png,image/webp" />
                {status.other_error("banner", &[], "banner-error".into())}
                <button type="submit" id="upload-banner" disabled=busy>{t(S::UploadBanner)}</button>
                {status.done_view("banner", "banner-notice".into())}
            </form>
        </section>
    }
}

/// The members: one row each, and the form that adds someone by email.
fn members_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    channel: &site_channel::SiteChannelChannel,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let on_add_member = {
        let id = channel.id.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let email = field("member-email").trim().to_owned();
            let input = site_add_channel_member::AddChannelMemberInput {
                channel_id: id.clone(),
                user_id: None,
                email: Some(email.clone()),
                role: enum_value(&field("member-role"))
                    .unwrap_or(site_add_channel_member::ChannelRole::EDITOR),
            };
            status.run(
                "members",
                session.call::<SiteAddChannelMember>(site_add_channel_member::Variables { input }),
                move |_| text::say(locale(), Say::Added(&email)),
                move |_| {
                    clear_fields(&["member-email"]);
                    reload();
                },
            );
        }
    };
    let members = channel
        .members
        .iter()
        .cloned()
        .map(|m| member_row(session, status, channel.id.clone(), m, reload))
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="members-heading">
            <h3 id="members-heading">{t(S::Members)}</h3>
            <ul class="site-rows" id="member-list">{members}</ul>
            <form id="add-member-form" class="admin-form" on:submit=on_add_member>
                <label for="member-email">{t(S::AddMemberLabel)}</label>
                <input id="member-email" type="email" autocomplete="off" />
                {status.field_error("members", "email", "member-email-error".into())}
                <label for="member-role">{t(S::TheirRole)}</label>
                <select id="member-role">
                    <option value="EDITOR" selected>{t(S::EditorLong)}</option>
                    <option value="OWNER">{t(S::OwnerLong)}</option>
                </select>
                {status.other_error("members", &["email"], "member-error".into())}
                <button type="submit" id="add-member" disabled=busy>{t(S::AddMember)}</button>
                {status.done_view("members", "member-notice".into())}
            </form>
        </section>
    }
}

/// The delete section: a confirmation naming what goes with the channel, then the list page.
fn delete_channel_section(
    session: Session,
    status: Status,
    channel: &site_channel::SiteChannelChannel,
) -> impl IntoView + use<> {
    let navigate = use_navigate();
    let on_delete = {
        let id = channel.id.clone();
        let name = String::from(js_sys::encode_uri_component(&channel.name));
        move |_| {
            let input = site_delete_channel::DeleteChannelInput { id: id.clone() };
            let (navigate, name) = (navigate.clone(), name.clone());
            status.run(
                "delete",
                session.call::<SiteDeleteChannel>(site_delete_channel::Variables { input }),
                |_| S::ChannelDeleted.text(locale()).into(),
                move |_| {
                    navigate(
                        &format!("/admin/channels?deleted={name}"),
                        NavigateOptions::default(),
                    )
                },
            );
        }
    };
    let goes_with_it = text::channel_goes(
        locale(),
        &channel.name,
        channel.videos.total_count,
        channel.playlists.total_count,
        channel.podcasts.total_count,
    );
    super::site_kit::delete_section(
        status,
        "channel",
        S::DeleteThisChannel.text(locale()),
        goes_with_it,
        S::DeleteChannelAll.text(locale()),
        on_delete,
    )
}

/// The channel's comment moderation, as a choice of the details form.
fn moderation_select(now: &site_channel::CommentModeration) -> impl IntoView + use<> {
    use crate::i18n::admin::moderation::Moderation as M;
    let now = format!("{now:?}");
    let option = |value: &'static str, label: M| {
        view! { <option value=value selected=now == value>{t(label)}</option> }
    };
    view! {
        <label for="channel-moderation">{t(M::CommentModeration)}</label>
        <select id="channel-moderation">
            {option("PUBLISH", M::ModPublish)}
            {option("HOLD_NEW", M::ModHoldNew)}
            {option("HOLD_ALL", M::ModHoldAll)}
        </select>
    }
}

fn member_row(
    session: Session,
    status: Status,
    channel_id: String,
    member: site_channel::SiteChannelChannelMembers,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let user = member.user;
    let who = user
        .email
        .clone()
        .unwrap_or_else(|| user.display_name.clone());
    let scope = user.id.clone();
    let role_now = format!("{:?}", member.role);
    let role: NodeRef<leptos::html::Select> = NodeRef::new();
    let change = {
        let (channel_id, user_id, who, scope) = (
            channel_id.clone(),
            user.id.clone(),
            who.clone(),
            scope.clone(),
        );
        move |_| {
            let Some(name) = role.get().map(|s| s.value()) else {
                return;
            };
            let input = site_add_channel_member::AddChannelMemberInput {
                channel_id: channel_id.clone(),
                user_id: Some(user_id.clone()),
                email: None,
                role: enum_value(&name).unwrap_or(site_add_channel_member::ChannelRole::EDITOR),
            };
            let who = who.clone();
            status.run(
                scope.clone(),
                // A refusal reads the channel again, so the choice shows the role kept.
                async move {
                    let result = session
                        .call::<SiteAddChannelMember>(site_add_channel_member::Variables { input })
                        .await;
                    if result.is_err() {
                        reload();
                    }
                    result
                },
                move |_| text::say(locale(), Say::MemberRole(&who, name == "OWNER")),
                move |_| reload(),
            );
        }
    };
    let remove = {
        let (user_id, who, scope) = (user.id.clone(), who.clone(), scope.clone());
        move |_| {
            let input = site_remove_channel_member::RemoveChannelMemberInput {
                channel_id: channel_id.clone(),
                user_id: user_id.clone(),
            };
            let who = who.clone();
            status.run(
                scope.clone(),
                session.call::<SiteRemoveChannelMember>(site_remove_channel_member::Variables {
                    input,
                }),
                move |_| text::say(locale(), Say::Removed(&who)),
                move |_| reload(),
            );
        }
    };
    let option = |value: &'static str, label: S| {
        view! { <option value=value selected=role_now == value>{t(label)}</option> }
    };
    view! {
        <li class="site-row member-row" data-name=user.display_name.clone()>
            <div class="site-row-head">
                <strong>{user.display_name.clone()}</strong>
                {user.email.clone().map(|e| view! { <span class="site-muted">{e}</span> })}
            </div>
            <div class="site-row-actions">
                <select class="member-role" aria-label=text::say(locale(), Say::RoleOf(&who)) node_ref=role>
                    {option("EDITOR", S::Editor)}
                    {option("OWNER", S::Owner)}
                </select>
                <button type="button" class="member-set-role" on:click=change disabled=busy>{t(S::ChangeRole)}</button>
                <button type="button" class="member-remove" on:click=remove disabled=busy>{t(S::Remove)}</button>
            </div>
            {status.other_error(scope.clone(), &[], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}
