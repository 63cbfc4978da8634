//! The hot-read cache: responses to public GraphQL queries served from memory.
//!
//! Only callers who see exactly the public catalogue (anonymous visitors and `read` API tokens)
//! share it, so nothing private can leak through it. Any mutation on this node empties it (a
//! generation counter, so invalidation is one atomic increment), and entries expire after a
//! short TTL, which bounds staleness from changes made elsewhere (another node, the CLI) and
//! from publish windows opening or closing.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

struct Entry {
    key: String,
    generation: u64,
    stored: Instant,
    body: Bytes,
    cache_control: Option<String>,
}

/// A cached response.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The serialised GraphQL response.
    pub body: Bytes,
    /// Its `Cache-Control` value, if any.
    pub cache_control: Option<String>,
}

/// Public query responses by request.
pub struct PublicCache {
    ttl: Duration,
    capacity: usize,
    generation: AtomicU64,
    entries: Mutex<HashMap<u64, Entry>>,
    /// Tells other nodes about local changes (PostgreSQL `NOTIFY`, see `delivery::notify`).
    notifier: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// Whether this node hears other nodes' changes. Without a notifier (one node) always; with
    /// one, only while its listener is connected: nothing is stored while changes could be
    /// missed, so a late-starting or reconnecting listener never leaves stale entries behind.
    in_sync: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicCache")
            .field("ttl", &self.ttl)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl PublicCache {
    /// A cache keeping up to `capacity` responses for `ttl` (a zero TTL disables it).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            notifier: std::sync::OnceLock::new(),
            in_sync: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Whether caching is on.
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0
    }

    /// The cache key of a request.
    pub fn key(query: &str, operation: Option<&str>, variables: &str) -> String {
        format!(
            "{}\u{0}{query}\u{0}{variables}",
            operation.unwrap_or_default()
        )
    }

    fn slot(key: &str) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        h.finish()
    }

    /// A fresh response for `key`, if one is cached.
    pub fn get(&self, key: &str) -> Option<Hit> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&Self::slot(key))?;
        (entry.key == key && entry.generation == generation && entry.stored.elapsed() < self.ttl)
            .then(|| Hit {
                body: entry.body.clone(),
                cache_control: entry.cache_control.clone(),
            })
    }

    /// Stores a response computed while the cache was at `generation`.
    pub fn put(&self, key: String, generation: u64, body: Bytes, cache_control: Option<String>) {
        if generation != self.generation.load(Ordering::Acquire)
            || !self.in_sync.load(Ordering::Acquire)
        {
            // A mutation ran while this response was computed (it may be stale already), or
            // other nodes' changes cannot be heard right now.
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            let ttl = self.ttl;
            entries.retain(|_, e| e.generation == generation && e.stored.elapsed() < ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            Self::slot(&key),
            Entry {
                key,
                generation,
                stored: Instant::now(),
                body,
                cache_control,
            },
        );
    }

    /// The current generation (read it before computing a response to `put`).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every cached response (after any change), here and on every other node.
    pub fn invalidate(&self) {
        self.invalidate_local();
        if let Some(notify) = self.notifier.get() {
            notify();
        }
    }

    /// Forgets every cached response on this node only (another node announced a change).
    pub fn invalidate_local(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Sets what [`Self::invalidate`] calls to tell other nodes (once, at start).
    /// Until [`Self::set_in_sync`] says the listener is up, nothing is cached.
    pub fn set_notifier(&self, notify: Box<dyn Fn() + Send + Sync>) {
        self.in_sync.store(false, Ordering::Release);
        let _ = self.notifier.set(notify);
    }

    /// Records whether other nodes' changes are being heard (the listener is connected).
    pub fn set_in_sync(&self, in_sync: bool) {
        self.in_sync.store(in_sync, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_or_the_ttl_ends_an_entry() {
        let cache = PublicCache::new(Duration::from_millis(50), 10);
        let key = PublicCache::key("{ a }", None, "{}");
        cache.put(
            key.clone(),
            cache.generation(),
            Bytes::from_static(b"1"),
            None,
        );
        assert!(cache.get(&key).is_some());
        cache.invalidate();
        assert!(cache.get(&key).is_none());
        cache.put(
            key.clone(),
            cache.generation(),
            Bytes::from_static(b"2"),
            None,
        );
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&key).is_none());
        // A response computed before a change is never stored.
        let before = cache.generation();
        cache.invalidate();
        cache.put(key.clone(), before, Bytes::from_static(b"3"), None);
        assert!(cache.get(&key).is_none());
    }
}
