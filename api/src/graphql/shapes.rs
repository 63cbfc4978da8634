//! Shapes the domains' GraphQL types share: inputs that name one item (and a time), the payload
//! of a change to one item or of a deletion, patch fields, lists of IDs, lookups by ID or by
//! slug.

use async_graphql::{ID, MaybeUndefined, SimpleObject};
use sea_orm::QuerySelect as _;
use uuid::Uuid;

use super::relay::from_global;
use crate::content::{self, InChannel};
use crate::error::{AppError, AppResult};
use crate::visibility::Viewer;

/// Declares a mutation input that only names one item (`DeleteVideoInput`, …): one shape in
/// the code, while the schema keeps each mutation's own type name and descriptions.
macro_rules! id_input {
    ($name:ident, $doc:literal, $field_doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::InputObject, Debug)]
        pub struct $name {
            #[doc = $field_doc]
            pub id: async_graphql::ID,
        }
    };
}
pub(crate) use id_input;

/// Declares a mutation input that names one item and a time (`PublishVideoInput`, …).
macro_rules! at_input {
    ($name:ident, $doc:literal, $id_doc:literal, $at_doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::InputObject, Debug)]
        pub struct $name {
            #[doc = $id_doc]
            pub id: async_graphql::ID,
            #[doc = $at_doc]
            pub at: Option<chrono::DateTime<chrono::Utc>>,
        }
    };
}
pub(crate) use at_input;

/// Declares the payload of a change to one item (`VideoPayload { video }`, …) and its
/// `From` the item's model.
macro_rules! item_payload {
    ($name:ident, $doc:literal, $field:ident: $object:ident($model:ty), $field_doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject, Debug)]
        pub struct $name {
            #[doc = $field_doc]
            pub $field: $object,
        }

        impl From<$model> for $name {
            fn from(model: $model) -> Self {
                Self {
                    $field: $object(model),
                }
            }
        }
    };
}
pub(crate) use item_payload;

/// Result of a deletion.
#[derive(SimpleObject, Debug)]
pub struct DeletePayload {
    /// The ID of what was deleted.
    pub deleted_id: ID,
}

impl DeletePayload {
    /// The payload saying `id` was deleted.
    pub fn of(id: ID) -> Self {
        Self { deleted_id: id }
    }
}

/// Turns a GraphQL "absent / null / value" into "unchanged / clear / set".
pub fn maybe<T, U>(
    value: MaybeUndefined<T>,
    f: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<Option<Option<U>>> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => Ok(Some(Some(f(v)?))),
    }
}

/// Decodes a list of global IDs of one type.
pub fn ids(list: Option<Vec<ID>>, kind: &str) -> AppResult<Option<Vec<Uuid>>> {
    list.map(|l| l.iter().map(|id| from_global(id, kind)).collect())
        .transpose()
}

/// Decodes an optional global ID of one type (a list filter's `channel`, `tag`, …).
pub fn opt_id(id: Option<&ID>, kind: &str) -> AppResult<Option<Uuid>> {
    id.map(|id| from_global(id, kind)).transpose()
}

/// How a query names one item of a channel: by ID, or by the channel's slug and its own.
#[derive(Debug)]
pub enum Lookup {
    /// By its global ID.
    Id(Uuid),
    /// By channel slug and slug.
    Slug(String, String),
}

impl Lookup {
    /// Reads `id` (of type `kind`) or `channelSlug` and `slug`: exactly one of the two.
    pub fn of(
        kind: &str,
        id: Option<ID>,
        channel_slug: Option<String>,
        slug: Option<String>,
    ) -> AppResult<Self> {
        match (id, channel_slug, slug) {
            (Some(id), None, None) => Ok(Self::Id(from_global(&id, kind)?)),
            (None, Some(c), Some(s)) => Ok(Self::Slug(c, s)),
            _ => Err(AppError::validation(
                "give either `id` or both `channelSlug` and `slug`",
            )),
        }
    }
}

impl Lookup {
    /// The item of `E` so named, if `viewer` may see it.
    pub async fn find<E: InChannel>(
        self,
        reads: &crate::db::Reads,
        viewer: &Viewer,
    ) -> AppResult<Option<E::Model>>
    where
        E::Model: crate::db::reads::Row,
    {
        let select = match self {
            Self::Id(id) => content::by_id::<E>(viewer, id),
            Self::Slug(c, s) => content::by_slug::<E>(viewer, &c, &s),
        };
        Ok(reads.select(&select.limit(1)).await?.into_iter().next())
    }
}
