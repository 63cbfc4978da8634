//! The job queue and the workers over real databases, and the path from a finished upload to a
//! transcoded, playable video: jobs, outputs, status, progress over WebSocket, deletion.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod downloads;
mod flow;
mod public_cache;
mod queue;
mod retry;
mod subscriptions;
mod support;
mod transcode;
mod webhooks;
