//! `/admin/channels`: the channels the user manages and a new one; `/admin/channels/{id}`: a
//! channel's name, slug and description, its avatar and banner, its members and their roles,
//! and its deletion (after a confirmation that says what goes with it).

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
    crate::pages::set_title("Channels");
    let session = use_session();
    let list = LocalResource::new(move || session.call::<SiteChannels>(site_channels::Variables));
    let status = Status::new();
    let busy = move || status.busy.get();
    let navigate = use_navigate();
    let query = use_query_map();
    let deleted = move || {
        query.read().get("deleted").map(|name| {
            view! { <p class="notice" id="deleted-notice" role="status">{format!("Deleted “{name}”.")}</p> }
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
            |_| "Channel created.".into(),
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
            <h2 id="page-title">"Channels"</h2>
            {deleted}
            <section aria-labelledby="channels-heading">
                <h3 id="channels-heading">"Channels you manage"</h3>
                <Transition fallback=|| view! { <Loading /> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                        {move || Suspend::new(async move {
                            list.await
                                .map(|data| {
                                    let channels = data.channels.nodes;
                                    if channels.is_empty() {
                                        return view! {
                                            <p class="empty" id="no-channels">"You manage no channels yet."</p>
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
                <h3 id="new-channel-heading">"New channel"</h3>
                <form id="new-channel-form" class="admin-form" on:submit=on_create>
                    <label for="new-channel-name">"Name"</label>
                    <input id="new-channel-name" type="text" autocomplete="off" />
                    {status.field_error("create", "name", "new-channel-name-error".into())}
                    <label for="new-channel-slug">"Slug (optional: made from the name)"</label>
                    <input id="new-channel-slug" type="text" autocomplete="off" />
                    {status.field_error("create", "slug", "new-channel-slug-error".into())}
                    <label for="new-channel-description">"Description (Markdown, optional)"</label>
                    <textarea id="new-channel-description" rows="3"></textarea>
                    {status.other_error("create", &["name", "slug"], "new-channel-error".into())}
                    <button type="submit" id="new-channel-submit" disabled=busy>
                        "Create channel"
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
        status.say("details", "Channel created.");
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
    crate::pages::set_title(&format!("Channel “{}”", channel.name));
    let busy = move || status.busy.get();
    let id = channel.id.clone();

    let on_save = {
        let (id, name, slug, description) = (
            id.clone(),
            channel.name.clone(),
            channel.slug.clone(),
            channel.description.clone(),
        );
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let input = site_update_channel::UpdateChannelInput {
                id: id.clone(),
                name: changed(&name, field("channel-name")),
                slug: changed(&slug, field("channel-slug")),
                description: changed(&description, field("channel-description")),
            };
            if input.name.is_none() && input.slug.is_none() && input.description.is_none() {
                status.say("details", "Nothing to save: no field was changed.");
                return;
            }
            status.run(
                "details",
                session.call::<SiteUpdateChannel>(site_update_channel::Variables { input }),
                |_| "Saved.".into(),
                move |_| reload(),
            );
        }
    };

    let upload = {
        let id = id.clone();
        move |which: &'static str| {
            let scope = which;
            let Some(file) = chosen_file(&format!("{which}-file")) else {
                status.fail(scope, None, "Choose a picture first (JPEG, PNG or WebP).");
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
                    format!(
                        "{} uploaded ({} × {} px).",
                        capitalised(which),
                        d.width,
                        d.height
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

    let on_add_member = {
        let id = id.clone();
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
                move |_| format!("Added {email}."),
                move |_| {
                    clear_fields(&["member-email"]);
                    reload();
                },
            );
        }
    };

    let navigate = use_navigate();
    let on_delete = {
        let id = id.clone();
        let name = String::from(js_sys::encode_uri_component(&channel.name));
        move |_| {
            let input = site_delete_channel::DeleteChannelInput { id: id.clone() };
            let (navigate, name) = (navigate.clone(), name.clone());
            status.run(
                "delete",
                session.call::<SiteDeleteChannel>(site_delete_channel::Variables { input }),
                |_| "Channel deleted.".into(),
                move |_| {
                    navigate(
                        &format!("/admin/channels?deleted={name}"),
                        NavigateOptions::default(),
                    )
                },
            );
        }
    };
    let goes_with_it = format!(
        "Deleting “{}” also deletes its {}, {} and {} (with their episodes), their media files and \
         pictures, and its members' access. This cannot be undone.",
        channel.name,
        crate::format::count(channel.videos.total_count, "video", "videos"),
        crate::format::count(channel.playlists.total_count, "playlist", "playlists"),
        crate::format::count(channel.podcasts.total_count, "podcast", "podcasts"),
    );

    let members = channel
        .members
        .iter()
        .cloned()
        .map(|m| member_row(session, status, id.clone(), m, reload))
        .collect::<Vec<_>>();

    view! {
        <article class="site-page channel-editor">
            <header class="editor-header">
                <h2 id="edit-title">{channel.name.clone()}</h2>
                <p class="video-meta">
                    <a href=crate::api::channel_path(&channel.slug)>"View on the site"</a>
                    " · "
                    <a href="/admin/channels">"All channels"</a>
                </p>
            </header>

            <section aria-labelledby="details-heading">
                <h3 id="details-heading">"Details"</h3>
                <form id="channel-details-form" class="admin-form" on:submit=on_save>
                    <label for="channel-name">"Name"</label>
                    <input id="channel-name" type="text" value=channel.name.clone() />
                    {status.field_error("details", "name", "channel-name-error".into())}
                    <label for="channel-slug">"Slug (its address: /channels/slug)"</label>
                    <input id="channel-slug" type="text" value=channel.slug.clone() />
                    {status.field_error("details", "slug", "channel-slug-error".into())}
                    <label for="channel-description">"Description (Markdown)"</label>
                    <textarea id="channel-description" rows="4">{channel.description.clone()}</textarea>
                    {status.other_error("details", &["name", "slug"], "channel-details-error".into())}
                    <button type="submit" id="save-channel" disabled=busy>"Save"</button>
                    {status.done_view("details", "channel-details-notice".into())}
                </form>
            </section>

            <section aria-labelledby="pictures-heading">
                <h3 id="pictures-heading">"Pictures"</h3>
                <form id="avatar-form" class="admin-form" on:submit=upload_avatar>
                    <label for="avatar-file">"Avatar (square, JPEG, PNG or WebP)"</label>
                    {channel.avatar_url.clone().map(|src| view! { <img id="avatar-preview" class="avatar-preview" src=src alt="The channel's avatar" /> })}
                    <input id="avatar-file" type="file" accept="image/jpeg,image/png,image/webp" />
                    {status.other_error("avatar", &[], "avatar-error".into())}
                    <button type="submit" id="upload-avatar" disabled=busy>"Upload avatar"</button>
                    {status.done_view("avatar", "avatar-notice".into())}
                </form>
                <form id="banner-form" class="admin-form" on:submit=upload_banner>
                    <label for="banner-file">"Banner (wide, JPEG, PNG or WebP)"</label>
                    {channel.banner_url.clone().map(|src| view! { <img id="banner-preview" class="banner-preview" src=src alt="The channel's banner" /> })}
                    <input id="banner-file" type="file" accept="image/jpeg,image/png,image/webp" />
                    {status.other_error("banner", &[], "banner-error".into())}
                    <button type="submit" id="upload-banner" disabled=busy>"Upload banner"</button>
                    {status.done_view("banner", "banner-notice".into())}
                </form>
            </section>

            <section aria-labelledby="members-heading">
                <h3 id="members-heading">"Members"</h3>
                <ul class="site-rows" id="member-list">{members}</ul>
                <form id="add-member-form" class="admin-form" on:submit=on_add_member>
                    <label for="member-email">"Add a member by email"</label>
                    <input id="member-email" type="email" autocomplete="off" />
                    {status.field_error("members", "email", "member-email-error".into())}
                    <label for="member-role">"Their role"</label>
                    <select id="member-role">
                        <option value="EDITOR" selected>"Editor (manages the content)"</option>
                        <option value="OWNER">"Owner (also manages members)"</option>
                    </select>
                    {status.other_error("members", &["email"], "member-error".into())}
                    <button type="submit" id="add-member" disabled=busy>"Add member"</button>
                    {status.done_view("members", "member-notice".into())}
                </form>
            </section>

            {super::site_kit::delete_section(status, "channel", goes_with_it, "Delete the channel and all of it", on_delete)}
        </article>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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
                move |_| {
                    format!(
                        "{who} is now {} of this channel.",
                        if name == "OWNER" {
                            "an owner"
                        } else {
                            "an editor"
                        }
                    )
                },
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
                move |_| format!("Removed {who}."),
                move |_| reload(),
            );
        }
    };
    let option = |value: &'static str, label: &'static str| {
        view! { <option value=value selected=role_now == value>{label}</option> }
    };
    view! {
        <li class="site-row member-row" data-name=user.display_name.clone()>
            <div class="site-row-head">
                <strong>{user.display_name.clone()}</strong>
                {user.email.clone().map(|e| view! { <span class="site-muted">{e}</span> })}
            </div>
            <div class="site-row-actions">
                <select class="member-role" aria-label=format!("Role of {who}") node_ref=role>
                    {option("EDITOR", "Editor")}
                    {option("OWNER", "Owner")}
                </select>
                <button type="button" class="member-set-role" on:click=change disabled=busy>"Change role"</button>
                <button type="button" class="member-remove" on:click=remove disabled=busy>"Remove"</button>
            </div>
            {status.other_error(scope.clone(), &[], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}
