//! Small in-process limiters: a sliding-window counter per key, and the login throttle built
//! on it.
//!
//! Each API node limits on its own; with N nodes behind a load balancer an attacker gets at most
//! N times the budget, which still makes online guessing impractical.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most keys a limiter remembers. When a spray of distinct keys (addresses) fills it, keys whose
/// window has passed go first, then the keys with the fewest recent events, down to half: a key
/// that has used its budget stays limited (a spray cannot reset it), and memory stays bounded.
const MAX_KEYS: usize = 100_000;

/// Keeps the `keep` entries of `map` with the largest `weight`, dropping the rest (ties broken
/// arbitrarily). Linear in the map's size; callers run it once per `keep` insertions at most.
fn keep_heaviest<K, V>(map: &mut HashMap<K, V>, keep: usize, weight: impl Fn(&V) -> u32)
where
    K: std::hash::Hash + Eq + Clone,
{
    if map.len() <= keep {
        return;
    }
    let mut weights: Vec<u32> = map.values().map(&weight).collect();
    let cut = weights.len() - keep;
    let (_, threshold, _) = weights.select_nth_unstable(cut);
    let threshold = *threshold;
    // Everything strictly lighter than the threshold goes; then enough of the entries equal to
    // it to get down to `keep`.
    map.retain(|_, v| weight(v) >= threshold);
    let mut excess = map.len().saturating_sub(keep);
    if excess > 0 {
        map.retain(|_, v| {
            if excess > 0 && weight(v) == threshold {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }
}

/// Counts events per key within a sliding window.
#[derive(Debug)]
pub struct Limiter {
    max: u32,
    window: Duration,
    max_keys: usize,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    /// A limiter allowing `max` events per key within `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        Self::with_max_keys(max, window, MAX_KEYS)
    }

    /// The same with room for `max_keys` keys (tests use a small one).
    pub fn with_max_keys(max: u32, window: Duration, max_keys: usize) -> Self {
        Self {
            max,
            window,
            max_keys: max_keys.max(2),
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` until the next event may happen when the key has used its budget.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let Some(queue) = events.get_mut(key) else {
            return Ok(());
        };
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            queue.pop_front();
        }
        if queue.len() as u32 >= self.max {
            let oldest = queue.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    /// Records one event for the key.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() >= self.max_keys && !events.contains_key(key) {
            // Bound memory under a spray of distinct keys: forget keys whose window has passed,
            // then the lightest keys down to half, so the sweep's cost is spread over at least
            // max_keys / 2 insertions instead of paid on each one.
            let window = self.window;
            events.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
            if events.len() > self.max_keys / 2 {
                tracing::warn!(
                    keys = events.len(),
                    "rate limiter full; forgetting the keys with the fewest recent events"
                );
                keep_heaviest(&mut events, self.max_keys / 2, |q| {
                    u32::try_from(q.len()).unwrap_or(u32::MAX)
                });
            }
        }
        events.entry(key.to_string()).or_default().push_back(now);
    }

    /// Forgets a key (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.remove(key);
    }
}

/// Login protection that cannot be turned against an account's owner.
///
/// Failures are counted per (account, address) pair: after `per_pair` failures within the
/// window that pair is slowed down with an exponential back-off (1 s, 2 s, 4 s, ... up to the
/// window) instead of being refused for the whole window, and nobody else is affected, so a
/// correct password from an address that has not been failing always goes through. When one
/// account collects `per_pair` failures from all addresses together (a guess spread over many
/// addresses), every address that fails against it is slowed down from its first failure. A
/// separate budget of attempts per address (whatever the account) stops one address from
/// spraying passwords across many accounts.
#[derive(Debug)]
pub struct LoginThrottle {
    per_pair: u32,
    window: Duration,
    pairs: Mutex<HashMap<(String, IpAddr), Failures>>,
    accounts: Limiter,
    addresses: Limiter,
}

/// Recent failures of one (account, address) pair.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl LoginThrottle {
    /// `per_pair` failures per (account, address) before back-off, `per_address` attempts per
    /// address, both within `window`.
    pub fn new(per_pair: u32, per_address: u32, window: Duration) -> Self {
        Self {
            per_pair: per_pair.max(1),
            window,
            pairs: Mutex::new(HashMap::new()),
            accounts: Limiter::new(per_pair.max(1), window),
            addresses: Limiter::new(per_address, window),
        }
    }

    /// `Err(seconds)` when this attempt must wait; otherwise the attempt is counted against the
    /// address's budget and may go ahead.
    pub fn begin(&self, account: &str, addr: IpAddr) -> Result<(), u64> {
        let addr_key = addr.to_string();
        self.addresses.check(&addr_key)?;
        let now = Instant::now();
        let under_attack = self.accounts.check(account).is_err();
        {
            let mut pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(f) = pairs.get(&(account.to_string(), addr)).copied() {
                if now.duration_since(f.last) >= self.window {
                    pairs.remove(&(account.to_string(), addr));
                } else {
                    let threshold = if under_attack { 1 } else { self.per_pair };
                    if f.count >= threshold {
                        let wait = self.back_off(f.count - threshold);
                        let ready = f.last + wait;
                        if now < ready {
                            let left = ready.duration_since(now);
                            return Err(left.as_secs() + u64::from(left.subsec_nanos() > 0));
                        }
                    }
                }
            }
        }
        self.addresses.record(&addr_key);
        Ok(())
    }

    /// The wait after `excess` failures beyond the threshold: doubling from one second, never
    /// longer than the window.
    fn back_off(&self, excess: u32) -> Duration {
        Duration::from_secs(1u64 << excess.min(20)).min(self.window)
    }

    /// Records a wrong password (or unknown account) from `addr`.
    pub fn failed(&self, account: &str, addr: IpAddr) {
        let now = Instant::now();
        self.accounts.record(account);
        let mut pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
        if pairs.len() >= MAX_KEYS && !pairs.contains_key(&(account.to_string(), addr)) {
            // Bound memory under a spray of distinct pairs, as in `Limiter::record`: the pairs
            // with the most failures (the ones being slowed down) are kept.
            let window = self.window;
            pairs.retain(|_, f| now.duration_since(f.last) < window);
            if pairs.len() > MAX_KEYS / 2 {
                tracing::warn!(
                    pairs = pairs.len(),
                    "login throttle full; forgetting the pairs with the fewest failures"
                );
                keep_heaviest(&mut pairs, MAX_KEYS / 2, |f| f.count);
            }
        }
        let entry = pairs
            .entry((account.to_string(), addr))
            .or_insert(Failures {
                count: 0,
                last: now,
            });
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// Records a successful login: the pair starts afresh.
    pub fn succeeded(&self, account: &str, addr: IpAddr) {
        let mut pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
        pairs.remove(&(account.to_string(), addr));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_per_key_and_refills_after_the_window() {
        let limiter = Limiter::new(2, Duration::from_millis(50));
        limiter.record("a");
        limiter.record("a");
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.check("a").is_ok());
    }

    #[test]
    fn failures_from_one_address_slow_down_that_address_only() {
        let throttle = LoginThrottle::new(3, 100, Duration::from_secs(60));
        let attacker = IpAddr::from([10, 0, 0, 1]);
        let owner = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert!(throttle.begin("a@x", attacker).is_ok());
            throttle.failed("a@x", attacker);
        }
        // Three failures also put the account under attack, so the wait is already 4 s.
        assert_eq!(throttle.begin("a@x", attacker), Err(4));
        // The account has now seen three failures: the owner gets through at once, but a
        // failure from a new address is slowed down after the first one.
        assert!(throttle.begin("a@x", owner).is_ok());
        throttle.succeeded("a@x", owner);
        assert!(throttle.begin("a@x", owner).is_ok());
        throttle.failed("a@x", owner);
        assert!(throttle.begin("a@x", owner).is_err());
        // Other accounts from the attacker's address are not affected by the pair.
        assert!(throttle.begin("b@x", attacker).is_ok());
    }

    #[test]
    fn the_back_off_doubles_and_stops_at_the_window() {
        let throttle = LoginThrottle::new(1, 100, Duration::from_secs(10));
        assert_eq!(throttle.back_off(0), Duration::from_secs(1));
        assert_eq!(throttle.back_off(2), Duration::from_secs(4));
        assert_eq!(throttle.back_off(40), Duration::from_secs(10));
    }

    #[test]
    fn a_spray_of_new_keys_does_not_reset_a_key_that_used_its_budget() {
        let limiter = Limiter::with_max_keys(3, Duration::from_secs(60), 100);
        for _ in 0..3 {
            limiter.record("attacker");
        }
        assert!(limiter.check("attacker").is_err());
        // Ten times the limiter's room in distinct keys, one event each.
        for n in 0..1_000 {
            limiter.record(&format!("spray-{n}"));
        }
        assert!(
            limiter.check("attacker").is_err(),
            "the spray made the limiter forget a key at its limit"
        );
        let keys = limiter.events.lock().unwrap().len();
        assert!(
            keys <= 100,
            "the limiter holds {keys} keys, more than its room of 100"
        );
    }

    #[test]
    fn keep_heaviest_keeps_exactly_the_heaviest_entries() {
        let mut map: HashMap<u32, u32> = (0..10).map(|k| (k, k % 5)).collect();
        keep_heaviest(&mut map, 3, |v| *v);
        assert_eq!(map.len(), 3);
        assert!(map.values().all(|v| *v >= 3), "kept {map:?}");
    }

    #[test]
    fn an_address_has_a_budget_across_accounts() {
        let throttle = LoginThrottle::new(5, 2, Duration::from_secs(60));
        let addr = IpAddr::from([10, 0, 0, 1]);
        assert!(throttle.begin("a@x", addr).is_ok());
        assert!(throttle.begin("b@x", addr).is_ok());
        assert!(throttle.begin("c@x", addr).is_err());
    }
}
