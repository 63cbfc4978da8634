//! End-to-end tests of the viewer community (issue 17): sign-up and invitations, likes,
//! subscriptions and watch history, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod follows;
mod history;
mod invitations;
mod likes;
mod registration;
mod support;
