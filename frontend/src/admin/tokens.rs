//! `/admin/tokens`: the user's API tokens (every user's for admins, on request), with their
//! capabilities, channels, expiry and last use; create one (its secret is shown this once, with a
//! copy button) and revoke.

use crate::i18n::admin::people::{self, People as P, TokenWord};
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::field;
use super::session::{AuthState, Session, use_session};
use super::site_kit::{Status, clear_fields, copy_to_clipboard, enum_value, non_blank, when};
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
    SiteApiTokens,
    SiteCreateApiToken,
    SiteRevokeApiToken,
    SiteTokenChannels
);

/// The capabilities a token may be given, in the API's order, with their labels (the last,
/// WEBHOOKS, is offered to admins only).
const CAPABILITIES: [(&str, P); 4] = [
    ("READ", P::CapRead),
    ("WRITE", P::CapWrite),
    ("UPLOAD", P::CapUpload),
    ("WEBHOOKS", P::CapWebhooks),
];

/// A token as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    /// Global ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it may do (`READ`, `WRITE`, `UPLOAD`, `WEBHOOKS`).
    pub capabilities: Vec<String>,
    /// The names of the channels it is limited to; `None`: every channel.
    pub channels: Option<Vec<String>>,
    /// When it stops working.
    pub expires_at: Option<String>,
    /// Whether it has.
    pub expired: bool,
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

type TokenList = LocalResource<Result<Vec<TokenRow>, ApiError>>;

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
            capabilities: t.capabilities.iter().map(|c| format!("{c:?}")).collect(),
            channels: t
                .channels
                .map(|list| list.into_iter().map(|c| c.name).collect()),
            expires_at: t.expires_at,
            expired: t.expired,
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

/// The channels the user can edit, as `(id, name)`.
async fn editable_channels(session: Session) -> Result<Vec<(String, String)>, ApiError> {
    let data = session
        .call::<SiteTokenChannels>(site_token_channels::Variables {})
        .await?;
    Ok(data
        .channels
        .nodes
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The new token as the form holds it: only what was chosen is sent (no channel: no limit; no
/// date: no expiry, else the start of that day, UTC).
fn new_token_input(
    capabilities: &[&str],
    channels: Vec<String>,
) -> site_create_api_token::CreateApiTokenInput {
    site_create_api_token::CreateApiTokenInput {
        name: field("new-token-name").trim().to_owned(),
        scope: None,
        capabilities: Some(capabilities.iter().filter_map(|c| enum_value(c)).collect()),
        channel_ids: (!channels.is_empty()).then_some(channels),
        expires_at: non_blank(field("new-token-expires")).map(|day| format!("{day}T00:00:00Z")),
    }
}

/// Adds `value` to the list when `on`, else takes it out.
fn toggle<T: PartialEq>(list: &mut Vec<T>, value: T, on: bool) {
    list.retain(|v| *v != value);
    if on {
        list.push(value);
    }
}

/// `/admin/tokens`: API tokens for third-party sites and scripts.
#[component]
pub fn TokensPage() -> impl IntoView {
    crate::pages::set_title(Shell::ApiTokens.text(locale()));
    let session = use_session();
    let is_admin = Signal::derive(
        move || matches!(session.state.get(), AuthState::SignedIn(u) if u.role == "ADMIN"),
    );
    let everyone = RwSignal::new(false);
    let list: TokenList = LocalResource::new(move || tokens(session, everyone.get()));
    let status = Status::new();
    view! {
        <article class="site-page tokens-page">
            <h2 id="page-title">{t(Shell::ApiTokens)}</h2>
            <p class="site-muted">
                {t(P::TokensHintRead)}
                {t(P::TokensHintWrite)}
            </p>
            <NewToken session status is_admin list />
            <section aria-labelledby="tokens-heading">
                <h3 id="tokens-heading">{t(P::Tokens)}</h3>
                <Show when=move || is_admin.get()>
                    <label class="checkbox" for="tokens-everyone">
                        <input
                            id="tokens-everyone"
                            type="checkbox"
                            on:change=move |ev| everyone.set(event_target_checked(&ev))
                        />
                        {t(P::EveryonesTokens)}
                    </label>
                </Show>
                <Tokens session status list />
            </section>
        </article>
    }
}

/// The form that creates a token, and the secret of the one just made.
#[component]
fn NewToken(
    session: Session,
    status: Status,
    is_admin: Signal<bool>,
    list: TokenList,
) -> impl IntoView {
    let secret = RwSignal::new(None::<String>);
    let capabilities = RwSignal::new(vec!["READ"]);
    let channels = RwSignal::new(Vec::<String>::new());
    let busy = move || status.busy.get();
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = new_token_input(&capabilities.get_untracked(), channels.get_untracked());
        secret.set(None);
        let name = input.name.clone();
        status.run(
            "create",
            session.call::<SiteCreateApiToken>(site_create_api_token::Variables { input }),
            move |_| people::token_words(locale(), TokenWord::Created, &name),
            move |data| {
                secret.set(Some(data.create_api_token.token));
                clear_fields(&["new-token-name", "new-token-expires"]);
                capabilities.set(vec!["READ"]);
                channels.set(Vec::new());
                list.refetch();
            },
        );
    };
    const SHOWN: &[&str] = &["name", "capabilities", "channelIds", "expiresAt"];
    view! {
        <section aria-labelledby="new-token-heading" class="site-card">
            <h3 id="new-token-heading">{t(P::NewToken)}</h3>
            <form id="new-token-form" class="admin-form" on:submit=on_create>
                <label for="new-token-name">{t(P::Name)}</label>
                <input id="new-token-name" type="text" autocomplete="off" />
                {status.field_error("create", "name", "new-token-name-error".into())}
                <CapabilityChoices chosen=capabilities is_admin />
                {status.field_error("create", "capabilities", "new-token-capabilities-error".into())}
                <ChannelChoices session chosen=channels />
                {status.field_error("create", "channelIds", "new-token-channels-error".into())}
                <label for="new-token-expires">{t(P::Expiry)}</label>
                <input id="new-token-expires" type="date" />
                {status.field_error("create", "expiresAt", "new-token-expires-error".into())}
                {status.other_error("create", SHOWN, "new-token-error".into())}
                <button type="submit" id="new-token-submit" disabled=busy>
                    {t(P::CreateToken)}
                </button>
                {status.done_view("create", "new-token-notice".into())}
            </form>
            <Secret secret />
        </section>
    }
}

/// A checkbox per capability (WEBHOOKS for admins only), ticked as `chosen` holds them.
#[component]
fn CapabilityChoices(chosen: RwSignal<Vec<&'static str>>, is_admin: Signal<bool>) -> impl IntoView {
    let choice = move |(value, label): (&'static str, P)| {
        let id = format!("new-token-cap-{value}");
        let label_for = id.clone();
        view! {
            <label class="checkbox" for=label_for>
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || chosen.with(|c| c.contains(&value))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| toggle(c, value, on));
                    }
                />
                {t(label)}
            </label>
        }
    };
    view! {
        <fieldset id="new-token-capabilities">
            <legend>{t(P::Capabilities)}</legend>
            {CAPABILITIES[..3].iter().copied().map(choice).collect::<Vec<_>>()}
            <Show when=move || is_admin.get()>{choice(CAPABILITIES[3])}</Show>
        </fieldset>
    }
}

/// A checkbox per channel the user can edit; none ticked is no limit.
#[component]
fn ChannelChoices(session: Session, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let editable = LocalResource::new(move || editable_channels(session));
    let choice = move |(id, name): (String, String)| {
        let value = id.clone();
        let data_name = name.clone();
        view! {
            <label class="checkbox token-channel" data-name=data_name>
                <input
                    type="checkbox"
                    prop:checked=move || chosen.with(|c| c.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| toggle(c, value.clone(), on));
                    }
                />
                {name}
            </label>
        }
    };
    view! {
        <fieldset id="new-token-channels">
            <legend>{t(P::Channels)}</legend>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        editable.await.map(|list| list.into_iter().map(choice).collect::<Vec<_>>())
                    })}
                </ErrorBoundary>
            </Transition>
        </fieldset>
    }
}

/// The secret of the token just made, with a copy button.
#[component]
fn Secret(secret: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        secret.get().map(|s| {
            let copied = RwSignal::new(None::<&'static str>);
            let text = s.clone();
            let copy = move |_| {
                copied.set(Some(if copy_to_clipboard(&text) {
                    P::Copied.text(locale())
                } else {
                    P::CopyRefused.text(locale())
                }));
            };
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
    }
}

/// The tokens, each with its facts and a Revoke button.
#[component]
fn Tokens(session: Session, status: Status, list: TokenList) -> impl IntoView {
    view! {
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
    }
}

/// What a token may do, where and until when, as its row says it.
fn token_limits(token: &TokenRow) -> impl IntoView + use<> {
    let channels = match &token.channels {
        Some(names) => names.join(", "),
        None => P::AllChannels.text(locale()).to_owned(),
    };
    let expiry = match (&token.expires_at, token.expired) {
        (_, true) => P::Expired.text(locale()).to_owned(),
        (Some(at), false) => people::token_words(locale(), TokenWord::ExpiresAt, &when(at)),
        (None, false) => P::NeverExpires.text(locale()).to_owned(),
    };
    view! {
        <span class="token-capabilities">{token.capabilities.join(", ")}</span>
        <span class="token-channels">{channels}</span>
        <span class="token-expiry" class:expired=token.expired>{expiry}</span>
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
                {token_limits(&token)}
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
