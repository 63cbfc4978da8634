//! Small immutable objects (thumbnails, posters, sprites) kept in memory: popular pictures are
//! served without touching the filesystem, the long tail from disk.
//!
//! Only objects that never change once written go in (not playlists, not captions), so an
//! entry can never be stale; access is still checked on every request before this cache is
//! asked. Bounded by total bytes, evicting the oldest entries first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;

use crate::media::storage::ObjectMeta;

/// Largest object kept, in bytes: pictures yes, video segments no (those stream from disk).
pub const MAX_OBJECT: u64 = 512 * 1024;

#[derive(Default)]
struct Inner {
    map: HashMap<String, (ObjectMeta, Bytes)>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The cache.
pub struct HotObjects {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for HotObjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HotObjects")
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

impl HotObjects {
    /// A cache of at most `max_bytes` (0 disables it).
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether an object of `size` bytes may be kept.
    pub fn admits(&self, size: u64) -> bool {
        size <= MAX_OBJECT && (size as usize) <= self.max_bytes / 4
    }

    /// The object under `key`, if kept.
    pub fn get(&self, key: &str) -> Option<(ObjectMeta, Bytes)> {
        if self.max_bytes == 0 {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.map.get(key).cloned()
    }

    /// Keeps an object, evicting the oldest ones to make room.
    pub fn put(&self, key: &str, meta: ObjectMeta, body: Bytes) {
        if !self.admits(body.len() as u64) {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.map.contains_key(key) {
            return;
        }
        while inner.bytes + body.len() > self.max_bytes {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, b)) = inner.map.remove(&old) {
                inner.bytes -= b.len();
            }
        }
        inner.bytes += body.len();
        inner.order.push_back(key.to_string());
        inner.map.insert(key.to_string(), (meta, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::ObjectKey;

    fn meta(key: &str, size: usize) -> ObjectMeta {
        ObjectMeta {
            key: ObjectKey::parse(key).unwrap_or_else(|_| unreachable!()),
            size: size as u64,
            etag: None,
            last_modified: None,
        }
    }

    #[test]
    fn the_oldest_objects_make_room_and_big_ones_stay_out() {
        let hot = HotObjects::new(4000);
        for i in 0..5 {
            let key = format!("k{i}");
            hot.put(&key, meta(&key, 900), Bytes::from(vec![i as u8; 900]));
        }
        assert!(hot.get("k0").is_none());
        assert_eq!(hot.get("k4").map(|(_, b)| b[0]), Some(4));
        hot.put("big", meta("big", 2000), Bytes::from(vec![0; 2000]));
        assert!(hot.get("big").is_none());
        assert!(HotObjects::new(0).get("k4").is_none());
    }
}
