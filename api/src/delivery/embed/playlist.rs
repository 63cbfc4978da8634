//! `/embed/playlists/{playlistId}`: the video embed page of one item of a public playlist
//! (`?index=N`, from 0; the first by default) with a bar naming the playlist and the position,
//! and, when the item ends, the page of the next item (autoplaying). Only the items the public
//! may reach are counted; a private or unknown playlist, or an index past the end, is a 404.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::{framed, framed_for, html_escape, not_found, referrer_check, render};
use crate::delivery::urls;
use crate::playlists::entity::playlist;
use crate::state::AppState;
use crate::videos::entity::video;
use crate::visibility::Viewer;

/// Items an embedded playlist moves through (one page of the playlist's items).
const MAX_ITEMS: i32 = 100;

/// Where a video stands in the playlist an embed page plays.
#[derive(Debug)]
pub struct Bar {
    /// The playlist.
    pub id: Uuid,
    /// Its page in the web app.
    pub page: String,
    /// Its title.
    pub title: String,
    /// The item's position among the public items, from 0.
    pub index: usize,
    /// How many public items there are.
    pub count: usize,
    /// The embed page of the next item, if there is one.
    pub next: Option<String>,
}

impl Bar {
    /// The bar above the player: the playlist (linked to its page), the position, the video.
    pub fn header(&self, video_title: &str) -> String {
        format!(
            "<p class=\"bar\"><a href=\"{}\" target=\"_blank\" rel=\"noopener\">{}</a> · {}/{} · {}</p>",
            html_escape(&self.page),
            html_escape(&self.title),
            self.index + 1,
            self.count,
            html_escape(video_title)
        )
    }
}

/// The embed page of a playlist.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    let ctx = &state.ctx;
    let Ok(id) = Uuid::try_parse(&id) else {
        return not_found();
    };
    let playlist =
        match crate::content::find::<playlist::Entity>(&ctx.db, &Viewer::Public, id).await {
            Ok(Some(p)) => p,
            Ok(None) => return not_found(),
            Err(e) => return e.into_response(),
        };
    let items =
        match crate::playlists::service::items(&ctx.db, &Viewer::Public, id, Some(MAX_ITEMS), None)
            .await
        {
            Ok(page) => page.rows,
            Err(e) => return e.into_response(),
        };
    let index = query
        .get("index")
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(0);
    if items.is_empty() && index == 0 {
        return framed(ctx, Ok(empty(&playlist.title)));
    }
    let Some((_, item)) = items.get(index) else {
        return not_found();
    };
    let video = match crate::content::find::<video::Entity>(&ctx.db, &Viewer::Public, item.video_id)
        .await
    {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    };
    let next = (index + 1 < items.len()).then(|| {
        format!(
            "{}?index={}&autoplay=1",
            urls::playlist_embed(&ctx.config, id),
            index + 1
        )
    });
    let bar = Bar {
        id,
        page: urls::playlist_page(&ctx.config, id),
        title: playlist.title.clone(),
        index,
        count: items.len(),
        next,
    };
    let restricted = match referrer_check(ctx, &video, &headers).await {
        Ok(r) => r,
        Err(refused) => return refused,
    };
    framed_for(
        ctx,
        render(ctx, &video, &query, Some(&bar), None).await,
        restricted,
    )
}

/// The page of a public playlist with no public item yet.
fn empty(title: &str) -> String {
    let title = html_escape(title);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>html,body{{margin:0;height:100%;background:#000;color:#fff;font:14px system-ui,sans-serif}}\
p{{padding:8px 12px;margin:0}}</style></head>\
<body><p>{title}: this playlist has no videos yet.</p></body></html>\n"
    )
}
