//! The standing campaign of issue 13: generated hostile inputs on every surface, and an
//! authorization matrix built from `schema.graphql`. Both run in CI so that what the outside
//! campaign found stays found.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod authz;
mod hostile;
mod support;
