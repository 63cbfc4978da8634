//! The admin app's pages that run the site (users, API tokens, channels, playlists, categories
//! and tags, webhooks, playback keys, downloads) in a real headless Chromium, served by a real
//! server. Like `admin_app.rs`, these need the built app (`trunk build --release`, or
//! `PROJECTOR_TEST_FRONTEND_DIR`). Each test drives the pages as a person would and checks what
//! really happened through the API; each saves screenshots of its page at 1280x800 and 390x844
//! into `docs/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels;
mod downloads;
mod french;
mod library_episodes;
mod live_dashboard;
mod member_by_email;
mod moderation;
mod playback;
mod playback_keys;
mod playlists;
mod podcasts;
mod stats;
mod support;
mod taxonomy;
mod uploads;
mod users;
mod webhooks;
