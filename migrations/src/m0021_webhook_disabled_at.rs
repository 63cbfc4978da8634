//! When a webhook endpoint was disabled (by an admin or by the sender), kept apart from
//! `updated_at`, which every later edit moves: the admin app says how long an endpoint failed
//! before the sender disabled it, and an edit made while it is disabled (fixing its URL before
//! enabling it again, say) must not change that. Endpoints disabled before this migration take
//! their `updated_at`, the best record there is.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    DisabledAt,
    UpdatedAt,
    Enabled,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(WebhookEndpoints::Table)
                    .add_column(
                        ColumnDef::new(WebhookEndpoints::DisabledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        let backfill = Query::update()
            .table(WebhookEndpoints::Table)
            .value(
                WebhookEndpoints::DisabledAt,
                Expr::col(WebhookEndpoints::UpdatedAt),
            )
            .and_where(Expr::col(WebhookEndpoints::Enabled).eq(false))
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(WebhookEndpoints::Table)
                    .drop_column(WebhookEndpoints::DisabledAt)
                    .to_owned(),
            )
            .await
    }
}
