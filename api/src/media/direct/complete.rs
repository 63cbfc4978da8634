//! When a direct upload's file is in: the draft video is made with the settings given up front,
//! and the upload is pointed at it (together), so the usual attach queues its transcode.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use uuid::Uuid;

use super::{Settings, direct_upload, status};
use crate::accounts::Role;
use crate::accounts::entity::user;
use crate::error::{AppError, AppResult};
use crate::media::entity::upload;
use crate::media::probe::Probe;
use crate::media::subject::SubjectKind;
use crate::state::Ctx;
use crate::visibility::Viewer;

/// For an upload a direct-upload URL made, and not yet tied to a video: makes the draft video
/// and returns the upload pointed at it. `None` for any other upload, and for one no video can
/// be made of (the direct upload then says why, as `ERRORED`).
///
/// The video is made, the upload pointed at it and the direct upload marked `ASSET_CREATED` in
/// one transaction, so a rerun after a crash either finds all three or none (and never makes a
/// second video).
pub async fn make_draft(
    ctx: &Ctx,
    upload: &upload::Model,
    found: &Probe,
) -> AppResult<Option<upload::Model>> {
    if upload.target().is_some() {
        return Ok(None);
    }
    let db = &ctx.db;
    let Some(direct) = direct_upload::Entity::find()
        .filter(direct_upload::Column::UploadId.eq(upload.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if direct.video_id.is_some() || direct.status != status::UPLOADING {
        return Ok(None);
    }
    if found.kind != "video" {
        let why = "this is an audio file: a direct upload makes a video, which needs a video track";
        errored(db, direct.id, why).await?;
        return Ok(None);
    }
    let txn = crate::db::begin_write(db).await?;
    let made = match owner_viewer(&txn, direct.owner_id).await? {
        Some(owner) => {
            let settings: Settings =
                serde_json::from_str(&direct.settings).map_err(AppError::internal)?;
            match settings.new_video(direct.channel_id, &upload.filename) {
                // A savepoint inside `txn`: nothing of it stays unless `txn` commits.
                Ok(new) => crate::videos::service::create(&txn, &owner, new).await,
                Err(e) => Err(e),
            }
        }
        None => Err(AppError::Forbidden),
    };
    match made {
        Ok(video) => {
            let pointed = point_at(&txn, upload, &direct, video.id).await?;
            txn.commit().await?;
            Ok(Some(pointed))
        }
        // What another try would not change: the owner lost the channel, the channel or a tag
        // is gone, a setting no longer holds.
        Err(
            e @ (AppError::Forbidden
            | AppError::NotFound(_)
            | AppError::Validation(_)
            | AppError::Conflict(_)
            | AppError::Taken { .. }),
        ) => {
            drop(txn);
            errored(db, direct.id, &format!("the video could not be made: {e}")).await?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The owner as the rules see them now (`None`: the account is gone or may not edit any more).
async fn owner_viewer(db: &impl ConnectionTrait, owner: Uuid) -> AppResult<Option<Viewer>> {
    let Some(account) = user::Entity::find_by_id(owner).one(db).await? else {
        return Ok(None);
    };
    Ok(match Role::parse(&account.role)? {
        Role::Admin => Some(Viewer::Admin),
        Role::Editor => Some(Viewer::Member {
            user_id: owner,
            may_edit: true,
        }),
        Role::Viewer => None,
    })
}

/// Points the upload at the video and records the video on the direct upload (in `txn`).
async fn point_at(
    txn: &DatabaseTransaction,
    upload: &upload::Model,
    direct: &direct_upload::Model,
    video: Uuid,
) -> AppResult<upload::Model> {
    let mut row = upload.clone().into_active_model();
    row.target_kind = Set(Some(SubjectKind::Video));
    row.target_id = Set(Some(video));
    row.updated_at = Set(Utc::now());
    let pointed = row.update(txn).await?;
    direct_upload::Entity::update_many()
        .col_expr(direct_upload::Column::VideoId, Expr::value(video))
        .col_expr(
            direct_upload::Column::Status,
            Expr::value(status::ASSET_CREATED),
        )
        .col_expr(direct_upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(direct_upload::Column::Id.eq(direct.id))
        .exec(txn)
        .await?;
    Ok(pointed)
}

async fn errored(db: &DatabaseConnection, id: Uuid, why: &str) -> AppResult<()> {
    direct_upload::Entity::update_many()
        .col_expr(direct_upload::Column::Status, Expr::value(status::ERRORED))
        .col_expr(direct_upload::Column::Error, Expr::value(why))
        .col_expr(direct_upload::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(direct_upload::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
