//! End-to-end tests of the catalogue (issue 3): one test binary, one module per concern.

mod schema;
