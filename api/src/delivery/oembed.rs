//! `GET /oembed?url=&maxwidth=&maxheight=&format=json`, per oEmbed 1.0 (type `video`).
//!
//! Only URLs of this site (`public_url`'s scheme, host and port) naming a video's watch page
//! (`/watch/{id}`) or embed page (`/embed/{id}`) are answered, and nothing is ever fetched.
//! Private and unknown videos, and other hosts, are 404; `format=xml` is 501 (JSON only).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait as _;
use serde_json::json;
use uuid::Uuid;

use super::embed::html_escape;
use super::outputs::{Outputs, of_assets};
use super::urls::{self, Grant, MediaUrls};
use crate::channels::entity::channel;
use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::Viewer;

/// Longest query string read; anything longer is refused unread.
const MAX_QUERY: usize = 4096;
/// Player size when nothing better is known (16:9).
const DEFAULT_SIZE: (u32, u32) = (640, 360);

fn status(code: StatusCode, message: &str) -> Response {
    (code, message.to_string()).into_response()
}

/// The video a URL of this site names, if it does.
pub fn video_of(config: &Config, raw: &str) -> Option<Uuid> {
    let url = url::Url::parse(raw).ok()?;
    let base = &config.public_url;
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(prefix)?;
    let id = rest
        .strip_prefix("/watch/")
        .or_else(|| rest.strip_prefix("/embed/"))?;
    Uuid::try_parse(id.trim_end_matches('/')).ok()
}

/// Scales `(w, h)` down to fit the maxima, keeping the aspect ratio.
pub fn fit(size: (u32, u32), max_w: Option<u32>, max_h: Option<u32>) -> (u32, u32) {
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    let mut scale: f64 = 1.0;
    if let Some(m) = max_w {
        scale = scale.min(f64::from(m) / w);
    }
    if let Some(m) = max_h {
        scale = scale.min(f64::from(m) / h);
    }
    let w2 = (w * scale).floor().max(1.0) as u32;
    let h2 = (h * scale).floor().max(1.0) as u32;
    (w2, h2)
}

/// The handler.
pub async fn get(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let ctx = &state.ctx;
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY {
        return status(StatusCode::URI_TOO_LONG, "query string too long");
    }
    let query: HashMap<String, String> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    match query.get("format").map(String::as_str) {
        None | Some("json") => {}
        Some(_) => return status(StatusCode::NOT_IMPLEMENTED, "only format=json is offered"),
    }
    let Some(target) = query.get("url") else {
        return status(StatusCode::BAD_REQUEST, "missing url");
    };
    let Some(id) = video_of(&ctx.config, target) else {
        return status(StatusCode::NOT_FOUND, "not found");
    };
    let positive = |name: &str| {
        query
            .get(name)
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| *v > 0)
    };
    let (max_w, max_h) = (positive("maxwidth"), positive("maxheight"));
    let video = match crate::videos::service::find(&ctx.db, &Viewer::Public, id).await {
        Ok(Some(v)) => v,
        Ok(None) => return status(StatusCode::NOT_FOUND, "not found"),
        Err(e) => return e.into_response(),
    };
    let channel = match channel::Entity::find_by_id(video.channel_id)
        .one(&ctx.db)
        .await
    {
        Ok(c) => c,
        Err(e) => return AppError::from(e).into_response(),
    };
    let media = match video.source_asset_id {
        Some(asset) => match of_assets(&ctx.db, vec![asset]).await {
            Ok(mut rows) => {
                let urls = MediaUrls::new(&ctx.config, &ctx.delivery.signer, asset, Grant::Public);
                Some(
                    Outputs::new(asset, rows.remove(&asset).unwrap_or_default()).video_media(&urls),
                )
            }
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let natural = media
        .as_ref()
        .and_then(|m| m.renditions.first())
        .and_then(|r| {
            Some((
                u32::try_from(r.width?).ok()?,
                u32::try_from(r.height?).ok()?,
            ))
        })
        .unwrap_or(DEFAULT_SIZE);
    let (width, height) = fit(natural, max_w, max_h);
    let embed = urls::embed(&ctx.config, video.id);
    let html = format!(
        "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" frameborder=\"0\" \
         allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen title=\"{}\"></iframe>",
        html_escape(&embed),
        html_escape(&video.title)
    );
    let base = urls::base(&ctx.config);
    let mut body = json!({
        "type": "video",
        "version": "1.0",
        "title": video.title,
        "provider_name": "Projector",
        "provider_url": format!("{base}/"),
        "html": html,
        "width": width,
        "height": height,
        "cache_age": 300,
    });
    if let Some(c) = &channel {
        body["author_name"] = json!(c.name);
        body["author_url"] = json!(urls::channel_page(&ctx.config, &c.slug));
    }
    // The largest thumbnail that fits the maxima, else the smallest there is.
    let fits = |p: &&super::graphql::Picture| {
        let (w, h) = (p.width.unwrap_or(0), p.height.unwrap_or(0));
        max_w.is_none_or(|m| i64::from(w) <= i64::from(m))
            && max_h.is_none_or(|m| i64::from(h) <= i64::from(m))
    };
    if let Some(m) = &media {
        let with_size: Vec<&super::graphql::Picture> = m
            .thumbnails
            .iter()
            .filter(|p| p.width.is_some() && p.height.is_some())
            .collect();
        let pick = with_size
            .iter()
            .filter(|p| fits(p))
            .max_by_key(|p| p.width)
            .or_else(|| with_size.iter().min_by_key(|p| p.width));
        if let Some(p) = pick {
            body["thumbnail_url"] = json!(p.url);
            body["thumbnail_width"] = json!(p.width);
            body["thumbnail_height"] = json!(p.height);
        }
    }
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_shrink_to_fit_and_keep_their_shape() {
        assert_eq!(fit((1280, 720), None, None), (1280, 720));
        assert_eq!(fit((1280, 720), Some(640), None), (640, 360));
        assert_eq!(fit((1280, 720), Some(640), Some(180)), (320, 180));
        assert_eq!(fit((640, 360), Some(1000), Some(1000)), (640, 360));
    }
}
