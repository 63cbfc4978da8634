//! The loop behind every bulk mutation (videos, episodes): the IDs are checked as a whole
//! first (at most [`MAX_BULK_ITEMS`], each once), then each item is done by one of the
//! single-item services, so in its own transaction, and every outcome is reported in input
//! order. A refused item changes nothing and never stops the others. `bulk_payload!` declares
//! what each bulk mutation reports.

use std::future::Future;

use async_graphql::{Context, ID};

use crate::content::item::{self, HoldsMedia, Scheduled};
use crate::error::{AppError, AppResult};
use crate::graphql::relay::from_global;
use crate::graphql::{app, viewer};

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

/// Runs `each` over the items of `E` (videos, episodes) and reports every outcome as `P`, the
/// mutation's payload.
pub async fn each<E: Scheduled, P, Fut>(
    ids: Vec<ID>,
    each: impl FnMut(uuid::Uuid) -> Fut,
) -> AppResult<P>
where
    P: From<Vec<Outcome<E::Model>>>,
    Fut: Future<Output = AppResult<Option<E::Model>>>,
{
    let what = format!("{}s", E::NAME);
    Ok(run(ids, E::NODE, &what, each).await?.into())
}

/// Publishes the items now, each like `publishVideo` (`bulkPublishVideos`, …).
pub async fn publish<E: Scheduled, P>(ctx: &Context<'_>, ids: Vec<ID>) -> AppResult<P>
where
    P: From<Vec<Outcome<E::Model>>>,
{
    let (db, viewer) = (&app(ctx)?.db, &viewer(ctx));
    each::<E, P, _>(ids, move |id| async move {
        item::publish::<E>(db, viewer, id, None).await.map(Some)
    })
    .await
}

/// Unpublishes the items now, each like `unpublishVideo` (`bulkUnpublishVideos`, …).
pub async fn unpublish<E: Scheduled, P>(ctx: &Context<'_>, ids: Vec<ID>) -> AppResult<P>
where
    P: From<Vec<Outcome<E::Model>>>,
{
    let (db, viewer) = (&app(ctx)?.db, &viewer(ctx));
    each::<E, P, _>(ids, move |id| async move {
        item::unpublish::<E>(db, viewer, id, None).await.map(Some)
    })
    .await
}

/// Deletes the items and their files, each like `deleteVideo` (`bulkDeleteVideos`, …).
pub async fn delete<E: Scheduled + HoldsMedia, P>(ctx: &Context<'_>, ids: Vec<ID>) -> AppResult<P>
where
    P: From<Vec<Outcome<E::Model>>>,
{
    let (app, viewer) = (app(ctx)?, &viewer(ctx));
    each::<E, P, _>(ids, move |id| async move {
        item::delete_with_media::<E>(app, viewer, id).await?;
        Ok(None)
    })
    .await
}

/// How many outcomes were done and how many refused.
pub fn counts<M>(outcomes: &[Outcome<M>]) -> (i32, i32) {
    let ok = outcomes.iter().filter(|o| o.result.is_ok()).count() as i32;
    (ok, outcomes.len() as i32 - ok)
}

impl<M> Outcome<M> {
    /// The same outcome with the item made into `f(item)` (a model into its GraphQL object).
    pub fn map<N>(self, f: impl FnOnce(M) -> N) -> Outcome<N> {
        Outcome {
            id: self.id,
            result: self.result.map(|item| item.map(f)),
        }
    }
}

/// Declares what a bulk mutation reports (`BulkVideosPayload { results, okCount, failedCount }`
/// of `BulkVideoResult { id, ok, code, message, video }`) and its `From` the outcomes (and,
/// given `video: Video(video::Model)`, the models' outcomes, for [`each`]): one shape in the
/// code, while the schema keeps each type's own name and descriptions.
macro_rules! bulk_payload {
    (
        $payload:ident, $payload_doc:literal,
        $result:ident, $result_doc:literal,
        id: $id_doc:literal,
        code: $code_doc:literal,
        $field:ident: $object:ident $(($model:ty))?, $field_doc:literal $(,)?
    ) => {
        #[doc = $result_doc]
        #[derive(async_graphql::SimpleObject, Debug)]
        pub struct $result {
            #[doc = $id_doc]
            pub id: async_graphql::ID,
            /// Whether this item was done. A failed item changed nothing.
            pub ok: bool,
            #[doc = $code_doc]
            pub code: Option<String>,
            /// Why not, in words; null when ok.
            pub message: Option<String>,
            #[doc = $field_doc]
            pub $field: Option<$object>,
        }

        #[doc = $payload_doc]
        #[derive(async_graphql::SimpleObject, Debug)]
        pub struct $payload {
            /// One result per ID, in input order.
            pub results: Vec<$result>,
            /// How many items were done.
            pub ok_count: i32,
            /// How many items were refused.
            pub failed_count: i32,
        }

        impl From<Vec<$crate::graphql::bulk::Outcome<$object>>> for $payload {
            fn from(outcomes: Vec<$crate::graphql::bulk::Outcome<$object>>) -> Self {
                let (ok_count, failed_count) = $crate::graphql::bulk::counts(&outcomes);
                let results = outcomes
                    .into_iter()
                    .map(|o| {
                        let (ok, code, message, $field) = match o.result {
                            Ok(item) => (true, None, None, item),
                            Err((code, message)) => (false, Some(code), Some(message), None),
                        };
                        $result {
                            id: o.id,
                            ok,
                            code,
                            message,
                            $field,
                        }
                    })
                    .collect();
                Self {
                    results,
                    ok_count,
                    failed_count,
                }
            }
        }

        $(
            impl From<Vec<$crate::graphql::bulk::Outcome<$model>>> for $payload {
                fn from(outcomes: Vec<$crate::graphql::bulk::Outcome<$model>>) -> Self {
                    let objects: Vec<_> = outcomes.into_iter().map(|o| o.map($object)).collect();
                    objects.into()
                }
            }
        )?
    };
}
pub(crate) use bulk_payload;
