//! `/admin/tokens`: the user's API tokens (every user's for admins, on request), with their
//! last use; create one (its secret is shown this once, with a copy button) and revoke.

use crate::i18n::admin::people::{self, People as P, TokenWord};
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::field;
use super::session::{AuthState, Session, use_session};
use super::site_kit::{Status, clear_fields, copy_to_clipboard, enum_value, when};
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
operation!(SiteApiTokens, SiteCreateApiToken, SiteRevokeApiToken);

/// A token as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    /// Global ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `READ` or `WRITE`.
    pub scope: String,
    /// The secret's first characters.
    pub prefix: String,
    /// When it was made.
    pub created_at: String,
    /// When it was last used.
    pub last_used_at: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<String>,
    /// Whose it is (email, or name when the email is hidden).
    pub owner: String,
}

async fn tokens(session: Session, all: bool) -> Result<Vec<TokenRow>, ApiError> {
    let data = session
        .call::<SiteApiTokens>(site_api_tokens::Variables {
            all: all.then_some(true),
        })
        .await?;
    Ok(data
        .api_tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            scope: format!("{:?}", t.scope),
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            owner: t
                .owner
                .map(|o| o.email.unwrap_or(o.display_name))
                .unwrap_or_default(),
        })
        .collect())
}

/// `/admin/tokens`: API tokens for third-party sites and scripts.
#[component]
pub fn TokensPage() -> impl IntoView {
    crate::pages::set_title(Shell::ApiTokens.text(locale()));
    let session = use_session();
    let is_admin =
        move || matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN");
    let everyone = RwSignal::new(false);
    let list = LocalResource::new(move || tokens(session, everyone.get()));
    let status = Status::new();
    let secret = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<&'static str>);
    let busy = move || status.busy.get();

    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_api_token::CreateApiTokenInput {
            name: field("new-token-name").trim().to_owned(),
            scope: enum_value(&field("new-token-scope"))
                .unwrap_or(site_create_api_token::ApiTokenScope::READ),
        };
        secret.set(None);
        copied.set(None);
        let name = input.name.clone();
        status.run(
            "create",
            session.call::<SiteCreateApiToken>(site_create_api_token::Variables { input }),
            move |_| people::token_words(locale(), TokenWord::Created, &name),
            move |data| {
                secret.set(Some(data.create_api_token.token));
                clear_fields(&["new-token-name"]);
                list.refetch();
            },
        );
    };
    let copy = move |_| {
        if let Some(s) = secret.get_untracked() {
            copied.set(Some(if copy_to_clipboard(&s) {
                P::Copied.text(locale())
            } else {
                P::CopyRefused.text(locale())
            }));
        }
    };

    view! {
        <article class="site-page tokens-page">
            <h2 id="page-title">{t(Shell::ApiTokens)}</h2>
            <p class="site-muted">
                {t(P::TokensHintRead)}
                {t(P::TokensHintWrite)}
            </p>
            <section aria-labelledby="new-token-heading" class="site-card">
                <h3 id="new-token-heading">{t(P::NewToken)}</h3>
                <form id="new-token-form" class="admin-form" on:submit=on_create>
                    <label for="new-token-name">{t(P::Name)}</label>
                    <input id="new-token-name" type="text" autocomplete="off" />
                    {status.field_error("create", "name", "new-token-name-error".into())}
                    <label for="new-token-scope">{t(P::Scope)}</label>
                    <select id="new-token-scope">
                        <option value="READ" selected>{t(P::ReadScope)}</option>
                        <option value="WRITE">{t(P::WriteScope)}</option>
                    </select>
                    {status.other_error("create", &["name"], "new-token-error".into())}
                    <button type="submit" id="new-token-submit" disabled=busy>
                        {t(P::CreateToken)}
                    </button>
                    {status.done_view("create", "new-token-notice".into())}
                </form>
                {move || {
                    secret
                        .get()
                        .map(|s| {
                            view! {
                                <div class="token-secret" role="status">
                                    <p>
                                        <strong>{t(P::CopyNow)}</strong>
                                        {t(P::ShownOnce)}
                                    </p>
                                    <code id="new-token-secret" tabindex="0">{s}</code>
                                    <button type="button" id="copy-token" on:click=copy>
                                        {t(P::Copy)}
                                    </button>
                                    {move || copied.get().map(|m| view! { <span id="copy-notice">{m}</span> })}
                                </div>
                            }
                        })
                }}
            </section>
            <section aria-labelledby="tokens-heading">
                <h3 id="tokens-heading">{t(P::Tokens)}</h3>
                <Show when=is_admin>
                    <label class="checkbox" for="tokens-everyone">
                        <input
                            id="tokens-everyone"
                            type="checkbox"
                            on:change=move |ev| everyone.set(event_target_checked(&ev))
                        />
                        {t(P::EveryonesTokens)}
                    </label>
                </Show>
                <Transition fallback=|| view! { <Loading /> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                        {move || Suspend::new(async move {
                            list.await
                                .map(|rows| {
                                    if rows.is_empty() {
                                        view! { <p class="empty" id="no-tokens">{t(P::NoTokens)}</p> }
                                            .into_any()
                                    } else {
                                        view! {
                                            <ul class="site-rows" id="token-list">
                                                {rows
                                                    .into_iter()
                                                    .map(|t| token_row(session, status, t, move || list.refetch()))
                                                    .collect::<Vec<_>>()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        </article>
    }
}

fn token_row(
    session: Session,
    status: Status,
    token: TokenRow,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || status.busy.get();
    let scope = token.id.clone();
    let revoke = {
        let (id, name, scope) = (token.id.clone(), token.name.clone(), scope.clone());
        move |_| {
            let input = site_revoke_api_token::RevokeApiTokenInput { id: id.clone() };
            let name = name.clone();
            status.run(
                scope.clone(),
                session.call::<SiteRevokeApiToken>(site_revoke_api_token::Variables { input }),
                move |_| people::token_words(locale(), TokenWord::Revoked, &name),
                move |_| reload(),
            );
        }
    };
    let last_used = token
        .last_used_at
        .as_deref()
        .map(|at| people::token_words(locale(), TokenWord::LastUsed, &when(at)))
        .unwrap_or_else(|| P::NeverUsed.text(locale()).into());
    let label = people::token_words(locale(), TokenWord::RevokeLabel, &token.name);
    view! {
        <li class="site-row token-row" data-name=token.name.clone() class:disabled=token.revoked_at.is_some()>
            <div class="site-row-head">
                <strong class="token-name">{token.name.clone()}</strong>
                <span class="token-scope">{token.scope.clone()}</span>
                <code class="token-prefix">{format!("{}…", token.prefix)}</code>
                <span class="site-muted">{token.owner.clone()}</span>
                <span class="site-muted">{people::token_words(locale(), TokenWord::CreatedAt, &when(&token.created_at))}</span>
                <span class="token-last-used">{last_used}</span>
            </div>
            <div class="site-row-actions">
                {match token.revoked_at.as_deref() {
                    Some(at) => view! { <span class="token-revoked">{people::token_words(locale(), TokenWord::RevokedAt, &when(at))}</span> }.into_any(),
                    None => view! {
                        <button type="button" class="token-revoke" aria-label=label on:click=revoke disabled=busy>
                            {t(P::Revoke)}
                        </button>
                    }
                    .into_any(),
                }}
            </div>
            {status.other_error(scope.clone(), &[], String::new())}
            {status.done_view(scope, String::new())}
        </li>
    }
}
