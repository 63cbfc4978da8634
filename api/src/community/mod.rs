//! The viewer side of the community: sign-up (open, closed or by invitation), likes of videos
//! and episodes, subscriptions to channels and "continue watching".
//!
//! One file per job: `registration` (the mode, `signUp`, invitations) with `passwords` (the
//! common-password list), `counters` (likes and subscribers, added to in batches), `likes`,
//! `follows` (subscriptions), `feed` (the newest items of the followed channels),
//! `invitations` (listing and revoking them), `history` (watch positions), `comments`
//! (comments and their moderation), `profile` (one's own name, password and account), and
//! `graphql`.
//!
//! Privacy: a viewer's likes, subscriptions and watch positions are readable only by that
//! viewer (`viewerHasLiked`, `viewerIsSubscribed`, `viewerPosition`, `watchHistory`); others see
//! only the counts. Every item is reached through `visibility.rs`: a like or a position on an
//! item the caller cannot see is `NOT_FOUND`.

pub mod comments;
pub mod counters;
pub mod entity;
pub mod feed;
pub mod follows;
pub mod graphql;
pub mod history;
pub mod invitations;
pub mod likes;
pub mod loaders;
pub mod passwords;
pub mod profile;
pub mod registration;

use std::time::Duration;

use crate::accounts::rate_limit::Limiter;
use crate::config::Config;

/// The community services in the shared state.
#[derive(Debug)]
pub struct Community {
    /// `signUp` attempts per client address.
    pub signups: Limiter,
    /// Like and subscriber counts not yet written.
    pub counters: counters::Counters,
}

impl Community {
    /// The services, with the configured limits.
    pub fn new(config: &Config) -> Self {
        Self {
            signups: Limiter::new(
                config.accounts.signups_per_address,
                Duration::from_secs(config.accounts.signup_window_secs),
            ),
            counters: counters::Counters::default(),
        }
    }
}
