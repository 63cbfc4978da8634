//! `POST /views/{id}`: the beacon a player sends once playback starts, refused for what the
//! caller may not see and beyond the address's budget.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::Sighting;
use crate::accounts::auth::{Auth, ClientAddr, Principal};
use crate::delivery::daily_views::Item;
use crate::error::{AppError, AppResult};
use crate::podcasts::entity::episode;
use crate::state::AppState;
use crate::videos::entity::video;
use crate::visibility::{self, EpisodeScope, Reach, Viewer};

/// `POST /views/{videoId}`: 204 whether or not the view counted (repeat views are not errors);
/// 404 for a video the caller may not see; 429 when the address sent too many beacons.
pub async fn beacon(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    Path(id): Path<String>,
) -> Response {
    let ctx = &state.ctx;
    if let Err(retry_after_secs) = ctx.delivery.views.admit(addr.0) {
        return AppError::RateLimited { retry_after_secs }.into_response();
    }
    let principal = match auth {
        Ok(Auth(p)) => p,
        Err(e) => return e.into_response(),
    };
    let Some((item, video)) = parse_id(&id) else {
        return AppError::NotFound("video").into_response();
    };
    let missing = match item {
        Item::Video => AppError::NotFound("video"),
        Item::Episode => AppError::NotFound("episode"),
    };
    match may_view(ctx, &principal, item, video).await {
        Ok(true) => {}
        Ok(false) => return missing.into_response(),
        Err(e) => return e.into_response(),
    }
    let views = &ctx.delivery.views;
    let window = views.window_at(Utc::now().timestamp());
    views.record(Sighting {
        item,
        video,
        viewer: views.viewer_key(&principal, addr.0, window),
        window,
    });
    StatusCode::NO_CONTENT.into_response()
}

/// A video id as a UUID or a global `ID`, or an episode's global `ID`.
fn parse_id(raw: &str) -> Option<(Item, Uuid)> {
    if raw.len() > 128 {
        return None;
    }
    if let Ok(id) = Uuid::try_parse(raw) {
        return Some((Item::Video, id));
    }
    match crate::graphql::relay::decode(raw).ok()? {
        (kind, id) if kind == "Video" => Some((Item::Video, id)),
        (kind, id) if kind == "Episode" => Some((Item::Episode, id)),
        _ => None,
    }
}

/// Whether `viewer` may see the video or episode (reached directly, as a player does).
async fn visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    item: Item,
    id: Uuid,
) -> AppResult<bool> {
    let now = Utc::now();
    Ok(match item {
        Item::Video => {
            video::Entity::find_by_id(id)
                .filter(visibility::videos(viewer, Reach::Direct, now))
                .count(db)
                .await?
                > 0
        }
        Item::Episode => {
            episode::Entity::find_by_id(id)
                .filter(visibility::episodes(
                    viewer,
                    Reach::Direct,
                    EpisodeScope::AnyPodcast,
                    now,
                ))
                .count(db)
                .await?
                > 0
        }
    })
}

async fn may_view(
    ctx: &crate::state::Ctx,
    principal: &Principal,
    item: Item,
    video: Uuid,
) -> AppResult<bool> {
    let generation = ctx.public_cache.generation();
    let public = match ctx.delivery.viewable.get(video, generation) {
        Some(p) => p,
        None => {
            // One lookup per expiry, not one per beacon that arrives while it runs.
            let _refreshing = ctx.delivery.views.lookup_lock(video).lock().await;
            if let Some(p) = ctx.delivery.viewable.get(video, generation) {
                return finish(ctx, principal, item, video, p).await;
            }
            let p = visible(&ctx.db, &Viewer::Public, item, video).await?;
            ctx.delivery.viewable.put(video, generation, p);
            p
        }
    };
    finish(ctx, principal, item, video, public).await
}

/// The answer once whether the public may watch is known: members may also count views of
/// what the public cannot see.
async fn finish(
    ctx: &crate::state::Ctx,
    principal: &Principal,
    item: Item,
    video: Uuid,
    public: bool,
) -> AppResult<bool> {
    if public
        || matches!(
            principal,
            Principal::Anonymous | Principal::ReadToken { .. }
        )
    {
        return Ok(public);
    }
    visible(&ctx.db, &Viewer::of(principal), item, video).await
}
