//! The `projector` binary run as an operator runs it, as real processes: the command line
//! (`cli`), two servers on one PostgreSQL database (`two_nodes`), and processes killed with
//! SIGKILL mid-upload (`upload_crash`) and mid-transcode (`worker_crash`). One test binary:
//! linking is most of a test build on two cores.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod support;
mod two_nodes;
mod upload_crash;
mod worker_crash;
