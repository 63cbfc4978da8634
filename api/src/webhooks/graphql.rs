//! Webhooks in GraphQL: endpoints, their delivery logs and what admins do with them (admins
//! only; the guards say so, the services trust them).

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::entity::{attempt, delivery, endpoint};
use super::{endpoints, outbox, sender, status};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::error::AppResult;
use crate::graphql::app;
use crate::graphql::pagination::{Cursor, ListCount};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::DeletePayload;

/// Where events of chosen types are POSTed, signed.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct WebhookEndpoint {
    /// Global ID.
    pub id: ID,
    /// The http(s) URL events are POSTed to.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it receives.
    pub event_types: Vec<String>,
    /// Whether events are sent to it.
    pub enabled: bool,
    /// Why the sender disabled it (every delivery failed for days); cleared when re-enabled.
    pub disabled_reason: Option<String>,
    /// When it was disabled, by an admin or by the sender; null while it is enabled. Later
    /// edits do not move it (they move `updatedAt`).
    pub disabled_at: Option<DateTime<Utc>>,
    /// Since when every attempt has failed, if the last one did.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation still signs (both signatures are sent).
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    uuid: Uuid,
}

impl From<endpoint::Model> for WebhookEndpoint {
    fn from(m: endpoint::Model) -> Self {
        let valid_until = m.previous_secret_until.filter(|t| *t > Utc::now());
        Self {
            id: to_global("WebhookEndpoint", m.id),
            event_types: m.types(),
            url: m.url,
            description: m.description,
            enabled: m.enabled,
            disabled_reason: m.disabled_reason,
            disabled_at: m.disabled_at,
            failing_since: m.failing_since,
            previous_secret_valid_until: valid_until,
            created_at: m.created_at,
            updated_at: m.updated_at,
            uuid: m.id,
        }
    }
}

#[ComplexObject]
impl WebhookEndpoint {
    /// Its delivery log, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, WebhookDelivery, ListCount>> {
        let page = endpoints::deliveries(&app(ctx)?.db, self.uuid, first, after.as_deref()).await?;
        Ok(page.connection(after.is_some(), WebhookDelivery::from))
    }
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

/// One event sent (or being sent) to one endpoint.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct WebhookDelivery {
    /// Global ID (what `redeliverWebhook` takes).
    pub id: ID,
    /// The `webhook-id` header: the same for every delivery of one event.
    pub message_id: String,
    /// The event type.
    pub event_type: String,
    /// Where it stands.
    pub status: WebhookDeliveryStatus,
    /// Attempts made so far.
    pub attempt_count: i32,
    /// The status of the last answer.
    pub last_response_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it succeeded or failed for good.
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    uuid: Uuid,
}

impl From<delivery::Model> for WebhookDelivery {
    fn from(m: delivery::Model) -> Self {
        let status = match m.status.as_str() {
            status::SUCCEEDED => WebhookDeliveryStatus::Succeeded,
            status::FAILED => WebhookDeliveryStatus::Failed,
            _ => WebhookDeliveryStatus::Pending,
        };
        Self {
            id: to_global("WebhookDelivery", m.id),
            message_id: sender::message_id(m.event_id),
            event_type: m.event_type,
            next_attempt_at: (status == WebhookDeliveryStatus::Pending)
                .then_some(m.next_attempt_at),
            status,
            attempt_count: m.attempts,
            last_response_code: m.last_response_code,
            last_error: m.last_error,
            created_at: m.created_at,
            updated_at: m.updated_at,
            finished_at: m.finished_at,
            uuid: m.id,
        }
    }
}

#[ComplexObject]
impl WebhookDelivery {
    /// Every attempt, first first.
    async fn attempts(&self, ctx: &Context<'_>) -> AppResult<Vec<WebhookAttempt>> {
        let rows = endpoints::attempts(&app(ctx)?.db, self.uuid).await?;
        Ok(rows.into_iter().map(WebhookAttempt::from).collect())
    }
}

/// One attempt to send a delivery.
#[derive(SimpleObject, Debug, Clone)]
pub struct WebhookAttempt {
    /// 1 for the first.
    pub number: i32,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// The status answered, if any.
    pub response_code: Option<i32>,
    /// Why it failed.
    pub error: Option<String>,
}

impl From<attempt::Model> for WebhookAttempt {
    fn from(m: attempt::Model) -> Self {
        Self {
            number: m.number,
            started_at: m.started_at,
            duration_ms: m.duration_ms,
            response_code: m.response_code,
            error: m.error,
        }
    }
}

/// A new endpoint: the service's own (`endpoints::NewEndpoint`).
pub use endpoints::NewEndpoint as CreateWebhookEndpointInput;

/// Changes to an endpoint; absent fields stay as they are.
#[derive(InputObject, Debug)]
pub struct UpdateWebhookEndpointInput {
    /// The endpoint's ID.
    pub id: ID,
    /// The changes, as the service takes them.
    #[graphql(flatten)]
    pub changes: endpoints::EndpointChanges,
}

/// Which endpoint.
#[derive(InputObject, Debug)]
pub struct WebhookEndpointIdInput {
    /// The endpoint's ID.
    pub id: ID,
}

/// Which delivery to send again.
#[derive(InputObject, Debug)]
pub struct RedeliverWebhookInput {
    /// The delivery's ID.
    pub delivery_id: ID,
}

/// An endpoint with its secret, shown this once.
#[derive(SimpleObject, Debug)]
pub struct WebhookSecretPayload {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`: the key of its signatures. Not shown again.
    pub secret: String,
}

/// The endpoint changed.
#[derive(SimpleObject, Debug)]
pub struct WebhookEndpointPayload {
    /// The endpoint as it is now.
    pub endpoint: WebhookEndpoint,
}

/// The new delivery.
#[derive(SimpleObject, Debug)]
pub struct RedeliverWebhookPayload {
    /// The delivery made (due now).
    pub delivery: WebhookDelivery,
}

/// Webhook queries (admins only).
#[derive(Default, Debug)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// Every webhook endpoint, oldest first (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> AppResult<Vec<WebhookEndpoint>> {
        let rows = endpoints::list(&app(ctx)?.db).await?;
        Ok(rows.into_iter().map(WebhookEndpoint::from).collect())
    }

    /// The event types an endpoint may receive (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn webhook_event_types(&self) -> Vec<String> {
        outbox::EVENT_TYPES
            .iter()
            .map(|t| (*t).to_string())
            .collect()
    }
}

/// Webhook mutations (admins only).
#[derive(Default, Debug)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers an endpoint (admins only); the payload carries its secret, shown this once.
    /// `VALIDATION` for a URL that is not http(s) or points at a private, loopback, link-local
    /// or unspecified address (unless configuration allows them), and for unknown event types.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> AppResult<WebhookSecretPayload> {
        let app = app(ctx)?;
        let allow = app.config.webhooks.allow_private_targets;
        let (endpoint, secret) = endpoints::create(&app.db, allow, input).await?;
        Ok(WebhookSecretPayload {
            endpoint: endpoint.into(),
            secret,
        })
    }

    /// Changes an endpoint (admins only); the same rules as `createWebhookEndpoint`.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateWebhookEndpointInput,
    ) -> AppResult<WebhookEndpointPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.id, "WebhookEndpoint")?;
        let allow = app.config.webhooks.allow_private_targets;
        let endpoint = endpoints::update(&app.db, allow, id, input.changes).await?;
        Ok(WebhookEndpointPayload {
            endpoint: endpoint.into(),
        })
    }

    /// Deletes an endpoint and its delivery log (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: WebhookEndpointIdInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "WebhookEndpoint")?;
        let id = endpoints::delete(&app(ctx)?.db, id).await?;
        Ok(DeletePayload::of(to_global("WebhookEndpoint", id)))
    }

    /// Gives an endpoint a new secret, shown this once (admins only). The old secret keeps
    /// signing for 24 hours: meanwhile each delivery carries both signatures.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        input: WebhookEndpointIdInput,
    ) -> AppResult<WebhookSecretPayload> {
        let id = from_global(&input.id, "WebhookEndpoint")?;
        let (endpoint, secret) = endpoints::rotate_secret(&app(ctx)?.db, id).await?;
        Ok(WebhookSecretPayload {
            endpoint: endpoint.into(),
            secret,
        })
    }

    /// Sends a delivery's event to its endpoint again, as a new delivery with the same
    /// `webhook-id` (admins only). `VALIDATION` while the endpoint is disabled.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        input: RedeliverWebhookInput,
    ) -> AppResult<RedeliverWebhookPayload> {
        let app = app(ctx)?;
        let id = from_global(&input.delivery_id, "WebhookDelivery")?;
        let delivery = endpoints::redeliver(&app.db, id).await?;
        app.webhooks.wake();
        Ok(RedeliverWebhookPayload {
            delivery: delivery.into(),
        })
    }
}
