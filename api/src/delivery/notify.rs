//! Cross-node cache invalidation on PostgreSQL: every local invalidation is announced with
//! `NOTIFY projector_changes, '<node>'`, and every node `LISTEN`s and empties its own caches
//! when another node announces one. The same listener hears `projector_sessions`, where a node
//! that revokes a session announces its id (see `accounts::sessions`). On SQLite there is one
//! node, and nothing to do.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::state::Ctx;

/// The notification channel.
pub const CHANNEL: &str = "projector_changes";

/// The channel of revoked sessions; the payload is the session id.
pub const SESSIONS_CHANNEL: &str = "projector_sessions";

/// Starts the announcer and the listener when the database is PostgreSQL.
pub fn start(ctx: &Arc<Ctx>) {
    if !ctx.config.is_postgres() {
        return;
    }
    let pool = ctx.db.get_postgres_connection_pool().clone();
    let node = Uuid::new_v4().to_string();

    // Announcer: invalidations queue here; a burst becomes one NOTIFY.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    ctx.public_cache.set_notifier(Box::new(move || {
        let _ = tx.send(());
    }));
    let announce_pool = pool.clone();
    let announce_node = node.clone();
    tokio::spawn(async move {
        // Ends when the cache (and with it the sender) is dropped.
        while rx.recv().await.is_some() {
            while rx.try_recv().is_ok() {}
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(&announce_node)
                .execute(&announce_pool)
                .await
            {
                tracing::warn!(error = %e, "could not announce a change to other nodes");
            }
        }
    });

    let weak = Arc::downgrade(ctx);
    let mut stop = ctx.delivery.stop_signal();
    tokio::spawn(async move {
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot LISTEN for changes; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        _ = stop.changed() => return,
                    }
                }
            };
            if let Err(e) = listener.listen_all([CHANNEL, SESSIONS_CHANNEL]).await {
                tracing::warn!(error = %e, "cannot LISTEN for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Changes announced while we were not listening are lost: start clean, and cache
            // again only from now on. Revoked sessions are reloaded from the database; until
            // that worked, each session check asks the database itself.
            match weak.upgrade() {
                Some(ctx) => {
                    ctx.public_cache.invalidate_local();
                    ctx.public_cache.set_in_sync(true);
                    match ctx.accounts.sessions.reload(&ctx.db).await {
                        Ok(()) => ctx.accounts.sessions.set_in_sync(true),
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot load revoked sessions; checking each in the database");
                        }
                    }
                }
                None => return,
            }
            loop {
                tokio::select! {
                    received = listener.try_recv() => match received {
                        Ok(Some(n)) if n.channel() == SESSIONS_CHANNEL => {
                            let Some(ctx) = weak.upgrade() else { return };
                            match Uuid::try_parse(n.payload()) {
                                Ok(sid) => ctx.accounts.sessions.add(sid),
                                Err(_) => tracing::warn!(payload = n.payload(), "unreadable revoked-session notification"),
                            }
                        }
                        Ok(Some(n)) => {
                            if n.payload() != node {
                                match weak.upgrade() {
                                    Some(ctx) => ctx.public_cache.invalidate_local(),
                                    None => return,
                                }
                            }
                        }
                        // The connection dropped: reconnect (and start clean).
                        Ok(None) => {
                            if let Some(ctx) = weak.upgrade() {
                                ctx.public_cache.set_in_sync(false);
                                ctx.accounts.sessions.set_in_sync(false);
                            }
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "LISTEN connection failed; reconnecting");
                            if let Some(ctx) = weak.upgrade() {
                                ctx.public_cache.set_in_sync(false);
                                ctx.accounts.sessions.set_in_sync(false);
                            }
                            break;
                        }
                    },
                    _ = stop.changed() => return,
                }
            }
        }
    });
}
