//! GraphQL types and resolvers of podcasts and episodes.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::entity::{episode, podcast};
use super::itunes;
use super::service::{
    self, EpisodeChanges, EpisodeQuery, NewEpisode, NewPodcast, PodcastChanges, PodcastQuery,
};
use super::{EpisodeType, PodcastType};
use crate::accounts::Role;
use crate::accounts::auth::RoleGuard;
use crate::channels::graphql::Channel;
use crate::content::{self, delete_with_media};
use crate::error::{AppError, AppResult};
use crate::graphql::pagination::{ListCount, OrderBy};
use crate::graphql::relay::{from_global, to_global};
use crate::graphql::shapes::{DeletePayload, Lookup, ids, maybe, opt_id};
use crate::graphql::{app, loaders, viewer};
use crate::media::assets::Owner;
use crate::taxonomy::graphql::Tag;
use crate::videos::graphql::ChapterObject;
use crate::videos::service::Chapter;
use crate::visibility::{Status, Visibility};

use super::inputs::categories;
pub use super::inputs::{
    CreateEpisodeInput, CreatePodcastInput, DeleteNodeInput, EpisodeFilter, EpisodePayload,
    ItunesCategoryObject, PodcastFilter, PodcastPayload, PublishEpisodeInput, UpdateEpisodeInput,
    UpdatePodcastInput,
};

/// A podcast (a show).
#[derive(Debug, Clone)]
pub struct Podcast(pub podcast::Model);

#[Object]
impl Podcast {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Podcast", self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Address part, unique within the channel.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Description as written (Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Description rendered to sanitized HTML.
    async fn description_html(&self) -> String {
        content::render_markdown(&self.0.description)
    }
    /// Author shown in podcast apps.
    async fn author(&self) -> &str {
        &self.0.author
    }
    /// Owner name, for the directories.
    async fn owner_name(&self) -> &str {
        &self.0.owner_name
    }
    /// Owner email, for the directories.
    async fn owner_email(&self) -> &str {
        &self.0.owner_email
    }
    /// BCP 47 language tag.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Apple Podcasts categories.
    async fn itunes_categories(&self) -> Vec<ItunesCategoryObject> {
        itunes::parse(&self.0.itunes_categories)
            .into_iter()
            .map(|c| ItunesCategoryObject {
                category: c.category,
                subcategory: c.subcategory,
            })
            .collect()
    }
    /// Explicit content.
    async fn explicit(&self) -> bool {
        self.0.explicit
    }
    /// Whether the owner forbids other platforms to import the feed (`podcast:locked`, which
    /// hosts and directories check before moving a show; the owner email unlocks it).
    async fn locked(&self) -> bool {
        self.0.locked
    }
    /// Episodic or serial.
    #[graphql(name = "type")]
    async fn podcast_type(&self) -> AppResult<PodcastType> {
        PodcastType::parse(&self.0.podcast_type)
    }
    /// Who may see it.
    async fn visibility(&self) -> AppResult<Visibility> {
        Visibility::parse(&self.0.visibility)
    }
    /// The cover art, if one was uploaded (the URL is signed when the podcast is private).
    async fn artwork_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let public = self.0.visibility != Visibility::Private.as_str();
        self.0
            .artwork_asset_id
            .map(|asset| crate::delivery::graphql::picture_url(ctx, asset, public))
            .transpose()
    }
    /// The RSS feed podcast apps subscribe to; null for a private podcast (it has none).
    async fn feed_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        if self.0.visibility == Visibility::Private.as_str() {
            return Ok(None);
        }
        let config = &app(ctx)?.config;
        let channel = loaders(ctx)?
            .channel
            .load_one(self.0.channel_id)
            .await?
            .ok_or(AppError::NotFound("channel"))?;
        Ok(Some(crate::delivery::urls::podcast_feed(
            config,
            &channel.slug,
            &self.0.slug,
        )))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The channel it belongs to.
    async fn channel(&self, ctx: &Context<'_>) -> AppResult<Channel> {
        loaders(ctx)?
            .channel
            .load_one(self.0.channel_id)
            .await?
            .map(Channel)
            .ok_or(AppError::NotFound("channel"))
    }
    /// Its episodes the caller may see. `first` is capped at 100.
    async fn episodes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<String, Episode, ListCount>> {
        let page = service::list_episodes(
            &app(ctx)?.db,
            &viewer(ctx),
            EpisodeQuery {
                podcast_id: Some(self.0.id),
                ..EpisodeQuery::default()
            },
            order_by.unwrap_or_default(),
            first,
            after.as_deref(),
        )
        .await?;
        let rows: Vec<&episode::Model> = page.rows.iter().map(|(_, m)| m).collect();
        loaders(ctx)?
            .prefetch_episodes(ctx.look_ahead().field("edges").field("node"), &rows)
            .await?;
        Ok(page.connection(after.is_some(), Episode))
    }
}

/// An episode of a podcast.
#[derive(Debug, Clone)]
pub struct Episode(pub episode::Model);

#[Object]
impl Episode {
    /// Global ID.
    pub async fn id(&self) -> ID {
        to_global("Episode", self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Address part, unique within the podcast.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Description as written (Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Description rendered to sanitized HTML.
    async fn description_html(&self) -> String {
        content::render_markdown(&self.0.description)
    }
    /// Stable identifier in feeds; never changes once published.
    async fn guid(&self) -> &str {
        &self.0.guid
    }
    /// Length in seconds, as measured from its media.
    async fn duration(&self) -> Option<f64> {
        self.0.duration_secs
    }
    /// Season number.
    async fn season(&self) -> Option<i32> {
        self.0.season
    }
    /// Episode number.
    async fn number(&self) -> Option<i32> {
        self.0.number
    }
    /// Plays per UTC day over the last `days` days (1 to 90), oldest first, days without plays
    /// as 0 (players send `POST /views/{id}` with the episode's ID). Null unless the caller
    /// manages its channel (its editors, admins).
    async fn views_per_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> AppResult<Option<Vec<crate::delivery::daily_views::DayViewsObject>>> {
        let channel = async {
            Ok(loaders(ctx)?
                .podcast
                .load_one(self.0.podcast_id)
                .await?
                .ok_or(AppError::NotFound("podcast"))?
                .channel_id)
        };
        crate::delivery::daily_views::resolve(
            ctx,
            crate::delivery::daily_views::Item::Episode,
            self.0.id,
            channel,
            days,
        )
        .await
    }
    /// Full, trailer or bonus.
    async fn episode_type(&self) -> AppResult<EpisodeType> {
        EpisodeType::parse(&self.0.episode_type)
    }
    /// Where its media is (set by the media pipeline only); only READY episodes are public.
    async fn status(&self) -> AppResult<Status> {
        Status::parse(&self.0.status)
    }
    /// Why the media could not be used (an upload rejected, a transcode failed), for editors.
    async fn media_error(&self) -> Option<&str> {
        self.0.media_error.as_deref()
    }
    /// The latest processing of its media: state, progress, last error.
    async fn processing(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::transcode::graphql::Processing>> {
        crate::transcode::graphql::processing_of(ctx, self.0.id).await
    }
    /// Who may see it.
    async fn visibility(&self) -> AppResult<Visibility> {
        Visibility::parse(&self.0.visibility)
    }
    /// Start of the publish window (null: not published).
    async fn publish_at(&self) -> Option<DateTime<Utc>> {
        self.0.publish_at
    }
    /// End of the publish window.
    async fn unpublish_at(&self) -> Option<DateTime<Utc>> {
        self.0.unpublish_at
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The podcast it belongs to.
    async fn podcast(&self, ctx: &Context<'_>) -> AppResult<Podcast> {
        loaders(ctx)?
            .podcast
            .load_one(self.0.podcast_id)
            .await?
            .map(Podcast)
            .ok_or(AppError::NotFound("podcast"))
    }
    /// Chapters in order.
    async fn chapters(&self) -> Vec<ChapterObject> {
        service::episode_chapters(&self.0)
            .into_iter()
            .map(|c| ChapterObject {
                title: c.title,
                start_secs: c.start_secs,
            })
            .collect()
    }
    /// Its tags.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(loaders(ctx)?
            .episode_tags
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Tag)
            .collect())
    }
    /// Its audio files and the feed enclosure (URLs signed when private).
    async fn media(&self, ctx: &Context<'_>) -> AppResult<crate::delivery::graphql::EpisodeMedia> {
        crate::delivery::graphql::episode_media(ctx, &self.0).await
    }
}

pub async fn list(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<PodcastFilter>,
    order_by: Option<OrderBy>,
) -> AppResult<Connection<String, Podcast, ListCount>> {
    let f = filter.unwrap_or_default();
    let query = PodcastQuery {
        channel_id: opt_id(f.channel.as_ref(), "Channel")?,
        language: f.language,
        visibility: f.visibility,
        text: f.text,
    };
    let page = service::list(
        &app(ctx)?.db,
        &viewer(ctx),
        query,
        order_by.unwrap_or_default(),
        first,
        after.as_deref(),
    )
    .await?;
    Ok(page.connection(after.is_some(), Podcast))
}

/// Podcast and episode queries.
#[derive(Default, Debug)]
pub struct PodcastsQuery;

#[Object]
impl PodcastsQuery {
    /// A podcast by ID, or by its channel's slug and its own slug.
    async fn podcast(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        channel_slug: Option<String>,
        slug: Option<String>,
    ) -> AppResult<Option<Podcast>> {
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        let found = match Lookup::of("Podcast", id, channel_slug, slug)? {
            Lookup::Id(id) => service::find(db, &viewer, id).await?,
            Lookup::Slug(c, s) => service::find_by_slug(db, &viewer, &c, &s).await?,
        };
        Ok(found.map(Podcast))
    }

    /// Podcasts the caller may see. `first` defaults to 24 and is capped at 100.
    async fn podcasts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PodcastFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<String, Podcast, ListCount>> {
        list(ctx, first, after, filter, order_by).await
    }

    /// An episode by ID.
    async fn episode(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Episode>> {
        let id = from_global(&id, "Episode")?;
        Ok(service::find_episode(&app(ctx)?.db, &viewer(ctx), id)
            .await?
            .map(Episode))
    }

    /// Episodes the caller may see, across podcasts. `first` defaults to 24 and is capped at 100.
    async fn episodes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<EpisodeFilter>,
        order_by: Option<OrderBy>,
    ) -> AppResult<Connection<String, Episode, ListCount>> {
        let f = filter.unwrap_or_default();
        let db = &app(ctx)?.db;
        let viewer = viewer(ctx);
        let podcast_id = f
            .podcast
            .as_ref()
            .map(|id| from_global(id, "Podcast"))
            .transpose()?;
        // Episodes of one podcast are listed only if the caller may see that podcast.
        if let Some(p) = podcast_id
            && service::find(db, &viewer, p).await?.is_none()
        {
            return Err(AppError::NotFound("podcast"));
        }
        let page = service::list_episodes(
            db,
            &viewer,
            EpisodeQuery {
                podcast_id,
                tag_id: f
                    .tag
                    .as_ref()
                    .map(|id| from_global(id, "Tag"))
                    .transpose()?,
                status: f.status,
                visibility: f.visibility,
                created_after: f.created_after,
                created_before: f.created_before,
                text: f.text,
            },
            order_by.unwrap_or_default(),
            first,
            after.as_deref(),
        )
        .await?;
        let rows: Vec<&episode::Model> = page.rows.iter().map(|(_, m)| m).collect();
        loaders(ctx)?
            .prefetch_episodes(ctx.look_ahead().field("edges").field("node"), &rows)
            .await?;
        Ok(page.connection(after.is_some(), Episode))
    }
}

/// Podcast and episode mutations.
#[derive(Default, Debug)]
pub struct PodcastsMutation;

#[Object]
impl PodcastsMutation {
    /// Creates a podcast in a channel the caller manages.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_podcast(
        &self,
        ctx: &Context<'_>,
        input: CreatePodcastInput,
    ) -> AppResult<PodcastPayload> {
        let p = service::create(
            &app(ctx)?.db,
            &viewer(ctx),
            NewPodcast {
                channel_id: from_global(&input.channel_id, "Channel")?,
                title: input.title,
                slug: input.slug,
                description: input.description,
                author: input.author,
                owner_name: input.owner_name,
                owner_email: input.owner_email,
                language: input.language,
                itunes_categories: categories(input.itunes_categories).unwrap_or_default(),
                explicit: input.explicit.unwrap_or(false),
                locked: input.locked.unwrap_or(false),
                podcast_type: input.podcast_type,
                visibility: input.visibility,
            },
        )
        .await?;
        Ok(PodcastPayload {
            podcast: Podcast(p),
        })
    }

    /// Changes a podcast.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_podcast(
        &self,
        ctx: &Context<'_>,
        input: UpdatePodcastInput,
    ) -> AppResult<PodcastPayload> {
        let id = from_global(&input.id, "Podcast")?;
        let p = service::update(
            &app(ctx)?.db,
            &viewer(ctx),
            id,
            PodcastChanges {
                title: input.title,
                slug: input.slug,
                description: input.description,
                author: input.author,
                owner_name: input.owner_name,
                owner_email: input.owner_email,
                language: input.language,
                itunes_categories: categories(input.itunes_categories),
                explicit: input.explicit,
                locked: input.locked,
                podcast_type: input.podcast_type,
                visibility: input.visibility,
            },
        )
        .await?;
        Ok(PodcastPayload {
            podcast: Podcast(p),
        })
    }

    /// Deletes a podcast and its episodes.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_podcast(
        &self,
        ctx: &Context<'_>,
        input: DeleteNodeInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Podcast")?;
        let app = app(ctx)?;
        delete_with_media(
            app,
            Owner::Podcast(id),
            service::delete(&app.db, &viewer(ctx), id),
        )
        .await?;
        Ok(DeletePayload::of(input.id))
    }

    /// Creates an episode.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn create_episode(
        &self,
        ctx: &Context<'_>,
        input: CreateEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let e = service::create_episode(
            &app(ctx)?.db,
            &viewer(ctx),
            NewEpisode {
                podcast_id: from_global(&input.podcast_id, "Podcast")?,
                title: input.title,
                slug: input.slug,
                description: input.description,
                guid: input.guid,
                season: input.season,
                number: input.number,
                episode_type: input.episode_type,
                visibility: input.visibility,
                publish_at: input.publish_at,
                unpublish_at: input.unpublish_at,
                tag_ids: ids(input.tag_ids, "Tag")?.unwrap_or_default(),
                chapters: input
                    .chapters
                    .unwrap_or_default()
                    .into_iter()
                    .map(Chapter::from)
                    .collect(),
            },
        )
        .await?;
        Ok(EpisodePayload {
            episode: Episode(e),
        })
    }

    /// Changes an episode; its GUID only until it is first published.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_episode(
        &self,
        ctx: &Context<'_>,
        input: UpdateEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let id = from_global(&input.id, "Episode")?;
        let e = service::update_episode(
            &app(ctx)?.db,
            &viewer(ctx),
            id,
            EpisodeChanges {
                title: input.title,
                slug: input.slug,
                description: input.description,
                guid: input.guid,
                season: maybe(input.season, Ok)?,
                number: maybe(input.number, Ok)?,
                episode_type: input.episode_type,
                visibility: input.visibility,
                publish_at: maybe(input.publish_at, Ok)?,
                unpublish_at: maybe(input.unpublish_at, Ok)?,
                tag_ids: ids(input.tag_ids, "Tag")?,
                chapters: input
                    .chapters
                    .map(|c| c.into_iter().map(Chapter::from).collect()),
            },
        )
        .await?;
        Ok(EpisodePayload {
            episode: Episode(e),
        })
    }

    /// Publishes an episode now or later; its GUID is frozen from then on. An episode with no
    /// media, or whose only media failed, is refused (`VALIDATION`); one whose media is still
    /// processing goes out as soon as it is ready.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn publish_episode(
        &self,
        ctx: &Context<'_>,
        input: PublishEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let id = from_global(&input.id, "Episode")?;
        let e = service::publish_episode(&app(ctx)?.db, &viewer(ctx), id, input.at).await?;
        Ok(EpisodePayload {
            episode: Episode(e),
        })
    }

    /// Unpublishes an episode now or later.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn unpublish_episode(
        &self,
        ctx: &Context<'_>,
        input: PublishEpisodeInput,
    ) -> AppResult<EpisodePayload> {
        let id = from_global(&input.id, "Episode")?;
        let e = service::unpublish_episode(&app(ctx)?.db, &viewer(ctx), id, input.at).await?;
        Ok(EpisodePayload {
            episode: Episode(e),
        })
    }

    /// Deletes an episode.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_episode(
        &self,
        ctx: &Context<'_>,
        input: DeleteNodeInput,
    ) -> AppResult<DeletePayload> {
        let id = from_global(&input.id, "Episode")?;
        let app = app(ctx)?;
        delete_with_media(
            app,
            crate::media::subject::Subject::Episode(id).into(),
            service::delete_episode(&app.db, &viewer(ctx), id),
        )
        .await?;
        Ok(DeletePayload::of(input.id))
    }
}
