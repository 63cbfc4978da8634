//! Transcoding: the durable job queue, the workers that run it and the GStreamer pipelines.

pub mod captions;
pub mod downloads;
pub mod entity;
pub mod graphql;
pub mod pipeline;
pub mod queue;
pub mod retry;
pub mod worker;
