//! Transcoding: the durable job queue, the workers that run it and the GStreamer pipelines.

pub mod captions;
pub mod downloads;
pub mod entity;
pub mod graphql;
pub mod pipeline;
pub mod queue;
pub mod retry;
pub mod worker;

/// The transcode workers of this process: how many run, and how they learn a job was queued.
#[derive(Debug, Default)]
pub struct Jobs {
    /// Woken when a job is queued, so idle in-process workers start at once.
    pub waiting: tokio::sync::Notify,
    /// Workers of this process still running.
    pub running: std::sync::atomic::AtomicUsize,
}
