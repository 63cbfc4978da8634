//! `/admin/users` (admins): every account, with search; create one, change a role, disable and
//! enable, set a new password. The API's refusals (a taken email, a weak password, the last
//! admin) show beside the field they are about.

use crate::i18n::admin::people::{self, People as P, UserDone};
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::field;
use super::session::{Session, use_session};
use super::site_kit::{Status, clear_fields, enum_value, non_blank};
use crate::api::ApiError;
use crate::components::{ErrorNotice, Loading};

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_site_users.graphql",
            response_derives = "Debug, Clone",
            // Absent, not null: the API reads null as "clear".
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SiteUsers,
    SiteCreateUser,
    SiteSetUserRole,
    SiteDisableUser,
    SiteEnableUser,
    SiteSetUserPassword
);

/// An account as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    /// Global ID.
    pub id: String,
    /// Login email.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// `ADMIN`, `EDITOR` or `VIEWER`.
    pub role: String,
    /// When the account was made.
    pub created_at: String,
    /// Whether it is disabled.
    pub disabled: bool,
}

/// Every account whose email or name contains `text` (the first 100), and how many there are.
async fn users(session: Session, text: String) -> Result<(Vec<UserRow>, i64), ApiError> {
    let data = session
        .call::<SiteUsers>(site_users::Variables {
            text: non_blank(text),
        })
        .await?;
    let rows = data
        .users
        .nodes
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            email: u.email.unwrap_or_default(),
            display_name: u.display_name,
            role: format!("{:?}", u.role),
            created_at: u.created_at,
            disabled: u.disabled.unwrap_or(false),
        })
        .collect();
    Ok((rows, data.users.total_count))
}

const ROLES: [&str; 3] = ["VIEWER", "EDITOR", "ADMIN"];

fn role_options(selected: &str) -> impl IntoView + use<> {
    ROLES
        .iter()
        .map(|value| {
            view! {
                <option value=*value selected=*value == selected>
                    {people::role(locale(), value)}
                </option>
            }
        })
        .collect::<Vec<_>>()
}

/// `/admin/users`: the accounts of the site, for admins.
#[component]
pub fn UsersPage() -> impl IntoView {
    crate::pages::set_title(Shell::Users.text(locale()));
    let session = use_session();
    let search = RwSignal::new(String::new());
    let list = LocalResource::new(move || users(session, search.get()));
    let status = Status::new();
    let busy = move || status.busy.get();

    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_user::CreateUserInput {
            email: field("new-user-email"),
            password: field("new-user-password"),
            role: enum_value(&field("new-user-role")).unwrap_or(site_create_user::Role::EDITOR),
            display_name: non_blank(field("new-user-name")),
        };
        let email = input.email.trim().to_owned();
        status.run(
            "create",
            session.call::<SiteCreateUser>(site_create_user::Variables { input }),
            move |_| people::user_done(locale(), UserDone::Created, &email),
            move |_| {
                clear_fields(&["new-user-email", "new-user-password", "new-user-name"]);
                list.refetch();
            },
        );
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.set(field("user-search"));
    };

    view! {
        <article class="site-page users-page">
            <h2 id="page-title">{t(Shell::Users)}</h2>
            <section aria-labelledby="new-user-heading" class="site-card">
                <h3 id="new-user-heading">{t(P::NewUser)}</h3>
                <form id="new-user-form" class="admin-form" on:submit=on_create>
                    <label for="new-user-email">{t(P::Email)}</label>
                    <input id="new-user-email" type="email" autocomplete="off" required />
                    {status.field_error("create", "email", "new-user-email-error".into())}
                    <label for="new-user-name">{t(P::DisplayName)}</label>
                    <input id="new-user-name" type="text" autocomplete="off" />
                    {status.field_error("create", "displayName", "new-user-name-error".into())}
                    <label for="new-user-password">{t(P::PasswordRule)}</label>
                    <input id="new-user-password" type="password" autocomplete="new-password" />
                    {status.field_error("create", "password", "new-user-password-error".into())}
                    <label for="new-user-role">{t(P::Role)}</label>
                    <select id="new-user-role">{role_options("EDITOR")}</select>
                    {status
                        .other_error(
                            "create",
                            &["email", "displayName", "password"],
                            "new-user-error".into(),
                        )}
                    <button type="submit" id="new-user-submit" disabled=busy>
                        {t(P::CreateUser)}
                    </button>
                    {status.done_view("create", "new-user-notice".into())}
                </form>
            </section>
            <section aria-labelledby="users-heading">
                <h3 id="users-heading">{t(P::Accounts)}</h3>
                <form id="user-search-form" class="admin-form inline" role="search" on:submit=on_search>
                    <label for="user-search">{t(P::SearchUsers)}</label>
                    <input id="user-search" type="search" />
                    <button type="submit" id="user-search-submit">{t(P::Search)}</button>
                </form>
                <Transition fallback=|| view! { <Loading /> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                        {move || Suspend::new(async move {
                            list.await
                                .map(|(rows, total)| {
                                    let shown = rows.len();
                                    view! {
                                        <p class="site-count" id="user-count">
                                            {people::accounts_shown(locale(), shown, total)}
                                        </p>
                                        <ul class="site-rows" id="user-list">
                                            {rows
                                                .into_iter()
                                                .map(|u| user_row(session, status, u, move || list.refetch()))
                                                .collect::<Vec<_>>()}
                                        </ul>
                                    }
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        </article>
    }
}

/// An account's row: email, name, state and age, then its role, enable or disable, and a new
/// password; each change's notice or refusal shows in the row.
fn user_row(
    session: Session,
    status: Status,
    user: UserRow,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let scope = user.id.clone();
    let toggle = {
        let (id, email, scope, disabled) = (
            user.id.clone(),
            user.email.clone(),
            scope.clone(),
            user.disabled,
        );
        move |_| {
            let email = email.clone();
            if disabled {
                let input = site_enable_user::EnableUserInput { id: id.clone() };
                status.run(
                    scope.clone(),
                    session.call::<SiteEnableUser>(site_enable_user::Variables { input }),
                    move |_| people::user_done(locale(), UserDone::Enabled, &email),
                    move |_| reload(),
                );
            } else {
                let input = site_disable_user::DisableUserInput { id: id.clone() };
                status.run(
                    scope.clone(),
                    session.call::<SiteDisableUser>(site_disable_user::Variables { input }),
                    move |_| people::user_done(locale(), UserDone::Disabled, &email),
                    move |_| reload(),
                );
            }
        }
    };
    view! {
        <li class="site-row user-row" data-email=user.email.clone() class:disabled=user.disabled>
            <div class="site-row-head">
                <strong class="user-email">{user.email.clone()}</strong>
                <span class="user-name">{user.display_name.clone()}</span>
                <span class="user-state">
                    {t(if user.disabled { P::Disabled } else { P::Active })}
                </span>
                <span class="site-muted">{people::since(locale(), crate::format::date(&user.created_at))}</span>
            </div>
            <div class="site-row-actions">
                {role_control(session, status, &user, reload)}
                <button type="button" class="user-toggle" on:click=toggle disabled=busy>
                    {t(if user.disabled { P::Enable } else { P::Disable })}
                </button>
                {password_form(session, status, &user)}
            </div>
            {status.field_error(scope.clone(), "role", String::new())}
            {status.field_error(scope.clone(), "password", String::new())}
            {status.other_error(scope.clone(), &["role", "password"], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}

/// An account's role choice and its "Change role" button; a refusal (the last admin) puts
/// the choice back.
fn role_control<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    status: Status,
    user: &UserRow,
    reload: R,
) -> impl IntoView + use<R> {
    let busy = move || status.busy.get();
    let role: NodeRef<leptos::html::Select> = NodeRef::new();
    let change_role = {
        let (id, email, scope, kept) = (
            user.id.clone(),
            user.email.clone(),
            user.id.clone(),
            user.role.clone(),
        );
        move |_| {
            let kept = kept.clone();
            let Some(name) = role.get().map(|s| s.value()) else {
                return;
            };
            let input = site_set_user_role::SetUserRoleInput {
                id: id.clone(),
                role: enum_value(&name).unwrap_or(site_set_user_role::Role::VIEWER),
            };
            let email = email.clone();
            status.run(
                scope.clone(),
                // A refusal (the last admin) puts the choice back to the role kept.
                async move {
                    let result = session
                        .call::<SiteSetUserRole>(site_set_user_role::Variables { input })
                        .await;
                    if result.is_err()
                        && let Some(select) = role.get_untracked()
                    {
                        select.set_value(&kept);
                    }
                    result
                },
                move |_| people::user_done(locale(), UserDone::Role(&name), &email),
                move |_| reload(),
            );
        }
    };
    let label_role = people::user_label(locale(), false, &user.email);
    view! {
        <select class="user-role" aria-label=label_role node_ref=role>
            {role_options(&user.role)}
        </select>
        <button type="button" class="user-set-role" on:click=change_role disabled=busy>
            {t(P::ChangeRole)}
        </button>
    }
}

/// The form that sets an account's password (emptied once it is set).
fn password_form(session: Session, status: Status, user: &UserRow) -> impl IntoView + use<> {
    let busy = move || status.busy.get();
    let password: NodeRef<leptos::html::Input> = NodeRef::new();
    let set_password = {
        let (id, email, scope) = (user.id.clone(), user.email.clone(), user.id.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let Some(value) = password.get().map(|i| i.value()) else {
                return;
            };
            let input = site_set_user_password::SetUserPasswordInput {
                id: id.clone(),
                password: value,
            };
            let email = email.clone();
            status.run(
                scope.clone(),
                session.call::<SiteSetUserPassword>(site_set_user_password::Variables { input }),
                move |_| people::user_done(locale(), UserDone::Password, &email),
                move |_| {
                    if let Some(input) = password.get_untracked() {
                        input.set_value("");
                    }
                },
            );
        }
    };
    let label_password = people::user_label(locale(), true, &user.email);
    view! {
        <form class="inline user-password-form" on:submit=set_password>
            <input
                class="user-password"
                type="password"
                autocomplete="new-password"
                aria-label=label_password
                placeholder=t(P::NewPassword)
                node_ref=password
            />
            <button type="submit" class="user-set-password" disabled=busy>
                {t(P::SetPassword)}
            </button>
        </form>
    }
}
