//! Views per day over the last 30 days as a small bar chart: inline SVG, no script library.

use graphql_client::GraphQLQuery;
use leptos::prelude::*;

use super::session::{Session, use_session};
use crate::api::ApiError;
use crate::i18n::admin::{self as text, Admin};
use crate::i18n::{locale, t};

/// `NaiveDate`: `YYYY-MM-DD`.
type NaiveDate = String;

/// The `VideoViews` operation (`graphql/admin/stats.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/stats.graphql",
    response_derives = "Debug"
)]
pub struct VideoViews;

/// The `EpisodeViews` operation (`graphql/admin/stats.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/admin/stats.graphql",
    response_derives = "Debug"
)]
pub struct EpisodeViews;

/// Whose views.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewsOf {
    /// A video, by global ID or UUID.
    Video(String),
    /// An episode, by global ID.
    Episode(String),
}

/// `(day, views)`, oldest first; empty when the caller may not see them.
async fn days(session: Session, of: ViewsOf) -> Result<Vec<(String, i64)>, ApiError> {
    Ok(match of {
        ViewsOf::Video(id) => session
            .call::<VideoViews>(video_views::Variables { id })
            .await?
            .video
            .and_then(|v| v.views_per_day)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.day, d.views))
            .collect(),
        ViewsOf::Episode(id) => session
            .call::<EpisodeViews>(episode_views::Variables { id })
            .await?
            .episode
            .and_then(|e| e.views_per_day)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.day, d.views))
            .collect(),
    })
}

/// Chart size in SVG units.
const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 80.0;

/// The chart of `of`'s views per day.
#[component]
pub fn ViewsChart(
    /// Whose views.
    of: ViewsOf,
) -> impl IntoView {
    let session = use_session();
    let data = LocalResource::new(move || days(session, of.clone()));
    let chart = move || {
        let days = data.get().and_then(Result::ok).unwrap_or_default();
        if days.is_empty() {
            return view! { <p class="hint">{t(Admin::NoViews)}</p> }.into_any();
        }
        let total: i64 = days.iter().map(|(_, v)| v).sum();
        let most = days.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
        let slot = WIDTH / days.len() as f64;
        let l = locale();
        let bars = days
            .iter()
            .enumerate()
            .map(|(i, (day, views))| {
                let height = (*views as f64 / most * (HEIGHT - 2.0)).max(0.0);
                let label = text::day_views(l, day, *views);
                view! {
                    <rect
                        class="views-bar"
                        data-day=day.clone()
                        data-views=views.to_string()
                        x=format!("{:.2}", i as f64 * slot + slot * 0.1)
                        y=format!("{:.2}", HEIGHT - height)
                        width=format!("{:.2}", slot * 0.8)
                        height=format!("{height:.2}")
                    >
                        <title>{label}</title>
                    </rect>
                }
            })
            .collect_view();
        let summary = text::views_total(l, total, days.len());
        view! {
            <svg
                id="views-chart"
                class="views-chart"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=summary.clone()
            >
                <line class="views-axis" x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT></line>
                {bars}
            </svg>
            <p class="hint" id="views-total">{summary}</p>
        }
        .into_any()
    };
    view! {
        <section class="views-panel" aria-labelledby="views-heading">
            <h3 id="views-heading">{t(Admin::ViewsHeading)}</h3>
            {chart}
        </section>
    }
}
