//! A small in-process sliding-window limiter for login attempts.
//!
//! Each API node limits on its own; with N nodes behind a load balancer an attacker gets at most
//! N times the budget, which still makes online guessing impractical.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts events per key within a sliding window.
#[derive(Debug)]
pub struct Limiter {
    max: u32,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    /// A limiter allowing `max` events per key within `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
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
        if events.len() > 100_000 {
            // Bound memory under a spray of distinct keys: forget keys whose window has passed.
            let window = self.window;
            events.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        events.entry(key.to_string()).or_default().push_back(now);
    }

    /// Forgets a key (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.remove(key);
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
}
