//! Webhooks for third-party integrators, per the Standard Webhooks specification.
//!
//! - [`outbox`]: the event rows service functions write in the transaction of their change,
//!   and the list of event types;
//! - [`endpoints`]: what admins do (register, change, delete, rotate the secret, the delivery
//!   log, redeliver); [`target`]: which URLs and addresses may receive webhooks;
//! - [`queue`]: events become deliveries, deliveries are claimed under a lease and each attempt
//!   is recorded (retries, disabling an endpoint that keeps failing); [`sender`]: the
//!   background task that sends them; [`sign`]: secrets and signatures;
//! - [`graphql`]: the admins' queries and mutations; [`entity`]: the tables.

pub mod endpoints;
pub mod entity;
pub mod graphql;
pub mod outbox;
pub mod queue;
pub mod sender;
pub mod sign;
pub mod target;

pub use sender::start;

/// Stored delivery states.
pub mod status {
    /// Waiting for an attempt (or for its backoff to pass).
    pub const PENDING: &str = "pending";
    /// A 2xx answer was received.
    pub const SUCCEEDED: &str = "succeeded";
    /// Every attempt failed.
    pub const FAILED: &str = "failed";
}

/// The sender's wake-up call, shared through the app state.
#[derive(Debug, Default)]
pub struct Webhooks {
    wake: tokio::sync::Notify,
}

impl Webhooks {
    /// Tells this process's sender that events may have been written (call after the commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes when [`Webhooks::wake`] is called (or was, since the last wait).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}
