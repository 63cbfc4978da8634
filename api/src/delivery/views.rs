//! View counting: `POST /views/{videoId}` (a beacon players send once playback starts).
//!
//! A view counts once per viewer per video per window (`delivery.view_window_secs`, 30 minutes
//! by default); the viewer is the signed-in user, else a salted hash of the client address and
//! user agent (nothing identifying is kept). Counts gather in memory and are written in batches
//! (`delivery.view_flush_ms`, and at graceful shutdown): one `UPDATE` per distinct increment,
//! so a burst of 10 000 views of one video costs one statement.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::accounts::auth::{Auth, ClientAddr, Principal};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::videos::entity::video;
use crate::visibility::{self, Reach, Viewer};

/// Most viewer/video pairs remembered for deduplication; beyond it the oldest window is
/// forgotten early (a repeat view may then count twice, never a lost one).
const MAX_SEEN: usize = 1_000_000;

#[derive(Default)]
struct Tally {
    seen: HashMap<(Uuid, u64), Instant>,
    pending: HashMap<Uuid, i64>,
}

/// Views counted but not yet written.
pub struct Views {
    window: Duration,
    salt: std::collections::hash_map::RandomState,
    state: Mutex<Tally>,
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Views")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Views {
    /// A counter deduplicating within `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            salt: std::collections::hash_map::RandomState::new(),
            state: Mutex::new(Tally::default()),
        }
    }

    /// The viewer key of a request: the user, else address and user agent, salted and hashed.
    pub fn viewer_key(&self, principal: &Principal, addr: &ClientAddr, user_agent: &str) -> u64 {
        let mut h = self.salt.build_hasher();
        match principal.user_id() {
            Some(id) => ("user", id).hash(&mut h),
            None => ("anon", addr.0, user_agent).hash(&mut h),
        }
        h.finish()
    }

    /// Counts a view unless this viewer was counted for this video within the window.
    pub fn record(&self, video: Uuid, viewer: u64) -> bool {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = state.seen.get(&(video, viewer))
            && now.duration_since(*at) < self.window
        {
            return false;
        }
        if state.seen.len() >= MAX_SEEN {
            let window = self.window;
            state
                .seen
                .retain(|_, at| now.duration_since(*at) < window / 2);
        }
        state.seen.insert((video, viewer), now);
        *state.pending.entry(video).or_default() += 1;
        true
    }

    /// Views counted and not yet written.
    pub fn pending(&self) -> i64 {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.pending.values().sum()
    }

    /// Writes the pending counts; what cannot be written stays pending for the next flush.
    pub async fn flush(&self, db: &impl ConnectionTrait) -> AppResult<i64> {
        let pending = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let window = self.window;
            let now = Instant::now();
            state.seen.retain(|_, at| now.duration_since(*at) < window);
            std::mem::take(&mut state.pending)
        };
        if pending.is_empty() {
            return Ok(0);
        }
        let mut written = 0;
        let mut failed: Option<AppError> = None;
        for (n, videos) in batches(&pending) {
            if failed.is_some() {
                self.restore(&videos, n);
                continue;
            }
            let result = video::Entity::update_many()
                .col_expr(
                    video::Column::ViewCount,
                    Expr::col(video::Column::ViewCount).add(n),
                )
                .filter(video::Column::Id.is_in(videos.clone()))
                .exec(db)
                .await;
            match result {
                Ok(_) => written += n * i64::try_from(videos.len()).unwrap_or(i64::MAX),
                Err(e) => {
                    self.restore(&videos, n);
                    failed = Some(e.into());
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(written),
        }
    }

    fn restore(&self, videos: &[Uuid], n: i64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        for v in videos {
            *state.pending.entry(*v).or_default() += n;
        }
    }
}

/// The pending counts as `UPDATE` batches: one per distinct increment (most flushes have a
/// handful), each naming every video that gets that increment.
pub fn batches(pending: &HashMap<Uuid, i64>) -> Vec<(i64, Vec<Uuid>)> {
    let mut by_increment: HashMap<i64, Vec<Uuid>> = HashMap::new();
    for (video, n) in pending {
        by_increment.entry(*n).or_default().push(*video);
    }
    let mut batches: Vec<(i64, Vec<Uuid>)> = by_increment.into_iter().collect();
    batches.sort_by_key(|(n, _)| *n);
    batches
}

/// `POST /views/{videoId}`: 204 whether or not the view counted (repeat views are not errors);
/// 404 for a video the caller may not see.
pub async fn beacon(
    State(state): State<AppState>,
    auth: Result<Auth, AppError>,
    addr: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let principal = match auth {
        Ok(Auth(p)) => p,
        Err(e) => return e.into_response(),
    };
    let Some(video) = parse_video_id(&id) else {
        return AppError::NotFound("video").into_response();
    };
    let ctx = &state.ctx;
    match may_view(ctx, &principal, video).await {
        Ok(true) => {}
        Ok(false) => return AppError::NotFound("video").into_response(),
        Err(e) => return e.into_response(),
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let viewer = ctx.delivery.views.viewer_key(&principal, &addr, agent);
    ctx.delivery.views.record(video, viewer);
    StatusCode::NO_CONTENT.into_response()
}

/// A video id as a UUID or a global `ID`.
fn parse_video_id(raw: &str) -> Option<Uuid> {
    if raw.len() > 128 {
        return None;
    }
    Uuid::try_parse(raw).ok().or_else(|| {
        crate::relay::decode(raw)
            .ok()
            .filter(|(kind, _)| kind == "Video")
            .map(|(_, id)| id)
    })
}

async fn may_view(ctx: &crate::state::Ctx, principal: &Principal, video: Uuid) -> AppResult<bool> {
    let generation = ctx.public_cache.generation();
    let public = match ctx.delivery.viewable.get(video, generation) {
        Some(p) => p,
        None => {
            let p = video::Entity::find_by_id(video)
                .filter(visibility::videos(
                    &Viewer::Public,
                    Reach::Direct,
                    Utc::now(),
                ))
                .count(&ctx.db)
                .await?
                > 0;
            ctx.delivery.viewable.put(video, generation, p);
            p
        }
    };
    if public
        || matches!(
            principal,
            Principal::Anonymous | Principal::ReadToken { .. }
        )
    {
        return Ok(public);
    }
    Ok(video::Entity::find_by_id(video)
        .filter(visibility::videos(
            &Viewer::of(principal),
            Reach::Direct,
            Utc::now(),
        ))
        .count(&ctx.db)
        .await?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_counts_once_per_window() {
        let views = Views::new(Duration::from_millis(50));
        let v = Uuid::now_v7();
        assert!(views.record(v, 1));
        assert!(!views.record(v, 1));
        assert!(views.record(v, 2));
        assert!(views.record(Uuid::now_v7(), 1));
        assert_eq!(views.pending(), 3);
        std::thread::sleep(Duration::from_millis(60));
        assert!(views.record(v, 1));
    }

    #[test]
    fn a_burst_of_views_is_a_handful_of_updates() {
        let views = Views::new(Duration::from_secs(60));
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        for viewer in 0..10_000 {
            views.record(a, viewer);
            views.record(b, viewer);
        }
        views.record(c, 1);
        let pending = views
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pending
            .clone();
        let batches = batches(&pending);
        assert_eq!(batches.len(), 2, "{batches:?}");
        assert_eq!(batches[0], (1, vec![c]));
        assert_eq!(batches[1].0, 10_000);
        assert_eq!(batches[1].1.len(), 2);
    }
}
