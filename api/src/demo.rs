//! A small demo catalogue, so a newcomer sees something: `projector demo`, or automatically on
//! the first start of the embedded default with an empty database (`demo_content`). Its media
//! (test-pattern clips with sound, a tone for the podcast) is generated with GStreamer and
//! transcoded by the workers like any upload.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::channels::entity::channel;
use crate::channels::service::{self as channels, NewChannel};
use crate::error::AppResult;
use crate::playlists::service::{self as playlists, NewPlaylist};
use crate::podcasts::itunes::ItunesCategory;
use crate::podcasts::service::{self as podcasts, NewEpisode, NewPodcast};
use crate::podcasts::{EpisodeType, PodcastType};
use crate::taxonomy::service as taxonomy;
use crate::videos::service::{self as videos, Chapter, NewVideo, VideoDetails};
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

fn video(channel_id: uuid::Uuid, title: &str, description: &str) -> NewVideo {
    NewVideo {
        channel_id,
        title: title.into(),
        slug: None,
        description: Some(description.into()),
        visibility: Some(Visibility::Public),
        // Published from the start: each goes out once its generated media is ready.
        publish_at: Some(chrono::Utc::now()),
        details: VideoDetails {
            language: Some("en".into()),
            license: Some("CC BY 4.0".into()),
            ..VideoDetails::default()
        },
    }
}

/// Creates the demo catalogue unless the database already holds channels, and opens
/// registration on its database; returns what it made.
pub async fn seed(db: &DatabaseConnection) -> AppResult<Seeded> {
    let mut seeded = Seeded::default();
    if channel::Entity::find().count(db).await? > 0 {
        return Ok(seeded);
    }
    // A demo is for trying things: visitors may sign up (unless `accounts.registration` says
    // otherwise). A new install without the demo stays closed.
    crate::community::registration::record_mode(db, crate::config::Registration::Open).await?;
    let admin = Viewer::Admin;
    let science = taxonomy::create_category(db, &admin, "Science", None, None).await?;
    let travel = taxonomy::create_category(db, &admin, "Travel", None, None).await?;
    let nature = taxonomy::create_tag(db, &admin, "Nature", None).await?;
    let space = taxonomy::create_tag(db, &admin, "Space", None).await?;

    let lab = demo_channel(db, "Open Lab", "Short films about how things work.").await?;
    let roads = demo_channel(db, "Slow Roads", "Journeys taken *slowly*.").await?;
    seeded.channels = 2;

    let lab_videos = seed_videos(
        db,
        [lab.id, roads.id],
        [science.id, travel.id],
        [nature.id, space.id],
    )
    .await?;
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

    seeded.podcasts = 1;
    seeded.episodes = seed_podcast(db, lab.id).await?;
    Ok(seeded)
}

/// A demo channel, created as an admin.
async fn demo_channel(
    db: &DatabaseConnection,
    name: &str,
    description: &str,
) -> AppResult<channel::Model> {
    channels::create(
        db,
        &Viewer::Admin,
        None,
        NewChannel {
            name: name.into(),
            slug: None,
            description: Some(description.into()),
        },
    )
    .await
}

/// Three videos in the lab channel (returned, for the playlist) and two in the roads channel.
async fn seed_videos(
    db: &DatabaseConnection,
    [lab, roads]: [uuid::Uuid; 2],
    [science, travel]: [uuid::Uuid; 2],
    [nature, space]: [uuid::Uuid; 2],
) -> AppResult<Vec<crate::videos::entity::video::Model>> {
    let admin = Viewer::Admin;
    let mut lab_videos = Vec::new();
    for (title, description, tag, chapters) in [
        (
            "Why the sky is blue",
            "Rayleigh scattering in **four minutes**.",
            nature,
            vec![("Sunlight", 0.0), ("Scattering", 60.0), ("Sunsets", 180.0)],
        ),
        (
            "A year of the Moon",
            "Every phase, one frame a night.",
            space,
            vec![],
        ),
        (
            "How bees find home",
            "Waggle dances, explained.",
            nature,
            vec![],
        ),
    ] {
        let mut v = video(lab, title, description);
        v.details.category_id = Some(science);
        v.details.tag_ids = vec![tag];
        v.details.chapters = chapters
            .into_iter()
            .map(|(t, s)| Chapter {
                title: t.into(),
                start_secs: s,
            })
            .collect();
        lab_videos.push(videos::create(db, &admin, v).await?);
    }
    for (title, description) in [
        ("Night train to the coast", "Eleven hours, one window."),
        ("Walking the old salt road", "Three days on foot."),
    ] {
        let mut v = video(roads, title, description);
        v.details.category_id = Some(travel);
        v.details.tag_ids = vec![nature];
        videos::create(db, &admin, v).await?;
    }
    Ok(lab_videos)
}

/// The lab channel's podcast and its episodes; returns how many episodes it made.
async fn seed_podcast(db: &DatabaseConnection, lab: uuid::Uuid) -> AppResult<usize> {
    let admin = Viewer::Admin;
    let podcast = podcasts::create(
        db,
        &admin,
        NewPodcast {
            channel_id: lab,
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
            locked: false,
            podcast_type: Some(PodcastType::Episodic),
            visibility: Some(Visibility::Public),
        },
    )
    .await?;
    let mut episodes = 0;
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
                season: Some(1),
                number: Some(number),
                episode_type: Some(kind),
                visibility: Some(Visibility::Public),
                publish_at: Some(chrono::Utc::now()),
                unpublish_at: None,
                tag_ids: Vec::new(),
                chapters: Vec::new(),
            },
        )
        .await?;
        episodes += 1;
    }
    Ok(episodes)
}

/// Gives the demo's videos and episodes real media: test-pattern clips with sound and a tone
/// for the podcast, generated with GStreamer on the spot (nothing is downloaded), stored as
/// sources and queued for transcoding like any upload. Runs in the background on the first
/// start; the items read `PROCESSING` until their transcode finishes.
pub async fn seed_media(ctx: &crate::state::Ctx) -> AppResult<usize> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};

    use crate::podcasts::entity::episode;
    use crate::videos::entity::video;

    tracing::info!("generating demo media");
    let owner = demo_owner(&ctx.db).await?;
    tracing::debug!(%owner, "demo media owner");
    let scratch = ctx.config.data_dir.join("demo-media");
    tokio::fs::create_dir_all(&scratch)
        .await
        .map_err(crate::AppError::internal)?;
    let mut made = 0;
    let videos = video::Entity::find()
        .filter(video::Column::SourceAssetId.is_null())
        .all(&ctx.db)
        .await?;
    const PATTERNS: [&str; 6] = ["smpte", "ball", "snow", "pinwheel", "spokes", "colors"];
    for (i, v) in videos.into_iter().enumerate() {
        let path = scratch.join(format!("{}.mp4", v.id));
        let pipeline = format!(
            "videotestsrc num-buffers=300 pattern={} ! video/x-raw,width=640,height=360,framerate=25/1 \
             ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse \
             ! mp4mux name=mux ! filesink location=\"{}\" \
             audiotestsrc num-buffers=282 samplesperbuffer=1024 freq={} volume=0.2 \
             ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
            PATTERNS[i % PATTERNS.len()],
            path.display(),
            220 + 110 * (i % 4),
        );
        generate(pipeline).await?;
        ingest(
            ctx,
            owner,
            &path,
            &v.title,
            crate::media::subject::Subject::Video(v.id),
        )
        .await?;
        made += 1;
    }
    let episodes = episode::Entity::find()
        .filter(episode::Column::MediaAssetId.is_null())
        .all(&ctx.db)
        .await?;
    for (i, e) in episodes.into_iter().enumerate() {
        let path = scratch.join(format!("{}.wav", e.id));
        let pipeline = format!(
            "audiotestsrc num-buffers=940 samplesperbuffer=1024 wave=sine freq={} volume=0.2 \
             ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! wavenc ! filesink location=\"{}\"",
            330 + 55 * i,
            path.display()
        );
        generate(pipeline).await?;
        ingest(
            ctx,
            owner,
            &path,
            &e.title,
            crate::media::subject::Subject::Episode(e.id),
        )
        .await?;
        made += 1;
    }
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    ctx.jobs.waiting.notify_waiters();
    Ok(made)
}

/// The user that owns demo media: the first admin, or a locked demo account.
async fn demo_owner(db: &DatabaseConnection) -> AppResult<uuid::Uuid> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _, QueryOrder as _};

    use crate::accounts::entity::user;
    if let Some(admin) = user::Entity::find()
        .filter(user::Column::Role.eq("admin"))
        .order_by_asc(user::Column::CreatedAt)
        .one(db)
        .await?
    {
        return Ok(admin.id);
    }
    let demo = crate::accounts::service::create_user(
        db,
        crate::accounts::service::NewUser {
            email: "demo@projector.invalid".into(),
            // Nobody knows this password: the account only owns the demo's files.
            password: crate::accounts::service::random_token("demo-"),
            role: crate::accounts::Role::Viewer,
            display_name: Some("Demo".into()),
        },
    )
    .await?;
    Ok(demo.id)
}

/// Runs a `gst-launch`-style pipeline description to its end on a blocking thread.
async fn generate(description: String) -> AppResult<()> {
    tokio::task::spawn_blocking(move || {
        crate::transcode::pipeline::launch(&description, std::time::Duration::from_secs(60))
            .map_err(|e| crate::AppError::internal(anyhow::anyhow!("demo media: {e}")))
    })
    .await?
}

/// Probes, stores and records a generated file as the source of `subject`, and queues its
/// transcode.
async fn ingest(
    ctx: &crate::state::Ctx,
    owner: uuid::Uuid,
    path: &std::path::Path,
    title: &str,
    subject: crate::media::subject::Subject,
) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait as _, Set};

    use crate::media::entity::media_asset;
    use crate::media::subject::{self, MediaChange};
    use crate::transcode::queue;
    let found = crate::media::probe::probe_file(path).await?;
    let sha = crate::media::uploads::sha256_file(path).await?;
    let asset = uuid::Uuid::now_v7();
    let key = crate::media::ObjectKey::for_asset(asset, "source")?;
    let content_type = if found.kind == "video" {
        "video/mp4"
    } else {
        "audio/wav"
    };
    let meta = ctx
        .storage
        .put_file_consuming(&key, path, content_type)
        .await?;
    media_asset::ActiveModel {
        id: Set(asset),
        owner_id: Set(owner),
        kind: Set("source".into()),
        storage_key: Set(key.as_str().into()),
        size: Set(i64::try_from(meta.size).unwrap_or(i64::MAX)),
        sha256: Set(sha),
        content_type: Set(content_type.into()),
        original_name: Set(format!(
            "{title}.{}",
            if found.kind == "video" { "mp4" } else { "wav" }
        )),
        probe: Set(Some(
            serde_json::to_string(&found).map_err(crate::AppError::internal)?,
        )),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&ctx.db)
    .await?;
    let change = MediaChange {
        asset: Some(asset),
        status: Some(Status::Processing),
        duration: Some(found.duration_secs),
        error: None,
    };
    subject::set_media(&ctx.db, subject, change).await?;
    queue::enqueue(&ctx.db, asset, subject, ctx.config.transcode.max_attempts).await?;
    Ok(())
}
