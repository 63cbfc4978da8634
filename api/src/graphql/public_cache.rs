//! The hot-read cache: responses to public GraphQL queries served from memory.
//!
//! Only callers who see exactly the public catalogue (anonymous visitors and `read` API tokens)
//! share it, so nothing private can leak through it. Any change the public could see empties it
//! (a generation counter, so invalidation is one atomic increment); a change only editors can
//! see (a new draft, a draft's media) leaves it alone and ends only the delivery answers that
//! follow [`PublicCache::any_generation`]. Entries expire after a
//! short TTL, which bounds staleness from changes made elsewhere (another node, the CLI) and
//! from publish windows opening or closing.
//!
//! Anyone can fill it, so it is bounded by what it costs: the bytes of its keys and bodies (and
//! a number of entries), never more. A request whose text and variables are longer than
//! [`MAX_KEY_BYTES`], or whose response is larger than a sixteenth of the budget, is answered
//! but not stored; entries past their TTL are swept on time, not only when the cache is full.
//!
//! Readers who miss together share one computation: after a change empties the cache, the
//! first reader of a request computes it and the others asking the same meanwhile wait for
//! its answer ([`PublicCache::join`]) instead of each running the whole query at once.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// Longest request (query text, operation name and variables) whose response is stored.
pub const MAX_KEY_BYTES: usize = 16 * 1024;

/// What an entry costs besides its key and body (the map slot, the entry, the allocations).
const ENTRY_OVERHEAD: usize = 128;

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
    max_bytes: usize,
    generation: AtomicU64,
    /// Counts every change, public or not: delivery's answers about who may read an asset
    /// follow it, since a draft's media changes them too.
    any_generation: AtomicU64,
    entries: Mutex<Entries>,
    /// Tells other nodes about local changes (PostgreSQL `NOTIFY`, see `delivery::notify`).
    notifier: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// Requests being computed by a reader that others wait for, by key (see [`Flight`]).
    flights: Mutex<HashMap<String, tokio::sync::watch::Receiver<()>>>,
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
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

/// A reader's part in the computation of a response that others may be asking for too.
pub enum Flight<'a> {
    /// This reader computes it; the others wait until the guard is dropped.
    Lead(Leader<'a>),
    /// Another reader is computing it: wait with [`wait`], then look again.
    Follow(tokio::sync::watch::Receiver<()>),
}

/// The reader computing a response: dropping it (answered, failed or cancelled) lets the
/// followers go.
pub struct Leader<'a> {
    cache: &'a PublicCache,
    key: String,
    _done: tokio::sync::watch::Sender<()>,
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        // Out of the map first: a reader arriving from now on leads a new computation (or
        // finds the stored answer) instead of following one that has ended.
        self.cache
            .flights
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
        // `_done` drops after this, which wakes every follower.
    }
}

/// Waits until the leader of a flight is done.
pub async fn wait(mut follower: tokio::sync::watch::Receiver<()>) {
    // The sender never sends: `changed` returns when it is dropped with the leader.
    let _ = follower.changed().await;
}

/// The entries and what they weigh.
#[derive(Default)]
struct Entries {
    map: HashMap<u64, Entry>,
    bytes: usize,
    swept: Option<Instant>,
}

impl Entry {
    fn weight(&self) -> usize {
        self.key.len()
            + self.body.len()
            + self.cache_control.as_ref().map_or(0, String::len)
            + ENTRY_OVERHEAD
    }
}

impl Entries {
    fn remove(&mut self, slot: u64) {
        if let Some(old) = self.map.remove(&slot) {
            self.bytes -= old.weight();
        }
    }

    /// Drops entries that can no longer be served (older generation or past the TTL).
    fn sweep(&mut self, generation: u64, ttl: Duration) {
        self.map
            .retain(|_, e| e.generation == generation && e.stored.elapsed() < ttl);
        self.bytes = self.map.values().map(Entry::weight).sum();
        self.swept = Some(Instant::now());
    }

    /// Drops the oldest entries until `room` more bytes and one more entry fit.
    fn make_room(&mut self, room: usize, max_bytes: usize, capacity: usize) {
        while !self.map.is_empty() && (self.bytes + room > max_bytes || self.map.len() >= capacity)
        {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(slot, _)| *slot);
            match oldest {
                Some(slot) => self.remove(slot),
                None => break,
            }
        }
    }
}

impl PublicCache {
    /// A cache keeping up to `capacity` responses weighing `max_bytes` in all for `ttl` (a
    /// zero TTL disables it).
    pub fn new(ttl: Duration, capacity: usize, max_bytes: usize) -> Self {
        Self {
            ttl,
            capacity,
            max_bytes,
            generation: AtomicU64::new(0),
            any_generation: AtomicU64::new(0),
            entries: Mutex::new(Entries::default()),
            flights: Mutex::new(HashMap::new()),
            notifier: std::sync::OnceLock::new(),
            in_sync: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Whether caching is on.
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0 && self.max_bytes > 0
    }

    /// The cache key of a request, or `None` when the request is too long to be worth keeping
    /// (its answer is computed, not stored).
    pub fn key(query: &str, operation: Option<&str>, variables: &str) -> Option<String> {
        let operation = operation.unwrap_or_default();
        if query.len() + operation.len() + variables.len() + 2 > MAX_KEY_BYTES {
            return None;
        }
        Some(format!("{operation}\u{0}{query}\u{0}{variables}"))
    }

    /// The bytes the stored entries weigh (keys, bodies and bookkeeping).
    pub fn weight(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }

    /// How many responses are stored.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let entry = entries.map.get(&Self::slot(key))?;
        (entry.key == key && entry.generation == generation && entry.stored.elapsed() < self.ttl)
            .then(|| Hit {
                body: entry.body.clone(),
                cache_control: entry.cache_control.clone(),
            })
    }

    /// Joins the computation of `key` (after a miss): the first reader to ask leads, and
    /// computes and stores the response while holding the guard; the others follow, waiting
    /// until the leader is done (or gone), then look in the cache again.
    pub fn join(&self, key: &str) -> Flight<'_> {
        let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(waiting) = flights.get(key) {
            return Flight::Follow(waiting.clone());
        }
        let (done, waiting) = tokio::sync::watch::channel(());
        flights.insert(key.to_owned(), waiting);
        Flight::Lead(Leader {
            cache: self,
            key: key.to_owned(),
            _done: done,
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
        let entry = Entry {
            key,
            generation,
            stored: Instant::now(),
            body,
            cache_control,
        };
        let weight = entry.weight();
        // One response may take a sixteenth of the budget, so a few large answers cannot
        // push out everything else.
        if weight > self.max_bytes / 16 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let due = entries.swept.is_none_or(|at| at.elapsed() >= self.ttl);
        if due {
            entries.sweep(generation, self.ttl);
        }
        let slot = Self::slot(&entry.key);
        entries.remove(slot);
        entries.make_room(weight, self.max_bytes, self.capacity);
        entries.bytes += weight;
        entries.map.insert(slot, entry);
    }

    /// The current generation (read it before computing a response to `put`).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Counts every change, including those only editors can see (read it before looking up
    /// anything that a draft's change can alter, such as who may read an asset).
    pub fn any_generation(&self) -> u64 {
        self.any_generation.load(Ordering::Acquire)
    }

    /// Forgets every cached response (after a change the public may see), here and on every
    /// other node.
    pub fn invalidate(&self) {
        self.invalidate_local();
        self.notify_others();
    }

    /// Records a change that no anonymous reader can see (a draft, its media): cached public
    /// responses stay; answers that follow [`Self::any_generation`] end, here and (as any
    /// change, to keep the protocol one message) on every other node.
    pub fn invalidate_unpublished(&self) {
        self.any_generation.fetch_add(1, Ordering::AcqRel);
        self.notify_others();
    }

    fn notify_others(&self) {
        if let Some(notify) = self.notifier.get() {
            notify();
        }
    }

    /// Forgets every cached response on this node only (another node announced a change).
    pub fn invalidate_local(&self) {
        self.any_generation.fetch_add(1, Ordering::AcqRel);
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

    /// A cache of up to ten entries kept `ttl`, and the key of `{ a }`.
    fn cache_of_a(ttl: Duration) -> (PublicCache, String) {
        let cache = PublicCache::new(ttl, 10, 1 << 20);
        (cache, PublicCache::key("{ a }", None, "{}").unwrap())
    }

    /// Stores `body` under `key` as of now.
    fn store(cache: &PublicCache, key: &str, body: &'static [u8]) {
        let generation = cache.generation();
        cache.put(key.to_owned(), generation, Bytes::from_static(body), None);
    }

    #[test]
    fn a_change_to_a_draft_keeps_public_responses_but_ends_answers_about_any_change() {
        let (cache, key) = cache_of_a(Duration::from_secs(60));
        store(&cache, &key, b"1");
        let (public, any) = (cache.generation(), cache.any_generation());
        cache.invalidate_unpublished();
        assert!(cache.get(&key).is_some());
        assert_eq!(cache.generation(), public);
        assert_ne!(cache.any_generation(), any);
        // A public change ends both.
        let any = cache.any_generation();
        cache.invalidate();
        assert!(cache.get(&key).is_none());
        assert_ne!(cache.any_generation(), any);
    }

    #[test]
    fn a_change_or_the_ttl_ends_an_entry() {
        let (cache, key) = cache_of_a(Duration::from_millis(50));
        store(&cache, &key, b"1");
        assert!(cache.get(&key).is_some());
        cache.invalidate();
        assert!(cache.get(&key).is_none());
        store(&cache, &key, b"2");
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&key).is_none());
        // A response computed before a change is never stored.
        let before = cache.generation();
        cache.invalidate();
        cache.put(key.clone(), before, Bytes::from_static(b"3"), None);
        assert!(cache.get(&key).is_none());
    }

    #[tokio::test]
    async fn readers_missing_together_wait_for_the_first_ones_answer() {
        let (cache, key) = cache_of_a(Duration::from_secs(60));
        let Flight::Lead(leader) = cache.join(&key) else {
            panic!("the first reader leads");
        };
        let Flight::Follow(follower) = cache.join(&key) else {
            panic!("a second reader follows");
        };
        let other = PublicCache::key("{ b }", None, "{}").unwrap();
        assert!(
            matches!(cache.join(&other), Flight::Lead(_)),
            "another request has its own flight"
        );
        let waiting = tokio::spawn(wait(follower));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "the follower waits for the leader");
        store(&cache, &key, b"1");
        drop(leader);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the follower wakes when the leader is done")
            .unwrap();
        assert!(cache.get(&key).is_some());
        // The flight ended with its leader: the next reader leads a new one.
        assert!(matches!(cache.join(&key), Flight::Lead(_)));
    }

    #[test]
    fn the_cache_never_weighs_more_than_its_byte_budget() {
        let budget = 64 * 1024;
        let cache = PublicCache::new(Duration::from_secs(60), 100_000, budget);
        let body = Bytes::from(vec![b'x'; 3000]);
        for i in 0..1000 {
            let key = PublicCache::key(&format!("{{ a{i} }}"), None, "{}").unwrap();
            cache.put(key, cache.generation(), body.clone(), None);
            assert!(cache.weight() <= budget, "{} bytes", cache.weight());
        }
        assert!(cache.len() > 5, "the budget holds more than a handful");
        // The newest entry is served; the oldest went first.
        let newest = PublicCache::key("{ a999 }", None, "{}").unwrap();
        assert!(cache.get(&newest).is_some());
        let oldest = PublicCache::key("{ a0 }", None, "{}").unwrap();
        assert!(cache.get(&oldest).is_none());
    }

    #[test]
    fn long_requests_and_large_responses_are_not_stored() {
        let cache = PublicCache::new(Duration::from_secs(60), 100, 1 << 20);
        let long = "x".repeat(MAX_KEY_BYTES);
        assert!(PublicCache::key("{ a }", None, &long).is_none());
        let key = PublicCache::key("{ a }", None, "{}").unwrap();
        cache.put(
            key.clone(),
            cache.generation(),
            Bytes::from(vec![0; (1 << 20) / 8]),
            None,
        );
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.weight(), 0);
    }

    #[test]
    fn expired_entries_are_swept_even_when_the_cache_is_not_full() {
        let cache = PublicCache::new(Duration::from_millis(30), 1000, 1 << 20);
        for i in 0..10 {
            let key = PublicCache::key(&format!("{{ a{i} }}"), None, "{}").unwrap();
            cache.put(key, cache.generation(), Bytes::from_static(b"1234"), None);
        }
        assert_eq!(cache.len(), 10);
        std::thread::sleep(Duration::from_millis(40));
        let key = PublicCache::key("{ b }", None, "{}").unwrap();
        cache.put(key, cache.generation(), Bytes::from_static(b"1"), None);
        assert_eq!(cache.len(), 1, "expired entries outlived their TTL");
    }
}
