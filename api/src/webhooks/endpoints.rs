//! What admins do with endpoints: register, change, delete, rotate the secret, read the
//! delivery log and redeliver. Who may is decided by the resolvers' guards (admins only).

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, IntoActiveModel,
    QueryFilter as _, QueryOrder as _, Set, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{attempt, delivery, endpoint};
use super::outbox::EVENT_TYPES;
use super::{sign, target};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{self, Key, Page, Sort};

/// How long the secret before a rotation keeps signing.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);
/// Longest description.
const MAX_DESCRIPTION: usize = 500;

// Also the GraphQL `CreateWebhookEndpointInput` (its doc comments are the schema's).
/// A new endpoint.
#[derive(async_graphql::InputObject, Clone, Debug)]
#[graphql(name = "CreateWebhookEndpointInput")]
pub struct NewEndpoint {
    /// An http(s) URL on a public address.
    pub url: String,
    /// What it is for (at most 500 characters).
    pub description: Option<String>,
    /// The event types to send (`webhookEventTypes` lists them); at least one.
    pub event_types: Vec<String>,
    /// Whether events are sent (default true).
    pub enabled: Option<bool>,
}

/// Changes to an endpoint (`None` leaves a field alone). Also the fields of the GraphQL
/// `UpdateWebhookEndpointInput`, which flattens it.
#[derive(async_graphql::InputObject, Clone, Debug, Default)]
pub struct EndpointChanges {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New event types.
    pub event_types: Option<Vec<String>>,
    /// Enable or disable it; enabling clears `disabledReason`.
    pub enabled: Option<bool>,
}

fn description(raw: Option<String>) -> AppResult<String> {
    let text = raw.unwrap_or_default().trim().to_string();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::validation(format!(
            "description: at most {MAX_DESCRIPTION} characters"
        )));
    }
    Ok(text)
}

/// The event types as stored (a JSON array), each known, without repeats, at least one.
fn event_types(raw: Vec<String>) -> AppResult<String> {
    let mut types: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim().to_string();
        if !EVENT_TYPES.contains(&t.as_str()) {
            return Err(AppError::validation(format!(
                "eventTypes: `{}` is not an event type (webhookEventTypes lists them)",
                t.chars().take(64).collect::<String>()
            )));
        }
        if !types.contains(&t) {
            types.push(t);
        }
    }
    if types.is_empty() {
        return Err(AppError::validation(
            "eventTypes: name at least one event type",
        ));
    }
    serde_json::to_string(&types).map_err(AppError::internal)
}

/// Registers an endpoint; returns it with its secret (the only time the secret is shown).
pub async fn create(
    db: &impl ConnectionTrait,
    allow_private: bool,
    input: NewEndpoint,
) -> AppResult<(endpoint::Model, String)> {
    let url = target::check_url(&input.url, allow_private).await?;
    let description = description(input.description)?;
    let types = event_types(input.event_types)?;
    let now = Utc::now();
    let secret = sign::new_secret();
    let enabled = input.enabled.unwrap_or(true);
    let created = endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(url),
        description: Set(description),
        event_types: Set(types),
        enabled: Set(enabled),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        disabled_reason: Set(None),
        disabled_at: Set((!enabled).then_some(now)),
        failing_since: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok((created, secret))
}

/// An endpoint by id (`NOT_FOUND`).
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> AppResult<endpoint::Model> {
    endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("webhook endpoint"))
}

/// Every endpoint, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<endpoint::Model>> {
    Ok(endpoint::Entity::find()
        .order_by_asc(endpoint::Column::Id)
        .all(db)
        .await?)
}

/// Changes an endpoint. Everything is checked before anything is written.
pub async fn update(
    db: &impl TransactionTrait,
    allow_private: bool,
    id: Uuid,
    changes: EndpointChanges,
) -> AppResult<endpoint::Model> {
    let url = match changes.url {
        Some(u) => Some(target::check_url(&u, allow_private).await?),
        None => None,
    };
    let description = changes
        .description
        .map(|d| description(Some(d)))
        .transpose()?;
    let types = changes.event_types.map(event_types).transpose()?;
    let txn = crate::db::begin_write(db).await?;
    let found = get(&txn, id).await?;
    let was_enabled = found.enabled;
    let mut active = found.into_active_model();
    if let Some(url) = url {
        active.url = Set(url);
    }
    if let Some(d) = description {
        active.description = Set(d);
    }
    if let Some(t) = types {
        active.event_types = Set(t);
    }
    if let Some(enabled) = changes.enabled {
        active.enabled = Set(enabled);
        if enabled {
            active.disabled_reason = Set(None);
            active.failing_since = Set(None);
            active.disabled_at = Set(None);
        } else if was_enabled {
            active.disabled_at = Set(Some(Utc::now()));
        }
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes an endpoint with its delivery log.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Uuid> {
    let deleted = endpoint::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound("webhook endpoint"));
    }
    Ok(id)
}

/// Gives an endpoint a new secret; the old one keeps signing for [`ROTATION_OVERLAP`], so both
/// signatures are sent meanwhile. Returns the endpoint and the new secret.
pub async fn rotate_secret(
    db: &impl TransactionTrait,
    id: Uuid,
) -> AppResult<(endpoint::Model, String)> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, id).await?;
    let secret = sign::new_secret();
    let now = Utc::now();
    let mut active = current.clone().into_active_model();
    active.previous_secret = Set(Some(current.secret));
    active.previous_secret_until = Set(Some(now + ROTATION_OVERLAP));
    active.secret = Set(secret.clone());
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok((updated, secret))
}

/// One page of an endpoint's delivery log, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    endpoint_id: Uuid,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<delivery::Model>> {
    let sort = Sort::by_id(
        Expr::col((delivery::Entity, delivery::Column::Id)).into(),
        true,
    );
    pagination::fetch(
        db,
        delivery::Entity::find().filter(delivery::Column::EndpointId.eq(endpoint_id)),
        &format!("webhook-deliveries:{endpoint_id}"),
        &sort,
        |d: &delivery::Model| (Key::None, d.id),
        first,
        after,
    )
    .await
}

/// The attempts of a delivery, first first.
pub async fn attempts(
    db: &impl ConnectionTrait,
    delivery_id: Uuid,
) -> AppResult<Vec<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::DeliveryId.eq(delivery_id))
        .order_by_asc(attempt::Column::Number)
        .all(db)
        .await?)
}

/// Sends a delivery's event to its endpoint again, as a new delivery with the same
/// `webhook-id` (receivers can tell it is the same event). `VALIDATION` while the endpoint is
/// disabled: the new delivery would wait for nothing.
pub async fn redeliver(
    db: &impl TransactionTrait,
    delivery_id: Uuid,
) -> AppResult<delivery::Model> {
    let txn = crate::db::begin_write(db).await?;
    let original = delivery::Entity::find_by_id(delivery_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("webhook delivery"))?;
    let endpoint = get(&txn, original.endpoint_id).await?;
    if !endpoint.enabled {
        return Err(AppError::validation(
            "deliveryId: its endpoint is disabled; enable it first",
        ));
    }
    let event = (original.event_id, original.event_type);
    let created = super::queue::new_delivery(original.endpoint_id, event, Utc::now())
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(created)
}
