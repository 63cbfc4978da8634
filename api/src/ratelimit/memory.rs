//! The buckets of one node (SQLite), in memory: GCRA, so a bucket is one number, the
//! "theoretical arrival time" (`tat`) at which it will be full again.
//!
//! A bucket whose `tat` has passed is full, exactly as if it had never been seen, so forgetting
//! it loses nothing: the periodic sweep and a full table drop those first. Only when more than
//! [`MAX_KEYS`] keys are below full at once (a spray of addresses) are the fullest of the rest
//! forgotten, down to half: the emptiest buckets, the ones being limited, are kept, so a spray
//! cannot reset a key that used its budget, and memory stays bounded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::{Decision, Policy};

/// Most keys remembered at once.
pub const MAX_KEYS: usize = 100_000;

/// Buckets of this node, keyed by [`super::Key`] strings.
#[derive(Debug)]
pub struct Buckets {
    epoch: Instant,
    max_keys: usize,
    tats: Mutex<HashMap<String, f64>>,
}

impl Default for Buckets {
    fn default() -> Self {
        Self::with_max_keys(MAX_KEYS)
    }
}

impl Buckets {
    /// Buckets with room for `max_keys` keys (tests use a small one).
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            epoch: Instant::now(),
            max_keys: max_keys.max(2),
            tats: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }

    /// Takes one request from `key`'s bucket under `policy`, if it has one.
    pub fn take(&self, key: &str, policy: &Policy) -> Decision {
        let now = self.now();
        let mut tats = self.tats.lock().unwrap_or_else(|p| p.into_inner());
        let tat = tats.get(key).copied().unwrap_or(now);
        let (decision, new_tat) = policy.decide(tat, now);
        if decision.allowed {
            if !tats.contains_key(key) && tats.len() >= self.max_keys {
                self.make_room(&mut tats, now);
            }
            tats.insert(key.to_owned(), new_tat);
        }
        decision
    }

    /// Forgets full buckets (losslessly); if that is not enough, the fullest of the rest down
    /// to half the room.
    fn make_room(&self, tats: &mut HashMap<String, f64>, now: f64) {
        tats.retain(|_, tat| *tat > now);
        let keep = self.max_keys / 2;
        if tats.len() <= keep {
            return;
        }
        tracing::warn!(
            keys = tats.len(),
            "rate limits full; forgetting the buckets with the most requests left"
        );
        let mut all: Vec<f64> = tats.values().copied().collect();
        let cut = all.len() - keep;
        let (_, threshold, _) = all.select_nth_unstable_by(cut, f64::total_cmp);
        let threshold = *threshold;
        // Strictly fuller buckets (earlier tat) go, then enough of those at the threshold.
        tats.retain(|_, tat| *tat >= threshold);
        let mut excess = tats.len().saturating_sub(keep);
        tats.retain(|_, tat| {
            if excess > 0 && *tat == threshold {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }

    /// Forgets every full bucket (the periodic sweep).
    pub fn sweep(&self) {
        let now = self.now();
        let mut tats = self.tats.lock().unwrap_or_else(|p| p.into_inner());
        tats.retain(|_, tat| *tat > now);
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.tats.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(burst: u32, per_sec: f64) -> Policy {
        Policy::new("test", burst, per_sec)
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_and_counts_down() {
        let buckets = Buckets::default();
        let p = policy(3, 0.01);
        let remaining: Vec<u32> = (0..3).map(|_| buckets.take("a", &p).remaining).collect();
        assert_eq!(remaining, vec![2, 1, 0]);
        let refused = buckets.take("a", &p);
        assert!(!refused.allowed);
        // One request comes back every 100 s.
        assert!(
            (99..=100).contains(&refused.retry_after_secs),
            "{refused:?}"
        );
        assert!(
            buckets.take("b", &p).allowed,
            "another key has its own bucket"
        );
    }

    #[test]
    fn a_bucket_refills_at_its_rate() {
        let buckets = Buckets::default();
        let p = policy(2, 20.0);
        assert!(buckets.take("a", &p).allowed);
        assert!(buckets.take("a", &p).allowed);
        assert!(!buckets.take("a", &p).allowed);
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert!(buckets.take("a", &p).allowed);
    }

    #[test]
    fn a_spray_of_new_keys_neither_grows_memory_nor_resets_an_empty_bucket() {
        let buckets = Buckets::with_max_keys(100);
        let p = policy(3, 0.001);
        for _ in 0..3 {
            assert!(buckets.take("attacker", &p).allowed);
        }
        for n in 0..1_000 {
            buckets.take(&format!("spray-{n}"), &p);
        }
        assert!(buckets.len() <= 100, "{} keys", buckets.len());
        assert!(
            !buckets.take("attacker", &p).allowed,
            "the spray made the buckets forget an empty one"
        );
    }

    #[test]
    fn the_sweep_forgets_full_buckets_only() {
        let buckets = Buckets::default();
        buckets.take("fast", &policy(5, 1000.0));
        buckets.take("slow", &policy(5, 0.001));
        std::thread::sleep(std::time::Duration::from_millis(5));
        buckets.sweep();
        assert_eq!(buckets.len(), 1);
    }
}
