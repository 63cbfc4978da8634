//! `/embed/episodes/{episodeId}`: an audio player for one public episode, with its podcast's
//! artwork, the podcast's and the episode's titles. Options as the video page: `autoplay=1`,
//! `t`/`start`, `loop=1`. Private, unpublished and unknown episodes (or episodes of a private
//! podcast) are a 404.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait as _;
use uuid::Uuid;

use super::{flag, framed, html_escape, not_found, oembed_links, parse_start};
use crate::delivery::outputs::{Outputs, of_assets};
use crate::delivery::urls::{self, Grant, MediaUrls};
use crate::error::AppError;
use crate::podcasts::entity::{episode, podcast};
use crate::state::{AppState, Ctx};
use crate::visibility::Viewer;

/// The embed page of an episode.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let ctx = &state.ctx;
    let Ok(id) = Uuid::try_parse(&id) else {
        return not_found();
    };
    let found = match crate::podcasts::service::find_episode(&ctx.db, &Viewer::Public, id).await {
        Ok(Some(e)) => e,
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    };
    let show = match podcast::Entity::find_by_id(found.podcast_id)
        .one(&ctx.db)
        .await
    {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => return AppError::from(e).into_response(),
    };
    framed(ctx, render(ctx, &found, &show, &query).await)
}

async fn render(
    ctx: &Ctx,
    item: &episode::Model,
    show: &podcast::Model,
    query: &HashMap<String, String>,
) -> Result<String, AppError> {
    let config = &ctx.config;
    let media = match item.media_asset_id {
        Some(asset) => {
            let rows = of_assets(&ctx.db, vec![asset]).await?.remove(&asset);
            let urls = MediaUrls::new(config, &ctx.delivery.signer, asset, Grant::Public);
            Outputs::new(asset, rows.unwrap_or_default()).episode_media(&urls)
        }
        None => crate::delivery::graphql::EpisodeMedia::default(),
    };
    let title = html_escape(&item.title);
    let links = oembed_links(config, &urls::episode_page(config, item.id), &title);
    let mut attrs = String::from("controls preload=\"metadata\"");
    if flag(query, "autoplay") {
        attrs.push_str(" autoplay");
    }
    if flag(query, "loop") {
        attrs.push_str(" loop");
    }
    if let Some(start) = query
        .get("t")
        .or_else(|| query.get("start"))
        .and_then(|t| parse_start(t))
        .filter(|s| *s > 0.0)
    {
        attrs.push_str(&format!(" data-start=\"{start}\""));
    }
    attrs.push_str(&format!(
        " data-views=\"{}/views/{}\"",
        html_escape(urls::base(config)),
        crate::graphql::relay::to_global("Episode", item.id).as_str()
    ));
    let sources: String = media
        .audio
        .iter()
        .map(|a| {
            format!(
                "<source src=\"{}\" type=\"{}\">",
                html_escape(&a.url),
                html_escape(&a.content_type)
            )
        })
        .collect();
    let notice = if media.audio.is_empty() {
        "<p class=\"notice\">This episode is still being prepared.</p>"
    } else {
        ""
    };
    let art = show
        .artwork_asset_id
        .map(|a| {
            let src = MediaUrls::new(config, &ctx.delivery.signer, a, Grant::Public).url("source");
            format!("<img class=\"art\" src=\"{}\" alt=\"\">", html_escape(&src))
        })
        .unwrap_or_default();
    let lang = html_escape(&show.language);
    Ok(format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title}</title>{links}\
<style>html,body{{margin:0;height:100%;background:#111;color:#fff;font:14px system-ui,sans-serif}}\
main{{display:flex;gap:12px;align-items:center;height:100%;padding:12px;box-sizing:border-box}}\
.art{{height:100%;max-height:240px;aspect-ratio:1;object-fit:cover;border-radius:6px}}\
.text{{flex:1;min-width:0}}h1{{font-size:16px;margin:0 0 4px}}.show{{opacity:.75;margin:0 0 8px}}\
audio{{width:100%}}.notice{{margin:0 0 8px}}</style>\
</head><body><main>{art}<div class=\"text\"><h1>{title}</h1><p class=\"show\">{show_title}</p>\
{notice}<audio id=\"player\" {attrs}>{sources}</audio></div></main>\
<script src=\"/embed/assets/player.js\"></script></body></html>\n",
        show_title = html_escape(&show.title),
    ))
}
