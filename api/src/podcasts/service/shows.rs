//! Creating and changing podcasts (shows); deleting one (and its episodes) is
//! `content::item::delete`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::{NewPodcast, PodcastChanges};

use crate::accounts::service::normalize_email;
use crate::channels::service::slug_conflict;
use crate::content;
use crate::error::{AppError, AppResult};
use crate::podcasts::PodcastType;
use crate::podcasts::entity::podcast;
use crate::podcasts::itunes;
use crate::search::{self, SearchKind};
use crate::visibility::{Viewer, Visibility};
use crate::webhooks::outbox::{self, Change};

content::item!(
    podcast,
    node: "Podcast",
    search: SearchKind::Podcast,
    record: outbox::podcast,
    managed: podcast_managed,
    unindex: search::remove_podcast,
);

/// Creates a podcast in a channel the caller manages.
pub async fn create(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    input: NewPodcast,
) -> AppResult<podcast::Model> {
    let (title, description) =
        content::new_text(&input.title, input.slug.as_deref(), input.description)?;
    let author = content::title("author", &input.author)?;
    let owner_name = content::title("ownerName", &input.owner_name)?;
    let owner_email = normalize_email(&input.owner_email)
        .map_err(|_| AppError::validation("ownerEmail: not a valid email address"))?;
    let language = content::language(&input.language)?;
    let categories = itunes::check(&input.itunes_categories)?;
    let (txn, slug) = content::item::begin_in_channel::<podcast::Entity>(
        db,
        viewer,
        input.channel_id,
        input.slug.as_deref(),
        &title,
    )
    .await?;
    let now = Utc::now();
    let created = podcast::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel_id: Set(input.channel_id),
        title: Set(title),
        slug: Set(slug.clone()),
        description: Set(description),
        author: Set(author),
        owner_name: Set(owner_name),
        owner_email: Set(owner_email),
        artwork_asset_id: Set(None),
        language: Set(language),
        itunes_categories: Set(categories),
        explicit: Set(input.explicit),
        locked: Set(input.locked),
        podcast_type: Set(input
            .podcast_type
            .unwrap_or(PodcastType::Episodic)
            .as_str()
            .into()),
        visibility: Set(Visibility::of_new(input.visibility)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(slug_conflict(&slug))?;
    content::item::commit::<podcast::Entity>(txn, created, Change::Created).await
}

impl content::item::HoldsMedia for podcast::Entity {
    fn owner(id: Uuid) -> crate::media::assets::Owner {
        crate::media::assets::Owner::Podcast(id)
    }
}

pub(super) async fn podcast_managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<podcast::Model> {
    content::managed::<podcast::Entity>(db, viewer, id, "podcast").await
}

/// Changes a podcast.
pub async fn update(
    db: &impl TransactionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: PodcastChanges,
) -> AppResult<podcast::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = podcast_managed(&txn, viewer, id).await?;
    let mut active = current.into_active_model();
    let slug = content::set_text(&mut active, changes.common)?;
    let changes = changes.feed;
    if let Some(a) = changes.author {
        active.author = Set(content::title("author", &a)?);
    }
    if let Some(n) = changes.owner_name {
        active.owner_name = Set(content::title("ownerName", &n)?);
    }
    if let Some(e) = changes.owner_email {
        active.owner_email = Set(normalize_email(&e)
            .map_err(|_| AppError::validation("ownerEmail: not a valid email address"))?);
    }
    if let Some(l) = changes.language {
        active.language = Set(content::language(&l)?);
    }
    if let Some(c) = changes.itunes_categories {
        active.itunes_categories = Set(itunes::check(&c)?);
    }
    if let Some(l) = changes.locked {
        active.locked = Set(l);
    }
    if let Some(e) = changes.explicit {
        active.explicit = Set(e);
    }
    if let Some(t) = changes.podcast_type {
        active.podcast_type = Set(t.as_str().into());
    }
    content::item::save::<podcast::Entity>(txn, active, &slug).await
}
