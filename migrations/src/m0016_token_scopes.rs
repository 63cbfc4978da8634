//! API tokens with capabilities, channel limits and an expiry.
//!
//! `capabilities` holds the token's capabilities as comma-separated lower-case words (`read`,
//! `write`, `upload`, `webhooks`); existing tokens get what their `scope` meant: `read` for
//! READ tokens, `read,write,upload` for WRITE tokens (which acted as their owner, tus uploads
//! included). `channel_ids` (comma-separated UUIDs) limits what the token changes to those
//! channels; NULL is no limit. `expires_at` NULL never expires. So every existing token keeps
//! behaving exactly as before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Scope,
    Capabilities,
    ChannelIds,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(
                        ColumnDef::new(ApiTokens::Capabilities)
                            .string_len(64)
                            .not_null()
                            .default("read"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(ColumnDef::new(ApiTokens::ChannelIds).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(
                        ColumnDef::new(ApiTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ApiTokens::Table)
                    .value(ApiTokens::Capabilities, "read,write,upload")
                    .and_where(Expr::col(ApiTokens::Scope).eq("write"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ApiTokens::ExpiresAt,
            ApiTokens::ChannelIds,
            ApiTokens::Capabilities,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiTokens::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
