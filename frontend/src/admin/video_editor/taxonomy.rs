//! Tags (chips, autocomplete over every tag, a new name creates the tag) and the category
//! picker over the whole hierarchy.

use crate::i18n::admin::editor::{self as text, Editor as E};
use crate::i18n::{locale, t};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::calls::{self, CategoryOption, TagRef};
use super::feedback::Feedback;
use crate::admin::field;
use crate::admin::session::Session;

/// The tags of the video: chips with a remove button, and a field that suggests every tag
/// and creates one whose name is new.
#[component]
pub(super) fn TagsField(
    session: Session,
    /// The video's tags as edited.
    tags: RwSignal<Vec<TagRef>>,
    /// Every tag there is (grows as tags are created).
    known: RwSignal<Vec<TagRef>>,
    /// Where tag creation errors show.
    feedback: Feedback,
    /// The Save button's feedback (API errors about tags).
    details: Feedback,
) -> impl IntoView {
    let adding = RwSignal::new(false);
    let add = move || {
        let name = field("tag-input").trim().to_owned();
        if name.is_empty() || adding.get_untracked() {
            return;
        }
        feedback.error.set(None);
        let existing = known.with_untracked(|all| {
            all.iter()
                .find(|t| t.name.to_lowercase() == name.to_lowercase())
                .cloned()
        });
        let push = move |tag: TagRef| {
            tags.update(|list| {
                if !list.iter().any(|t| t.id == tag.id) {
                    list.push(tag);
                }
            });
            clear_input("tag-input");
        };
        match existing {
            Some(tag) => push(tag),
            None => {
                adding.set(true);
                spawn_local(async move {
                    match calls::create_tag(session, name).await {
                        Ok(tag) => {
                            known.try_update(|all| all.push(tag.clone()));
                            feedback
                                .done
                                .try_set(Some(text::tag_created(locale(), &tag.name)));
                            push(tag);
                        }
                        Err(e) => {
                            feedback.error.try_set(Some(e.to_string()));
                        }
                    }
                    adding.try_set(false);
                });
            }
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            add();
        }
    };
    view! {
        <div class="tags-field">
            <span class="label">{t(E::Tags)}</span>
            <ul class="tag-list" id="tag-list">
                {move || tags.get().into_iter().map(|tag| {
                    let id = tag.id.clone();
                    let remove = move |_| tags.update(|list| list.retain(|t| t.id != id));
                    view! {
                        <li class="tag" data-id=tag.id.clone()>
                            <span class="tag-name">{tag.name.clone()}</span>
                            <button type="button" class="tag-remove" aria-label=text::remove_tag(locale(), &tag.name) on:click=remove>
                                "×"
                            </button>
                        </li>
                    }
                }).collect::<Vec<_>>()}
            </ul>
            <label for="tag-input">{t(E::AddTagLabel)}</label>
            <div class="inline-controls">
                <input id="tag-input" type="text" list="tag-options" autocomplete="off" on:keydown=on_key />
                <button type="button" id="tag-add" on:click=move |_| add() disabled=move || adding.get()>
                    {t(E::AddTag)}
                </button>
            </div>
            <datalist id="tag-options">
                {move || known.get().into_iter().map(|t| view! { <option value=t.name /> }).collect::<Vec<_>>()}
            </datalist>
            {details.beside("tags")}
            {feedback.view("tags")}
        </div>
    }
}

fn clear_input(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_value("");
    }
}

/// The category picker: every category, children indented under their parent.
#[component]
pub(super) fn CategoryField(
    /// The categories in tree order.
    categories: Vec<CategoryOption>,
    /// The video's category.
    current: Option<String>,
    /// The Save button's feedback.
    feedback: Feedback,
) -> impl IntoView {
    let options = categories
        .into_iter()
        .map(|c| {
            let selected = current.as_deref() == Some(c.id.as_str());
            let label = format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(c.depth), c.name);
            view! { <option value=c.id selected=selected>{label}</option> }
        })
        .collect::<Vec<_>>();
    view! {
        <label for="video-category">{t(E::Category)}</label>
        <select id="video-category">
            <option value="" selected=current.is_none()>{t(E::NoCategory)}</option>
            {options}
        </select>
        {feedback.beside("categoryId")}
    }
}
