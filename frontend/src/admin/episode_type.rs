//! The episode editor's panel for podcast apps: the episode's type (full, trailer, bonus),
//! saved on its own.

use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::session::use_session;
use crate::i18n::admin::Admin;
use crate::i18n::t;

/// The `EpisodeTypeOf` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct EpisodeTypeOf;

/// The `SetEpisodeType` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug"
)]
pub struct SetEpisodeType;

/// An episode's type for podcast apps (full, trailer, bonus); saved on its own.
#[component]
pub fn EpisodeTypePanel(
    /// The episode's global ID.
    id: String,
) -> impl IntoView {
    let session = use_session();
    let current = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move {
                session
                    .call::<EpisodeTypeOf>(episode_type_of::Variables { id })
                    .await
                    .ok()
                    .and_then(|d| d.episode)
                    .map(|e| format!("{:?}", e.episode_type))
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = move |_| {
        use set_episode_type::EpisodeType;
        let chosen = super::field("episode-type");
        if current.get_untracked().flatten().as_deref() == Some(chosen.as_str()) {
            return;
        }
        let episode_type = match chosen.as_str() {
            "TRAILER" => EpisodeType::TRAILER,
            "BONUS" => EpisodeType::BONUS,
            _ => EpisodeType::FULL,
        };
        let id = id.clone();
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match session
                .call::<SetEpisodeType>(set_episode_type::Variables { id, episode_type })
                .await
            {
                Ok(_) => {
                    saved.try_set(true);
                    current.refetch();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let select = move || {
        current.get().flatten().map(|now| {
            let option = move |value: &'static str, key: Admin| {
                view! { <option value=value selected=now == value>{t(key)}</option> }
            };
            view! {
                <select id="episode-type">
                    {option("FULL", Admin::EpisodeFull)}
                    {option("TRAILER", Admin::EpisodeTrailer)}
                    {option("BONUS", Admin::EpisodeBonus)}
                </select>
            }
        })
    };
    view! {
        <section class="episode-type" aria-labelledby="episode-type-heading">
            <h3 id="episode-type-heading">
                <label for="episode-type">{t(Admin::EpisodeType)}</label>
            </h3>
            {select}
            <button type="button" id="save-episode-type" on:click=save>{t(Admin::SaveType)}</button>
            {move || saved.get().then(|| view! { <p class="notice" role="status" id="episode-type-saved">{t(Admin::Saved)}</p> })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}
