//! Who may upload, and the per-upload lock that keeps two PATCHes from appending at once.

use std::collections::HashSet;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;

use super::TusError;
use crate::accounts::Role;
use crate::accounts::auth::{Auth, Principal};
use crate::accounts::capabilities::Capability;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::Viewer;

/// Uploads being written to right now, so two PATCHes never append to one file at once.
#[derive(Debug, Default)]
pub struct UploadLocks(Mutex<HashSet<Uuid>>);

/// Holds an upload's lock until dropped.
pub(super) struct LockGuard<'a>(&'a UploadLocks, Uuid);

impl UploadLocks {
    /// Takes the lock of upload `id`, unless a request holds it.
    pub(super) fn try_lock(&self, id: Uuid) -> Option<LockGuard<'_>> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // `then` (not `then_some`): a guard built eagerly would unlock someone else's lock when
        // it is dropped.
        set.insert(id).then(|| LockGuard(self, id))
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let mut set = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.1);
    }
}

/// An editor or admin acting for themselves (uploads are theirs); with an API token, one that
/// has the UPLOAD capability (every tus request needs it), limited as the token is.
#[derive(Debug, Clone)]
pub struct Uploader {
    /// The user's id.
    pub id: Uuid,
    /// Whether they may touch anyone's upload (admins, unless their token is limited to
    /// channels).
    pub is_admin: bool,
    /// The uploader as the visibility rules see them (a token's channel limit included).
    viewer: Viewer,
}

impl Uploader {
    /// The uploader as the visibility rules see them.
    pub fn viewer(&self) -> Viewer {
        self.viewer.clone()
    }
}

impl FromRequestParts<AppState> for Uploader {
    type Rejection = TusError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, TusError> {
        let Auth(principal) = Auth::from_request_parts(parts, state).await?;
        if let Some(grant) = principal.grant()
            && !grant.capabilities.contains(Capability::Upload)
        {
            return Err(AppError::Forbidden.into());
        }
        let viewer = Viewer::of(&principal);
        match principal {
            Principal::User { id, role, .. } if role >= Role::Editor => Ok(Self {
                id,
                is_admin: viewer == Viewer::Admin,
                viewer,
            }),
            Principal::User { .. } | Principal::ReadToken { .. } => Err(AppError::Forbidden.into()),
            Principal::Anonymous => Err(AppError::Unauthenticated.into()),
        }
    }
}
