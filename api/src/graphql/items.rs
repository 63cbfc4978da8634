//! What the catalogue's resolvers (videos, episodes, podcasts, playlists) do alike once they
//! have read their input: find the item a query names, publish, unpublish or delete the item a
//! global ID names, as the caller, and answer with the mutation's own payload. The entity says
//! which type its global IDs name ([`Item::NODE`]).

use async_graphql::{Context, ID};
use chrono::{DateTime, Utc};

use super::shapes::{DeletePayload, Lookup};
use super::{app, relay::from_global, viewer};
use crate::content::InChannel;
use crate::content::item::{self, HoldsMedia, Item, Scheduled};
use crate::db::reads::Row;
use crate::error::AppResult;

/// The item of `E` a query names by `id` or by `channelSlug` and `slug`, if the caller may see
/// it (`video`, `podcast`, `playlist`).
pub async fn find<E: InChannel + Item>(
    ctx: &Context<'_>,
    id: Option<ID>,
    channel_slug: Option<String>,
    slug: Option<String>,
) -> AppResult<Option<E::Model>>
where
    E::Model: Row,
{
    let lookup = Lookup::of(E::NODE, id, channel_slug, slug)?;
    lookup.find::<E>(&app(ctx)?.reads, &viewer(ctx)).await
}

/// [`find`], with the item's channel loaded at once when the query shows it (rather than after
/// the DataLoaders' batch window): `playlist` and `podcast` by id. A video's prefetch loads
/// its channel beside its other fields instead.
pub async fn find_with_channel<E: InChannel + Item>(
    ctx: &Context<'_>,
    id: Option<ID>,
    channel_slug: Option<String>,
    slug: Option<String>,
) -> AppResult<Option<E::Model>>
where
    E::Model: Row,
{
    let found = find::<E>(ctx, id, channel_slug, slug).await?;
    if let Some(model) = &found
        && ctx.look_ahead().field("channel").exists()
    {
        super::loaders(ctx)?
            .prefetch_channel(E::channel_id(model))
            .await?;
    }
    Ok(found)
}

/// Publishes the item `id` names at `at`, default now (`publishVideo`, `publishEpisode`).
pub async fn publish<E: Scheduled, P: From<E::Model>>(
    ctx: &Context<'_>,
    id: &ID,
    at: Option<DateTime<Utc>>,
) -> AppResult<P> {
    let id = from_global(id, E::NODE)?;
    let model = item::publish::<E>(&app(ctx)?.db, &viewer(ctx), id, at).await?;
    Ok(P::from(model))
}

/// Unpublishes the item `id` names at `at`, default now (`unpublishVideo`, …).
pub async fn unpublish<E: Scheduled, P: From<E::Model>>(
    ctx: &Context<'_>,
    id: &ID,
    at: Option<DateTime<Utc>>,
) -> AppResult<P> {
    let id = from_global(id, E::NODE)?;
    let model = item::unpublish::<E>(&app(ctx)?.db, &viewer(ctx), id, at).await?;
    Ok(P::from(model))
}

/// Deletes the item `id` names (`deletePlaylist`).
pub async fn delete<E: Item>(ctx: &Context<'_>, id: ID) -> AppResult<DeletePayload> {
    let uuid = from_global(&id, E::NODE)?;
    item::delete::<E>(&app(ctx)?.db, &viewer(ctx), uuid).await?;
    Ok(DeletePayload::of(id))
}

/// Deletes the item `id` names, then its files (`deleteVideo`, `deleteEpisode`,
/// `deletePodcast`).
pub async fn delete_with_media<E: HoldsMedia>(
    ctx: &Context<'_>,
    id: ID,
) -> AppResult<DeletePayload> {
    let uuid = from_global(&id, E::NODE)?;
    item::delete_with_media::<E>(app(ctx)?, &viewer(ctx), uuid).await?;
    Ok(DeletePayload::of(id))
}
