//! API rate limits shared by the nodes of a PostgreSQL deployment: one row per bucket that is
//! not full (`api/src/ratelimit/postgres.rs`). `UNLOGGED`, since losing the buckets in a crash
//! only gives everyone a full budget, and the per-request update then writes no WAL; a lower
//! fill factor keeps room for HOT updates. SQLite (one node) keeps its buckets in memory and
//! gets no table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNLOGGED TABLE IF NOT EXISTS rate_limits (\
                   key text PRIMARY KEY, \
                   tat double precision NOT NULL, \
                   seen double precision NOT NULL, \
                   allowed boolean NOT NULL\
                 ) WITH (fillfactor = 70)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS rate_limits")
            .await
            .map(|_| ())
    }
}
