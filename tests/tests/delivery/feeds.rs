//! Podcast and channel feeds, parsed the way apps parse them (the `rss` crate) and checked
//! element by element with quick-xml; hostile text; what is left out; conditional requests.

use chrono::{Duration as Days, Utc};
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use quick_xml::events::Event;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use serde_json::json;

use crate::support::{self, advertised as public_url, with_secret};

/// Text that has broken feeds: CDATA terminators, entities, markup, emoji, right-to-left
/// script, and control characters XML 1.0 cannot carry.
const HOSTILE_TITLE: &str = "Ep ]]> & <b>\"quotes\"</b> 🎙️ שלום עולם مرحبا";
const HOSTILE_DESCRIPTION: &str =
    "Tom & Jerry ]]> <![CDATA[ x ]]> 🎬🎧 שלום עולם مرحبا \u{1}\u{1b} <script>alert(1)</script>";

/// An element: qualified name, text, attributes.
type Element = (String, String, Vec<(String, String)>);

/// Every element's unescaped text, in document order, by qualified name; also proves the
/// document is well-formed XML from start to end.
fn elements(xml: &[u8]) -> Vec<Element> {
    fn open(e: &quick_xml::events::BytesStart<'_>) -> Element {
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let attrs = e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect();
        (name, String::new(), attrs)
    }
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(e) => {
                out.push(open(&e));
                stack.push(out.len() - 1);
            }
            Event::Empty(e) => out.push(open(&e)),
            Event::Text(t) => {
                if let Some(&i) = stack.last() {
                    out[i].1.push_str(&t.unescape().unwrap());
                }
            }
            Event::CData(t) => {
                if let Some(&i) = stack.last() {
                    out[i].1.push_str(std::str::from_utf8(&t).unwrap());
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    assert!(stack.is_empty(), "unclosed elements");
    out
}

fn one<'a>(els: &'a [Element], name: &str) -> &'a str {
    let found: Vec<_> = els.iter().filter(|e| e.0 == name).collect();
    assert!(!found.is_empty(), "no <{name}>");
    &found[0].1
}

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

async fn a_podcast_feed_is_valid_rss_with_itunes_and_podcast_fields_even_with_hostile_text(
    backend: Backend,
) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Pod channel").await;
    let podcast = support::podcast(
        &app,
        &admin,
        &channel,
        json!({ "description": HOSTILE_DESCRIPTION, "explicit": true, "type": "SERIAL" }),
    )
    .await;
    let storage = support::storage(&app).await;
    let ep = support::episode(
        &app,
        &admin,
        &podcast,
        HOSTILE_TITLE,
        json!({ "description": HOSTILE_DESCRIPTION, "season": 2, "number": 7,
                "episodeType": "BONUS", "guid": "urn:test:ep-7",
                "publishAt": (Utc::now() - Days::days(1)).to_rfc3339() }),
    )
    .await;
    let out = support::audio_outputs(&app, storage.as_ref()).await;
    support::attach_episode(&app, &ep, out.asset).await;
    support::set_episode_duration(&app, &ep, 4.0).await;

    let (status, headers, body) = fetch(&app, "/feeds/podcasts/the-show.xml").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers[CONTENT_TYPE], "application/rss+xml; charset=utf-8");
    // The channel-qualified address gives the same document.
    let (_, _, same) = fetch(&app, "/feeds/podcasts/pod-channel/the-show.xml").await;
    assert_eq!(body, same);

    // As podcast apps read it.
    let feed = rss::Channel::read_from(&body[..]).expect("the rss crate parses the feed");
    assert_eq!(feed.title(), "The Show");
    // The web app's page of the podcast (`/podcasts/{channel}/{slug}`), not the site's root.
    assert_eq!(
        feed.link(),
        app.config
            .public_url
            .join("/podcasts/pod-channel/the-show")
            .unwrap()
            .as_str()
    );
    assert_eq!(feed.language(), Some("en"));
    assert!(
        feed.description().contains("Tom &amp; Jerry"),
        "{}",
        feed.description()
    );
    assert!(feed.description().contains("🎬🎧 שלום עולם مرحبا"));
    assert!(!feed.description().contains("<script>"));
    let it = feed.itunes_ext().expect("itunes fields");
    assert_eq!(it.author(), Some("Ann Author"));
    let owner = it.owner().unwrap();
    assert_eq!(owner.name(), Some("Owen Owner"));
    assert_eq!(owner.email(), Some("owner@example.com"));
    assert_eq!(it.explicit(), Some("true"));
    assert_eq!(it.r#type(), Some("serial"));
    let cats = it.categories();
    assert_eq!(cats[0].text(), "Technology");
    assert_eq!(cats[1].text(), "News");
    assert_eq!(cats[1].subcategory().unwrap().text(), "Tech News");
    let podcast_ns = &feed.extensions()["podcast"];
    let guid = podcast_ns["guid"][0].value().unwrap();
    assert_eq!(uuid::Uuid::parse_str(guid).unwrap().get_version_num(), 5);
    let locked = &podcast_ns["locked"][0];
    assert_eq!(locked.value(), Some("no"));
    assert_eq!(locked.attrs()["owner"], "owner@example.com");

    assert_eq!(feed.items().len(), 1);
    let item = &feed.items()[0];
    assert_eq!(item.title(), Some(HOSTILE_TITLE));
    let description = item.description().unwrap();
    assert!(
        description.contains("🎬🎧 שלום עולם مرحبا"),
        "{description}"
    );
    assert!(description.contains("Tom &amp; Jerry"), "{description}");
    assert!(!description.contains('\u{1}') && !description.contains('\u{1b}'));
    let guid = item.guid().unwrap();
    assert_eq!(guid.value(), "urn:test:ep-7");
    assert!(!guid.is_permalink());
    let enclosure = item.enclosure().unwrap();
    assert_eq!(
        enclosure.url(),
        public_url(&app, out.asset, "audio/audio.mp3")
    );
    assert_eq!(enclosure.length(), out.mp3.len().to_string());
    assert_eq!(enclosure.mime_type(), "audio/mpeg");
    assert!(item.pub_date().is_some());
    let ie = item.itunes_ext().unwrap();
    assert_eq!(ie.duration(), Some("4"));
    assert_eq!(ie.episode(), Some("7"));
    assert_eq!(ie.season(), Some("2"));
    assert_eq!(ie.episode_type(), Some("bonus"));

    // Element by element with quick-xml: the same values, and no HLS anywhere.
    let els = elements(&body);
    assert_eq!(one(&els, "itunes:author"), "Ann Author");
    assert_eq!(one(&els, "itunes:explicit"), "true");
    assert_eq!(one(&els, "itunes:episodeType"), "bonus");
    assert_eq!(one(&els, "itunes:season"), "2");
    let enclosure = els.iter().find(|e| e.0 == "enclosure").unwrap();
    let attr = |k: &str| enclosure.2.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(attr("length"), out.mp3.len().to_string());
    assert_eq!(attr("type"), "audio/mpeg");
    let titles: Vec<&str> = els
        .iter()
        .filter(|e| e.0 == "title")
        .map(|e| e.1.as_str())
        .collect();
    assert!(titles.contains(&HOSTILE_TITLE), "{titles:?}");
    assert!(!String::from_utf8_lossy(&body).contains("m3u8"));
    // The enclosure really is the file, byte for byte.
    let r = app
        .client
        .get(support::local(&app, &enclosure_url(&feed)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), out.mp3.as_slice());

    // The owner locks the show: directories and hosts must not let anyone else import it.
    let locked = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: UpdatePodcastInput!) { updatePodcast(input: $i) { podcast { locked } } }",
            json!({ "i": { "id": podcast, "locked": true } }),
        )
        .await;
    assert_eq!(locked["updatePodcast"]["podcast"]["locked"], true);
    let (_, _, body) = fetch(&app, "/feeds/podcasts/the-show.xml").await;
    let feed = rss::Channel::read_from(&body[..]).unwrap();
    let lock = &feed.extensions()["podcast"]["locked"][0];
    assert_eq!(lock.value(), Some("yes"));
    assert_eq!(lock.attrs()["owner"], "owner@example.com");
}

fn enclosure_url(feed: &rss::Channel) -> String {
    feed.items()[0].enclosure().unwrap().url().to_string()
}

async fn feeds_list_only_public_episodes_inside_their_window(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Windowed").await;
    let podcast = support::podcast(&app, &admin, &channel, json!({})).await;
    let storage = support::storage(&app).await;
    let cases = [
        ("shown", json!({})),
        ("draft", json!({ "status": "DRAFT" })),
        // Audio attached but not playable yet, or never: not in the feed.
        ("processing", json!({ "status": "PROCESSING" })),
        ("failed", json!({ "status": "FAILED" })),
        ("never published", json!({ "publishAt": null })),
        ("private", json!({ "visibility": "PRIVATE" })),
        ("unlisted", json!({ "visibility": "UNLISTED" })),
        (
            "future",
            json!({ "publishAt": (Utc::now() + Days::days(1)).to_rfc3339() }),
        ),
        (
            "expired",
            json!({ "unpublishAt": (Utc::now() - Days::days(1)).to_rfc3339() }),
        ),
        ("no audio yet", json!({})),
    ];
    for (title, extra) in cases {
        let ep = support::episode(&app, &admin, &podcast, title, extra).await;
        if title != "no audio yet" {
            let out = support::audio_outputs(&app, storage.as_ref()).await;
            support::attach_episode(&app, &ep, out.asset).await;
        }
    }
    let (status, _, body) = fetch(&app, "/feeds/podcasts/the-show.xml").await;
    assert_eq!(status, StatusCode::OK);
    let feed = rss::Channel::read_from(&body[..]).unwrap();
    let titles: Vec<&str> = feed.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(titles, ["shown"]);
}

async fn feeds_of_unpublished_or_unknown_podcasts_are_404(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Hidden").await;
    support::podcast(
        &app,
        &admin,
        &channel,
        json!({ "visibility": "PRIVATE", "slug": "secret" }),
    )
    .await;
    for path in [
        "/feeds/podcasts/secret.xml",
        "/feeds/podcasts/hidden/secret.xml",
        "/feeds/podcasts/nothing-here.xml",
        "/feeds/podcasts/secret",
        "/feeds/podcasts/..%2Fsecret.xml",
        "/feeds/podcasts/.xml",
        "/feeds/channels/nothing-here.xml",
    ] {
        let (status, _, body) = fetch(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("<rss"), "{path}");
    }
    // The same slug in two channels: only the channel-qualified addresses answer.
    let other = support::channel(&app, &admin, "Other").await;
    support::podcast(&app, &admin, &channel, json!({ "slug": "twin" })).await;
    support::podcast(&app, &admin, &other, json!({ "slug": "twin" })).await;
    assert_eq!(
        fetch(&app, "/feeds/podcasts/twin.xml").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(&app, "/feeds/podcasts/hidden/twin.xml").await.0,
        StatusCode::OK
    );
    assert_eq!(
        fetch(&app, "/feeds/podcasts/other/twin.xml").await.0,
        StatusCode::OK
    );
}

async fn feeds_answer_conditional_requests_with_304(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Polled").await;
    support::podcast(&app, &admin, &channel, json!({})).await;
    let url = app.url("/feeds/podcasts/the-show.xml");
    let r = app.client.get(&url).send().await.unwrap();
    let etag = r.headers()[ETAG].to_str().unwrap().to_string();
    let modified = r.headers()[LAST_MODIFIED].to_str().unwrap().to_string();
    let r = app
        .client
        .get(&url)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = app
        .client
        .get(&url)
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = app
        .client
        .get(&url)
        .header(IF_NONE_MATCH, "garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn a_channel_feed_carries_media_rss_content_and_thumbnails(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Videos Here").await;
    let id = support::video(
        &app,
        &admin,
        &channel,
        HOSTILE_TITLE,
        json!({ "description": HOSTILE_DESCRIPTION }),
    )
    .await;
    support::video(
        &app,
        &admin,
        &channel,
        "Unlisted one",
        json!({ "visibility": "UNLISTED" }),
    )
    .await;
    let storage = support::storage(&app).await;
    let out = support::video_outputs(&app, storage.as_ref(), 100).await;
    support::attach_video(&app, &id, out.asset).await;
    let (status, _, body) = fetch(&app, "/feeds/channels/videos-here.xml").await;
    assert_eq!(status, StatusCode::OK);
    let feed = rss::Channel::read_from(&body[..]).unwrap();
    assert_eq!(feed.title(), "Videos Here");
    assert_eq!(
        feed.link(),
        app.config
            .public_url
            .join("/channels/videos-here")
            .unwrap()
            .as_str()
    );
    assert_eq!(feed.items().len(), 1);
    let item = &feed.items()[0];
    assert_eq!(item.title(), Some(HOSTILE_TITLE));
    let media = &item.extensions()["media"];
    let content = &media["content"][0];
    assert_eq!(
        content.attrs()["url"],
        public_url(&app, out.asset, "hls/master.m3u8")
    );
    assert_eq!(content.attrs()["medium"], "video");
    let thumbs = &media["thumbnail"];
    assert_eq!(thumbs.len(), 2);
    assert_eq!(
        thumbs[0].attrs()["url"],
        public_url(&app, out.asset, "images/thumb-1-1280.jpg")
    );
    assert_eq!(thumbs[0].attrs()["width"], "1280");
    assert!(
        media["player"][0].attrs()["url"].ends_with(&format!("/embed/{}", support::uuid_of(&id)))
    );
    elements(&body);
}

both_databases!(
    a_podcast_feed_is_valid_rss_with_itunes_and_podcast_fields_even_with_hostile_text,
    feeds_list_only_public_episodes_inside_their_window,
    feeds_of_unpublished_or_unknown_podcasts_are_404,
    feeds_answer_conditional_requests_with_304,
    a_channel_feed_carries_media_rss_content_and_thumbnails,
);
