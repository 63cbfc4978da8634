//! API-wide rate limits: a token bucket per API token or session, and one per client address
//! for requests without credentials (`[rate_limits]` in the configuration).
//!
//! - `mod.rs`: the policies (GCRA: a bucket is the time at which it will be full again), the
//!   keys, and where buckets live: in memory on one node (SQLite, `memory.rs`), in the database
//!   when nodes share PostgreSQL (`postgres.rs`, one statement per request).
//! - `http.rs`: the middleware on `/graphql`, the tus routes, oEmbed and feeds; the
//!   `RateLimit-Policy` and `RateLimit` headers; the 429 answers. `ws.rs`: each operation of a
//!   WebSocket takes from the same buckets.
//!
//! The key needs no database: an API token (`prj_…`) is known by a hash of itself, a session by
//! the `sid` of its access token once the token's signature checks out (so refreshing does not
//! start a new budget), anything else (no credentials, a token that does not verify) by the
//! client address (an IPv6 address by its /64, which one machine usually holds whole).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::state::Ctx;

pub mod http;
pub mod memory;
mod postgres;
pub mod ws;

/// How often full buckets are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Slack for floating-point rounding: a request that arrives exactly on time is allowed.
const SLACK: f64 = 1e-6;

/// One policy: a bucket of `burst` requests refilled at one per `interval` seconds.
#[derive(Clone, Debug)]
pub struct Policy {
    name: &'static str,
    burst: u32,
    /// Seconds per request given back.
    interval: f64,
    /// How far a bucket's time may run ahead of now: the whole burst (plus [`SLACK`]).
    tolerance: f64,
}

/// What a bucket said about one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may go ahead (and was counted).
    pub allowed: bool,
    /// Requests left in the bucket after this one.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Seconds until a refused request may succeed (0 when allowed).
    pub retry_after_secs: u64,
}

impl Policy {
    /// A policy named `name` (as the headers name it).
    pub fn new(name: &'static str, burst: u32, per_sec: f64) -> Self {
        let interval = 1.0 / per_sec;
        Self {
            name,
            burst,
            interval,
            tolerance: f64::from(burst) * interval + SLACK,
        }
    }

    /// The policy's name in the headers.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The most requests at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Seconds an empty bucket takes to fill: the `w` of `RateLimit-Policy`.
    pub fn window_secs(&self) -> u64 {
        ceil_secs(f64::from(self.burst) * self.interval).max(1)
    }

    /// GCRA: a request at `now` against a bucket full again at `stored`; the decision and the
    /// bucket's new time (unchanged when refused). `postgres.rs` does the same in SQL.
    pub fn decide(&self, stored: f64, now: f64) -> (Decision, f64) {
        let next = stored.max(now) + self.interval;
        let allowed = next - now <= self.tolerance;
        let tat = if allowed { next } else { stored };
        (self.describe(allowed, tat, now), tat)
    }

    /// The decision for a bucket whose time is `tat` after the request at `now`.
    fn describe(&self, allowed: bool, tat: f64, now: f64) -> Decision {
        let tat = tat.max(now);
        let (remaining, retry_after_secs) = if allowed {
            let left = ((now + self.tolerance - tat) / self.interval + SLACK).floor();
            (left.clamp(0.0, f64::from(self.burst)) as u32, 0)
        } else {
            let wait = tat + self.interval - self.tolerance - now;
            (0, ceil_secs(wait).max(1))
        };
        Decision {
            allowed,
            remaining,
            reset_secs: ceil_secs(tat - now),
            retry_after_secs,
        }
    }
}

fn ceil_secs(secs: f64) -> u64 {
    // Whole seconds, rounding up what is over by more than the slack.
    let secs = (secs - SLACK).max(0.0).ceil();
    if secs >= u64::MAX as f64 {
        u64::MAX
    } else {
        secs as u64
    }
}

/// Whose bucket a request takes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// An API token or a session (the token policy).
    Credential(String),
    /// A client address (the address policy).
    Address(String),
}

impl Key {
    /// The key of an API token: a hash of it, never the token.
    pub fn api_token(token: &str) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(token.as_bytes());
        Self::Credential(format!("t:{}", hex::encode(&digest[..16])))
    }

    /// The key of a session.
    pub fn session(sid: uuid::Uuid) -> Self {
        Self::Credential(format!("s:{sid}"))
    }

    /// The key of a client address: IPv4 whole, IPv6 by its /64.
    pub fn address(ip: IpAddr) -> Self {
        Self::Address(format!("a:{}", crate::accounts::auth::network(ip)))
    }

    fn as_str(&self) -> &str {
        match self {
            Self::Credential(k) | Self::Address(k) => k,
        }
    }
}

/// Where the buckets live.
#[derive(Debug)]
enum Store {
    /// This node only (SQLite: there is one node).
    Memory(memory::Buckets),
    /// The `rate_limits` table, shared by every node on the database.
    Postgres(DatabaseConnection),
}

/// The limits of this process: both policies and their buckets.
#[derive(Debug)]
pub struct RateLimits {
    token: Policy,
    address: Policy,
    store: Store,
}

impl RateLimits {
    /// The limits `config` asks for (`None` when they are off). On PostgreSQL the buckets are
    /// kept in `db`, whose statements are not counted as the request's own (see `Ctx`).
    pub fn new(config: &Config, db: &DatabaseConnection) -> Option<Self> {
        let c = &config.rate_limits;
        if !c.enabled {
            return None;
        }
        let store = if config.is_postgres() {
            Store::Postgres(db.clone())
        } else {
            Store::Memory(memory::Buckets::default())
        };
        Some(Self {
            token: Policy::new("token", c.token_burst, c.token_per_sec),
            address: Policy::new("address", c.address_burst, c.address_per_sec),
            store,
        })
    }

    /// The policy a key's bucket follows.
    pub fn policy(&self, key: &Key) -> &Policy {
        match key {
            Key::Credential(_) => &self.token,
            Key::Address(_) => &self.address,
        }
    }

    /// Takes one request from `key`'s bucket. A database that cannot be reached lets the
    /// request through (it is logged): the request itself will find out.
    pub async fn take(&self, key: &Key) -> Decision {
        let policy = self.policy(key);
        match &self.store {
            Store::Memory(buckets) => buckets.take(key.as_str(), policy),
            Store::Postgres(db) => match postgres::take(db, key.as_str(), policy).await {
                Ok(decision) => decision,
                Err(e) => {
                    tracing::warn!(error = %e, "rate limit unavailable; request let through");
                    Decision {
                        allowed: true,
                        remaining: policy.burst,
                        reset_secs: 0,
                        retry_after_secs: 0,
                    }
                }
            },
        }
    }

    /// Forgets full buckets.
    pub async fn sweep(&self) -> Result<(), sea_orm::DbErr> {
        match &self.store {
            Store::Memory(buckets) => {
                buckets.sweep();
                Ok(())
            }
            Store::Postgres(db) => postgres::sweep(db).await,
        }
    }
}

/// Sweeps full buckets every minute, so idle keys leave memory or the table.
pub fn start(ctx: &Arc<Ctx>) {
    if ctx.rate_limits.is_none() {
        return;
    }
    crate::state::every(ctx, SWEEP_EVERY, |ctx| async move {
        if let Some(limits) = &ctx.rate_limits
            && let Err(e) = limits.sweep().await
        {
            tracing::warn!(error = %e, "could not sweep the rate limits");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_the_time_an_empty_bucket_takes_to_fill() {
        assert_eq!(Policy::new("p", 100, 2.0).window_secs(), 50);
        assert_eq!(Policy::new("p", 1, 1000.0).window_secs(), 1);
    }

    #[test]
    fn a_refused_request_is_told_when_one_request_comes_back() {
        let p = Policy::new("p", 2, 0.5);
        let (first, tat) = p.decide(0.0, 0.0);
        assert_eq!((first.remaining, first.reset_secs), (1, 2));
        let (second, tat) = p.decide(tat, 0.0);
        assert_eq!((second.remaining, second.reset_secs), (0, 4));
        let (refused, unchanged) = p.decide(tat, 0.5);
        assert!(!refused.allowed);
        assert_eq!(unchanged, tat, "a refused request changes the bucket");
        assert_eq!(refused.retry_after_secs, 2);
        assert_eq!(refused.reset_secs, 4);
    }

    #[test]
    fn ipv6_addresses_share_a_bucket_per_64_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::from([0; 4]));
        let b: IpAddr = "2001:db8:1:2:bbbb::2"
            .parse()
            .unwrap_or(IpAddr::from([0; 4]));
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(Key::address(a), Key::address(b));
        assert_ne!(Key::address(a), Key::address(c));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(Key::address(mapped), Key::Address("a:10.0.0.1".into()));
    }
}
