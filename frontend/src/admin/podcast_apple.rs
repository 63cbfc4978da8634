//! The podcast page's panels for podcast apps: artwork (Apple's rule: a square JPEG or PNG of
//! 1400 to 3000 px, checked by the API), the Apple Podcasts category, explicit and type, the
//! feed's address with a preview of the feed as podcast apps read it, and deleting the podcast.

use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::feed_preview::FeedPreview;
use super::session::{Session, use_session};
use crate::api::ApiError;
use crate::dom::chosen_file;
use crate::i18n::admin::{self as text, Admin};
use crate::i18n::{Message, locale, t};

/// `Upload`: null in the variables, the file travels as a part of a multipart request.
type Upload = ();

/// The `PodcastApple` operation (`graphql/admin/podcast_apple.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct PodcastApple;

/// The `UpdatePodcastApple` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug",
    // Absent, not null: the API reads null as "clear", so a field left `None` must not be sent.
    skip_serializing_none
)]
pub struct UpdatePodcastApple;

/// The `UploadPodcastArtwork` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug"
)]
pub struct UploadPodcastArtwork;

/// The `DeletePodcast` operation.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/podcast_apple.graphql",
    response_derives = "Debug"
)]
pub struct DeletePodcast;

/// What the panels show of a podcast.
#[derive(Debug, Clone, PartialEq)]
struct Apple {
    id: String,
    title: String,
    artwork_url: Option<String>,
    feed_url: Option<String>,
    explicit: bool,
    serial: bool,
    /// `(category, subcategory)`, in order.
    categories: Vec<(String, Option<String>)>,
    episodes: i64,
    /// Apple's categories as the API lists them (`itunesCategories`), for the picker.
    taxonomy: Taxonomy,
}

/// Apple's categories: `(category, its subcategories)`, in Apple's order.
type Taxonomy = Vec<(String, Vec<String>)>;

/// The picker's value of a category: `Category` or `Category|Subcategory`.
fn value_of(category: &str, subcategory: Option<&str>) -> String {
    match subcategory {
        Some(sub) => format!("{category}|{sub}"),
        None => category.to_owned(),
    }
}

/// The category and subcategory a picker value names, if `taxonomy` has them.
fn parse(value: &str, taxonomy: &Taxonomy) -> Option<(String, Option<String>)> {
    let (category, sub) = match value.split_once('|') {
        Some((c, s)) => (c, Some(s)),
        None => (value, None),
    };
    let (name, subs) = taxonomy.iter().find(|(name, _)| name == category)?;
    match sub {
        None => Some((name.clone(), None)),
        Some(sub) => subs
            .iter()
            .find(|s| *s == sub)
            .map(|s| (name.clone(), Some(s.clone()))),
    }
}

async fn load(session: Session, id: String) -> Result<Option<Apple>, ApiError> {
    let data = session
        .call::<PodcastApple>(podcast_apple::Variables { id })
        .await?;
    let taxonomy = data
        .itunes_categories
        .into_iter()
        .map(|c| (c.name, c.subcategories))
        .collect();
    Ok(data.podcast.map(|p| Apple {
        taxonomy,
        id: p.id,
        title: p.title,
        artwork_url: p.artwork_url,
        feed_url: p.feed_url,
        explicit: p.explicit,
        serial: matches!(p.type_, podcast_apple::PodcastType::SERIAL),
        categories: p
            .itunes_categories
            .into_iter()
            .map(|c| (c.category, c.subcategory))
            .collect(),
        episodes: p.episodes.total_count,
    }))
}

/// The Apple Podcasts panels of the podcast `id`.
#[component]
pub fn ApplePanels(
    /// The podcast's global ID.
    id: String,
) -> impl IntoView {
    let session = use_session();
    let podcast = LocalResource::new(move || load(session, id.clone()));
    // Which panel saved last: kept here, because a save reloads the podcast and so rebuilds
    // the panels, and the notice must outlive that.
    let done = RwSignal::new(None::<&'static str>);
    move || {
        podcast
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|p| panels(session, p, done, move || podcast.refetch()))
    }
}

fn panels(
    session: Session,
    podcast: Apple,
    done: RwSignal<Option<&'static str>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    view! {
        {artwork_section(session, &podcast, done, busy, reload)}
        {apple_section(session, &podcast, done, busy, reload)}
        <FeedPreview url=podcast.feed_url.clone() />
        <DeletePodcastPanel session id=podcast.id.clone() title=podcast.title.clone() episodes=podcast.episodes />
    }
}

/// The artwork panel: the picture in place, Apple's rule, and the upload.
fn artwork_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    podcast: &Apple,
    done: RwSignal<Option<&'static str>>,
    busy: RwSignal<bool>,
    reload: R,
) -> impl IntoView + use<R> {
    let artwork_error = RwSignal::new(None::<String>);
    let upload_artwork = {
        let id = podcast.id.clone();
        move |_| {
            let Some(file) = chosen_file("artwork-file") else {
                artwork_error.set(Some(Admin::ChooseFileFirst.text(locale()).to_owned()));
                return;
            };
            busy.set(true);
            artwork_error.set(None);
            done.set(None);
            let id = id.clone();
            spawn_local(async move {
                use upload_podcast_artwork::{ImageTarget, UploadImageInput, Variables};
                let variables = Variables {
                    input: UploadImageInput {
                        target: ImageTarget::PODCAST_ARTWORK,
                        id,
                    },
                    file: (),
                };
                match session
                    .call_with_file::<UploadPodcastArtwork>(variables, "file", &file)
                    .await
                {
                    Ok(_) => {
                        done.try_set(Some("artwork"));
                        reload();
                    }
                    Err(e) => {
                        artwork_error.try_set(Some(e.to_string()));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    view! {
        <section class="podcast-artwork" aria-labelledby="artwork-heading">
            <h3 id="artwork-heading">{t(Admin::ArtworkHeading)}</h3>
            {podcast
                .artwork_url
                .clone()
                .map(|url| {
                    view! { <img id="artwork" class="artwork" src=url alt="" width="160" height="160" /> }
                })}
            <p class="hint">{t(Admin::ArtworkRule)}</p>
            <div class="upload-controls">
                <label for="artwork-file">{t(Admin::ArtworkFile)}</label>
                <input id="artwork-file" type="file" accept="image/jpeg,image/png" />
                <button type="button" id="artwork-upload" on:click=upload_artwork disabled=move || busy.get()>
                    {t(Admin::UploadArtwork)}
                </button>
            </div>
            {error_line("artwork-error", artwork_error)}
            {saved_notice(done, "artwork")}
        </section>
    }
}

/// The Apple Podcasts panel: category, explicit and type; Save sends only what changed.
fn apple_section<R: Fn() + Copy + Send + Sync + 'static>(
    session: Session,
    podcast: &Apple,
    done: RwSignal<Option<&'static str>>,
    busy: RwSignal<bool>,
    reload: R,
) -> impl IntoView + use<R> {
    let apple_error = RwSignal::new(None::<String>);
    let first = podcast
        .categories
        .first()
        .map(|(c, s)| value_of(c, s.as_deref()))
        .unwrap_or_default();
    let save_apple = {
        let podcast = podcast.clone();
        let first = first.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let input = apple_changes(&podcast, &first);
            busy.set(true);
            apple_error.set(None);
            done.set(None);
            spawn_local(async move {
                match session
                    .call::<UpdatePodcastApple>(update_podcast_apple::Variables { input })
                    .await
                {
                    Ok(_) => {
                        done.try_set(Some("apple"));
                        reload();
                    }
                    Err(e) => {
                        apple_error.try_set(Some(e.to_string()));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    let serial = podcast.serial;
    view! {
        <section class="podcast-apple" aria-labelledby="apple-heading">
            <h3 id="apple-heading">{t(Admin::AppleHeading)}</h3>
            <form id="apple-form" class="admin-form" on:submit=save_apple>
                <label for="itunes-category">{t(Admin::ItunesCategory)}</label>
                <select id="itunes-category">
                    <option value="" selected=first.is_empty()>{t(Admin::NoCategory)}</option>
                    {category_options(&podcast.taxonomy, &first)}
                </select>
                <label class="checkbox" for="podcast-explicit">
                    <input id="podcast-explicit" type="checkbox" checked=podcast.explicit />
                    {t(Admin::Explicit)}
                </label>
                <label for="podcast-type">{t(Admin::PodcastType)}</label>
                <select id="podcast-type">
                    <option value="EPISODIC" selected=!serial>{t(Admin::Episodic)}</option>
                    <option value="SERIAL" selected=serial>{t(Admin::Serial)}</option>
                </select>
                {error_line("apple-error", apple_error)}
                <button type="submit" id="save-apple" disabled=move || busy.get()>
                    {t(Admin::SaveApple)}
                </button>
                {saved_notice(done, "apple")}
            </form>
        </section>
    }
}

/// What the Apple form changed of `podcast` (whose first category's picker value is `first`):
/// the rest stays `None`, so it is not sent.
fn apple_changes(podcast: &Apple, first: &str) -> update_podcast_apple::UpdatePodcastInput {
    use update_podcast_apple::{ItunesCategoryInput, PodcastType, UpdatePodcastInput};
    let picked = super::field("itunes-category");
    let explicit = checked("podcast-explicit");
    let serial = super::field("podcast-type") == "SERIAL";
    // Only what changed is sent.
    let categories = (picked != first).then(|| {
        let mut list: Vec<ItunesCategoryInput> = parse(&picked, &podcast.taxonomy)
            .map(|(category, subcategory)| ItunesCategoryInput {
                category,
                subcategory,
            })
            .into_iter()
            .collect();
        // The other categories stay as they were.
        list.extend(
            podcast
                .categories
                .iter()
                .skip(1)
                .map(|(c, s)| ItunesCategoryInput {
                    category: c.clone(),
                    subcategory: s.clone(),
                }),
        );
        list
    });
    UpdatePodcastInput {
        id: podcast.id.clone(),
        itunes_categories: categories,
        explicit: (explicit != podcast.explicit).then_some(explicit),
        type_: (serial != podcast.serial).then_some(if serial {
            PodcastType::SERIAL
        } else {
            PodcastType::EPISODIC
        }),
        title: None,
        slug: None,
        description: None,
        author: None,
        owner_name: None,
        owner_email: None,
        language: None,
        locked: None,
        visibility: None,
    }
}

/// The category picker's options: one group per category, the category then its subcategories;
/// `first` (a picker value) is selected.
fn category_options(taxonomy: &Taxonomy, first: &str) -> impl IntoView + use<> {
    taxonomy
        .iter()
        .map(|(category, subs)| {
            let first = first.to_owned();
            view! {
                <optgroup label=category.clone()>
                    <option value=category.clone() selected=first == *category>
                        {category.clone()}
                    </option>
                    {subs
                        .iter()
                        .map(|sub| {
                            let value = value_of(category, Some(sub));
                            let selected = first == value;
                            view! {
                                <option value=value selected=selected>
                                    {format!("{category} › {sub}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </optgroup>
            }
        })
        .collect_view()
}

/// "Saved", under the panel `which` when it saved last.
fn saved_notice(done: RwSignal<Option<&'static str>>, which: &'static str) -> impl IntoView {
    move || {
        (done.get() == Some(which)).then(|| {
            view! {
                <p class="notice" role="status" id=format!("{which}-saved")>
                    {t(Admin::Saved)}
                </p>
            }
        })
    }
}

/// A panel's error, in an element with `id`, while there is one.
fn error_line(id: &'static str, signal: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        signal
            .get()
            .map(|m| view! { <p class="form-error" id=id role="alert">{m}</p> })
    }
}

fn checked(id: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// Deletes the podcast and its episodes, after a confirmation that says what goes.
#[component]
fn DeletePodcastPanel(
    session: Session,
    /// The podcast's global ID.
    id: String,
    /// Its title.
    title: String,
    /// How many episodes go with it.
    episodes: i64,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let confirm = move |_| {
        let (id, navigate) = (id.clone(), navigate.clone());
        spawn_local(async move {
            let input = delete_podcast::DeleteNodeInput { id };
            match session
                .call::<DeletePodcast>(delete_podcast::Variables { input })
                .await
            {
                Ok(_) => navigate("/admin", NavigateOptions::default()),
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <section class="danger-zone" aria-labelledby="delete-podcast-heading">
            <h3 id="delete-podcast-heading">{t(Admin::DeletePodcast)}</h3>
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button type="button" id="delete-podcast" class="danger" on:click=move |_| asking.set(true)>
                            {t(Admin::DeletePodcast)}
                        </button>
                    }
                }
            >
                <p id="delete-podcast-question" role="alert">
                    {
                        let title = title.clone();
                        move || text::delete_podcast_question(locale(), &title, episodes)
                    }
                </p>
                <button type="button" id="confirm-delete-podcast" class="danger" on:click=confirm.clone()>
                    {t(Admin::DeleteForGood)}
                </button>
                <button type="button" id="keep-podcast" on:click=move |_| asking.set(false)>
                    {t(Admin::Keep)}
                </button>
            </Show>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_values_name_listed_categories_only() {
        let taxonomy: Taxonomy = vec![
            ("Technology".into(), vec![]),
            ("News".into(), vec!["Tech News".into(), "Politics".into()]),
        ];
        assert_eq!(
            parse("Technology", &taxonomy),
            Some(("Technology".into(), None))
        );
        assert_eq!(
            parse("News|Tech News", &taxonomy),
            Some(("News".into(), Some("Tech News".into())))
        );
        assert_eq!(parse("News|Cooking", &taxonomy), None);
        assert_eq!(parse("Gadgets", &taxonomy), None);
        assert_eq!(parse("", &taxonomy), None);
        assert_eq!(value_of("News", Some("Tech News")), "News|Tech News");
        assert_eq!(value_of("News", None), "News");
    }
}
