//! The lifecycle becomes server-owned: `status` says where an item's media is (set only by the
//! media pipeline) and a NULL `publish_at` now means "not published" instead of "open".
//!
//! Existing rows keep what the public saw of them, except items that claimed `ready` with no
//! media at all (they showed a card that never played). In this order, so that no step undoes
//! an earlier one:
//! 1. items that were out in an open-started window get `publish_at = created_at`, so they stay
//!    published;
//! 2. drafts whose media plays become `ready`, with their window cleared so they stay hidden;
//! 3. the other drafts lose their window too: under the old rule they were hidden whatever it
//!    said, and now it alone would let them out once their media is ready;
//! 4. `ready` items without media become `draft` (hidden until a file is processed).
//!
//! The same plain SQL runs on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(table, media column)` of the two kinds of item that hold media.
const ITEMS: [(&str, &str); 2] = [
    ("videos", "source_asset_id"),
    ("episodes", "media_asset_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, media) in ITEMS {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET publish_at = created_at \
                 WHERE publish_at IS NULL AND status <> 'draft'"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "UPDATE {table} SET status = 'ready', publish_at = NULL, unpublish_at = NULL \
                 WHERE status = 'draft' AND {media} IS NOT NULL AND EXISTS \
                 (SELECT 1 FROM media_outputs o WHERE o.asset_id = {table}.{media})"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "UPDATE {table} SET publish_at = NULL, unpublish_at = NULL WHERE status = 'draft'"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "UPDATE {table} SET status = 'draft' WHERE status = 'ready' AND {media} IS NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to "NULL is open" (lossy): unpublished items become drafts so they stay hidden.
        let db = manager.get_connection();
        for (table, _) in ITEMS {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET status = 'draft' WHERE publish_at IS NULL"
            ))
            .await?;
        }
        Ok(())
    }
}
