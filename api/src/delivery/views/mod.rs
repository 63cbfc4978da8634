//! View counting: `POST /views/{videoId}` (a beacon players send once playback starts), and
//! `POST /views/{episodeId}` for podcast episodes (by global ID).
//!
//! A view counts once per viewer per video per window (`delivery.view_window_secs`, 30 minutes
//! by default, in fixed windows counted from the Unix epoch). The viewer is the signed-in user,
//! else the client address (an IPv6 address by its /64 network, which one household or one
//! attacker usually holds whole): the user agent plays no part, so varying it never makes a
//! second view. Viewers are kept only as keyed hashes (HMAC of the media signing secret, salted
//! with the window), so nothing identifying is stored and nodes sharing the secret agree.
//!
//! Beacons are rate limited per address (`delivery.view_beacons_per_minute`; more answer 429).
//! A new viewer is first remembered in memory (repeat beacons cost nothing); every
//! `delivery.view_flush_ms` (and at graceful shutdown) the new sightings are inserted into
//! `view_dedupe`, whose primary key (video, viewer hash, window) makes every node agree: only
//! the rows actually inserted are counted, with one `UPDATE` per distinct increment, so a burst
//! of 10 000 views costs a handful of statements. Rows of past windows are swept as windows pass.
//! The same transaction adds the views to the day's row of `video_daily_views` or
//! `episode_daily_views`, to the channels' view counts and to the trending scores, and the
//! first flush of each day recomputes those scores (`daily_views`, `videos::ranking`).
//!
//! One file per job: this one remembers sightings and keeps the beacon budget, `flush.rs` writes
//! them (deduplicated across nodes) and `beacon.rs` is the HTTP endpoint.

mod beacon;
mod flush;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use uuid::Uuid;

pub use beacon::beacon;
pub use flush::batches;

use super::daily_views::{Item, Rescore};
use crate::accounts::auth::{Principal, network};
use crate::config::Config;

/// Most viewer/video pairs remembered for deduplication; beyond it the memory is cleared early
/// (the shared table still deduplicates, so a repeat view costs a row, never a second count).
const MAX_SEEN: usize = 1_000_000;

/// One counted sighting: a viewer of a video (or an episode) in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sighting {
    /// What was viewed.
    pub item: Item,
    /// The video or episode (UUIDv7s: the two never share an id, so `view_dedupe.video_id`
    /// holds both).
    pub video: Uuid,
    /// The keyed hash of the viewer (salted with the window).
    pub viewer: i64,
    /// The window: Unix seconds divided by the window length.
    pub window: i64,
}

#[derive(Default)]
struct Tally {
    /// Sightings known in this window (inserted, or about to be).
    seen: HashMap<(Uuid, i64), i64>,
    /// Sightings not yet inserted into `view_dedupe`.
    pending: Vec<Sighting>,
    /// The last window whose predecessors were swept from `view_dedupe`.
    swept: i64,
}

/// Addresses (networks) remembered by the beacon budget; a spray of more within one minute
/// makes it forget them all (it fails open for a moment rather than grow without bound).
const MAX_ADDRESSES: usize = 200_000;

/// Beacons per address in the current minute: a fixed window, a few bytes per address.
struct BeaconBudget {
    per_minute: u32,
    counts: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl BeaconBudget {
    fn admit(&self, addr: IpAddr, unix_secs: i64) -> Result<(), u64> {
        let minute = unix_secs.div_euclid(60);
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() >= MAX_ADDRESSES && !counts.contains_key(&addr) {
            counts.retain(|_, (m, _)| *m == minute);
            if counts.len() >= MAX_ADDRESSES / 2 {
                tracing::warn!(
                    addresses = counts.len(),
                    "view beacon budget full; forgetting every address"
                );
                counts.clear();
            }
        }
        let entry = counts.entry(addr).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= self.per_minute {
            return Err(u64::try_from(60 - unix_secs.rem_euclid(60)).unwrap_or(60));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// Views seen but not yet written.
pub struct Views {
    window_secs: i64,
    key: Vec<u8>,
    beacons: BeaconBudget,
    state: Mutex<Tally>,
    /// The day the trending scores were last recomputed here.
    rescore: Rescore,
    /// Striped locks serialising the visibility lookup of one video when its cache entry
    /// expires under a burst of beacons.
    lookups: [tokio::sync::Mutex<()>; 64],
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Views")
            .field("window_secs", &self.window_secs)
            .finish_non_exhaustive()
    }
}

impl Views {
    /// A counter with the configured window and beacon limit, hashing viewers with a key
    /// derived from `secret` (the media signing secret every node shares).
    pub fn new(config: &Config, secret: &[u8]) -> Self {
        Self::with(
            Duration::from_secs(config.delivery.view_window_secs),
            config.delivery.view_beacons_per_minute,
            secret,
        )
    }

    fn with(window: Duration, beacons_per_minute: u32, secret: &[u8]) -> Self {
        let mut mac = hmac_with(secret);
        mac.update(b"projector-views-key");
        Self {
            window_secs: i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1),
            key: mac.finalize().into_bytes().to_vec(),
            beacons: BeaconBudget {
                per_minute: beacons_per_minute,
                counts: Mutex::new(HashMap::new()),
            },
            state: Mutex::new(Tally::default()),
            rescore: Rescore::default(),
            lookups: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
        }
    }

    /// The lock under which `video`'s visibility is looked up.
    fn lookup_lock(&self, video: Uuid) -> &tokio::sync::Mutex<()> {
        let stripe = video.as_u128() as usize % self.lookups.len();
        &self.lookups[stripe]
    }

    /// The window a Unix time falls in.
    pub fn window_at(&self, unix_secs: i64) -> i64 {
        unix_secs.div_euclid(self.window_secs)
    }

    /// `Err(seconds)` when `addr` has sent its budget of beacons this minute; else counts it.
    pub fn admit(&self, addr: IpAddr) -> Result<(), u64> {
        self.beacons.admit(network(addr), Utc::now().timestamp())
    }

    /// The viewer hash of a request in `window`: the user, else the client's network.
    pub fn viewer_key(&self, principal: &Principal, addr: IpAddr, window: i64) -> i64 {
        let mut mac = hmac_with(&self.key);
        mac.update(&window.to_be_bytes());
        match principal.user_id() {
            Some(id) => {
                mac.update(b"user\0");
                mac.update(id.as_bytes());
            }
            None => {
                mac.update(b"addr\0");
                match network(addr) {
                    IpAddr::V4(v4) => mac.update(&v4.octets()),
                    IpAddr::V6(v6) => mac.update(&v6.octets()),
                }
            }
        }
        let tag = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&tag[..8]);
        i64::from_be_bytes(first)
    }

    /// Remembers a sighting unless it is already known here; true when it is new.
    pub fn record(&self, sighting: Sighting) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let key = (sighting.video, sighting.viewer);
        if state.seen.get(&key) == Some(&sighting.window) {
            return false;
        }
        if state.seen.len() >= MAX_SEEN {
            // Sweep, and clear when the sweep freed too little, so its cost is spread over at
            // least MAX_SEEN / 2 insertions.
            state.seen.retain(|_, w| *w >= sighting.window);
            if state.seen.len() >= MAX_SEEN / 2 {
                state.seen.clear();
            }
        }
        state.seen.insert(key, sighting.window);
        state.pending.push(sighting);
        true
    }

    /// Sightings not yet written.
    pub fn pending(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.pending.len()
    }
}

fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn views() -> Views {
        Views::with(Duration::from_secs(1800), 3, b"secret")
    }

    #[test]
    fn a_viewer_is_remembered_once_per_window() {
        let views = views();
        let v = Uuid::now_v7();
        let s = |viewer, window| Sighting {
            item: Item::Video,
            video: v,
            viewer,
            window,
        };
        assert!(views.record(s(1, 7)));
        assert!(!views.record(s(1, 7)));
        assert!(views.record(s(2, 7)));
        assert!(views.record(Sighting {
            video: Uuid::now_v7(),
            ..s(1, 7)
        }));
        assert!(views.record(s(1, 8)));
        assert_eq!(views.pending(), 4);
    }

    #[test]
    fn an_anonymous_viewer_is_their_address_and_the_hash_changes_with_the_window() {
        let views = views();
        let anon = Principal::Anonymous;
        let a = IpAddr::from([192, 0, 2, 1]);
        assert_eq!(views.viewer_key(&anon, a, 1), views.viewer_key(&anon, a, 1));
        assert_ne!(views.viewer_key(&anon, a, 1), views.viewer_key(&anon, a, 2));
        assert_ne!(
            views.viewer_key(&anon, a, 1),
            views.viewer_key(&anon, IpAddr::from([192, 0, 2, 2]), 1)
        );
        // One IPv6 /64 is one viewer; a v4-mapped address is its IPv4 address.
        let v6 = |last: u16| IpAddr::from([0x2001, 0xdb8, 1, 2, 0, 0, 0, last]);
        assert_eq!(
            views.viewer_key(&anon, v6(1), 1),
            views.viewer_key(&anon, v6(0xffff), 1)
        );
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap_or(a);
        assert_eq!(
            views.viewer_key(&anon, mapped, 1),
            views.viewer_key(&anon, a, 1)
        );
        // Another secret (another deployment) hashes differently.
        let other = Views::with(Duration::from_secs(1800), 3, b"other");
        assert_ne!(views.viewer_key(&anon, a, 1), other.viewer_key(&anon, a, 1));
    }

    #[test]
    fn the_beacon_budget_is_per_minute() {
        let budget = BeaconBudget {
            per_minute: 2,
            counts: Mutex::new(HashMap::new()),
        };
        let a = IpAddr::from([192, 0, 2, 1]);
        assert!(budget.admit(a, 600).is_ok());
        assert!(budget.admit(a, 630).is_ok());
        assert_eq!(budget.admit(a, 650), Err(10));
        assert!(budget.admit(a, 660).is_ok());
    }

    #[test]
    fn beacons_are_limited_per_address() {
        let views = views();
        let a = IpAddr::from([192, 0, 2, 1]);
        for _ in 0..3 {
            assert!(views.admit(a).is_ok());
        }
        assert!(views.admit(a).is_err());
        assert!(views.admit(IpAddr::from([192, 0, 2, 2])).is_ok());
    }
}
