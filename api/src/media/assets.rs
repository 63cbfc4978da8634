//! Asset lifecycle beyond uploads: removing an asset with everything made from it, and the sweep
//! that removes what nothing refers to any more.

use std::collections::HashSet;
use std::sync::Arc;

use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, Iterable as _, QueryFilter as _,
    QuerySelect,
};
use uuid::Uuid;

use super::entity::{media_asset, media_output, upload};
use super::key::ObjectKey;
use super::storage::Storage;
use super::subject::{Subject, SubjectKind};
use crate::error::AppResult;

/// Deletes every object under an asset's prefix, then its output rows and its row. Objects go
/// first: if this stops half-way, the rows still point at what is left and a retry (or the
/// sweep) finishes the job; never a row pointing at nothing the other way round.
pub async fn delete_asset(
    db: &impl ConnectionTrait,
    storage: &Arc<dyn Storage>,
    asset: Uuid,
) -> AppResult<usize> {
    let n = delete_objects(storage, asset, |_| true).await?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(asset))
        .exec(db)
        .await?;
    media_asset::Entity::delete_by_id(asset).exec(db).await?;
    Ok(n)
}

/// Deletes what a transcode made from an asset (objects and rows), keeping the source and its
/// captions: used when a job fails or is cancelled, so no partial output remains.
pub async fn delete_outputs(
    db: &impl ConnectionTrait,
    storage: &Arc<dyn Storage>,
    asset: Uuid,
) -> AppResult<usize> {
    let source = ObjectKey::for_asset(asset, "source")?;
    // Captions are the editors' work, not the transcoder's: they stay.
    let captions = format!("{}captions/", ObjectKey::asset_prefix(asset));
    let n = delete_objects(storage, asset, |k| {
        k != &source && !k.as_str().starts_with(&captions)
    })
    .await?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.ne("caption"))
        .exec(db)
        .await?;
    Ok(n)
}

/// Deletes an asset's downloads (`downloads/…` objects and their rows), and nothing else.
pub async fn delete_downloads(
    db: &impl ConnectionTrait,
    storage: &Arc<dyn Storage>,
    asset: Uuid,
) -> AppResult<usize> {
    let prefix = format!("{}downloads/", ObjectKey::asset_prefix(asset));
    let n = delete_objects(storage, asset, |k| k.as_str().starts_with(&prefix)).await?;
    media_output::Entity::delete_many()
        .filter(media_output::Column::AssetId.eq(asset))
        .filter(media_output::Column::Kind.eq(crate::transcode::downloads::KIND))
        .exec(db)
        .await?;
    Ok(n)
}

async fn delete_objects(
    storage: &Arc<dyn Storage>,
    asset: Uuid,
    keep: impl Fn(&ObjectKey) -> bool,
) -> AppResult<usize> {
    let objects = storage.list(&ObjectKey::asset_prefix(asset)).await?;
    let mut n = 0;
    for object in objects.iter().filter(|o| keep(&o.key)) {
        storage.delete(&object.key).await?;
        n += 1;
    }
    Ok(n)
}

/// What a sweep removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Assets no video, episode or image slot refers to, older than the grace period.
    pub assets: usize,
    /// Objects whose asset has no row at all.
    pub objects: usize,
}

/// Removes orphans: assets that were replaced or whose owner went away (no video, episode,
/// channel or podcast refers to them, no upload is finishing them), and objects under a prefix
/// whose asset has no row. `grace` keeps anything younger, so an upload finishing right now or a
/// transcode writing its first segment is never touched.
pub async fn sweep_orphans(
    db: &impl ConnectionTrait,
    storage: &Arc<dyn Storage>,
    grace: chrono::Duration,
) -> AppResult<Swept> {
    let cutoff = chrono::Utc::now() - grace;
    let referenced = referenced_assets(db).await?;
    let mut swept = Swept::default();
    let old_assets: Vec<(Uuid, String)> = media_asset::Entity::find()
        .select_only()
        .column(media_asset::Column::Id)
        .column(media_asset::Column::Kind)
        .filter(media_asset::Column::CreatedAt.lt(cutoff))
        .into_tuple()
        .all(db)
        .await?;
    for (id, _kind) in old_assets {
        if !referenced.contains(&id) {
            delete_asset(db, storage, id).await?;
            swept.assets += 1;
        }
    }
    // Objects with no row: a crash between storing and recording, or rows deleted by hand.
    let known: HashSet<Uuid> = media_asset::Entity::find()
        .select_only()
        .column(media_asset::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let finishing: HashSet<Uuid> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Id)
        .filter(upload::Column::Status.eq(super::uploads::status::PROCESSING))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for object in storage.list("").await? {
        let Some(asset) = asset_of(&object.key) else {
            continue;
        };
        let young = object.last_modified.is_some_and(|t| t > cutoff);
        if !known.contains(&asset) && !finishing.contains(&asset) && !young {
            storage.delete(&object.key).await?;
            swept.objects += 1;
        }
    }
    Ok(swept)
}

/// The asset id inside a key `ab/cd/<asset>/...`.
fn asset_of(key: &ObjectKey) -> Option<Uuid> {
    key.as_str().split('/').nth(2).and_then(|s| s.parse().ok())
}

/// Every asset something points at: sources and posters of videos, media of episodes, images
/// of channels, podcasts and users, free-standing uploads, and assets of jobs still queued or
/// running.
async fn referenced_assets(db: &impl ConnectionTrait) -> AppResult<HashSet<Uuid>> {
    let backend = db.get_database_backend();
    let held = SubjectKind::iter().flat_map(|kind| {
        kind.asset_columns().iter().map(move |col| {
            format!(
                "SELECT {col} AS id FROM {} WHERE {col} IS NOT NULL",
                kind.table()
            )
        })
    });
    let sql = held
        .chain([
            "SELECT asset_id FROM jobs WHERE status IN ('queued', 'running')".to_string(),
            "SELECT asset_id FROM uploads WHERE target_id IS NULL AND asset_id IS NOT NULL".into(),
            "SELECT id FROM media_assets WHERE kind <> 'source'".into(),
        ])
        .collect::<Vec<_>>()
        .join(" UNION ");
    let rows = db
        .query_all(sea_orm::Statement::from_string(backend, sql))
        .await?;
    let mut ids = HashSet::new();
    for row in rows {
        if let Ok(id) = row.try_get_by_index::<Uuid>(0) {
            ids.insert(id);
        }
    }
    Ok(ids)
}

/// What is being deleted, for [`owned_by`].
#[derive(Clone, Copy, Debug)]
pub enum Owner {
    /// A video or an episode.
    Subject(Subject),
    /// A podcast and its episodes.
    Podcast(Uuid),
    /// A channel with its videos and podcasts.
    Channel(Uuid),
}

impl From<Subject> for Owner {
    fn from(subject: Subject) -> Self {
        Self::Subject(subject)
    }
}

/// `SELECT`s every asset column of the `kind` rows whose id `ids` selects.
fn assets_of_sql(kind: SubjectKind, ids: &str) -> String {
    let table = kind.table();
    kind.asset_columns()
        .iter()
        .map(|col| format!("SELECT {col} FROM {table} WHERE id IN ({ids})"))
        .collect::<Vec<_>>()
        .join(" UNION ")
}

/// The videos/episodes under `owner` and every asset they use or have jobs for: read before the
/// rows are deleted, purged after.
pub async fn owned_by(
    db: &impl ConnectionTrait,
    owner: Owner,
) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let backend = db.get_database_backend();
    let pg = backend == sea_orm::DatabaseBackend::Postgres;
    let p = if pg { "$1" } else { "?" };
    let (subjects_sql, own_assets_sql) = match owner {
        Owner::Subject(subject) => {
            let kind = subject.kind();
            let ids = format!("SELECT id FROM {} WHERE id = {p}", kind.table());
            let assets = assets_of_sql(kind, &ids);
            (ids, assets)
        }
        Owner::Podcast(_) => (
            format!("SELECT id FROM episodes WHERE podcast_id = {p}"),
            format!(
                "SELECT media_asset_id FROM episodes WHERE podcast_id = {p} \
                 UNION SELECT artwork_asset_id FROM podcasts WHERE id = {p}"
            ),
        ),
        Owner::Channel(_) => {
            let ids = SubjectKind::iter()
                .map(|kind| kind.in_channel_sql(p))
                .collect::<Vec<_>>()
                .join(" UNION ");
            let held = SubjectKind::iter().map(|kind| assets_of_sql(kind, &kind.in_channel_sql(p)));
            let assets = held
                .chain([
                    format!("SELECT artwork_asset_id FROM podcasts WHERE channel_id = {p}"),
                    format!("SELECT avatar_asset_id FROM channels WHERE id = {p}"),
                    format!("SELECT banner_asset_id FROM channels WHERE id = {p}"),
                ])
                .collect::<Vec<_>>()
                .join(" UNION ");
            (ids, assets)
        }
    };
    let id = match owner {
        Owner::Subject(subject) => subject.id(),
        Owner::Podcast(id) | Owner::Channel(id) => id,
    };
    let ids = |sql: String| {
        let placeholders = sql.matches(p).count();
        // PostgreSQL reuses `$1`; SQLite's `?` takes one value per occurrence.
        let values: Vec<sea_orm::Value> = if pg {
            vec![id.into()]
        } else {
            (0..placeholders).map(|_| id.into()).collect()
        };
        sea_orm::Statement::from_sql_and_values(backend, sql, values)
    };
    let mut subjects = Vec::new();
    for row in db.query_all(ids(subjects_sql)).await? {
        if let Ok(id) = row.try_get_by_index::<Uuid>(0) {
            subjects.push(id);
        }
    }
    let mut assets: HashSet<Uuid> = HashSet::new();
    for row in db.query_all(ids(own_assets_sql)).await? {
        if let Ok(Some(id)) = row.try_get_by_index::<Option<Uuid>>(0) {
            assets.insert(id);
        }
    }
    if !subjects.is_empty() {
        use crate::transcode::entity::job;
        let job_assets: Vec<Uuid> = job::Entity::find()
            .select_only()
            .column(job::Column::AssetId)
            .filter(job::Column::SubjectId.is_in(subjects.clone()))
            .into_tuple()
            .all(db)
            .await?;
        assets.extend(job_assets);
    }
    Ok((subjects, assets.into_iter().collect()))
}

/// After the rows are gone: cancels the subjects' jobs (running ones stop at their next
/// heartbeat) and deletes the assets' objects and rows. Failures are logged, not returned: the
/// deletion the user asked for has happened, and the sweep removes whatever is left.
pub async fn purge(ctx: &crate::state::Ctx, subjects: &[Uuid], assets: &[Uuid]) {
    for subject in subjects {
        if let Err(e) = crate::transcode::queue::cancel_for_subject(&ctx.db, *subject).await {
            tracing::warn!(%subject, error = %e, "could not cancel jobs of a deleted item");
        }
    }
    for asset in assets {
        if let Err(e) = delete_asset(&ctx.db, &ctx.storage, *asset).await {
            tracing::warn!(%asset, error = %e, "could not delete a deleted item's media; the sweep will");
        }
    }
}
