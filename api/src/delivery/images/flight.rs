//! Single flight: the first request for a picture that is not stored yet makes it; requests
//! for the same picture arriving meanwhile wait for that work instead of repeating it.
//!
//! The work runs in a task of its own, so a client that hangs up does not cancel it for the
//! others (nor leave a half-made picture: objects are stored atomically or not at all). The
//! entry goes when the work ends, even by a panic; a request arriving after that finds the
//! stored object.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared};

use crate::error::{AppError, AppResult};

type Flight = Shared<BoxFuture<'static, AppResult<()>>>;
type Map = Arc<Mutex<HashMap<String, Flight>>>;

/// The pictures being made right now, by key.
#[derive(Default)]
pub struct Flights {
    map: Map,
}

impl std::fmt::Debug for Flights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flights").finish_non_exhaustive()
    }
}

/// Removes a flight's entry when its task ends, however it ends.
struct Landing {
    map: Map,
    key: String,
}

impl Drop for Landing {
    fn drop(&mut self) {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

impl Flights {
    /// Runs `work` for `key` unless it is already running, and waits for it either way.
    pub async fn run<F, Fut>(&self, key: &str, work: F) -> AppResult<()>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<()>> + Send + 'static,
    {
        let flight = {
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            match map.get(key) {
                Some(flight) => flight.clone(),
                None => {
                    let landing = Landing {
                        map: self.map.clone(),
                        key: key.to_string(),
                    };
                    let fut = work();
                    let task = tokio::spawn(async move {
                        let _landing = landing;
                        fut.await
                    });
                    let flight =
                        async move { task.await.unwrap_or_else(|e| Err(AppError::internal(e))) }
                            .boxed()
                            .shared();
                    map.insert(key.to_string(), flight.clone());
                    flight
                }
            }
        };
        flight.await
    }
}
