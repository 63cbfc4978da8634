//! The transcoding pipelines on real GStreamer, with sources generated on the spot: HLS ladders,
//! pictures, podcast audio, events, cancellation and every bad input we know of.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audio;
mod bad_inputs;
mod hls;
mod support;
mod video;
