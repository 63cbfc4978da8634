//! One endpoint's row: its facts and health, its actions (edit, enable or disable, rotate the
//! secret, delete after a confirmation) and its delivery log.

use crate::i18n::admin::webhooks::{self as text, Health, Hooks as H, Label};
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::form::{EventTypeChoices, SecretBox};
use super::{
    Ctx, Endpoint, Shown, SiteDeleteWebhook, SiteRotateWebhookSecret, SiteUpdateWebhook,
    site_delete_webhook, site_rotate_webhook_secret, site_update_webhook,
};
use crate::admin::site_kit::{changed, when};

/// What the row says of the endpoint's health: disabled by the sender (after failing for how
/// long), disabled by an admin, or failing since when.
fn health(e: &Endpoint) -> Option<(String, &'static str)> {
    let since = e.failing_since.as_deref();
    // When it was disabled, not `updatedAt`: an edit made since (its URL fixed, say) moves that.
    let disabled_at = e.disabled_at.as_deref().unwrap_or(&e.updated_at);
    match (e.enabled, e.disabled_reason.as_deref(), since) {
        (false, Some(_), Some(since)) => {
            let failed_for = (super::millis(disabled_at) - super::millis(since)) / 1000.0;
            let span = text::span(locale(), failed_for as i64);
            let said = Health::DisabledAfter {
                span: &span,
                since: &when(since),
                at: &when(disabled_at),
            };
            Some((text::health(locale(), said), "hook-health disabled-auto"))
        }
        (false, Some(reason), None) => Some((reason.to_owned(), "hook-health disabled-auto")),
        (false, None, _) => Some((H::ByAdmin.text(locale()).into(), "hook-health")),
        (true, _, Some(since)) => Some((
            text::health(locale(), Health::FailingSince(&when(since))),
            "hook-health failing",
        )),
        (true, _, None) => None,
    }
}

/// The row of one endpoint.
pub(super) fn row(ctx: Ctx, e: Endpoint) -> impl IntoView {
    let status = ctx.status;
    let id = e.id.clone();
    let editing = RwSignal::new(false);
    let shown_secret = {
        let id = id.clone();
        move || {
            ctx.secret
                .get()
                .filter(|s| s.rotated && s.endpoint == id)
                .map(|s| view! { <SecretBox shown=s /> })
        }
    };
    let health = health(&e).map(|(said, class)| view! { <p class=class>{said}</p> });
    let description = if e.description.is_empty() {
        H::NoDescription.text(locale()).to_owned()
    } else {
        e.description.clone()
    };
    let state = if e.enabled {
        H::EnabledState
    } else {
        H::DisabledState
    };
    let log = super::log::delivery_log(ctx, &e);
    let editor = {
        let e = e.clone();
        move || editing.get().then(|| edit_form(ctx, &e, editing))
    };
    view! {
        <li class="site-row hook-row" data-url=e.url.clone() class:disabled=!e.enabled>
            <div class="site-row-head">
                <strong class="hook-url">{e.url.clone()}</strong>
                <span class="hook-state" class:enabled=e.enabled>{t(state)}</span>
                <span class="hook-description">{description}</span>
            </div>
            <p class="hook-types-list site-muted" translate="no">{e.event_types.join(", ")}</p>
            {health}
            {actions(ctx, &e, editing)}
            {editor}
            {shown_secret}
            {status.other_error(id.clone(), &[], String::new())}
            {status.done_view(id.clone(), String::new())}
            {status.done_view(format!("{id}:edit"), String::new())}
            {log}
        </li>
    }
}

/// An endpoint's buttons: edit, enable or disable, rotate the secret, and delete after a
/// confirmation.
fn actions(ctx: Ctx, e: &Endpoint, editing: RwSignal<bool>) -> impl IntoView + use<> {
    let status = ctx.status;
    let busy = move || status.busy.get();
    let confirming = RwSignal::new(false);
    let id = e.id.clone();
    let toggle = {
        let (id, enable) = (id.clone(), !e.enabled);
        move |_| {
            let input = site_update_webhook::UpdateWebhookEndpointInput {
                id: id.clone(),
                url: None,
                description: None,
                event_types: None,
                enabled: Some(enable),
            };
            status.run(
                id.clone(),
                ctx.session
                    .call::<SiteUpdateWebhook>(site_update_webhook::Variables { input }),
                move |_| {
                    (if enable {
                        H::EnabledDone
                    } else {
                        H::DisabledDone
                    })
                    .text(locale())
                    .into()
                },
                move |_| ctx.list.refetch(),
            );
        }
    };
    let rotate = {
        let id = id.clone();
        move |_| {
            let input = site_rotate_webhook_secret::WebhookEndpointIdInput { id: id.clone() };
            ctx.secret.set(None);
            status.run(
                id.clone(),
                ctx.session.call::<SiteRotateWebhookSecret>(
                    site_rotate_webhook_secret::Variables { input },
                ),
                |_| H::NewSecret.text(locale()).into(),
                move |data| {
                    let made = data.rotate_webhook_secret;
                    ctx.secret.set(Some(Shown {
                        endpoint: made.endpoint.id,
                        secret: made.secret,
                        rotated: true,
                        old_until: made.endpoint.previous_secret_valid_until,
                    }));
                    ctx.list.refetch();
                },
            );
        }
    };
    let delete = move |_| {
        let input = site_delete_webhook::WebhookEndpointIdInput { id: id.clone() };
        status.run(
            "list",
            ctx.session
                .call::<SiteDeleteWebhook>(site_delete_webhook::Variables { input }),
            |_| H::Deleted.text(locale()).into(),
            move |_| ctx.list.refetch(),
        );
    };
    view! {
        <div class="site-row-actions">
            <button type="button" class="hook-edit" aria-label=text::label(locale(), Label::Edit, &e.url) on:click=move |_| editing.update(|on| *on = !*on)>
                {t(H::Edit)}
            </button>
            <button type="button" class="hook-toggle" on:click=toggle disabled=busy>
                {t(if e.enabled { H::Disable } else { H::Enable })}
            </button>
            <button type="button" class="hook-rotate" on:click=rotate disabled=busy>
                {t(H::Rotate)}
            </button>
            <button type="button" class="hook-delete danger" aria-label=text::label(locale(), Label::Delete, &e.url) on:click=move |_| confirming.set(true)>
                {t(H::Delete)}
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div class="site-confirm" role="alertdialog">
                <p>{t(H::DeleteWarning)}</p>
                <button type="button" class="hook-confirm-delete danger" on:click=delete.clone() disabled=busy>
                    {t(H::ConfirmDelete)}
                </button>
                " "
                <button type="button" class="hook-keep" on:click=move |_| confirming.set(false)>
                    {t(H::KeepIt)}
                </button>
            </div>
        </Show>
    }
}

/// The edit form of an endpoint: URL, description and event types; Save sends only what
/// changed, and nothing at all when nothing did.
fn edit_form(ctx: Ctx, e: &Endpoint, editing: RwSignal<bool>) -> impl IntoView + use<> {
    let status = ctx.status;
    let scope = format!("{}:edit", e.id);
    let url = RwSignal::new(e.url.clone());
    let description = RwSignal::new(e.description.clone());
    let chosen = RwSignal::new(e.event_types.clone());
    let on_save = {
        let (id, was_url, was_description, scope) = (
            e.id.clone(),
            e.url.clone(),
            e.description.clone(),
            scope.clone(),
        );
        let mut was_types = e.event_types.clone();
        was_types.sort_unstable();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let types = chosen.get_untracked();
            let mut sorted = types.clone();
            sorted.sort_unstable();
            let input = site_update_webhook::UpdateWebhookEndpointInput {
                id: id.clone(),
                url: changed(&was_url, url.get_untracked().trim().to_owned()),
                description: changed(
                    &was_description,
                    description.get_untracked().trim().to_owned(),
                ),
                event_types: (sorted != was_types).then_some(types),
                enabled: None,
            };
            if input.url.is_none() && input.description.is_none() && input.event_types.is_none() {
                status.say(&scope, H::NothingChanged.text(locale()));
                return;
            }
            status.run(
                scope.clone(),
                ctx.session
                    .call::<SiteUpdateWebhook>(site_update_webhook::Variables { input }),
                |_| H::Saved.text(locale()).into(),
                move |_| {
                    editing.set(false);
                    ctx.list.refetch();
                },
            );
        }
    };
    const SHOWN: &[&str] = &["url", "description", "eventTypes"];
    view! {
        <form class="admin-form hook-edit-form" on:submit=on_save>
            <label>
                {t(H::Url)}
                <input class="hook-edit-url" type="text" inputmode="url" prop:value=url on:input=move |ev| url.set(event_target_value(&ev)) />
            </label>
            {status.field_error(scope.clone(), "url", String::new())}
            <label>
                {t(H::Description)}
                <input class="hook-edit-description" type="text" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
            </label>
            {status.field_error(scope.clone(), "description", String::new())}
            <EventTypeChoices types=ctx.types chosen id=format!("hook-edit-types-{}", e.id) />
            {status.field_error(scope.clone(), "eventTypes", String::new())}
            {status.other_error(scope.clone(), SHOWN, String::new())}
            <button type="submit" class="hook-save" disabled=move || status.busy.get()>{t(H::Save)}</button>
            " "
            <button type="button" class="hook-cancel" on:click=move |_| editing.set(false)>{t(H::Cancel)}</button>
        </form>
    }
}
