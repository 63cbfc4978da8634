//! End-to-end tests of the viewer community (issue 17): sign-up and invitations, likes,
//! subscriptions, watch history and comments with moderation, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod comments;
mod comments_moderation;
mod comments_visibility;
mod follows;
mod history;
mod invitations;
mod likes;
mod profile;
mod registration;
mod support;
