//! Database connection (SQLite or PostgreSQL, chosen by the URL) and migrations.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use projector_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};
use secrecy::ExposeSecret;

use crate::config::{Config, mask_url_password};

pub mod reads;
pub use reads::Reads;

/// Opens the connection pool; for SQLite creates the file (and its directory) when missing.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url.expose_secret().to_string();
    let url = if url.starts_with("sqlite:") {
        prepare_sqlite(&url)?
    } else {
        url
    };
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(config.database_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // sqlx pings a pooled connection each time it is taken, and a SQLite connection's ping
        // is a round trip to its worker thread: one more thread hand-off for every statement
        // outside a transaction, checking a file that cannot hang up. PostgreSQL keeps the
        // ping, which notices a server that went away.
        options.test_before_acquire(false);
        // WAL lets readers run while a writer writes; NORMAL sync is durable in WAL mode except
        // for the last transactions on power loss, the usual trade for an embedded server.
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to {}", mask_url_password(&url)))
}

/// The first statement of every write transaction on SQLite: a write that changes nothing but
/// takes the database's write lock, as `BEGIN IMMEDIATE` would (sea-orm 1.1 always sends a plain,
/// deferred `BEGIN` and offers no way to say `IMMEDIATE`). A deferred transaction that reads
/// first holds a snapshot; its first write then fails at once with `database is locked` when
/// another writer committed meanwhile, without waiting (the busy handler cannot help a stale
/// snapshot). A transaction that writes first waits for the lock like any single statement, up
/// to the busy timeout, and then reads the latest data. `seaql_migrations` exists in every
/// migrated database; `WHERE 0` touches no row, yet SQLite takes the write lock for the
/// statement.
const SQLITE_TAKE_WRITE_LOCK: &str = "UPDATE seaql_migrations SET version = version WHERE 0";

/// Begins a transaction that may write. Every transaction in the app starts here (clippy's
/// `disallowed-methods` refuses `begin` and `transaction` elsewhere), so none can forget the
/// SQLite rule: on SQLite the write lock is taken first ([`SQLITE_TAKE_WRITE_LOCK`]), so
/// transactions that write queue up behind each other instead of failing with `database is
/// locked`. On PostgreSQL this is a plain `BEGIN` (row locks and `FOR UPDATE` do the rest).
/// Inside a transaction this opens a savepoint, as `begin` does.
pub async fn begin_write(db: &impl TransactionTrait) -> Result<DatabaseTransaction, DbErr> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place that begins transactions"
    )]
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared(SQLITE_TAKE_WRITE_LOCK).await?;
    }
    Ok(txn)
}

/// Applies every pending migration; returns whether the database was empty before (no
/// migration had ever been applied), which is what "first start" means.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let fresh = Migrator::get_applied_migrations(db)
        .await
        .map(|applied| applied.is_empty())
        .unwrap_or(true);
    Migrator::up(db, None).await.context("migration failed")?;
    Ok(fresh)
}

/// Checks that the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // `mode=rwc` creates the file on first start.
    Ok(match query {
        Some(q) if q.contains("mode=") => url.to_string(),
        Some(q) => format!("sqlite://{path}?{q}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_sqlite_connection_is_not_pinged_each_time_it_is_taken_from_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            database_url: secrecy::SecretString::from(format!(
                "sqlite://{}",
                dir.path().join("db.sqlite").display()
            )),
            ..Config::default()
        };
        let db = connect(&config).await.unwrap();
        let options = db.get_sqlite_connection_pool().options();
        assert!(!options.get_test_before_acquire());
        assert_eq!(
            options.get_max_connections(),
            config.database_max_connections
        );
    }
}
