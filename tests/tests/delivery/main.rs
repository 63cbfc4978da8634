//! Delivery over real HTTP: media (ranges, conditional requests, signed private URLs) on local
//! storage and on Garage, pictures made on demand (the image API), player URLs in GraphQL,
//! feeds parsed field by field, oEmbed, the embed page, view counting, HTTP caching of public
//! reads and cross-node cache invalidation, and webhooks sent to receivers the tests start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod embeds;
mod feeds;
mod garage;
mod images;
mod images_rules;
mod integrators;
mod lifecycle_migration;
mod media;
mod oembed_kinds;
mod pages;
mod playback_keys;
mod playback_tokens;
mod restrictions;
use projector_tests::receiver;
mod support;
mod views;
mod webhook_comments;
mod webhook_crash;
mod webhook_failures;
mod webhook_uploads;
mod webhooks;
