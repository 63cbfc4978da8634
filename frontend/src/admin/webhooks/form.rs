//! The form that registers an endpoint, the event type choices it shares with the edit form,
//! and the secret shown once.

use crate::i18n::admin::webhooks::Hooks as H;
use crate::i18n::{Message, locale, t};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{Ctx, Shown, SiteCreateWebhook, site_create_webhook};
use crate::admin::field;
use crate::admin::site_kit::{clear_fields, copy_to_clipboard, non_blank};

/// The form that registers an endpoint, and the secret of the one just made.
#[component]
pub(super) fn NewEndpoint(ctx: Ctx) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<String>::new());
    let status = ctx.status;
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = site_create_webhook::CreateWebhookEndpointInput {
            url: field("new-hook-url").trim().to_owned(),
            description: non_blank(field("new-hook-description")),
            event_types: chosen.get_untracked(),
            enabled: Some(crate::admin::checked("new-hook-enabled").unwrap_or(true)),
        };
        ctx.secret.set(None);
        status.run(
            "create",
            ctx.session
                .call::<SiteCreateWebhook>(site_create_webhook::Variables { input }),
            |_| H::Created.text(locale()).into(),
            move |data| {
                let made = data.create_webhook_endpoint;
                ctx.secret.set(Some(Shown {
                    endpoint: made.endpoint.id,
                    secret: made.secret,
                    rotated: false,
                    old_until: None,
                }));
                clear_fields(&["new-hook-url", "new-hook-description"]);
                chosen.set(Vec::new());
                ctx.list.refetch();
            },
        );
    };
    const SHOWN: &[&str] = &["url", "description", "eventTypes"];
    view! {
        <section aria-labelledby="new-hook-heading" class="site-card">
            <h3 id="new-hook-heading">{t(H::NewEndpoint)}</h3>
            <form id="new-hook-form" class="admin-form" on:submit=on_create>
                <label for="new-hook-url">{t(H::Url)}</label>
                <input id="new-hook-url" type="text" inputmode="url" autocomplete="off" placeholder="https://example.com/hooks/projector" />
                {status.field_error("create", "url", "new-hook-url-error".into())}
                <label for="new-hook-description">{t(H::Description)}</label>
                <input id="new-hook-description" type="text" autocomplete="off" />
                {status.field_error("create", "description", "new-hook-description-error".into())}
                <EventTypeChoices types=ctx.types chosen id="new-hook-types" />
                {status.field_error("create", "eventTypes", "new-hook-types-error".into())}
                <label class="checkbox" for="new-hook-enabled">
                    <input id="new-hook-enabled" type="checkbox" checked />
                    {t(H::SendEvents)}
                </label>
                {status.other_error("create", SHOWN, "new-hook-error".into())}
                <button type="submit" id="new-hook-submit" disabled=move || status.busy.get()>
                    {t(H::Create)}
                </button>
                {status.done_view("create", "new-hook-notice".into())}
            </form>
            {move || {
                ctx.secret
                    .get()
                    .filter(|s| !s.rotated)
                    .map(|s| view! { <SecretBox shown=s /> })
            }}
        </section>
    }
}

/// The event types as checkboxes, grouped by what they are about (`video`, `episode`...), each
/// group with a box that ticks all of it.
#[component]
pub(super) fn EventTypeChoices(
    /// Every event type, in the server's order.
    types: StoredValue<Vec<String>>,
    /// The types ticked.
    chosen: RwSignal<Vec<String>>,
    /// The fieldset's ID.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for ty in types.get_value() {
        let group = ty
            .split_once('.')
            .map_or(ty.as_str(), |(g, _)| g)
            .to_owned();
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(ty),
            None => groups.push((group, vec![ty])),
        }
    }
    let group_view = move |(group, members): (String, Vec<String>)| {
        let all = members.clone();
        let data_group = group.clone();
        let every = {
            let all = all.clone();
            move || chosen.with(|c| all.iter().all(|m| c.contains(m)))
        };
        let boxes = members
            .into_iter()
            .map(|ty| {
                let (value, data) = (ty.clone(), ty.clone());
                let label = ty
                    .split_once('.')
                    .map_or(ty.as_str(), |(_, rest)| rest)
                    .to_owned();
                view! {
                    <label class="checkbox hook-type">
                        <input
                            type="checkbox"
                            data-type=data
                            prop:checked=move || chosen.with(|c| c.contains(&ty))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|t| *t != value);
                                    if on {
                                        c.push(value.clone());
                                    }
                                });
                            }
                        />
                        <span translate="no">{label}</span>
                    </label>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <fieldset class="hook-type-group" data-group=data_group>
                <legend>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            class="hook-group-all"
                            prop:checked=every
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|t| !all.contains(t));
                                    if on {
                                        c.extend(all.iter().cloned());
                                    }
                                });
                            }
                        />
                        <strong translate="no">{group}</strong>
                    </label>
                </legend>
                {boxes}
            </fieldset>
        }
    };
    view! {
        <fieldset id=id class="hook-types">
            <legend>{t(H::EventTypes)}</legend>
            {groups.into_iter().map(group_view).collect::<Vec<_>>()}
        </fieldset>
    }
}

/// A secret just made, with a copy button; after a rotation, until when the old one signs.
#[component]
pub(super) fn SecretBox(shown: Shown) -> impl IntoView {
    let copied = RwSignal::new(None::<&'static str>);
    let text = shown.secret.clone();
    let copy = move |_| {
        copied.set(Some(if copy_to_clipboard(&text) {
            H::Copied.text(locale())
        } else {
            H::CopyRefused.text(locale())
        }));
    };
    let old = shown.old_until.as_deref().map(|until| {
        let said = crate::i18n::admin::webhooks::health(
            locale(),
            crate::i18n::admin::webhooks::Health::OldSecretUntil(&crate::admin::site_kit::when(
                until,
            )),
        );
        view! { <p class="hook-old-secret">{said}</p> }
    });
    view! {
        <div class="token-secret hook-secret-box" role="status">
            <p>
                <strong>{t(H::CopyNow)}</strong>
                {t(H::ShownOnce)}
            </p>
            <code class="hook-secret" tabindex="0">{shown.secret.clone()}</code>
            <button type="button" class="hook-copy-secret" on:click=copy>
                {t(H::Copy)}
            </button>
            {move || copied.get().map(|m| view! { <span class="hook-copy-notice">{m}</span> })}
            {old}
        </div>
    }
}
