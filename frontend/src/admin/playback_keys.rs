//! `/admin/playback-keys` (admins only): the keys that sign playback tokens, each with its
//! name, algorithm, ID (the tokens' `kid`) and creation; make one (its private key is shown this
//! once, with a copy button and an example of what to sign) and delete one after a
//! confirmation (its tokens stop working at once).

use crate::i18n::admin::keys::{self as text, Keys as K};
use crate::i18n::admin::shell::Shell;
use crate::i18n::{Message, locale, t};
use graphql_client::GraphQLQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::field;
use super::session::Session;
use super::site_kit::{Status, admins_only, clear_fields, copy_to_clipboard, when};
use crate::components::{ErrorNotice, Loading};

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_playback_keys.graphql",
            response_derives = "Debug, Clone, PartialEq",
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SitePlaybackKeys,
    SiteCreatePlaybackKey,
    SiteDeletePlaybackKey
);

/// A key as the list shows it.
type Key = site_playback_keys::SitePlaybackKeysPlaybackKeys;
/// The keys, loaded by the page.
type KeyList = LocalResource<Result<site_playback_keys::ResponseData, crate::api::ApiError>>;

/// A key just made: its ID, its JWT `alg` and its private half, shown this once.
#[derive(Clone, Debug, PartialEq)]
struct Made {
    id: String,
    alg: &'static str,
    private_key: String,
}

/// The JWT `alg` of a key's algorithm.
fn jwt_alg(algorithm: &str) -> &'static str {
    if algorithm == "RS256" {
        "RS256"
    } else {
        "EdDSA"
    }
}

/// A token's header and claims as an integrator signs them for the key `kid`, valid for an
/// hour from `now` (seconds since 1970).
fn example_token(alg: &str, kid: &str, video: &str, now: i64) -> String {
    let header = serde_json::json!({ "alg": alg, "typ": "JWT", "kid": kid });
    let claims = serde_json::json!({ "sub": video, "aud": ["v", "t", "s"], "exp": now + 3600 });
    format!("{header}\n{claims}")
}

/// `/admin/playback-keys`: for admins; anyone else is told the page is theirs (the API
/// refuses them too).
#[component]
pub fn PlaybackKeysPage() -> impl IntoView {
    admins_only("keys", Shell::PlaybackKeys, K::AdminsOnly, |session| {
        view! { <PlaybackKeys session /> }.into_any()
    })
}

/// The page for an admin: the form and the keys.
#[component]
fn PlaybackKeys(session: Session) -> impl IntoView {
    let list: KeyList =
        LocalResource::new(move || session.call::<SitePlaybackKeys>(site_playback_keys::Variables));
    let status = Status::new();
    view! {
        <article class="site-page keys-page">
            <h2 id="page-title">{t(Shell::PlaybackKeys)}</h2>
            <p class="site-muted">{t(K::Intro)}</p>
            <NewKey session status list />
            <section aria-labelledby="keys-heading">
                <h3 id="keys-heading">{t(K::Keys)}</h3>
                {status.done_view("list", "keys-notice".into())}
                {status.other_error("list", &[], "keys-error".into())}
                <KeyRows session status list />
            </section>
        </article>
    }
}

/// The form that makes a key, and the private key of the one just made.
#[component]
fn NewKey(session: Session, status: Status, list: KeyList) -> impl IntoView {
    let made = RwSignal::new(None::<Made>);
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let algorithm = if field("new-key-algorithm") == "RS256" {
            site_create_playback_key::PlaybackKeyAlgorithm::RS256
        } else {
            site_create_playback_key::PlaybackKeyAlgorithm::EDDSA
        };
        let input = site_create_playback_key::CreatePlaybackKeyInput {
            name: field("new-key-name").trim().to_owned(),
            algorithm,
        };
        made.set(None);
        status.run(
            "create",
            session.call::<SiteCreatePlaybackKey>(site_create_playback_key::Variables { input }),
            |_| K::Created.text(locale()).into(),
            move |data| {
                let key = data.create_playback_key;
                made.set(Some(Made {
                    alg: jwt_alg(&format!("{:?}", key.playback_key.algorithm)),
                    id: key.playback_key.id,
                    private_key: key.private_key_pem,
                }));
                clear_fields(&["new-key-name"]);
                list.refetch();
            },
        );
    };
    view! {
        <section aria-labelledby="new-key-heading" class="site-card">
            <h3 id="new-key-heading">{t(K::NewKey)}</h3>
            <form id="new-key-form" class="admin-form" on:submit=on_create>
                <label for="new-key-name">{t(K::Name)}</label>
                <input id="new-key-name" type="text" autocomplete="off" maxlength="100" />
                {status.field_error("create", "name", "new-key-name-error".into())}
                <label for="new-key-algorithm">{t(K::Algorithm)}</label>
                <select id="new-key-algorithm">
                    <option value="EDDSA" selected>{t(K::EdDsa)}</option>
                    <option value="RS256">{t(K::Rs256)}</option>
                </select>
                {status.other_error("create", &["name"], "new-key-error".into())}
                <button type="submit" id="new-key-submit" disabled=move || status.busy.get()>
                    {t(K::Create)}
                </button>
                {status.done_view("create", "new-key-notice".into())}
            </form>
            {move || made.get().map(|made| view! { <PrivateKey made /> })}
        </section>
    }
}

/// The private key just made, with a copy button, the note that it is not kept, and an
/// example of the token to sign with it.
#[component]
fn PrivateKey(made: Made) -> impl IntoView {
    let copied = RwSignal::new(None::<&'static str>);
    let pem = made.private_key.clone();
    let copy = move |_| {
        copied.set(Some(if copy_to_clipboard(&pem) {
            K::Copied.text(locale())
        } else {
            K::CopyRefused.text(locale())
        }));
    };
    let example = example_token(
        made.alg,
        &made.id,
        text::video_id_placeholder(locale()),
        crate::format::now_secs(),
    );
    view! {
        <div class="token-secret key-secret" role="status">
            <p>
                <strong>{t(K::CopyNow)}</strong>
                {t(K::NotKept)}
            </p>
            <pre id="new-key-private" class="key-pem" tabindex="0" translate="no">{made.private_key.clone()}</pre>
            <button type="button" id="copy-key" on:click=copy>
                {t(K::Copy)}
            </button>
            {move || copied.get().map(|m| view! { <span id="copy-key-notice">{m}</span> })}
            <p>{t(K::HowToSign)}</p>
            <pre id="new-key-example" class="key-example" translate="no">{example}</pre>
            <p class="site-muted">{t(K::Claims)}</p>
        </div>
    }
}

/// The keys, oldest first, each with a Delete button.
#[component]
fn KeyRows(session: Session, status: Status, list: KeyList) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    list.await.map(|data| {
                        let keys = data.playback_keys;
                        if keys.is_empty() {
                            return view! { <p class="empty" id="no-keys">{t(K::NoKeys)}</p> }.into_any();
                        }
                        view! {
                            <ul class="site-rows" id="key-list">
                                {keys.into_iter().map(|k| key_row(session, status, list, k)).collect::<Vec<_>>()}
                            </ul>
                        }
                        .into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// A key's row: its facts, and Delete, which asks first.
fn key_row(session: Session, status: Status, list: KeyList, key: Key) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = move || status.busy.get();
    let delete = {
        let id = key.id.clone();
        move |_| {
            let input = site_delete_playback_key::DeletePlaybackKeyInput { id: id.clone() };
            status.run(
                "list",
                session
                    .call::<SiteDeletePlaybackKey>(site_delete_playback_key::Variables { input }),
                |_| K::Deleted.text(locale()).into(),
                move |_| list.refetch(),
            );
        }
    };
    let alg = jwt_alg(&format!("{:?}", key.algorithm));
    view! {
        <li class="site-row key-row" data-id=key.id.clone() data-name=key.name.clone()>
            <div class="site-row-head">
                <strong class="key-name">{key.name.clone()}</strong>
                <span class="key-algorithm">{alg}</span>
                <span class="key-id">
                    <span class="site-muted">{t(K::KeyId)}" "</span>
                    <code translate="no">{key.id.clone()}</code>
                </span>
                <span class="site-muted key-created">{text::created(locale(), &when(&key.created_at))}</span>
            </div>
            <div class="site-row-actions">
                <button
                    type="button"
                    class="key-delete danger"
                    aria-label=text::delete_label(locale(), &key.name)
                    on:click=move |_| confirming.set(true)
                >
                    {t(K::Delete)}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <div class="site-confirm" role="alertdialog">
                    <p class="key-delete-warning">{t(K::DeleteWarning)}</p>
                    <button type="button" class="key-confirm-delete danger" on:click=delete.clone() disabled=busy>
                        {t(K::ConfirmDelete)}
                    </button>
                    " "
                    <button type="button" class="key-keep" on:click=move |_| confirming.set(false)>
                        {t(K::KeepIt)}
                    </button>
                </div>
            </Show>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_token_names_the_key_the_video_every_audience_and_an_hour_ahead() {
        let example = example_token("EdDSA", "UGxheWJhY2tLZXk6MQ", "VIDEO_ID", 1_000);
        let (header, claims) = example.split_once('\n').unwrap();
        let header: serde_json::Value = serde_json::from_str(header).unwrap();
        let claims: serde_json::Value = serde_json::from_str(claims).unwrap();
        assert_eq!(header["kid"], "UGxheWJhY2tLZXk6MQ");
        assert_eq!(header["alg"], "EdDSA");
        assert_eq!(claims["sub"], "VIDEO_ID");
        assert_eq!(claims["aud"], serde_json::json!(["v", "t", "s"]));
        assert_eq!(claims["exp"], 4_600);
        assert_eq!(jwt_alg("RS256"), "RS256");
        assert_eq!(jwt_alg("EDDSA"), "EdDSA");
    }
}
