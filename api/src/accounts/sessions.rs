//! Revoked sessions, checked on every request that presents an access token.
//!
//! An access token is a JWT that names its session (the refresh-token family, claim `sid`).
//! Logging out, or presenting a spent refresh token, revokes the family in the database; from
//! then on its access tokens must stop working at once, not when they expire. Asking the
//! database on every request would cost a query per request, so each node keeps the set of
//! sessions revoked within the last access-token lifetime in memory (older ones need no entry:
//! every access token they issued has expired).
//!
//! The node that revokes a session adds it at once. On PostgreSQL it also announces it with
//! `NOTIFY projector_sessions, '<sid>'`, and every node's listener (`delivery::notify`) adds it
//! to its own set; whenever that listener (re)connects the set is reloaded from the database, and
//! while it is not connected each check asks the database instead, so a missed notification
//! never lets a revoked token through. On SQLite there is one API node: the set, loaded from the
//! database at the first check after start, is complete.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::entity::refresh_token;
use crate::error::AppResult;

/// Margin added to the access-token lifetime: covers the JWT leeway and clock skew.
const MARGIN: Duration = Duration::from_secs(60);

/// The sessions revoked recently enough that some of their access tokens may still be unexpired.
#[derive(Debug)]
pub struct Sessions {
    keep: Duration,
    revoked: Mutex<HashMap<Uuid, Instant>>,
    loaded: tokio::sync::OnceCell<()>,
    /// Several nodes share the database (PostgreSQL): the set is complete only while the
    /// notification listener is connected.
    shared: bool,
    in_sync: AtomicBool,
}

impl Sessions {
    /// A registry for access tokens living `access_ttl`; `shared` when other nodes may revoke
    /// sessions too (PostgreSQL).
    pub fn new(access_ttl: Duration, shared: bool) -> Self {
        Self {
            keep: access_ttl + MARGIN,
            revoked: Mutex::new(HashMap::new()),
            loaded: tokio::sync::OnceCell::new(),
            shared,
            in_sync: AtomicBool::new(false),
        }
    }

    /// Remembers that `sid` was revoked (here, or on another node).
    pub fn add(&self, sid: Uuid) {
        let now = Instant::now();
        let mut revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        // Revocations are rare (a logout, a stolen token): sweeping on each one is cheap.
        revoked.retain(|_, until| *until > now);
        revoked.insert(sid, now + self.keep);
    }

    /// Whether access tokens of session `sid` must be refused.
    pub async fn is_revoked(&self, db: &impl ConnectionTrait, sid: Uuid) -> AppResult<bool> {
        self.loaded
            .get_or_try_init(|| async { self.reload(db).await })
            .await?;
        if self.remembers(sid) {
            return Ok(true);
        }
        if self.shared && !self.in_sync.load(Ordering::Acquire) {
            // Notifications may be missed right now: ask the database.
            let revoked = refresh_token::Entity::find()
                .filter(refresh_token::Column::FamilyId.eq(sid))
                .filter(refresh_token::Column::RevokedAt.is_not_null())
                .count(db)
                .await?
                > 0;
            if revoked {
                self.add(sid);
            }
            return Ok(revoked);
        }
        Ok(false)
    }

    fn remembers(&self, sid: Uuid) -> bool {
        let revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        revoked
            .get(&sid)
            .is_some_and(|until| *until > Instant::now())
    }

    /// Loads the sessions revoked within the last access-token lifetime from the database.
    pub async fn reload(&self, db: &impl ConnectionTrait) -> AppResult<()> {
        let keep = chrono::Duration::from_std(self.keep).unwrap_or(chrono::Duration::hours(1));
        let since = Utc::now() - keep;
        let families: Vec<Uuid> = refresh_token::Entity::find()
            .select_only()
            .column(refresh_token::Column::FamilyId)
            .distinct()
            .filter(refresh_token::Column::RevokedAt.gt(since))
            .into_tuple()
            .all(db)
            .await?;
        for sid in families {
            self.add(sid);
        }
        Ok(())
    }

    /// Whether every revocation by another node reaches this one (the listener is connected).
    pub fn set_in_sync(&self, in_sync: bool) {
        self.in_sync.store(in_sync, Ordering::Release);
    }

    /// How many revoked sessions are remembered (for tests and metrics).
    pub fn len(&self) -> usize {
        self.revoked.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no revoked session is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_session_is_forgotten_after_its_tokens_expire() {
        let sessions = Sessions {
            keep: Duration::from_millis(30),
            ..Sessions::new(Duration::ZERO, false)
        };
        let sid = Uuid::now_v7();
        sessions.add(sid);
        assert!(sessions.remembers(sid));
        assert!(!sessions.remembers(Uuid::now_v7()));
        std::thread::sleep(Duration::from_millis(40));
        assert!(!sessions.remembers(sid));
        sessions.add(Uuid::now_v7());
        assert_eq!(sessions.len(), 1, "the expired entry is swept");
    }
}
