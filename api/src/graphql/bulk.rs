//! The loop behind every bulk mutation (videos, episodes): the IDs are checked as a whole
//! first (at most [`MAX_BULK_ITEMS`], each once), then each item is done by one of the
//! single-item services, so in its own transaction, and every outcome is reported in input
//! order. A refused item changes nothing and never stops the others.

use async_graphql::ID;

use crate::error::{AppError, AppResult};
use crate::graphql::relay::from_global;

/// Most IDs one bulk mutation takes; more is refused whole (`VALIDATION`).
pub const MAX_BULK_ITEMS: usize = 100;

/// What a bulk mutation did with one item: done (with the item after the change, none after
/// a delete), or refused with the error's code and message.
pub struct Outcome<M> {
    /// The ID as given.
    pub id: ID,
    /// The item after the change, or why not.
    pub result: Result<Option<M>, (String, String)>,
}

/// Refuses a bulk call with too many IDs or with an ID given twice, before anything changes.
fn check_ids(ids: &[ID], what: &str) -> AppResult<()> {
    if ids.len() > MAX_BULK_ITEMS {
        return Err(AppError::validation(format!(
            "ids: at most {MAX_BULK_ITEMS} {what} at once, {} given",
            ids.len()
        )));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    for id in ids {
        if !seen.insert(id.as_str()) {
            return Err(AppError::validation(format!(
                "ids: {} is given more than once",
                id.as_str()
            )));
        }
    }
    Ok(())
}

/// Runs `each` over the items of type `typename` (`"Video"`, `"Episode"`) one by one and
/// returns every outcome in input order; `what` names them in messages ("videos").
pub async fn run<M, F, Fut>(
    ids: Vec<ID>,
    typename: &str,
    what: &str,
    mut each: F,
) -> AppResult<Vec<Outcome<M>>>
where
    F: FnMut(uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = AppResult<Option<M>>>,
{
    check_ids(&ids, what)?;
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        let result = match from_global(&id, typename) {
            Ok(uuid) => each(uuid).await,
            Err(e) => Err(e),
        };
        let result = result.map_err(|e| {
            // Internal errors say only "internal error" to the client; the detail is logged.
            e.log();
            (e.code().to_string(), e.to_string())
        });
        outcomes.push(Outcome { id, result });
    }
    Ok(outcomes)
}

/// How many outcomes were done and how many refused.
pub fn counts<M>(outcomes: &[Outcome<M>]) -> (i32, i32) {
    let ok = outcomes.iter().filter(|o| o.result.is_ok()).count() as i32;
    (ok, outcomes.len() as i32 - ok)
}
