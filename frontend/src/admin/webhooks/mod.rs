//! `/admin/webhooks` (admins only): the endpoints events are POSTed to, each with its health
//! (failing since when, disabled after how long), its event types and its delivery log; create
//! one (its signing secret is shown this once), edit it (only what changed is sent), enable or
//! disable it, rotate its secret, delete it, and redeliver an event.

mod endpoint;
mod form;
mod log;

use crate::i18n::admin::shell::Shell;
use crate::i18n::admin::webhooks::Hooks as H;
use crate::i18n::t;
use graphql_client::GraphQLQuery;
use leptos::prelude::*;

use self::form::NewEndpoint;
use super::session::Session;
use super::site_kit::{Status, admins_only};
use crate::components::{ErrorNotice, Loading};

/// `DateTime`: RFC 3339, UTC.
type DateTime = String;

macro_rules! operation {
    ($($name:ident),*) => {$(
        #[doc = concat!("The `", stringify!($name), "` operation.")]
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = "graphql/admin_site_webhooks.graphql",
            response_derives = "Debug, Clone",
            // Absent, not null: the API reads null as "clear", so what was not changed is not sent.
            skip_serializing_none
        )]
        pub struct $name;
    )*};
}
operation!(
    SiteWebhooks,
    SiteWebhookEventTypes,
    SiteCreateWebhook,
    SiteUpdateWebhook,
    SiteDeleteWebhook,
    SiteRotateWebhookSecret,
    SiteRedeliverWebhook
);

/// An endpoint as the list shows it.
type Endpoint = site_webhooks::SiteWebhooksWebhookEndpoints;
/// One delivery of its log.
type Delivery = site_webhooks::SiteWebhooksWebhookEndpointsDeliveriesNodes;
/// The endpoints, loaded by the page.
type HookList = LocalResource<Result<site_webhooks::ResponseData, crate::api::ApiError>>;

/// A secret just made, shown this once: under the form for a new endpoint, in the endpoint's
/// row after a rotation.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    /// The endpoint's ID.
    endpoint: String,
    /// `whsec_…`.
    secret: String,
    /// Made by a rotation (not by creating the endpoint).
    rotated: bool,
    /// Until when the secret before the rotation still signs.
    old_until: Option<String>,
}

/// What every part of the page shares.
#[derive(Clone, Copy)]
struct Ctx {
    session: Session,
    /// The last change and its outcome.
    status: Status,
    /// The endpoints.
    list: HookList,
    /// The secret to show, if one was just made.
    secret: RwSignal<Option<Shown>>,
    /// The open parts (delivery logs by endpoint ID, attempts by delivery ID): kept by the
    /// page, so a refresh of the list leaves them open.
    open: RwSignal<Vec<String>>,
    /// Every event type an endpoint may ask for, in the server's order.
    types: StoredValue<Vec<String>>,
}

impl Ctx {
    /// Whether the part `key` is open.
    fn is_open(self, key: &str) -> bool {
        self.open.with(|o| o.iter().any(|k| k == key))
    }

    /// Opens or closes the part `key`.
    fn toggle(self, key: &str) {
        self.open.update(|o| {
            if let Some(at) = o.iter().position(|k| k == key) {
                o.remove(at);
            } else {
                o.push(key.to_owned());
            }
        });
    }
}

/// `/admin/webhooks`: for admins; anyone else is told the page is theirs (the API refuses them
/// too).
#[component]
pub fn WebhooksPage() -> impl IntoView {
    admins_only("webhooks", Shell::Webhooks, H::AdminsOnly, |session| {
        view! { <Webhooks session /> }.into_any()
    })
}

/// The page once the event types are known: the form and the endpoints.
#[component]
fn Webhooks(session: Session) -> impl IntoView {
    let types = LocalResource::new(move || async move {
        session
            .call::<SiteWebhookEventTypes>(site_webhook_event_types::Variables)
            .await
            .map(|d| d.webhook_event_types)
    });
    let list: HookList =
        LocalResource::new(move || session.call::<SiteWebhooks>(site_webhooks::Variables));
    let status = Status::new();
    let secret = RwSignal::new(None::<Shown>);
    let open = RwSignal::new(Vec::new());
    view! {
        <article class="site-page webhooks-page">
            <h2 id="page-title">{t(Shell::Webhooks)}</h2>
            <p class="site-muted">{t(H::Intro)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        types.await.map(|types| {
                            let ctx = Ctx { session, status, list, secret, open, types: StoredValue::new(types) };
                            view! {
                                <NewEndpoint ctx />
                                <Endpoints ctx />
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </article>
    }
}

/// The endpoints, each with its facts, actions and delivery log, and a Refresh button.
#[component]
fn Endpoints(ctx: Ctx) -> impl IntoView {
    let list = ctx.list;
    view! {
        <section aria-labelledby="hooks-heading">
            <div class="site-row-head">
                <h3 id="hooks-heading">{t(H::Endpoints)}</h3>
                <button type="button" id="webhooks-refresh" on:click=move |_| list.refetch()>
                    {t(H::Refresh)}
                </button>
            </div>
            {ctx.status.done_view("list", "webhooks-notice".into())}
            {ctx.status.other_error("list", &[], "webhooks-error".into())}
            <Transition fallback=|| view! { <Loading /> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                    {move || Suspend::new(async move {
                        list.await.map(|data| {
                            let rows = data.webhook_endpoints;
                            if rows.is_empty() {
                                return view! { <p class="empty" id="no-webhooks">{t(H::NoEndpoints)}</p> }.into_any();
                            }
                            view! {
                                <ul class="site-rows" id="webhook-list">
                                    {rows.into_iter().map(|e| endpoint::row(ctx, e)).collect::<Vec<_>>()}
                                </ul>
                            }
                            .into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// Milliseconds since the epoch of an RFC 3339 time (NaN when unreadable).
fn millis(rfc3339: &str) -> f64 {
    js_sys::Date::parse(rfc3339)
}
