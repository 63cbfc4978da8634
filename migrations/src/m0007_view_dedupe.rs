//! `view_dedupe`: which viewers were already counted for which video in which window, shared by
//! every API node so a viewer counts once however the load balancer spreads their beacons.
//! Rows of past windows are swept by the view flusher.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ViewDedupe {
    Table,
    VideoId,
    ViewerHash,
    WindowIndex,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ViewDedupe::Table)
                    .col(ColumnDef::new(ViewDedupe::VideoId).uuid().not_null())
                    .col(
                        ColumnDef::new(ViewDedupe::ViewerHash)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ViewDedupe::WindowIndex)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ViewDedupe::VideoId)
                            .col(ViewDedupe::ViewerHash)
                            .col(ViewDedupe::WindowIndex),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_view_dedupe_window")
                    .table(ViewDedupe::Table)
                    .col(ViewDedupe::WindowIndex)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ViewDedupe::Table).to_owned())
            .await
    }
}
