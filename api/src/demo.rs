//! A small demo catalogue, so a newcomer sees something: `projector demo`, or automatically on
//! the first start of the embedded default with an empty database (`demo_content`). The media
//! for it arrives with the transcoding work; until then the videos have metadata only.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::channels::entity::channel;
use crate::channels::service::{self as channels, NewChannel};
use crate::error::AppResult;
use crate::playlists::service::{self as playlists, NewPlaylist};
use crate::podcasts::itunes::ItunesCategory;
use crate::podcasts::service::{self as podcasts, NewEpisode, NewPodcast};
use crate::podcasts::{EpisodeType, PodcastType};
use crate::taxonomy::service as taxonomy;
use crate::videos::service::{self as videos, Chapter, NewVideo};
use crate::visibility::{Status, Viewer, Visibility};

/// What the demo created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Channels created.
    pub channels: usize,
    /// Videos created.
    pub videos: usize,
    /// Playlists created.
    pub playlists: usize,
    /// Podcasts created.
    pub podcasts: usize,
    /// Episodes created.
    pub episodes: usize,
}

fn video(channel_id: uuid::Uuid, title: &str, description: &str, seconds: f64) -> NewVideo {
    NewVideo {
        channel_id,
        title: title.into(),
        slug: None,
        description: Some(description.into()),
        status: Some(Status::Ready),
        visibility: Some(Visibility::Public),
        publish_at: None,
        unpublish_at: None,
        duration_secs: Some(seconds),
        language: Some("en".into()),
        license: Some("CC BY 4.0".into()),
        category_id: None,
        tag_ids: Vec::new(),
        chapters: Vec::new(),
    }
}

/// Creates the demo catalogue unless the database already holds channels; returns what it made.
pub async fn seed(db: &DatabaseConnection) -> AppResult<Seeded> {
    let mut seeded = Seeded::default();
    if channel::Entity::find().count(db).await? > 0 {
        return Ok(seeded);
    }
    let admin = Viewer::Admin;
    let science = taxonomy::create_category(db, &admin, "Science", None, None).await?;
    let travel = taxonomy::create_category(db, &admin, "Travel", None, None).await?;
    let nature = taxonomy::create_tag(db, &admin, "Nature", None).await?;
    let space = taxonomy::create_tag(db, &admin, "Space", None).await?;

    let lab = channels::create(
        db,
        &admin,
        None,
        NewChannel {
            name: "Open Lab".into(),
            slug: None,
            description: Some("Short films about how things work.".into()),
        },
    )
    .await?;
    let roads = channels::create(
        db,
        &admin,
        None,
        NewChannel {
            name: "Slow Roads".into(),
            slug: None,
            description: Some("Journeys taken *slowly*.".into()),
        },
    )
    .await?;
    seeded.channels = 2;

    let mut lab_videos = Vec::new();
    for (title, description, seconds, tag, chapters) in [
        (
            "Why the sky is blue",
            "Rayleigh scattering in **four minutes**.",
            242.0,
            nature.id,
            vec![("Sunlight", 0.0), ("Scattering", 60.0), ("Sunsets", 180.0)],
        ),
        (
            "A year of the Moon",
            "Every phase, one frame a night.",
            318.0,
            space.id,
            vec![],
        ),
        (
            "How bees find home",
            "Waggle dances, explained.",
            401.0,
            nature.id,
            vec![],
        ),
    ] {
        let mut v = video(lab.id, title, description, seconds);
        v.category_id = Some(science.id);
        v.tag_ids = vec![tag];
        v.chapters = chapters
            .into_iter()
            .map(|(t, s)| Chapter {
                title: t.into(),
                start_secs: s,
            })
            .collect();
        lab_videos.push(videos::create(db, &admin, v).await?);
    }
    for (title, description, seconds) in [
        (
            "Night train to the coast",
            "Eleven hours, one window.",
            1260.0,
        ),
        ("Walking the old salt road", "Three days on foot.", 905.0),
    ] {
        let mut v = video(roads.id, title, description, seconds);
        v.category_id = Some(travel.id);
        v.tag_ids = vec![nature.id];
        videos::create(db, &admin, v).await?;
    }
    seeded.videos = 5;

    let playlist = playlists::create(
        db,
        &admin,
        NewPlaylist {
            channel_id: lab.id,
            title: "Start here".into(),
            slug: None,
            description: Some("The best first three.".into()),
            visibility: Some(Visibility::Public),
        },
    )
    .await?;
    for v in &lab_videos {
        playlists::add_item(db, &admin, playlist.id, v.id, None).await?;
    }
    seeded.playlists = 1;

    let podcast = podcasts::create(
        db,
        &admin,
        NewPodcast {
            channel_id: lab.id,
            title: "Open Lab Radio".into(),
            slug: None,
            description: Some("Conversations with the people behind the films.".into()),
            author: "Open Lab".into(),
            owner_name: "Open Lab".into(),
            owner_email: "radio@example.com".into(),
            language: "en".into(),
            itunes_categories: vec![ItunesCategory {
                category: "Science".into(),
                subcategory: Some("Natural Sciences".into()),
            }],
            explicit: false,
            podcast_type: Some(PodcastType::Episodic),
            visibility: Some(Visibility::Public),
        },
    )
    .await?;
    seeded.podcasts = 1;
    for (number, title, kind) in [
        (0, "Welcome to Open Lab Radio", EpisodeType::Trailer),
        (1, "Chasing blue skies", EpisodeType::Full),
        (2, "The bee whisperer", EpisodeType::Full),
    ] {
        podcasts::create_episode(
            db,
            &admin,
            NewEpisode {
                podcast_id: podcast.id,
                title: title.into(),
                slug: None,
                description: Some(format!("Episode {number} of Open Lab Radio.")),
                guid: None,
                duration_secs: Some(1800.0),
                season: Some(1),
                number: Some(number),
                episode_type: Some(kind),
                status: Some(Status::Ready),
                visibility: Some(Visibility::Public),
                publish_at: None,
                unpublish_at: None,
                tag_ids: Vec::new(),
            },
        )
        .await?;
        seeded.episodes += 1;
    }
    Ok(seeded)
}
