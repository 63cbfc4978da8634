//! The sender: a background task of every API process that turns events into deliveries,
//! claims due deliveries and POSTs them, at most `webhooks.concurrency` at a time.
//!
//! It wakes when a change commits (the GraphQL gate, the transcode workers and uploads call
//! [`super::Webhooks::wake`]), when a retry it scheduled falls due, and every `poll_ms` as a
//! fallback (events written by another process). An idle poll is two small reads; it runs on
//! [`Ctx::background_db`], which the statement counter does not count.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::EntityTrait as _;
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::entity::{delivery, endpoint, outbox_event};
use super::queue::{self, Next, Outcome};
use super::{sign, target};
use crate::config::WebhooksConfig;
use crate::error::AppResult;
use crate::state::Ctx;

/// Most bytes of an answer read (the rest is not waited for).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// How often old events are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The HTTP client of webhooks: no redirects, the configured timeout, and a resolver that
/// refuses private addresses (unless allowed).
pub fn client(config: &WebhooksConfig) -> anyhow::Result<reqwest::Client> {
    let timeout = Duration::from_millis(config.timeout_ms.max(1));
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .pool_max_idle_per_host(2)
        .user_agent(concat!("Projector-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(target::GuardedResolver {
            allow_private: config.allow_private_targets,
        }))
        .build()?)
}

/// Starts the sender of this process; it stops when `ctx.shutdown` is cancelled.
pub fn start(ctx: &Arc<Ctx>) {
    let client = match client(&ctx.config.webhooks) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook client; webhooks are not sent");
            return;
        }
    };
    let ctx = ctx.clone();
    tokio::spawn(async move { run(ctx, client).await });
}

async fn run(ctx: Arc<Ctx>, client: reqwest::Client) {
    let config = ctx.config.webhooks.clone();
    let name = format!("{}:{}", std::process::id(), Uuid::now_v7());
    let lease = Duration::from_millis(config.timeout_ms) + Duration::from_secs(30);
    let permits = Arc::new(Semaphore::new(config.concurrency.max(1) as usize));
    let poll = Duration::from_millis(config.poll_ms.max(10));
    let mut last_prune: Option<Instant> = None;
    loop {
        if ctx.shutdown.is_cancelled() {
            break;
        }
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(Instant::now());
            if let Err(e) = queue::prune(&ctx.background_db, config.retention_days).await {
                tracing::warn!(error = %e, "could not prune old webhook events");
            }
        }
        if let Err(e) = queue::dispatch(&ctx.background_db).await {
            tracing::warn!(error = %e, "could not dispatch webhook events");
        }
        let free = permits.available_permits();
        let claimed = if free > 0 {
            queue::claim(&ctx.background_db, &name, lease, free)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not claim webhook deliveries");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let busy = !claimed.is_empty();
        for held in claimed {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            let (ctx, client, name) = (ctx.clone(), client.clone(), name.clone());
            tokio::spawn(async move {
                deliver(&ctx, &client, &name, held).await;
                drop(permit);
                ctx.webhooks.wake();
            });
        }
        if !busy {
            tokio::select! {
                () = ctx.webhooks.woken() => {}
                () = tokio::time::sleep(poll) => {}
                () = ctx.shutdown.cancelled() => break,
            }
        }
    }
}

/// Sends one claimed delivery and records the attempt; errors are logged, never propagated.
async fn deliver(ctx: &Arc<Ctx>, client: &reqwest::Client, sender: &str, held: delivery::Model) {
    let config = &ctx.config.webhooks;
    let started_at = Utc::now();
    let started = Instant::now();
    let result = match load(ctx, &held).await {
        Ok(Some((endpoint, event))) => send(client, config, &endpoint, &event).await,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(delivery = %held.id, error = %e, "cannot read a webhook delivery");
            return;
        }
    };
    let outcome = Outcome {
        started_at,
        duration: started.elapsed(),
        response_code: result.0,
        error: result.1,
    };
    let recorded = queue::record(
        &ctx.background_db,
        sender,
        &held,
        &outcome,
        Duration::from_millis(config.retry_base_ms),
        Duration::from_secs(config.disable_after_secs),
    )
    .await;
    match recorded {
        Ok(Next::RetryIn(delay)) => {
            // Wake this sender when the retry is due, rather than at the next poll.
            let ctx = ctx.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                ctx.webhooks.wake();
            });
        }
        Ok(Next::Done) => {}
        Err(e) => {
            tracing::warn!(delivery = %held.id, error = %e, "cannot record a webhook attempt")
        }
    }
}

async fn load(
    ctx: &Ctx,
    held: &delivery::Model,
) -> AppResult<Option<(endpoint::Model, outbox_event::Model)>> {
    let endpoint = endpoint::Entity::find_by_id(held.endpoint_id)
        .one(&ctx.background_db)
        .await?;
    let event = outbox_event::Entity::find_by_id(held.event_id)
        .one(&ctx.background_db)
        .await?;
    Ok(endpoint.zip(event))
}

/// The `webhook-id` of an event (the same for every delivery and redelivery of it).
pub fn message_id(event: Uuid) -> String {
    format!("msg_{}", event.simple())
}

/// POSTs an event to an endpoint: the status answered, and why the attempt failed (`None`
/// for a 2xx answer).
async fn send(
    client: &reqwest::Client,
    config: &WebhooksConfig,
    endpoint: &endpoint::Model,
    event: &outbox_event::Model,
) -> (Option<u16>, Option<String>) {
    let url = match url::Url::parse(&endpoint.url) {
        Ok(u) => u,
        Err(e) => {
            return (
                None,
                Some(format!("the endpoint's URL does not parse: {e}")),
            );
        }
    };
    if let Err(refused) = target::check_literal(&url, config.allow_private_targets) {
        return (None, Some(refused));
    }
    let id = message_id(event.id);
    let timestamp = Utc::now().timestamp();
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(old), Some(until)) = (&endpoint.previous_secret, endpoint.previous_secret_until)
        && until > Utc::now()
    {
        secrets.push(old.as_str());
    }
    let signature = sign::header(secrets, &id, timestamp, &event.payload);
    let request = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(event.payload.clone());
    let timeout = Duration::from_millis(config.timeout_ms.max(1));
    let answer = tokio::time::timeout(timeout, async {
        let mut response = request.send().await?;
        let code = response.status();
        // At most 64 KiB of the answer is read; nothing in it changes the outcome.
        let mut read = 0usize;
        while read < MAX_RESPONSE_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) | Err(_) => break,
            }
        }
        Ok::<_, reqwest::Error>((code, response.headers().get("location").cloned()))
    })
    .await;
    match answer {
        Err(_) => (
            None,
            Some(format!("no answer within {} ms", config.timeout_ms)),
        ),
        Ok(Err(e)) => (None, Some(describe(&e, config.timeout_ms))),
        Ok(Ok((code, location))) => {
            let error = if code.is_success() {
                None
            } else if code.is_redirection() {
                let to = location
                    .and_then(|l| l.to_str().ok().map(str::to_string))
                    .unwrap_or_default();
                Some(format!(
                    "answered {code} (a redirect to `{to}`, not followed)"
                ))
            } else {
                Some(format!("answered {code}"))
            };
            (Some(code.as_u16()), error)
        }
    }
}

/// A client error as the delivery log says it, with its causes.
fn describe(e: &reqwest::Error, timeout_ms: u64) -> String {
    if e.is_timeout() {
        return format!("no answer within {timeout_ms} ms");
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text.chars().take(1000).collect()
}
