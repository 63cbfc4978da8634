//! Who may see and who may change catalogue items: the one place these rules live.
//!
//! Reads: anonymous callers and `read` API tokens see only `PUBLIC` items whose media is playable
//! (`READY`) and that are published: inside their publish window (`publish_at <= now <
//! unpublish_at`). A NULL `publish_at` means never published (hidden); a NULL `unpublish_at` is
//! open-ended.
//! `UNLISTED` items are readable by ID or slug ([`Reach::Direct`]) but never listed or searched
//! ([`Reach::Listed`]). Private items, drafts and items outside their window are visible to
//! members of their channel and to admins. Every list, count, lookup, nested field and search
//! applies the sea-query [`Condition`] built here, so the rule cannot drift between them.
//!
//! Changes: admins manage every channel; editors manage the channels they are members of;
//! viewers manage none. An API token limited to channels ([`Viewer::Limited`]) manages only
//! those of its owner's channels, and creates no channel or tag.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::accounts::Role;
use crate::accounts::auth::Principal;
use crate::channels::entity::{channel, channel_member};
use crate::error::{AppError, AppResult};
use crate::playlists::entity::playlist;
use crate::podcasts::entity::episode;
use crate::podcasts::entity::podcast;
use crate::videos::entity::video;

/// Who is reading, as far as visibility is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Anonymous callers and `read` API tokens.
    Public,
    /// A signed-in user: sees what is public plus everything in the channels they belong to.
    Member {
        /// The user.
        user_id: Uuid,
        /// Whether their site role lets them manage the channels they belong to.
        may_edit: bool,
    },
    /// Sees and manages everything.
    Admin,
    /// An API token limited to some channels: reads as `inner` does, and manages only what
    /// `inner` may manage inside `channels` (no channel, tag or category of its own making).
    Limited {
        /// Who the token's owner is to these rules.
        inner: Box<Viewer>,
        /// The channels the token may change.
        channels: Arc<[Uuid]>,
    },
}

impl Viewer {
    /// The viewer a request's principal reads as.
    pub fn of(principal: &Principal) -> Self {
        let base = match principal {
            Principal::Anonymous | Principal::ReadToken { .. } => Self::Public,
            Principal::User { role, .. } if *role == Role::Admin => Self::Admin,
            Principal::User { id, role, .. } => Self::Member {
                user_id: *id,
                may_edit: *role >= Role::Editor,
            },
        };
        match principal.grant().and_then(|g| g.channels.clone()) {
            Some(channels) => Self::Limited {
                inner: Box::new(base),
                channels,
            },
            None => base,
        }
    }

    /// The viewer as far as reading goes (a channel limit does not narrow reads).
    fn reader(&self) -> &Self {
        match self {
            Self::Limited { inner, .. } => inner.reader(),
            other => other,
        }
    }
}

/// How an item is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// In a list, a count or a search: unlisted items stay hidden from the public.
    Listed,
    /// By ID or slug (or as a deliberate reference, like a playlist item): unlisted items show.
    Direct,
}

/// Who may see an item.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Listed and readable by everyone (inside the publish window).
    Public,
    /// Readable by everyone who has its ID or slug, never listed or searched.
    Unlisted,
    /// Only members of the channel and admins.
    Private,
}

impl Visibility {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Unlisted => "unlisted",
            Self::Private => "private",
        }
    }

    /// The stored spelling of a new item's visibility: `given`, else PUBLIC.
    pub fn of_new(given: Option<Self>) -> String {
        given.unwrap_or(Self::Public).as_str().into()
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "public" => Ok(Self::Public),
            "unlisted" => Ok(Self::Unlisted),
            "private" => Ok(Self::Private),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored visibility `{other}`"
            ))),
        }
    }

    fn readable(reach: Reach) -> Vec<&'static str> {
        match reach {
            Reach::Listed => vec![Self::Public.as_str()],
            Reach::Direct => vec![Self::Public.as_str(), Self::Unlisted.as_str()],
        }
    }
}

/// Where a video's or an episode's media is. Server-owned: only the media pipeline sets it
/// (no client input carries it), and only `READY` items are ever shown to the public.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// No media yet; never shown to the public.
    Draft,
    /// Its first media is being processed; hidden from the public until it is ready.
    Processing,
    /// Its media plays; shown to the public inside its publish window.
    Ready,
    /// Its only media failed to process; hidden from the public.
    Failed,
}

impl Status {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "draft" => Ok(Self::Draft),
            "processing" => Ok(Self::Processing),
            "ready" => Ok(Self::Ready),
            "failed" => Ok(Self::Failed),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored status `{other}`"
            ))),
        }
    }
}

/// `SELECT channel_id FROM channel_members WHERE user_id = ?`.
fn member_channels(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(channel_member::Column::ChannelId)
        .from(channel_member::Entity)
        .and_where(channel_member::Column::UserId.eq(user_id))
        .to_owned()
}

/// `publish_at <= now < unpublish_at`: a NULL `publish_at` was never published (`NULL <= now`
/// is not true, so it stays out), a NULL `unpublish_at` is open-ended.
fn in_window<E: EntityTrait + Copy>(
    entity: E,
    publish_at: impl ColumnTrait + Copy,
    unpublish_at: impl ColumnTrait + Copy,
    now: DateTime<Utc>,
) -> Condition {
    Condition::all()
        .add(Expr::col((entity, publish_at)).lte(now))
        .add(
            Condition::any()
                .add(Expr::col((entity, unpublish_at)).is_null())
                .add(Expr::col((entity, unpublish_at)).gt(now)),
        )
}

/// Either everything (admins), or the public rule OR membership of the owning channel.
fn public_or_member(
    viewer: &Viewer,
    public: Condition,
    member: impl Fn(Uuid) -> Condition,
) -> Condition {
    match viewer.reader() {
        Viewer::Admin => Condition::all(),
        // `reader()` never is `Limited`; public is the safe answer anyway.
        Viewer::Public | Viewer::Limited { .. } => public,
        Viewer::Member { user_id, .. } => Condition::any().add(public).add(member(*user_id)),
    }
}

/// The videos `viewer` may see when reaching them by `reach` at `now`.
pub fn videos(viewer: &Viewer, reach: Reach, now: DateTime<Utc>) -> Condition {
    let public = Condition::all()
        .add(Expr::col((video::Entity, video::Column::Status)).eq(Status::Ready.as_str()))
        .add(
            Expr::col((video::Entity, video::Column::Visibility))
                .is_in(Visibility::readable(reach)),
        )
        .add(in_window(
            video::Entity,
            video::Column::PublishAt,
            video::Column::UnpublishAt,
            now,
        ));
    public_or_member(viewer, public, |user| {
        Condition::all().add(
            Expr::col((video::Entity, video::Column::ChannelId)).in_subquery(member_channels(user)),
        )
    })
}

/// The playlists `viewer` may see when reaching them by `reach`.
pub fn playlists(viewer: &Viewer, reach: Reach) -> Condition {
    let public = Condition::all().add(
        Expr::col((playlist::Entity, playlist::Column::Visibility))
            .is_in(Visibility::readable(reach)),
    );
    public_or_member(viewer, public, |user| {
        Condition::all().add(
            Expr::col((playlist::Entity, playlist::Column::ChannelId))
                .in_subquery(member_channels(user)),
        )
    })
}

/// The podcasts `viewer` may see when reaching them by `reach`.
pub fn podcasts(viewer: &Viewer, reach: Reach) -> Condition {
    let public = Condition::all().add(
        Expr::col((podcast::Entity, podcast::Column::Visibility))
            .is_in(Visibility::readable(reach)),
    );
    public_or_member(viewer, public, |user| {
        Condition::all().add(
            Expr::col((podcast::Entity, podcast::Column::ChannelId))
                .in_subquery(member_channels(user)),
        )
    })
}

/// Which podcast an episode's visibility also depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpisodeScope {
    /// Across podcasts: the episode's podcast must be visible too.
    AnyPodcast,
    /// Inside one podcast the caller has already been allowed to see.
    WithinVisiblePodcast,
}

/// The episodes `viewer` may see when reaching them by `reach` at `now`.
pub fn episodes(
    viewer: &Viewer,
    reach: Reach,
    scope: EpisodeScope,
    now: DateTime<Utc>,
) -> Condition {
    let mut public = Condition::all()
        .add(Expr::col((episode::Entity, episode::Column::Status)).eq(Status::Ready.as_str()))
        .add(
            Expr::col((episode::Entity, episode::Column::Visibility))
                .is_in(Visibility::readable(reach)),
        )
        .add(in_window(
            episode::Entity,
            episode::Column::PublishAt,
            episode::Column::UnpublishAt,
            now,
        ));
    if scope == EpisodeScope::AnyPodcast {
        public = public.add(
            Expr::col((episode::Entity, episode::Column::PodcastId)).in_subquery(
                Query::select()
                    .column(podcast::Column::Id)
                    .from(podcast::Entity)
                    .cond_where(podcasts(&Viewer::Public, reach))
                    .to_owned(),
            ),
        );
    }
    public_or_member(viewer, public, |user| {
        Condition::all().add(
            Expr::col((episode::Entity, episode::Column::PodcastId)).in_subquery(
                Query::select()
                    .column(podcast::Column::Id)
                    .from(podcast::Entity)
                    .and_where(
                        Expr::col((podcast::Entity, podcast::Column::ChannelId))
                            .in_subquery(member_channels(user)),
                    )
                    .to_owned(),
            ),
        )
    })
}

/// Whether `viewer` may manage (create, change, delete content in) the channel.
pub async fn can_manage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
) -> AppResult<bool> {
    let viewer = match viewer {
        Viewer::Limited { channels, .. } if !channels.contains(&channel_id) => return Ok(false),
        Viewer::Limited { inner, .. } => inner.as_ref(),
        other => other,
    };
    match viewer {
        Viewer::Admin => Ok(true),
        Viewer::Member {
            user_id,
            may_edit: true,
        } => Ok(channel_member::Entity::find()
            .filter(channel_member::Column::ChannelId.eq(channel_id))
            .filter(channel_member::Column::UserId.eq(*user_id))
            .count(db)
            .await?
            > 0),
        // A limit inside a limit is never built; refusing is the safe answer.
        Viewer::Public
        | Viewer::Member {
            may_edit: false, ..
        }
        | Viewer::Limited { .. } => Ok(false),
    }
}

/// The channels `viewer` may manage (the list form of [`can_manage`]).
pub fn managed_channels(viewer: &Viewer) -> Condition {
    let id = Expr::col((channel::Entity, channel::Column::Id));
    match viewer {
        Viewer::Admin => Condition::all(),
        Viewer::Limited { inner, channels } => managed_channels(inner)
            .add(Expr::col((channel::Entity, channel::Column::Id)).is_in(channels.to_vec())),
        Viewer::Member {
            user_id,
            may_edit: true,
        } => Condition::all().add(id.in_subquery(member_channels(*user_id))),
        // `IN ()`: no channel.
        Viewer::Public
        | Viewer::Member {
            may_edit: false, ..
        } => Condition::all().add(id.is_in(Vec::<Uuid>::new())),
    }
}

/// The ids of the channels `viewer` may manage, as a subquery (`channel_id IN (…)` of lists
/// "managed by me").
pub fn managed_channel_ids(viewer: &Viewer) -> SelectStatement {
    Query::select()
        .column((channel::Entity, channel::Column::Id))
        .from(channel::Entity)
        .cond_where(managed_channels(viewer))
        .to_owned()
}

/// `FORBIDDEN` unless `viewer` may manage the channel.
pub async fn require_manage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    channel_id: Uuid,
) -> AppResult<()> {
    if can_manage(db, viewer, channel_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `FORBIDDEN` unless `viewer` may create channels and tags (editors and admins; not a token
/// limited to channels, which creates nothing outside them).
pub fn require_editor(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Admin | Viewer::Member { may_edit: true, .. } => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}
