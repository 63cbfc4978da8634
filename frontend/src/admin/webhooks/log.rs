//! An endpoint's delivery log: one row per delivery (event type, status, time, response code,
//! attempts, which open to show each attempt) with a Redeliver button.

use crate::i18n::admin::webhooks::{self as text, Hooks as H, Label};
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;

use super::site_webhooks::WebhookDeliveryStatus as S;
use super::{Ctx, Delivery, Endpoint, SiteRedeliverWebhook, site_redeliver_webhook};
use crate::admin::site_kit::when;

/// The log of `endpoint`, behind a button that opens it.
pub(super) fn delivery_log(ctx: Ctx, endpoint: &Endpoint) -> impl IntoView + use<> {
    let key = format!("log:{}", endpoint.id);
    let open = {
        let key = key.clone();
        move || ctx.is_open(&key)
    };
    let expanded = open.clone();
    let total = endpoint.deliveries.total_count;
    let deliveries = endpoint.deliveries.nodes.clone();
    let heading = text::label(locale(), Label::Count, &total.to_string());
    view! {
        <div class="hook-log">
            <button
                type="button"
                class="hook-log-toggle"
                aria-expanded=move || expanded().to_string()
                on:click=move |_| ctx.toggle(&key)
            >
                {heading}
            </button>
            <Show when=open>
                {if deliveries.is_empty() {
                    view! { <p class="empty hook-no-deliveries">{t(H::NoDeliveries)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="site-rows hook-deliveries">
                            {deliveries.iter().cloned().map(|d| delivery_row(ctx, d)).collect::<Vec<_>>()}
                        </ul>
                    }
                    .into_any()
                }}
            </Show>
        </div>
    }
}

/// A delivery's status in words of the page's language.
fn status_word(status: &S) -> (&'static str, &'static str) {
    match status {
        S::PENDING => (H::Pending.text(locale()), "PENDING"),
        S::SUCCEEDED => (H::Succeeded.text(locale()), "SUCCEEDED"),
        _ => (H::Failed.text(locale()), "FAILED"),
    }
}

/// One delivery: its facts, its attempts when opened, and Redeliver.
fn delivery_row(ctx: Ctx, d: Delivery) -> impl IntoView {
    let status = ctx.status;
    let key = format!("attempts:{}", d.id);
    let open = {
        let key = key.clone();
        move || ctx.is_open(&key)
    };
    let expanded = open.clone();
    let redeliver = {
        let id = d.id.clone();
        move |_| {
            let input = site_redeliver_webhook::RedeliverWebhookInput {
                delivery_id: id.clone(),
            };
            status.run(
                id.clone(),
                ctx.session
                    .call::<SiteRedeliverWebhook>(site_redeliver_webhook::Variables { input }),
                |_| H::Redelivered.text(locale()).into(),
                move |_| ctx.list.refetch(),
            );
        }
    };
    let (word, value) = status_word(&d.status);
    let code = d
        .last_response_code
        .map(|c| c.to_string())
        .unwrap_or_else(|| {
            if d.attempt_count > 0 {
                H::NoAnswer.text(locale()).into()
            } else {
                "—".into()
            }
        });
    let attempts = d
        .attempts
        .iter()
        .map(|a| {
            let mut parts = vec![
                text::label(locale(), Label::Attempt, &a.number.to_string()),
                when(&a.started_at),
                a.response_code
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| H::NoAnswer.text(locale()).into()),
                format!("{} ms", a.duration_ms),
            ];
            parts.extend(a.error.clone());
            parts.join(" · ")
        })
        .collect::<Vec<_>>();
    view! {
        <li class="site-row hook-delivery" data-status=value data-event=d.event_type.clone()>
            <div class="site-row-head">
                <strong class="delivery-event" translate="no">{d.event_type.clone()}</strong>
                <span class="delivery-status" data-status=value>{word}</span>
                <span class="delivery-time site-muted">{when(&d.created_at)}</span>
                <span class="delivery-code" title=t(H::Code)>{code}</span>
                <button
                    type="button"
                    class="delivery-attempts"
                    title=t(H::Attempts)
                    aria-expanded=move || expanded().to_string()
                    on:click=move |_| ctx.toggle(&key)
                >
                    {text::label(locale(), Label::AttemptCount, &d.attempt_count.to_string())}
                </button>
                <button type="button" class="delivery-redeliver" on:click=redeliver disabled=move || status.busy.get()>
                    {t(H::Redeliver)}
                </button>
            </div>
            <Show when=open>
                <ol class="hook-attempts">
                    {attempts.iter().map(|a| view! { <li class="hook-attempt">{a.clone()}</li> }).collect::<Vec<_>>()}
                </ol>
            </Show>
            {d.last_error.clone().map(|e| view! { <p class="delivery-error site-muted">{e}</p> })}
            {status.other_error(d.id.clone(), &[], String::new())}
            {status.done_view(d.id.clone(), String::new())}
        </li>
    }
}
