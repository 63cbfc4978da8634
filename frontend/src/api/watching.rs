//! The calls of the watching pages: the watch page (with related videos), the playlist page and
//! the episode page. Each is sent with the signed-in session when there is one, so an editor
//! who opens a draft, private or scheduled item of theirs on the site sees it (with signed media
//! URLs); anonymous visitors get what the public may see.

use graphql_client::GraphQLQuery;

use super::{ApiError, Caption, Chapter, VideoSummary, execute_as, unless_missing};
use crate::session::Session;

/// The `WatchPage` operation (`graphql/watch_page.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/watch_page.graphql",
    response_derives = "Debug",
    variables_derives = "Clone"
)]
pub struct WatchPage;

/// The `PlaylistPage` operation (`graphql/playlist_page.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/playlist_page.graphql",
    response_derives = "Debug",
    variables_derives = "Clone"
)]
pub struct PlaylistPage;

/// The `EpisodePage` operation (`graphql/episode_page.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/episode_page.graphql",
    response_derives = "Debug",
    variables_derives = "Clone"
)]
pub struct EpisodePage;

// How the operations' custom scalars arrive.
/// `DateTime`: RFC 3339, UTC.
type DateTime = String;
/// `UUID`: hyphenated, lower case.
#[allow(clippy::upper_case_acronyms)]
type UUID = String;

/// A name and the slug of its page (a tag, a category).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Display name.
    pub name: String,
    /// Its slug, the `{slug}` of its page.
    pub slug: String,
}

/// Everything the watch page shows of a video.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchVideo {
    /// Its global ID.
    pub id: String,
    /// Its UUID.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// Length in seconds, once known.
    pub duration: Option<f64>,
    /// When it was published (else created); RFC 3339.
    pub published: String,
    /// How often it was watched.
    pub view_count: i64,
    /// How many like it (written in batches).
    pub like_count: i64,
    /// Whether the signed-in viewer likes it.
    pub liked: bool,
    /// Where the signed-in viewer stopped, in seconds.
    pub position: Option<f64>,
    /// Chapters in order.
    pub chapters: Vec<Chapter>,
    /// The channel's global ID.
    pub channel_id: String,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
    /// How many follow the channel (written in batches).
    pub subscriber_count: i64,
    /// Whether the signed-in viewer follows the channel.
    pub subscribed: bool,
    /// Its category, if any.
    pub category: Option<Named>,
    /// Its tags, by name.
    pub tags: Vec<Named>,
    /// The HLS master playlist, once the video can be played.
    pub hls_url: Option<String>,
    /// The poster picture.
    pub poster_url: Option<String>,
    /// Caption tracks.
    pub captions: Vec<Caption>,
    /// The storyboard sprite, for previews over the player's timeline.
    pub sprite_url: Option<String>,
    /// The sprite's WebVTT index.
    pub sprite_vtt_url: Option<String>,
    /// Public videos related to it, best first.
    pub related: Vec<VideoSummary>,
}

/// A playlist with its videos in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaylistDetails {
    /// Its UUID, the `{id}` of `/playlists/{id}` and of `?list=`.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
    /// Its videos the caller may see, in order.
    pub videos: Vec<VideoSummary>,
}

/// An episode's page.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeDetails {
    /// Its UUID, the `{id}` of `/episodes/{id}`.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Season number.
    pub season: Option<i64>,
    /// Episode number.
    pub number: Option<i64>,
    /// When it was published, else created; RFC 3339.
    pub published: String,
    /// Chapters in order.
    pub chapters: Vec<Chapter>,
    /// The podcast's title.
    pub podcast_title: String,
    /// The podcast's slug.
    pub podcast_slug: String,
    /// The podcast's cover art.
    pub artwork_url: Option<String>,
    /// The channel's name.
    pub channel_name: String,
    /// The channel's slug.
    pub channel_slug: String,
    /// Its audio files as `(url, MIME type)`, MP3 first.
    pub audio: Vec<(String, String)>,
    /// How many like it (written in batches).
    pub like_count: i64,
    /// Whether the signed-in viewer likes it.
    pub liked: bool,
}

macro_rules! cards_from {
    ($($module:ident :: $fragment:ident),*) => {$(
        impl From<$module::$fragment> for VideoSummary {
            fn from(v: $module::$fragment) -> Self {
                Self {
                    uuid: v.uuid,
                    title: v.title,
                    duration: v.duration,
                    channel_name: v.channel.name,
                    channel_slug: v.channel.slug,
                    poster_url: v.media.poster_url,
                }
            }
        }
    )*};
}
cards_from!(watch_page::RelatedCard, playlist_page::PlaylistCard);

fn chapters(list: impl IntoIterator<Item = (String, f64)>) -> Vec<Chapter> {
    list.into_iter()
        .map(|(title, start_secs)| Chapter { title, start_secs })
        .collect()
}

/// A video by its UUID, as the caller (signed in or not) may see it; `None` when there is none.
pub async fn video(session: Option<Session>, uuid: String) -> Result<Option<WatchVideo>, ApiError> {
    let Some(data) =
        unless_missing(as_viewer::<WatchPage>(session, watch_page::Variables { id: uuid }).await)?
    else {
        return Ok(None);
    };
    Ok(data.video.map(|v| {
        let media = v.media;
        WatchVideo {
            id: v.id,
            uuid: v.uuid,
            title: v.title,
            description_html: v.description_html,
            duration: v.duration,
            published: v.publish_at.unwrap_or(v.created_at),
            view_count: v.view_count,
            like_count: v.like_count,
            liked: v.viewer_has_liked,
            position: v.viewer_position,
            chapters: chapters(v.chapters.into_iter().map(|c| (c.title, c.start_secs))),
            channel_id: v.channel.id,
            channel_name: v.channel.name,
            channel_slug: v.channel.slug,
            subscriber_count: v.channel.subscriber_count,
            subscribed: v.channel.viewer_is_subscribed,
            category: v.category.map(|c| Named {
                name: c.name,
                slug: c.slug,
            }),
            tags: v
                .tags
                .into_iter()
                .map(|t| Named {
                    name: t.name,
                    slug: t.slug,
                })
                .collect(),
            hls_url: media.hls_url.filter(|_| media.playable),
            poster_url: media.poster_url,
            sprite_url: media.sprite_url,
            sprite_vtt_url: media.sprite_vtt_url,
            captions: media
                .captions
                .into_iter()
                .map(|c| Caption {
                    language: c.language,
                    url: c.url,
                })
                .collect(),
            related: v.related.into_iter().map(Into::into).collect(),
        }
    }))
}

/// A playlist by its UUID with its videos in order; `None` when there is none.
pub async fn playlist(
    session: Option<Session>,
    uuid: String,
) -> Result<Option<PlaylistDetails>, ApiError> {
    let Some(id) = global_id("Playlist", &uuid) else {
        return Ok(None);
    };
    let Some(data) =
        unless_missing(as_viewer::<PlaylistPage>(session, playlist_page::Variables { id }).await)?
    else {
        return Ok(None);
    };
    Ok(data.playlist.map(|p| PlaylistDetails {
        uuid,
        title: p.title,
        description_html: p.description_html,
        channel_name: p.channel.name,
        channel_slug: p.channel.slug,
        videos: p.items.nodes.into_iter().map(|i| i.video.into()).collect(),
    }))
}

/// An episode by its UUID; `None` when there is none.
pub async fn episode(
    session: Option<Session>,
    uuid: String,
) -> Result<Option<EpisodeDetails>, ApiError> {
    let Some(id) = global_id("Episode", &uuid) else {
        return Ok(None);
    };
    let Some(data) =
        unless_missing(as_viewer::<EpisodePage>(session, episode_page::Variables { id }).await)?
    else {
        return Ok(None);
    };
    Ok(data.episode.map(|e| EpisodeDetails {
        uuid,
        title: e.title,
        description_html: e.description_html,
        duration: e.duration,
        season: e.season,
        number: e.number,
        published: e.publish_at.unwrap_or(e.created_at),
        chapters: chapters(e.chapters.into_iter().map(|c| (c.title, c.start_secs))),
        podcast_title: e.podcast.title,
        podcast_slug: e.podcast.slug,
        artwork_url: e.podcast.artwork_url,
        channel_name: e.podcast.channel.name,
        channel_slug: e.podcast.channel.slug,
        audio: e
            .media
            .audio
            .into_iter()
            .map(|a| (a.url, a.content_type))
            .collect(),
        like_count: e.like_count,
        liked: e.viewer_has_liked,
    }))
}

/// Runs a read as the signed-in user when there may be one (the admin app's session, see
/// `admin::session`), else anonymously; a session that turns out to be over reads anonymously.
pub(crate) async fn as_viewer<Q: GraphQLQuery>(
    session: Option<Session>,
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError>
where
    Q::Variables: Clone,
{
    if let Some(session) = session.filter(|s| s.may_be_signed_in()) {
        match session.call::<Q>(variables.clone()).await {
            Err(e) if e.code() == Some("UNAUTHENTICATED") => {}
            other => return other,
        }
    }
    execute_as::<Q>(None, variables).await
}

/// The app path of a playlist's page.
pub fn playlist_path(uuid: &str) -> String {
    format!("/playlists/{uuid}")
}

/// The app path of a video's watch page within a playlist.
pub fn watch_in_list_path(uuid: &str, list: &str) -> String {
    format!("/watch/{uuid}?list={list}")
}

/// The app path of an episode's page.
pub fn episode_path(uuid: &str) -> String {
    format!("/episodes/{uuid}")
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The global ID of the `kind` object with this UUID (`base64url("Kind:uuid")`, unpadded, as
/// the API makes them); `None` when `uuid` is not a UUID (a mistyped address).
pub fn global_id(kind: &str, uuid: &str) -> Option<String> {
    let is_uuid = uuid.len() == 36
        && uuid.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if !is_uuid {
        return None;
    }
    let bytes = format!("{kind}:{}", uuid.to_ascii_lowercase()).into_bytes();
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    Some(out)
}

/// The UUID inside a global ID (`None` when it is not one).
pub fn uuid_of(global_id: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::with_capacity(global_id.len() * 3 / 4);
    for c in global_id.bytes() {
        let v = BASE64URL.iter().position(|&b| b == c)? as u32;
        bits = bits << 6 | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count & 0xff) as u8);
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    let (_, uuid) = text.split_once(':')?;
    Some(uuid.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_are_made_and_read_as_the_api_makes_them() {
        let uuid = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b";
        // base64url("Playlist:0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"), unpadded.
        let id = global_id("Playlist", uuid).unwrap();
        assert_eq!(
            id,
            "UGxheWxpc3Q6MDE5M2EyYjQtNWM2ZC03ZThmLTlhMGItMWMyZDNlNGY1YTZi"
        );
        assert_eq!(uuid_of(&id).as_deref(), Some(uuid));
        assert_eq!(
            uuid_of(&global_id("Episode", uuid).unwrap()).as_deref(),
            Some(uuid)
        );
        assert_eq!(global_id("Playlist", "not-a-uuid"), None);
        assert_eq!(uuid_of("!!"), None);
    }
}
