//! Webhooks: the outbox of events (written in the transaction of the change that causes them),
//! the endpoints admins register, one delivery per event and endpoint, and each attempt to send
//! a delivery.
//!
//! A delivery goes with its endpoint and with its event (`ON DELETE CASCADE`), an attempt with
//! its delivery. `outbox_events.dispatched_at` is set once the sender has made the event's
//! deliveries.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxEvents {
    Table,
    Id,
    EventType,
    Payload,
    CreatedAt,
    DispatchedAt,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Url,
    Description,
    EventTypes,
    Enabled,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    DisabledReason,
    FailingSince,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    EventId,
    EventType,
    Status,
    Attempts,
    NextAttemptAt,
    LockedBy,
    LockedUntil,
    LastResponseCode,
    LastError,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    Number,
    StartedAt,
    DurationMs,
    ResponseCode,
    Error,
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn time_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn outbox_table() -> TableCreateStatement {
    Table::create()
        .table(OutboxEvents::Table)
        .col(
            ColumnDef::new(OutboxEvents::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new(OutboxEvents::EventType)
                .string_len(64)
                .not_null(),
        )
        .col(ColumnDef::new(OutboxEvents::Payload).text().not_null())
        .col(time(OutboxEvents::CreatedAt))
        .col(time_null(OutboxEvents::DispatchedAt))
        .to_owned()
}

fn endpoints_table() -> TableCreateStatement {
    use WebhookEndpoints as E;
    Table::create()
        .table(E::Table)
        .col(ColumnDef::new(E::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(E::Url).text().not_null())
        .col(ColumnDef::new(E::Description).text().not_null())
        .col(ColumnDef::new(E::EventTypes).text().not_null())
        .col(ColumnDef::new(E::Enabled).boolean().not_null())
        .col(ColumnDef::new(E::Secret).string_len(128).not_null())
        .col(ColumnDef::new(E::PreviousSecret).string_len(128).null())
        .col(time_null(E::PreviousSecretUntil))
        .col(ColumnDef::new(E::DisabledReason).text().null())
        .col(time_null(E::FailingSince))
        .col(time(E::CreatedAt))
        .col(time(E::UpdatedAt))
        .to_owned()
}

fn deliveries_table() -> TableCreateStatement {
    use WebhookDeliveries as D;
    Table::create()
        .table(D::Table)
        .col(ColumnDef::new(D::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(D::EndpointId).uuid().not_null())
        .col(ColumnDef::new(D::EventId).uuid().not_null())
        .col(ColumnDef::new(D::EventType).string_len(64).not_null())
        .col(ColumnDef::new(D::Status).string_len(16).not_null())
        .col(ColumnDef::new(D::Attempts).integer().not_null())
        .col(time(D::NextAttemptAt))
        .col(ColumnDef::new(D::LockedBy).string_len(128).null())
        .col(time_null(D::LockedUntil))
        .col(ColumnDef::new(D::LastResponseCode).integer().null())
        .col(ColumnDef::new(D::LastError).text().null())
        .col(time(D::CreatedAt))
        .col(time(D::UpdatedAt))
        .col(time_null(D::FinishedAt))
        .foreign_key(&mut cascade(
            (D::Table, D::EndpointId),
            (WebhookEndpoints::Table, WebhookEndpoints::Id),
        ))
        .foreign_key(&mut cascade(
            (D::Table, D::EventId),
            (OutboxEvents::Table, OutboxEvents::Id),
        ))
        .to_owned()
}

fn attempts_table() -> TableCreateStatement {
    use WebhookAttempts as A;
    Table::create()
        .table(A::Table)
        .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(A::DeliveryId).uuid().not_null())
        .col(ColumnDef::new(A::Number).integer().not_null())
        .col(time(A::StartedAt))
        .col(ColumnDef::new(A::DurationMs).big_integer().not_null())
        .col(ColumnDef::new(A::ResponseCode).integer().null())
        .col(ColumnDef::new(A::Error).text().null())
        .foreign_key(&mut cascade(
            (A::Table, A::DeliveryId),
            (WebhookDeliveries::Table, WebhookDeliveries::Id),
        ))
        .to_owned()
}

fn index<T: IntoIden + 'static, C: IntoIden + 'static>(
    name: &str,
    table: T,
    cols: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(outbox_table()).await?;
        manager
            .create_index(index(
                "ix_outbox_events_dispatched",
                OutboxEvents::Table,
                [OutboxEvents::DispatchedAt, OutboxEvents::Id],
            ))
            .await?;
        manager.create_table(endpoints_table()).await?;
        manager.create_table(deliveries_table()).await?;
        manager
            .create_index(index(
                "ix_webhook_deliveries_due",
                WebhookDeliveries::Table,
                [WebhookDeliveries::Status, WebhookDeliveries::NextAttemptAt],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_webhook_deliveries_endpoint",
                WebhookDeliveries::Table,
                [WebhookDeliveries::EndpointId, WebhookDeliveries::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_webhook_deliveries_event",
                WebhookDeliveries::Table,
                [WebhookDeliveries::EventId],
            ))
            .await?;
        manager.create_table(attempts_table()).await?;
        manager
            .create_index(index(
                "ix_webhook_attempts_delivery",
                WebhookAttempts::Table,
                [WebhookAttempts::DeliveryId, WebhookAttempts::Number],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
            OutboxEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
