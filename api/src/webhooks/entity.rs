//! sea-orm entities of the outbox and of webhooks.

/// An event written in the transaction of the change that caused it.
pub mod outbox_event {
    use sea_orm::entity::prelude::*;

    /// Row of `outbox_events`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_events")]
    pub struct Model {
        /// UUIDv7: also the `webhook-id` of every delivery of the event.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// `video.published`, ...
        pub event_type: String,
        /// The JSON body sent: `{type, timestamp, data}`.
        pub payload: String,
        pub created_at: DateTimeUtc,
        /// When the sender made the event's deliveries.
        pub dispatched_at: Option<DateTimeUtc>,
    }

    /// Relations of an event.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where an admin wants events sent.
pub mod endpoint {
    use sea_orm::entity::prelude::*;

    /// Row of `webhook_endpoints`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_endpoints")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub url: String,
        pub description: String,
        /// A JSON array of event types.
        pub event_types: String,
        pub enabled: bool,
        /// `whsec_<base64>`.
        pub secret: String,
        /// The secret before the last rotation, still signing until `previous_secret_until`.
        pub previous_secret: Option<String>,
        pub previous_secret_until: Option<DateTimeUtc>,
        /// Why the sender disabled it.
        pub disabled_reason: Option<String>,
        /// When it was disabled (by an admin or the sender); `None` while enabled.
        pub disabled_at: Option<DateTimeUtc>,
        /// The first failure since the last success.
        pub failing_since: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of an endpoint.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The event types it wants.
        pub fn types(&self) -> Vec<String> {
            serde_json::from_str(&self.event_types).unwrap_or_default()
        }
    }
}

/// One event to one endpoint, with where its sending stands.
pub mod delivery {
    use sea_orm::entity::prelude::*;

    /// Row of `webhook_deliveries`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub endpoint_id: Uuid,
        pub event_id: Uuid,
        pub event_type: String,
        /// `pending`, `succeeded` or `failed`.
        pub status: String,
        /// Attempts made (or begun) so far.
        pub attempts: i32,
        /// Not before this time.
        pub next_attempt_at: DateTimeUtc,
        /// The sender holding it.
        pub locked_by: Option<String>,
        /// Past this, another sender may take it.
        pub locked_until: Option<DateTimeUtc>,
        pub last_response_code: Option<i32>,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// When it succeeded or failed for good.
        pub finished_at: Option<DateTimeUtc>,
    }

    /// Relations of a delivery.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One attempt to send a delivery.
pub mod attempt {
    use sea_orm::entity::prelude::*;

    /// Row of `webhook_attempts`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_attempts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub delivery_id: Uuid,
        /// 1 for the first attempt.
        pub number: i32,
        pub started_at: DateTimeUtc,
        pub duration_ms: i64,
        /// The HTTP status answered, if any.
        pub response_code: Option<i32>,
        /// Why it failed (no answer, a redirect, a refused address, a non-2xx status).
        pub error: Option<String>,
    }

    /// Relations of an attempt.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
