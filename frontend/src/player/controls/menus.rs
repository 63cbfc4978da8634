//! The menus: speed, captions, quality and the keyboard help.

use leptos::prelude::*;

use super::{Menu, PlayerState, SPEEDS};
use crate::api::Caption;
use crate::i18n::player::{self as texts, Player};
use crate::i18n::{locale, t};

/// One choice of a menu.
fn item(
    label: String,
    checked: bool,
    data: String,
    pick: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="vp-menu-item"
            role="menuitemradio"
            aria-checked=checked.to_string()
            data-value=data
            on:click=move |_| pick()
        >
            {label}
        </button>
    }
}

/// The open popup: a menu of choices, or the keyboard help.
pub fn menu(state: PlayerState, menu: Menu, captions: &[Caption]) -> AnyView {
    let language = locale();
    let close = move || state.close_menu();
    let (title, items) = match menu {
        Menu::Speed => (
            Player::Speed,
            SPEEDS
                .iter()
                .map(|&rate| {
                    let checked = (state.rate.get_untracked() - rate).abs() < 1e-6;
                    item(
                        texts::speed(language, rate),
                        checked,
                        rate.to_string(),
                        move || {
                            state.set_rate(rate);
                            close();
                        },
                    )
                    .into_any()
                })
                .collect::<Vec<_>>(),
        ),
        Menu::Captions => {
            let shown = state.caption.get_untracked();
            let mut items = vec![
                item(
                    crate::i18n::Message::text(Player::CaptionsOff, language).to_owned(),
                    shown.is_none(),
                    "off".to_owned(),
                    move || {
                        state.show_captions(None);
                        close();
                    },
                )
                .into_any(),
            ];
            items.extend(captions.iter().enumerate().map(|(i, c)| {
                item(
                    texts::language_name(language, &c.language),
                    shown == Some(i),
                    c.language.clone(),
                    move || {
                        state.show_captions(Some(i));
                        close();
                    },
                )
                .into_any()
            }));
            (Player::Captions, items)
        }
        Menu::Quality => {
            let chosen = state.chosen_level.get_untracked();
            let playing = state.playing_level.get_untracked();
            let levels = state.levels.get_untracked();
            let auto = match playing.and_then(|i| levels.get(i)) {
                Some(l) if chosen.is_none() => format!(
                    "{} ({})",
                    crate::i18n::Message::text(Player::Auto, language),
                    texts::rendition(language, l.height, l.bitrate)
                ),
                _ => crate::i18n::Message::text(Player::Auto, language).to_owned(),
            };
            let mut order: Vec<usize> = (0..levels.len()).collect();
            // Best first, as the API lists renditions.
            order.sort_by_key(|&i| std::cmp::Reverse((levels[i].height, levels[i].bitrate)));
            let mut items = vec![
                item(auto, chosen.is_none(), "auto".to_owned(), move || {
                    state.choose_level(None);
                    close();
                })
                .into_any(),
            ];
            items.extend(order.into_iter().map(|i| {
                let level = &levels[i];
                item(
                    texts::rendition(language, level.height, level.bitrate),
                    chosen == Some(i),
                    i.to_string(),
                    move || {
                        state.choose_level(Some(i));
                        close();
                    },
                )
                .into_any()
            }));
            (Player::Quality, items)
        }
        Menu::Help => return help(state).into_any(),
    };
    let class = match menu {
        Menu::Speed => "vp-menu vp-menu-speed",
        Menu::Captions => "vp-menu vp-menu-captions",
        Menu::Quality => "vp-menu vp-menu-quality",
        Menu::Help => "vp-menu",
    };
    view! {
        <div class=class role="menu" aria-label=t(title)>
            {items}
        </div>
    }
    .into_any()
}

/// The keyboard help.
fn help(state: PlayerState) -> impl IntoView {
    // What to press (a key's name, or the letter itself) and what it does.
    let rows: [(Result<Player, &str>, Player); 7] = [
        (Ok(Player::KeySpace), Player::KeyPlay),
        (Ok(Player::KeyArrows), Player::KeySeek),
        (Ok(Player::KeyUpDown), Player::KeyVolume),
        (Err("f"), Player::KeyFullscreen),
        (Err("m"), Player::KeyMute),
        (Err("c"), Player::KeyCaptions),
        (Err("?"), Player::KeyHelp),
    ];
    view! {
        <div class="vp-help" role="dialog" aria-labelledby="vp-help-title">
            <h3 id="vp-help-title">{t(Player::ShortcutsTitle)}</h3>
            <dl>
                {rows
                    .into_iter()
                    .map(|(key, what)| {
                        let key_text = move || match key {
                            Ok(name) => t(name)(),
                            Err(letter) => letter,
                        };
                        view! {
                            <div>
                                <dt><kbd>{key_text}</kbd></dt>
                                <dd>{t(what)}</dd>
                            </div>
                        }
                    })
                    .collect::<Vec<_>>()}
            </dl>
            <button type="button" class="vp-menu-item" on:click=move |_| state.close_menu()>
                {t(Player::Close)}
            </button>
        </div>
    }
}
