//! The users banned from a channel's comments, under the moderation queue when one channel is
//! chosen, each with "Let back in"; and the unban call the queue's "Undo" shares.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::moderation::{CommentBans, UnbanFromChannelComments, comment_bans};
use super::session::Session;
use crate::format;
use crate::i18n::admin::moderation::{self as text, Moderation as M};
use crate::i18n::{Message, locale, t, use_i18n};

/// Lets `user_id` comment on `channel_id` again, then bumps `changed` and calls `done`; on
/// failure puts the reason in `error`.
pub(super) fn unban(
    session: Session,
    (channel_id, user_id): (String, String),
    changed: RwSignal<u32>,
    done: impl FnOnce() + 'static,
    error: RwSignal<Option<String>>,
) {
    let variables = super::moderation::unban_from_channel_comments::Variables {
        channel_id,
        user_id,
    };
    spawn_local(async move {
        match session.call::<UnbanFromChannelComments>(variables).await {
            Ok(_) => {
                error.try_set(None);
                changed.try_update(|n| *n += 1);
                done();
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
}

/// One banned user: ID, name, and when.
#[derive(Debug, Clone, PartialEq)]
struct Ban {
    user_id: String,
    name: String,
    banned_at: String,
}

/// The list of users banned from the chosen `channel`'s comments (nothing when every channel
/// is shown); reads again when `changed` moves.
#[component]
pub(super) fn BannedUsers(
    session: Session,
    channel: RwSignal<String>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let bans = RwSignal::new(Vec::<Ban>::new());
    let total = RwSignal::new(None::<i64>);
    let next = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move |more: bool| {
        let channel_id = channel.get_untracked();
        if channel_id.is_empty() {
            bans.set(Vec::new());
            total.set(None);
            next.set(None);
            return;
        }
        let after = if more { next.get_untracked() } else { None };
        spawn_local(async move {
            let variables = comment_bans::Variables { channel_id, after };
            match session.call::<CommentBans>(variables).await {
                Ok(data) => {
                    let page = data.comment_bans;
                    total.try_set(Some(page.total_count));
                    next.try_set(
                        page.page_info
                            .end_cursor
                            .filter(|_| page.page_info.has_next_page),
                    );
                    let fresh = page.nodes.into_iter().map(|n| Ban {
                        user_id: n.user_id,
                        name: n
                            .user_name
                            .unwrap_or_else(|| M::AccountGone.text(locale()).to_owned()),
                        banned_at: n.banned_at,
                    });
                    bans.try_update(|b| {
                        if !more {
                            b.clear();
                        }
                        b.extend(fresh);
                    });
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    Effect::new(move |_| {
        channel.track();
        changed.track();
        load(false);
    });
    Effect::new(move |_| {
        channel.track();
        notice.set(None);
        error.set(None);
    });
    let i18n = use_i18n();
    let let_back = move |ban: Ban| {
        let done = move || {
            notice.try_set(Some(text::unbanned(i18n.locale(), &ban.name)));
        };
        let target = (channel.get_untracked(), ban.user_id.clone());
        unban(session, target, changed, done, error);
    };
    view! {
        <Show when=move || !channel.with(String::is_empty)>
            <section class="banned-users" id="banned-users">
                <h3>{t(M::BannedTitle)}</h3>
                {move || notice.get().map(|n| view! { <p class="notice" id="unban-notice" role="status">{n}</p> })}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <Show when=move || total.get() == Some(0)>
                    <p class="site-muted" id="banned-none">{t(M::NobodyBanned)}</p>
                </Show>
                <ul class="site-rows" id="banned-list">
                    <For each=move || bans.get() key=|b| b.user_id.clone() let:ban>
                        <li class="site-row banned-user" data-user=ban.user_id.clone()>
                            <strong class="banned-name">{ban.name.clone()}</strong>
                            " · "
                            <span class="site-muted">
                                {
                                    let at = ban.banned_at.clone();
                                    move || text::banned_since(locale(), format::parse_time(&at)
                                        .map(|then| format::relative_time(locale(), then, format::now_secs()))
                                        .unwrap_or_default())
                                }
                            </span>
                            " "
                            <button type="button" class="let-back" on:click={
                                let ban = ban.clone();
                                move |_| let_back(ban.clone())
                            }>{t(M::LetBackIn)}</button>
                        </li>
                    </For>
                </ul>
                <Show when=move || next.get().is_some()>
                    <button type="button" id="banned-more" on:click=move |_| load(true)>{t(M::NextPage)}</button>
                </Show>
            </section>
        </Show>
    }
}
